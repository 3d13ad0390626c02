// Checkpointer: signs the log's tree head as a C2SP checkpoint and keeps the
// latest one for readers, saving it to the data folder at a bounded interval.
//
// A checkpoint goes signed -> committed -> published. Without a fence
// (node/checkpoint_fence.h) every signed checkpoint is committed at once;
// with one (SetFenced), only once the fence recorded it (MarkCommitted).
// Without witnesses every committed checkpoint is published at once. With
// witnesses (node/publisher.h) a committed checkpoint is published only once
// enough witnesses cosigned it, and latest() keeps the last published one
// meanwhile (null until the first).
//
// Before signing, the root is rebuilt from the stored Merkle nodes and
// compared with the head the log holds in memory; a mismatch is DataLoss and
// nothing is signed.
//
// Thread-safety: SignHead, SignAt and MarkCommitted from one thread (the
// sequencer, or the SyncGate with synchronous mirrors or a fence), Save from
// one thread (the pipeline's saver), Publish from one thread (the
// publisher), latest(), latest_committed() and latest_signed() from any
// thread. SetFenced, SetPublishOnCommit and SetCommitListener before the
// first SignHead by another thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "ledger/checkpoint.h"
#include "ledger/merkle_log.h"

namespace creg {

struct SignedCheckpoint {
  Checkpoint checkpoint;
  std::string note;
};

class Checkpointer {
 public:
  // `log` must outlive the checkpointer. `path` is where Save writes.
  Checkpointer(const MerkleLog& log, NoteSigner signer, std::string origin, std::string path);

  // Signs the current head. DataLoss if stored nodes disagree with it.
  // Without a fence, commits it too (see MarkCommitted).
  Status SignHead();
  // Signs a checkpoint of the first `size` entries (at most the head; with
  // synchronous mirrors, what they hold). Nothing is signed if a checkpoint
  // at least as large was signed already. OutOfRange past the head,
  // DataLoss as SignHead.
  Status SignAt(uint64_t size);
  // The latest published checkpoint: what readers, certificates and the
  // checkpoint file get. Never null after the first SignHead when
  // publishing on sign; with witnesses, null until the first Publish.
  std::shared_ptr<const SignedCheckpoint> latest() const;
  // The latest committed checkpoint: what may be published, and what the
  // Publisher has witnesses cosign. Without a fence, latest_signed().
  std::shared_ptr<const SignedCheckpoint> latest_committed() const;
  // The latest signed checkpoint (never null after the first SignHead).
  std::shared_ptr<const SignedCheckpoint> latest_signed() const;
  // Default: false. True when a fence must record each checkpoint before
  // it is committed: signing then commits nothing.
  void SetFenced(bool fenced);
  // With a fence: `checkpoint` (signed here) was recorded by it. Commits it
  // unless a larger one is committed already: publishes it if
  // publish-on-commit is set, then calls the listener.
  void MarkCommitted(std::shared_ptr<const SignedCheckpoint> checkpoint);
  // Default: true. False while witnesses must cosign before publication.
  void SetPublishOnCommit(bool publish) { publish_on_commit_ = publish; }
  // Called (on the committing thread, no lock held) after each commit.
  void SetCommitListener(std::function<void()> listener) { listener_ = std::move(listener); }
  // Publishes `checkpoint` (its note may carry cosignature lines) unless one
  // at least as large is published already.
  void Publish(std::shared_ptr<const SignedCheckpoint> checkpoint);
  // Writes the latest checkpoint to the file if it changed and `force` or
  // at least `interval` passed since the last write.
  Status Save(bool force, std::chrono::milliseconds interval = std::chrono::milliseconds(1000));

  std::string VerifierKey() const { return signer_.VerifierKey(); }

 private:
  const MerkleLog& log_;
  NoteSigner signer_;
  std::string origin_;
  std::string path_;
  mutable std::mutex mu_;
  bool publish_on_commit_ = true;
  bool fenced_ = false;  // guarded by mu_
  std::function<void()> listener_;
  std::shared_ptr<const SignedCheckpoint> latest_;     // guarded by mu_
  std::shared_ptr<const SignedCheckpoint> committed_;  // guarded by mu_
  std::shared_ptr<const SignedCheckpoint> signed_;     // guarded by mu_
  uint64_t saved_size_ = UINT64_MAX;
  std::chrono::steady_clock::time_point saved_at_{};
};

// The checkpoint saved at `path` if it still holds: signed by
// `verifier_key`'s key and its root that of the first entries of `log` as
// it is now. Null otherwise (no file, a bad signature, a size past the log,
// another root).
std::shared_ptr<SignedCheckpoint> ReadSavedCheckpoint(const std::string& path, const MerkleLog& log,
                                                      const std::string& verifier_key);

}  // namespace creg
