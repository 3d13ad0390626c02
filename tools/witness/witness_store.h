// Where a witness keeps, for each log, the checkpoint it last cosigned
// (docs/witness.md): one file per origin, <dir>/logs/<hex SHA-256 of the
// origin>, of two 4 KiB slots. Each slot holds a record
//
//   uint64 BE sequence || uint32 BE length || checkpoint body || SHA-256 of
//   the bytes before it, zero-padded to 4 KiB
//
// and the valid record with the larger sequence is the state. Save writes
// the next record into the other slot and fdatasyncs: one disk flush, no
// rename. A crash while writing can only tear that slot, and then the
// other one, the state before the unanswered request, counts. A new file
// is made whole (a record of size 0) beside its final name, synced, and
// renamed into place.
//
// Errors: DataLoss for a state file with no valid record, or one of
// another origin; InvalidArgument for an origin too long for a slot
// (kMaxOriginBytes); Unavailable for I/O errors.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "ledger/checkpoint.h"
#include "ledger/status.h"

namespace creg::witness {

// Longest origin a witness keeps state for (a slot holds its checkpoint
// body with room to spare).
inline constexpr size_t kMaxOriginBytes = 1024;

// One log's state file, open. Not thread-safe: the caller serialises.
class LogStateFile {
 public:
  ~LogStateFile();
  LogStateFile(const LogStateFile&) = delete;
  LogStateFile& operator=(const LogStateFile&) = delete;

  // The checkpoint last saved ({origin, 0, empty root} for a new log).
  const Checkpoint& latest() const { return latest_; }
  // Durably makes `checkpoint` (of this file's origin) the state; on an
  // error the state is unchanged.
  Status Save(const Checkpoint& checkpoint);

 private:
  friend class WitnessStore;
  LogStateFile(int fd, std::string path, uint64_t sequence, Checkpoint latest)
      : fd_(fd), path_(std::move(path)), sequence_(sequence), latest_(std::move(latest)) {}

  int fd_;
  std::string path_;
  uint64_t sequence_;  // of the record latest_ came from
  Checkpoint latest_;
};

class WitnessStore {
 public:
  // Uses (and creates if missing) <dir>/logs.
  static StatusOr<WitnessStore> Open(const std::string& dir);

  // Opens the state file of `origin`, making it if missing. Thread-safe
  // for different origins.
  StatusOr<std::unique_ptr<LogStateFile>> OpenLog(std::string_view origin) const;

  // Where the state of `origin` lives.
  std::string PathOf(std::string_view origin) const;

 private:
  explicit WitnessStore(std::string logs_dir) : logs_dir_(std::move(logs_dir)) {}

  std::string logs_dir_;
};

}  // namespace creg::witness
