#include "node/quarantine.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

#include "ledger/encoding.h"
#include "ledger/log_entry.h"
#include "ledger/merkle.h"
#include "node/log.h"

namespace creg {
namespace {

// Creates `folder` if missing, durably: its entry in `parent` is synced.
Status MakeFolderDurably(const std::string& folder, const std::string& parent) {
  std::error_code ec;
  if (std::filesystem::is_directory(folder, ec)) return OkStatus();
  std::filesystem::create_directories(folder, ec);
  if (ec) return UnavailableError("cannot create " + folder + ": " + ec.message());
  int fd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return UnavailableError("cannot open " + parent + ": " + std::strerror(errno));
  const int synced = ::fsync(fd);
  const int sync_errno = errno;
  ::close(fd);
  if (synced != 0)
    return UnavailableError("cannot sync " + parent + ": " + std::strerror(sync_errno));
  return OkStatus();
}

// The stored bytes of entries [begin, end), read a page at a time.
Status CopyEntries(const MerkleLog& log, uint64_t begin, uint64_t end,
                   pb::QuarantinedEntries& out) {
  while (begin < end) {
    CREG_ASSIGN_OR_RETURN(std::vector<std::string> page, log.Entries(begin, end));
    for (std::string& entry : page) out.add_entries(std::move(entry));
    begin += page.size();
  }
  return OkStatus();
}

constexpr std::string_view kSuffix = ".entries";

// The [first, end) a file name of QuarantinePath's form states; nullopt
// for any other name.
std::optional<std::pair<uint64_t, uint64_t>> NamedRange(std::string_view name) {
  if (!name.ends_with(kSuffix)) return std::nullopt;
  name.remove_suffix(kSuffix.size());
  const size_t dash = name.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const size_t second = name.find('-', dash + 1);
  if (second == std::string_view::npos) return std::nullopt;
  const StatusOr<uint64_t> term = ParseDecimalUint64(name.substr(0, dash), "term");
  const StatusOr<uint64_t> first =
      ParseDecimalUint64(name.substr(dash + 1, second - dash - 1), "first");
  const StatusOr<uint64_t> end = ParseDecimalUint64(name.substr(second + 1), "end");
  if (!term.ok() || *term > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ||
      !first.ok() || !end.ok() || *first >= *end) {
    return std::nullopt;
  }
  return std::make_pair(*first, *end);
}

// DataLoss naming `path` unless `file` holds a run of entries as a log
// stores them: each a LogEntry whose index follows from `start` and whose
// prev_hash is the leaf hash of the one before (32 zero bytes at index 0).
Status CheckEntries(const std::string& path, const pb::QuarantinedEntries& file) {
  const uint64_t start = file.start();
  const auto count = static_cast<uint64_t>(file.entries_size());
  if (count == 0) return DataLossError(path + " holds no entries");
  if (count > std::numeric_limits<uint64_t>::max() - start) {
    return DataLossError(path + " holds entries past the largest index");
  }
  Hash prev_leaf;  // 32 zero bytes: what entry 0 names
  for (uint64_t i = 0; i < count; ++i) {
    const uint64_t index = start + i;
    const std::string& bytes = file.entries(static_cast<int>(i));
    const std::string what = path + ": entry " + std::to_string(index);
    StatusOr<pb::LogEntry> entry = DecodeLogEntry(bytes);
    if (!entry.ok()) return DataLossError(what + ": " + entry.status().message());
    if (entry->index() != index) {
      return DataLossError(what + " says it is entry " + std::to_string(entry->index()));
    }
    if ((i > 0 || index == 0) && entry->prev_hash() != prev_leaf.view()) {
      return DataLossError(what + (index == 0
                                       ? " has a prev_hash that is not 32 zero bytes"
                                       : " does not name the leaf hash of the entry before it"));
    }
    prev_leaf = merkle::LeafHash(bytes);
  }
  return OkStatus();
}

}  // namespace

std::string QuarantinePath(const DataDir& dir, int64_t term_revision, uint64_t first,
                           uint64_t end) {
  return dir.quarantine_dir() + "/" + std::to_string(term_revision) + "-" + std::to_string(first) +
         "-" + std::to_string(end) + ".entries";
}

StatusOr<Quarantined> QuarantineTail(Registry& registry, const DataDir& dir,
                                     const QuarantineRequest& request) {
  const uint64_t first = request.first;
  const uint64_t end = registry.log().size();
  if (first > end) {
    return OutOfRangeError("cannot move entries from " + std::to_string(first) +
                           " aside: the log has " + std::to_string(end));
  }
  if (first == end) return Quarantined{};

  pb::QuarantinedEntries file;
  file.set_start(first);
  CREG_RETURN_IF_ERROR(CopyEntries(registry.log(), first, end, file));
  file.set_reason(request.reason);
  file.set_checkpoint_note(request.checkpoint_note);
  file.set_term_revision(request.term_revision);
  const std::string bytes = file.SerializeAsString();
  const std::string path = QuarantinePath(dir, request.term_revision, first, end);

  // A file of this name is this same cut begun before a crash, unless it
  // holds something else, which is kept.
  StatusOr<std::string> existing = ReadFile(path);
  if (existing.ok() && *existing != bytes) {
    return FailedPreconditionError(path + " exists and holds other entries than [" +
                                   std::to_string(first) + ", " + std::to_string(end) +
                                   ") of this log; it is kept, and nothing was cut");
  }
  if (!existing.ok() && existing.status().code() != StatusCode::kNotFound) {
    return existing.status();
  }
  CREG_RETURN_IF_ERROR(MakeFolderDurably(dir.quarantine_dir(), dir.root()));
  CREG_RETURN_IF_ERROR(WriteFileAtomically(path, bytes));

  CREG_RETURN_IF_ERROR(registry.TruncateTo(first).status());
  LogError("QUARANTINED " + std::to_string(end - first) + " entries [" + std::to_string(first) +
           ", " + std::to_string(end) + ") " + request.reason + "; kept in " + path);
  return Quarantined{end - first, path};
}

StatusOr<pb::QuarantinedEntries> ReadQuarantineFile(const std::string& path) {
  CREG_ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
  pb::QuarantinedEntries file;
  if (!file.ParseFromString(bytes)) {
    return DataLossError(path + " is not a quarantine file (it does not decode)");
  }
  CREG_RETURN_IF_ERROR(CheckEntries(path, file));
  return file;
}

StatusOr<QuarantineCount> CountQuarantined(const DataDir& dir) {
  const std::string folder = dir.quarantine_dir();
  QuarantineCount count;
  std::error_code error;
  std::filesystem::directory_iterator it(folder, error);
  if (error == std::errc::no_such_file_or_directory) return count;
  for (; !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (name.ends_with(std::string(kSuffix) + ".tmp")) continue;
    std::error_code type_error;
    const std::optional<std::pair<uint64_t, uint64_t>> range = NamedRange(name);
    if (!range || !it->is_regular_file(type_error)) {
      count.unrecognised.push_back(name);
      continue;
    }
    const uint64_t entries = range->second - range->first;
    const uint64_t room = std::numeric_limits<uint64_t>::max() - count.entries;
    count.entries += std::min(entries, room);
    ++count.files;
  }
  if (error) return UnavailableError("cannot list " + folder + ": " + error.message());
  std::sort(count.unrecognised.begin(), count.unrecognised.end());
  return count;
}

uint64_t QuarantinedEntriesAtOpen(const DataDir& dir) {
  StatusOr<QuarantineCount> count = CountQuarantined(dir);
  if (!count.ok()) {
    LogWarning(count.status().message() + "; quarantined entries are reported as 0");
    return 0;
  }
  const std::string folder = dir.quarantine_dir();
  for (const std::string& name : count->unrecognised) {
    LogWarning(folder + "/" + name +
               " is not named TERM-FIRST-END.entries; it is not counted among the quarantined "
               "entries");
  }
  if (count->entries > 0) {
    LogWarning(folder + " holds " + std::to_string(count->entries) + " quarantined entries in " +
               std::to_string(count->files) + (count->files == 1 ? " file" : " files") +
               " (docs/replication.md, \"After a quarantine\")");
  }
  return count->entries;
}

}  // namespace creg
