// MirrorCheck: what a mirror does with what its writer sends, without the
// network (docs/replication.md, "What a mirror guarantees"). The Follower
// feeds it; the mirror fuzzer feeds it hostile bytes.
//
// ApplyPage replays a page of entries through Registry::ReplayEntry (hash
// chain, signatures, every rule, the exact effects) and commits it in one
// synced write; the signatures are checked ahead on several threads. CheckCheckpoint verifies a
// checkpoint note with the registry's key and, once the local log holds its size, compares its root
// with the root of the local log; only then is it published through the
// Checkpointer. A DataLoss from either is the alarm: what the writer sent
// is not the registry's history, and nothing of it was stored or published.
//
// Not thread-safe: one caller (the follower's thread). Nothing else may
// write to the registry meanwhile.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "creg/wire.pb.h"
#include "ledger/checkpoint.h"
#include "ledger/registry/registry.h"
#include "ledger/registry/stored_entry.h"
#include "node/checkpointer.h"

namespace creg {

class MirrorCheck {
 public:
  // `registry` and `checkpointer` must outlive it; `verifier` is the
  // registry's checkpoint key.
  MirrorCheck(Registry& registry, Checkpointer& checkpointer, NoteVerifier verifier);

  // Replays and commits `page`, which must start at the local log's size.
  // DataLoss naming the first entry that fails a check (the entries before
  // it are committed, it and those after are not) or a page that starts
  // elsewhere; DataLoss too if the local store fails to write. Then
  // publishes the newest checkpoint seen if the log now covers it (and the
  // errors of CheckCheckpoint).
  Status ApplyPage(const pb::EntriesResponse& page);

  // Checks the writer's checkpoint `note` (see above). DataLoss if it is
  // not signed by the registry's key for this origin, or its root is not
  // the local log's root at its size ("two histories"). A checkpoint past
  // the local log waits until ApplyPage reaches its size.
  Status CheckCheckpoint(const std::string& note);

  // The size of the newest checkpoint whose signature verified; 0 none.
  uint64_t writer_checkpoint_size() const { return writer_checkpoint_size_; }

 private:
  Status CheckPending();
  // Checks the signatures of `entries` ahead of the replay, on up to 4
  // threads, against each signer's committed key; the replay trusts only
  // what matches the key it holds. Errors: reading the committed state.
  Status PreverifySignatures(std::vector<StoredEntry>& entries) const;

  Registry& registry_;
  Checkpointer& checkpointer_;
  NoteVerifier verifier_;
  uint64_t writer_checkpoint_size_ = 0;
  // The newest verified checkpoint past the local log.
  std::optional<SignedCheckpoint> pending_;
};

}  // namespace creg
