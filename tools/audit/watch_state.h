// The state file of `creg-audit watch` (docs/audit.md, "Watching a node"):
// the last verified checkpoint and what is needed to verify the entries
// after it without fetching the old ones again.
//
//   {"format": "creg-audit-watch/1",
//    "node": "HOST:PORT",                 // informative
//    "verifier_key": "<name>+<id>+<key>", // the key it was verified with
//    "checkpoint": "<signed note>",
//    "tree_size": 1204,                   // = the checkpoint's size
//    "last_leaf_hash": "<base64>",        // of entry tree_size-1
//    "frontier": ["<base64>", ...],       // the tree's right edge
//    "account_keys": {"operator": "<base64 raw Ed25519 key>", ...},
//    "first_verified_at": "<RFC 3339>", "verified_at": "<RFC 3339>"}
//
// Written atomically (a crash leaves the old or the new file). Not
// thread-safe.
#pragma once

#include <string>
#include <utility>

#include "ledger/checkpoint.h"
#include "ledger/status.h"
#include "tools/audit/entry_chain.h"

namespace creg::audit {

inline constexpr char kWatchStateFormat[] = "creg-audit-watch/1";

struct WatchState {
  std::string node;
  std::string note;       // the signed checkpoint note, as fetched
  Checkpoint checkpoint;  // its verified body
  ChainState chain;       // the log up to checkpoint.size
  std::string first_verified_at, verified_at;
};

// Reads and checks a state file: the note must be signed by `verifier`,
// and the frontier must give the note's root at its size. InvalidArgument
// naming what is wrong for a file that is not a sound state; the errors of
// ReadFile when it cannot be read.
StatusOr<WatchState> LoadWatchState(const std::string& path, const NoteVerifier& verifier);

// Writes `state` to `path` atomically.
Status SaveWatchState(const std::string& path, const WatchState& state,
                      const NoteVerifier& verifier);

// Keeps two checkpoint notes that contradict each other next to `path`, as
// "<path>.evidence-<UTC time>.old" and ".new". Returns both paths.
StatusOr<std::pair<std::string, std::string>> WriteEvidence(const std::string& path,
                                                            const std::string& old_note,
                                                            const std::string& new_note);

// The current time as RFC 3339 UTC.
std::string NowText();

}  // namespace creg::audit
