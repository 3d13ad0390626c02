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
// The same bytes as a file's name, alone in a quarantine folder
// (CountQuarantined, which reads names only): counted, as END - FIRST
// entries, exactly when the name reads TERM-FIRST-END.entries as
// QuarantinePath writes it (decimal, no leading zero, TERM an int64,
// FIRST below END); else listed as unrecognised, or neither for a
// half-written NAME.entries.tmp. Bytes that cannot name a file are skipped.
// Once, at start: a missing file is NotFound.
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "creg/log.pb.h"
#include "ledger/data_dir.h"
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

// `text` as QuarantinePath writes a number: std::to_string's digits.
std::optional<uint64_t> Canonical(std::string_view text) {
  if (text.empty() || text.size() > 20 ||
      text.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  errno = 0;
  const unsigned long long value = std::strtoull(std::string(text).c_str(), nullptr, 10);
  if (errno == ERANGE || std::to_string(value) != text) return std::nullopt;
  return value;
}

// END - FIRST if `name` reads TERM-FIRST-END.entries as QuarantinePath
// writes it; nullopt otherwise.
std::optional<uint64_t> ExpectedCount(std::string_view name) {
  constexpr std::string_view kSuffix = ".entries";
  if (!name.ends_with(kSuffix)) return std::nullopt;
  name.remove_suffix(kSuffix.size());
  std::vector<std::string_view> parts;
  for (size_t from = 0;;) {
    const size_t dash = name.find('-', from);
    parts.push_back(name.substr(from, dash == std::string_view::npos ? dash : dash - from));
    if (dash == std::string_view::npos) break;
    from = dash + 1;
  }
  if (parts.size() != 3) return std::nullopt;
  const std::optional<uint64_t> term = Canonical(parts[0]);
  const std::optional<uint64_t> first = Canonical(parts[1]);
  const std::optional<uint64_t> end = Canonical(parts[2]);
  if (!term || *term > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) || !first ||
      !end || *first >= *end) {
    return std::nullopt;
  }
  return *end - *first;
}

void CheckName(std::string_view name) {
  if (name.empty() || name.size() > 255 || name == "." || name == ".." ||
      name.find_first_of(std::string_view("/\0", 2)) != std::string_view::npos) {
    return;
  }
  const creg::DataDir dir(*folder + "/names");
  const std::string path = dir.quarantine_dir() + "/" + std::string(name);
  std::filesystem::create_directories(dir.quarantine_dir());
  Write(path, "");
  creg::StatusOr<creg::QuarantineCount> count = creg::CountQuarantined(dir);
  std::error_code ec;
  std::filesystem::remove(path, ec);
  if (!count.ok()) Fail("cannot count: " + count.status().ToString());
  const std::optional<uint64_t> expected = ExpectedCount(name);
  if (expected) {
    if (count->files != 1 || count->entries != *expected || !count->unrecognised.empty()) {
      Fail("a name of QuarantinePath's form is not counted as it says");
    }
  } else if (count->files != 0 || count->entries != 0) {
    Fail("counted a name not of QuarantinePath's form");
  } else if (name.ends_with(".entries.tmp") != count->unrecognised.empty()) {
    Fail("a half-written file listed, or another name not listed");
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
  CheckName(std::string_view(reinterpret_cast<const char*>(data), size));
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
