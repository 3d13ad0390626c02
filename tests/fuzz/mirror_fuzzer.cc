// Fuzzes what a mirror does with what its writer sends (node/mirror_check.h):
// pages of entries and checkpoint notes, in any order, into an empty member
// of the fixed registry, as the follower would until the first alarm.
//
// Input: records of one kind byte (even: a serialized EntriesResponse; odd:
// a checkpoint note), a 2-byte little-endian length and that many bytes.
//
// Checks, besides "never crashes":
//  - an error is DataLoss (the alarm), never anything else: the store is
//    local and healthy here;
//  - the published checkpoint, if any, verifies with the registry's key and
//    its root is the mirror's own root at its size (what the writer signs
//    and the mirror serves are one history);
//  - the checkpoint of the fixed registry, once published, means the
//    mirror's first entries are exactly the fixed registry's.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "creg/wire.pb.h"
#include "ledger/checkpoint.h"
#include "ledger/store.h"
#include "node/checkpointer.h"
#include "node/mirror_check.h"
#include "tests/fuzz/fuzz_registry.h"

namespace {

using creg::fuzz::CheckOk;

std::unique_ptr<creg::fuzz::FuzzRegistry>* fixed = nullptr;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "mirror_fuzzer: %s\n", what.c_str());
  std::abort();
}

// A folder for one run's empty member, removed afterwards.
struct ScratchDir {
  ScratchDir() {
    std::error_code ec;
    const std::filesystem::path base = std::filesystem::exists("/dev/shm")
                                           ? std::filesystem::path("/dev/shm")
                                           : std::filesystem::temp_directory_path(ec);
    path = (base / "creg-mirror-fuzz-XXXXXX").string();
    if (mkdtemp(path.data()) == nullptr) Fail("cannot make a folder like " + path);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string path;
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fixed = new std::unique_ptr<creg::fuzz::FuzzRegistry>(creg::fuzz::FuzzRegistry::Create());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  ScratchDir dir;
  creg::StoreOptions options;
  options.create_if_missing = true;
  options.sync = false;
  options.write_buffer_size = 256 << 10;
  auto store = creg::Store::Open(dir.path + "/db", options, creg::Registry::ColumnNames());
  CheckOk(store.status(), "open store");
  creg::RegistryOptions registry_options;
  registry_options.origin = creg::fuzz::kOrigin;
  registry_options.registry_key = creg::fuzz::CheckpointVerifier().key();
  auto registry = creg::Registry::Open(store->get(), registry_options);
  CheckOk(registry.status(), "open registry");
  const creg::MerkleLog& log = (*registry)->log();
  creg::Checkpointer checkpointer(log, creg::fuzz::CheckpointSigner(), creg::fuzz::kOrigin,
                                  dir.path + "/checkpoint");
  creg::MirrorCheck check(**registry, checkpointer, creg::fuzz::CheckpointVerifier());

  while (input.size() >= 3) {
    const uint8_t kind = static_cast<uint8_t>(input[0]);
    const size_t length = static_cast<uint8_t>(input[1]) | (static_cast<uint8_t>(input[2]) << 8);
    input.remove_prefix(3);
    const std::string record(input.substr(0, length));
    input.remove_prefix(std::min(length, input.size()));
    creg::Status status;
    if (kind % 2 == 0) {
      creg::pb::EntriesResponse page;
      if (!page.ParseFromString(record)) continue;
      status = check.ApplyPage(page);
    } else {
      status = check.CheckCheckpoint(record);
    }
    if (!status.ok() && status.code() != creg::StatusCode::kDataLoss) {
      Fail("an error that is not the alarm: " + status.ToString());
    }
    if (auto published = checkpointer.latest()) {
      auto verified = creg::VerifyCheckpoint(published->note, creg::fuzz::CheckpointVerifier(),
                                             creg::fuzz::kOrigin);
      if (!verified.ok() || !(*verified == published->checkpoint)) {
        Fail("published a checkpoint that does not verify");
      }
      if (published->checkpoint.size > log.size()) Fail("published a checkpoint past the log");
      auto root = log.RecomputeRoot(published->checkpoint.size);
      if (!root.ok() || *root != published->checkpoint.root) {
        Fail("published a checkpoint of another history");
      }
      const creg::MerkleLog& truth = (*fixed)->registry().log();
      if (published->checkpoint.size <= truth.size()) {
        auto true_root = truth.RecomputeRoot(published->checkpoint.size);
        if (true_root.ok() && published->checkpoint.size == truth.size() && *true_root != *root) {
          Fail("the fixed registry's checkpoint over other entries");
        }
      }
    }
    if (!status.ok()) break;  // the follower stops at the alarm
  }
  return 0;
}
