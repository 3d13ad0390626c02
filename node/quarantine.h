// Quarantine: moving the tail of a member's log aside when the registry's
// history went on without it (docs/data-model.md, "The data folder" and
// "Cutting the log back").
//
// A member of a cluster can hold entries past the last checkpoint of the
// registry that no other member holds: it committed them, then lost the
// writer role before any checkpoint covering them was published, so they
// were never acknowledged and the next writer's entries take their
// indexes. QuarantineTail keeps them in a file and cuts them from the log.
//
// Who calls it: reconciliation, when a member of a cluster takes up a
// role (writer failover; not yet wired into cregd), between incarnations
// of the node, with nothing else reading or writing the registry.
#pragma once

#include <cstdint>
#include <string>

#include "creg/log.pb.h"
#include "ledger/data_dir.h"
#include "ledger/registry/registry.h"
#include "ledger/status.h"

namespace creg {

struct QuarantineRequest {
  // The first entry to move aside; the log keeps [0, first).
  uint64_t first = 0;
  // The term during which they are cut (the etcd revision of the leader
  // key): part of the file's name.
  int64_t term_revision = 0;
  // Why, for a person: kept in the file and in the log line.
  std::string reason;
  // The registry's checkpoint note the member reconciled against, if any.
  std::string checkpoint_note;
};

struct Quarantined {
  uint64_t entries = 0;  // how many were moved aside; 0 if none were past `first`
  std::string path;      // the file that holds them; empty if none
};

// DIR/quarantine/<term>-<first>-<end>.entries
std::string QuarantinePath(const DataDir& dir, int64_t term_revision, uint64_t first, uint64_t end);

// Moves entries [request.first, size) of `registry`'s log aside: writes
// them, as stored, in a pb::QuarantinedEntries to QuarantinePath, fsyncs
// the file and its folder, then cuts the log back to `first`
// (Registry::TruncateTo, one synced write) and logs an error-level line
// "QUARANTINED N entries [first, end) <reason>; kept in FILE". Does
// nothing when the log has no entry past `first`.
//
// Crash-safe and idempotent: the file is durable before anything is cut,
// so a crash between the two leaves the file and the whole log, and the
// same request again writes the same file (same name, same bytes) and
// cuts; after the cut, the same request finds nothing to do.
//
// Errors: OutOfRange if `first` is past the log; FailedPrecondition if the
// cut is refused (TruncateTo: a published checkpoint covers `first`, or an
// entry has no undo record), or if the file exists with other contents
// (never overwritten: it may be the only copy of what it holds);
// Unavailable on a file error; the log's read errors. On error the log is
// unchanged; a file written before the cut failed stays.
StatusOr<Quarantined> QuarantineTail(Registry& registry, const DataDir& dir,
                                     const QuarantineRequest& request);

// Reads a quarantine file. NotFound if absent; DataLoss naming the file if
// it does not decode.
StatusOr<pb::QuarantinedEntries> ReadQuarantineFile(const std::string& path);

}  // namespace creg
