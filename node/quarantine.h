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
// Who calls it: reconciliation (node/reconcile.h), when a member of a
// cluster takes up a role, between incarnations of the node, with nothing
// else reading or writing the registry. Each incarnation then counts what
// the folder holds (QuarantinedEntriesAtOpen) for its status and metrics.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

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

// Reads a quarantine file. NotFound if absent; Unavailable if it cannot
// be read; DataLoss naming the file if it does not decode, holds no entry,
// or its entries are not a run of a log: each a LogEntry in canonical form
// (DecodeLogEntry) whose index is `start` plus its position and whose
// prev_hash is the leaf hash of the entry before it in the file (32 zero
// bytes for entry 0).
StatusOr<pb::QuarantinedEntries> ReadQuarantineFile(const std::string& path);

// What DIR/quarantine/ holds, counted from the file names alone: a name of
// QuarantinePath's form states the entries [first, end) its file holds.
struct QuarantineCount {
  uint64_t entries = 0;  // the sum of end - first (at most UINT64_MAX)
  uint64_t files = 0;    // files named in that form
  // Other files, not counted: names not of that form (decimal numbers as
  // QuarantinePath writes them, no leading zero, each fitting its type,
  // first below end), and folders. A file
  // WriteFileAtomically left half-written (NAME.entries.tmp: no cut
  // followed it) is neither counted nor listed.
  std::vector<std::string> unrecognised;
};

// Counts DIR/quarantine/ without opening any file, so a file that does not
// decode counts as its name says (ReadQuarantineFile reports it when read).
// All zeros when the folder does not exist. Unavailable naming the folder
// if it cannot be listed.
StatusOr<QuarantineCount> CountQuarantined(const DataDir& dir);

// The quarantined_entries a node opened on `dir` reports: CountQuarantined's
// entries. Never fails, so that a damaged quarantine folder does not keep a
// node from serving: logs a warning naming each unrecognised file, and one
// for a folder it cannot list (then 0); and, when entries are held, a
// warning naming the folder and how many.
uint64_t QuarantinedEntriesAtOpen(const DataDir& dir);

}  // namespace creg
