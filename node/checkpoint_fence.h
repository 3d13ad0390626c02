// CheckpointFence: what a writer that may lose its role (a member of a
// cluster, docs/replication.md) must hold before it acknowledges anything
// (the design of writer failover, section 3.2).
//
// A writer with a fence acknowledges a write only once a checkpoint
// covering it was recorded through the fence (Commit) and the fence is
// still Valid() afterwards; it publishes (to readers, DIR/checkpoint,
// mirrors, witnesses) only checkpoints the fence recorded. A failed Commit
// or a fence no longer valid means the writer lost its role: it answers
// UNAVAILABLE from then on (node/sync_gate.h, "Fence").
//
// Thread-safety: Commit from one thread at a time (the SyncGate's);
// Valid and Describe from any thread.
#pragma once

#include <string>

#include "ledger/status.h"
#include "node/checkpointer.h"

namespace creg {

class CheckpointFence {
 public:
  virtual ~CheckpointFence() = default;

  // Records `checkpoint` as the registry's latest, only if this writer
  // still holds its role (with etcd: the fenced compare-and-swap of the
  // checkpoint key). OK only once it is recorded; any error means it may
  // not be, and the writer stops acknowledging. Sizes only grow from one
  // call to the next. May block, bounded by a deadline of its own.
  virtual Status Commit(const SignedCheckpoint& checkpoint) = 0;

  // False once the writer can no longer count on its role (with etcd: the
  // local lease deadline passed). Cheap: called before every commit and
  // every release of answers. Once false, the writer treats the role as
  // lost for good, even if a later call would say true.
  virtual bool Valid() const = 0;

  // What the writer holds, for messages: "the writer role of cluster c1
  // (term 28)". Reasons read "lost " + Describe() + ": " + what happened.
  virtual std::string Describe() const = 0;
};

}  // namespace creg
