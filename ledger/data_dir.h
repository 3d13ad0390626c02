// The layout of a registry data folder (docs/operations.md):
//
//   <root>/db/               RocksDB: the log and the registry state
//   <root>/keys/checkpoint.key  the node's checkpoint signing key (PEM, 0600)
//   <root>/keys/operator.key    the first operator account's key (PEM, 0600);
//                               move it off the node for production
//   <root>/verifier.key      the checkpoint verifier key string (public)
//   <root>/checkpoint        the latest signed checkpoint note
//   <root>/control.sock      the running node's local control socket (0600)
//   <root>/quarantine/       entries cut from the log's tail, one file per cut
//                            (node/quarantine.h)
//   <root>/summary.json      the HTTP API's totals as counted so far, so that
//                            a restart reads only newer entries
//                            (node/summary_snapshot.h); safe to delete
//
// Thread-safe: pure path arithmetic plus atomic file replacement.
#pragma once

#include <string>
#include <string_view>

#include "ledger/status.h"

namespace creg {

class DataDir {
 public:
  explicit DataDir(std::string root) : root_(std::move(root)) {}

  const std::string& root() const { return root_; }
  std::string db_path() const { return root_ + "/db"; }
  std::string keys_dir() const { return root_ + "/keys"; }
  std::string checkpoint_key_path() const { return root_ + "/keys/checkpoint.key"; }
  std::string operator_key_path() const { return root_ + "/keys/operator.key"; }
  std::string verifier_key_path() const { return root_ + "/verifier.key"; }
  std::string checkpoint_path() const { return root_ + "/checkpoint"; }
  std::string control_socket_path() const { return root_ + "/control.sock"; }
  std::string quarantine_dir() const { return root_ + "/quarantine"; }
  std::string summary_path() const { return root_ + "/summary.json"; }

 private:
  std::string root_;
};

// Reads a whole file. NotFound naming the path if it does not exist.
StatusOr<std::string> ReadFile(const std::string& path);

// Replaces `path` with `contents` atomically and durably: writes a temporary
// file beside it, fsyncs it, renames it over `path` and fsyncs the folder.
// A crash leaves either the old or the new contents.
Status WriteFileAtomically(const std::string& path, std::string_view contents, int mode = 0644);

}  // namespace creg
