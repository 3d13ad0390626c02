// Publisher: publishes the node's checkpoints only once enough witnesses
// cosigned them (docs/witness.md, "Running a registry with witnesses").
//
// After each committed checkpoint (Checkpointer::SetCommitListener wakes it)
// a round asks every witness in parallel to cosign the newest committed
// checkpoint (Checkpointer::latest_committed(): with a fence, only what the
// fence recorded; without one, the newest signed). As soon as `quorum` cosignatures verified, their
// lines are appended to the note (in the order the witnesses were configured) and it is published
// (Checkpointer::Publish). Heads committed while a round is in flight wait; the next round takes
// the newest, so rounds never queue up. A round that falls short keeps the last published
// checkpoint, records why (status()), and the next round waits a backoff that doubles from
// `retry_min` up to `retry_max`. Commits never wait for any of this.
//
// Thread-safety: Start and Stop once each, from one thread; Wake and
// status() from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "node/checkpointer.h"
#include "node/witness_client.h"

namespace creg {

struct PublisherOptions {
  // Cosignatures a checkpoint needs. Default (0): every witness.
  size_t quorum = 0;
  // First wait after a round that fell short. Default: 250 ms.
  std::chrono::milliseconds retry_min{250};
  // Longest wait between rounds that fall short. Default: 10 s, so a
  // witness that comes back is asked again soon.
  std::chrono::milliseconds retry_max{10'000};
};

struct WitnessState {
  std::string url;
  uint64_t cosigned_size = 0;  // Last size it cosigned for us (0: none yet).
  std::string error;           // Why its last request failed; empty if it cosigned.
};

struct PublicationStatus {
  size_t quorum = 0;
  std::vector<WitnessState> witnesses;
  // Empty while the last round reached quorum; otherwise why not.
  std::string fault;
};

class Publisher {
 public:
  // `checkpointer` must outlive the publisher.
  Publisher(Checkpointer& checkpointer, std::vector<std::unique_ptr<WitnessClient>> witnesses,
            PublisherOptions options);
  ~Publisher();  // Stop()s
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  void Start();
  // Finishes the round in flight (bounded by the witnesses' timeout).
  void Stop();
  // A new checkpoint was committed.
  void Wake();
  PublicationStatus status() const;

 private:
  void Loop();
  // One round for `target`; returns the fault, or empty if it was published.
  std::string Round(const std::shared_ptr<const SignedCheckpoint>& target);

  Checkpointer& checkpointer_;
  std::vector<std::unique_ptr<WitnessClient>> witnesses_;
  PublisherOptions options_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;                // guarded by mu_
  bool woken_ = false;               // guarded by mu_
  std::string fault_;                // guarded by mu_
  std::vector<std::string> errors_;  // per witness, guarded by mu_
  std::thread thread_;
};

}  // namespace creg
