// Checkpointer: signs the log's tree head as a C2SP checkpoint and keeps the
// latest one for readers, saving it to the data folder at a bounded interval.
//
// Signed is not yet published. Without witnesses every signed checkpoint is
// published at once. With witnesses (node/publisher.h) a checkpoint is
// published only once enough witnesses cosigned it, and latest() keeps the
// last published one meanwhile (null until the first).
//
// Before signing, the root is rebuilt from the stored Merkle nodes and
// compared with the head the log holds in memory; a mismatch is DataLoss and
// nothing is signed.
//
// Thread-safety: SignHead and SignAt from one thread (the sequencer, or
// the SyncGate with synchronous mirrors), Save from one
// thread (the pipeline's saver), Publish from one thread (the publisher),
// latest() and latest_signed() from any thread. SetPublishOnSign and
// SetSignListener before the first SignHead by another thread.
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
  // Publishes it too if publish-on-sign is set, then calls the listener.
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
  // The latest signed checkpoint (never null after the first SignHead).
  std::shared_ptr<const SignedCheckpoint> latest_signed() const;
  // Default: true. False while witnesses must cosign before publication.
  void SetPublishOnSign(bool publish) { publish_on_sign_ = publish; }
  // Called (on the signing thread, no lock held) after each SignHead.
  void SetSignListener(std::function<void()> listener) { listener_ = std::move(listener); }
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
  bool publish_on_sign_ = true;
  std::function<void()> listener_;
  std::shared_ptr<const SignedCheckpoint> latest_;  // guarded by mu_
  std::shared_ptr<const SignedCheckpoint> signed_;  // guarded by mu_
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
