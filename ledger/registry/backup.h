// Backups of a registry data folder (docs/operations.md, "Backups").
//
//   CREG_ASSIGN_OR_RETURN(BackupResult made, BackupDataDir(dir, store, "/backups/monday"));
//
// A backup is a data folder of its own: the checkpoint key, the operator's
// key if it is still in the folder, the verifier key, the latest signed
// checkpoint note, and a copy of the database as of one moment. A node
// serves it as it is (`cregd run --data /backups/monday`); `creg-audit
// verify-log` checks it. Restoring is copying it back, or serving it where
// it lies.
//
// Thread-safe with respect to the store: a node may go on writing while a
// backup is made.
#pragma once

#include <cstdint>
#include <string>

#include "ledger/data_dir.h"
#include "ledger/status.h"
#include "ledger/store.h"

namespace creg {

struct BackupResult {
  // Entries in the backed-up log: the copy continues from here.
  uint64_t entries = 0;
  // Bytes of the database copy (hard-linked files count in full).
  uint64_t database_bytes = 0;
};

// Backs up the data folder `source`, whose database `store` is open (read-
// write by a running node, or read-only), to the new folder `destination`.
//
// The folder is built as "<destination>.partial" and renamed to
// `destination` only once whole and synced, so a folder at `destination`
// is always a complete backup. The checkpoint note is copied before the
// database, so the copy holds at least the entries the note covers. The
// backup is then opened read-only and its log read back; its size is
// returned.
//
// Errors: AlreadyExists if `destination` or its ".partial" exists;
// NotFound if the parent of `destination` does not exist; Unavailable on
// an I/O error (the partial folder is removed); DataLoss if the copy does
// not open as a registry.
StatusOr<BackupResult> BackupDataDir(const DataDir& source, const Store& store,
                                     const std::string& destination);

}  // namespace creg
