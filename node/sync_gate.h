// SyncGate: a writer run with `--sync-mirrors K` acknowledges a transaction
// only once K mirrors have stored it durably, and signs checkpoints only of
// entries K mirrors hold (docs/replication.md, "Synchronous mirrors").
//
// Mirrors report the size of their synced log on their follow connection
// (MirrorSyncedRequest), signed in as an operator or auditor account; each
// account counts once, however many connections it holds. What a mirror
// reports is kept while it is away: entries it stored stay stored. The
// covered size is the K-th largest size reported (never more than the
// writer's log), and never goes down.
//
// The commit pipeline hands each group's answers to Hold with the size that
// covers them; they run once the covered size reaches it (after a
// checkpoint of the covered size was signed), or with kUnavailable after
// the timeout, or at Stop. Between, the writer goes on committing: answers
// wait, commits do not.
//
// Thread-safety: every method from any thread. Answers run on the gate's
// own thread (or the caller's of Hold, when already covered), no lock held.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "ledger/merkle_log.h"
#include "ledger/status.h"
#include "node/checkpointer.h"

namespace creg {

struct SyncGateOptions {
  // Mirrors that must hold an entry before it is acknowledged (K >= 1).
  size_t required = 1;
  // How long an answer waits for them before it is kUnavailable.
  std::chrono::milliseconds timeout{5000};
};

class SyncGate {
 public:
  // With the covered size: the answers may go out, a signed checkpoint of
  // that size includes them. Otherwise kUnavailable (timed out, stopping).
  using Release = std::function<void(StatusOr<uint64_t> covered)>;

  // `checkpointer` and `log` must outlive the gate. Starts its thread.
  SyncGate(Checkpointer& checkpointer, const MerkleLog& log, SyncGateOptions options);
  ~SyncGate();  // Stops if still running.
  SyncGate(const SyncGate&) = delete;
  SyncGate& operator=(const SyncGate&) = delete;

  // From the session `connection` signed in as `account`: that mirror
  // stored the first `size` entries. InvalidArgument if `size` is past the
  // writer's log (nothing changes); a smaller size than before is ignored.
  Status Report(uint64_t connection, const std::string& account, uint64_t size);
  // The session `connection` closed.
  void Disconnected(uint64_t connection);

  // Distinct mirror accounts with an open connection that reported.
  size_t connected() const;
  size_t required() const { return options_.required; }
  // The largest size K mirrors confirmed.
  uint64_t covered() const;
  // kUnavailable naming the shortfall while fewer than K mirrors are
  // connected, so that a write is refused before anything is written.
  Status CheckReady() const;

  // Runs `release` once `size` entries are covered, or with kUnavailable
  // after the timeout or at Stop. Holds are released in the order given.
  void Hold(uint64_t size, Release release);

  // Answers every held group with kUnavailable and joins the thread.
  void Stop();

 private:
  struct Held {
    uint64_t size;
    Release release;
    std::chrono::steady_clock::time_point deadline;
  };
  struct Mirror {
    uint64_t size = 0;
    size_t connections = 0;
  };

  void Run();
  uint64_t CoveredLocked() const;

  Checkpointer& checkpointer_;
  const MerkleLog& log_;
  const SyncGateOptions options_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::map<std::string, Mirror> mirrors_;        // guarded by mu_
  std::map<uint64_t, std::string> connections_;  // guarded by mu_
  std::deque<Held> held_;                        // guarded by mu_
  uint64_t signed_size_ = 0;                     // guarded by mu_
  bool stopping_ = false;                        // guarded by mu_
  std::thread thread_;
};

}  // namespace creg
