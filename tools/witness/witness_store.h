// Where a witness keeps, for each log, the checkpoint it last cosigned
// (docs/witness.md): one file per origin,
//
//   <dir>/logs/<hex SHA-256 of the origin>   a checkpoint body
//                                            ("<origin>\n<size>\n<root>\n")
//
// written with WriteFileAtomically (temporary file, fsync, rename, fsync
// of the folder), so that once Save returns a crash leaves the new state,
// and before it returns the old one. A missing file means the witness never
// cosigned that log (size 0).
//
// Errors: DataLoss for a state file that does not parse or names another
// origin; Unavailable for I/O errors. Thread-safe for different origins;
// the caller serialises Save calls for one origin.
#pragma once

#include <string>
#include <string_view>

#include "ledger/checkpoint.h"
#include "ledger/status.h"

namespace creg::witness {

class WitnessStore {
 public:
  // Uses (and creates if missing) <dir>/logs.
  static StatusOr<WitnessStore> Open(const std::string& dir);

  // The checkpoint last saved for `origin`, or {origin, 0, empty root}.
  StatusOr<Checkpoint> Load(std::string_view origin) const;
  // Durably replaces the state of checkpoint.origin.
  Status Save(const Checkpoint& checkpoint) const;

 private:
  explicit WitnessStore(std::string logs_dir) : logs_dir_(std::move(logs_dir)) {}
  std::string PathOf(std::string_view origin) const;

  std::string logs_dir_;
};

}  // namespace creg::witness
