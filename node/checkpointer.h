// Checkpointer: signs the log's tree head as a C2SP checkpoint and keeps the
// latest one for readers, saving it to the data folder at a bounded interval.
//
// Before signing, the root is rebuilt from the stored Merkle nodes and
// compared with the head the log holds in memory; a mismatch is DataLoss and
// nothing is signed.
//
// Thread-safety: SignHead from one thread (the sequencer), Save from one
// thread (the pipeline's saver), latest() from any thread.
#pragma once

#include <chrono>
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
  Status SignHead();
  // The latest signed checkpoint (never null after the first SignHead).
  std::shared_ptr<const SignedCheckpoint> latest() const;
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
  std::shared_ptr<const SignedCheckpoint> latest_;  // guarded by mu_
  uint64_t saved_size_ = UINT64_MAX;
  std::chrono::steady_clock::time_point saved_at_{};
};

}  // namespace creg
