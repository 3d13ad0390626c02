#include "node/quarantine.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

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
  return file;
}

}  // namespace creg
