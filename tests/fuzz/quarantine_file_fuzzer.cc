// Fuzzes reading a quarantine file back (ReadQuarantineFile,
// node/quarantine.h): the entries a member of a cluster cut from its log,
// kept in DIR/quarantine/ on a disk that may have damaged them. Nothing else
// decodes these files: QuarantineTail only compares a file's bytes with
// the ones it would write.
//
// Input: the file's bytes.
//
// Checks, besides "never crashes":
//  - the answer is a decoded file or DataLoss naming the file;
//  - a decoded file holds at least one entry, its indexes do not pass
//    2^64 - 1, and its entries are a run of a log as the log's own chain
//    reader (ReadEntryLink) sees them: indexes start, start + 1, ..., each
//    prev_hash the leaf hash of the entry before (32 zero bytes at 0);
//  - a decoded file written back as QuarantineTail writes one (its
//    serialization) reads back the same.
// Once, at start: a missing file is NotFound.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <string_view>

#include "creg/log.pb.h"
#include "ledger/log_entry.h"
#include "ledger/merkle.h"
#include "node/quarantine.h"

namespace {

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "quarantine_file_fuzzer: %s\n", what.c_str());
  std::abort();
}

std::string* folder = nullptr;

void Write(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) Fail("cannot write " + path);
}

// The properties of a file ReadQuarantineFile decoded, checked with the
// log's chain reader rather than the decoder it uses.
void CheckDecoded(const creg::pb::QuarantinedEntries& file) {
  const uint64_t start = file.start();
  const auto count = static_cast<uint64_t>(file.entries_size());
  if (count == 0) Fail("decoded a file of no entries");
  if (count > std::numeric_limits<uint64_t>::max() - start) Fail("decoded indexes past 2^64");
  creg::Hash prev_leaf;
  for (uint64_t i = 0; i < count; ++i) {
    const std::string& bytes = file.entries(static_cast<int>(i));
    creg::StatusOr<creg::EntryLink> link = creg::ReadEntryLink(bytes);
    if (!link.ok()) Fail("decoded an entry the log cannot read: " + link.status().ToString());
    if (link->index != start + i) Fail("decoded entries out of order");
    if ((i > 0 || start == 0) && link->prev_hash != prev_leaf) Fail("decoded a broken chain");
    prev_leaf = creg::merkle::LeafHash(bytes);
  }
}

void Cleanup() {
  if (folder == nullptr) return;
  std::error_code ec;
  std::filesystem::remove_all(*folder, ec);
  delete folder;
  folder = nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::error_code ec;
  const std::filesystem::path base = std::filesystem::exists("/dev/shm")
                                         ? std::filesystem::path("/dev/shm")
                                         : std::filesystem::temp_directory_path(ec);
  folder = new std::string((base / "creg-quarantine-fuzz-XXXXXX").string());
  if (mkdtemp(folder->data()) == nullptr) Fail("cannot make a folder like " + *folder);
  std::atexit(Cleanup);
  const std::string missing = *folder + "/28-4-9.entries";
  if (creg::ReadQuarantineFile(missing).status().code() != creg::StatusCode::kNotFound) {
    Fail("a missing file is not NotFound");
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = *folder + "/28-4-9.entries";
  Write(path, std::string_view(reinterpret_cast<const char*>(data), size));
  creg::StatusOr<creg::pb::QuarantinedEntries> file = creg::ReadQuarantineFile(path);
  if (!file.ok()) {
    if (file.status().code() != creg::StatusCode::kDataLoss) {
      Fail("not DataLoss: " + file.status().ToString());
    }
    if (file.status().message().find(path) == std::string::npos) {
      Fail("an error that does not name the file: " + file.status().ToString());
    }
    return 0;
  }
  CheckDecoded(*file);
  const std::string bytes = file->SerializeAsString();
  const std::string again_path = *folder + "/28-4-9.entries.again";
  Write(again_path, bytes);
  creg::StatusOr<creg::pb::QuarantinedEntries> again = creg::ReadQuarantineFile(again_path);
  if (!again.ok()) Fail("a decoded file written back does not read: " + again.status().ToString());
  if (again->SerializeAsString() != bytes) Fail("a decoded file written back reads otherwise");
  return 0;
}
