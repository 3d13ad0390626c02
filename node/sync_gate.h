// SyncGate: a writer run with `--sync-mirrors K` acknowledges a transaction
// only once K mirrors have stored it durably, and signs checkpoints only of
// entries K mirrors hold (docs/replication.md, "Synchronous mirrors").
//
// With a fence (node/checkpoint_fence.h; writer failover), every group goes
// through the gate, even with K = 0 (the writer's own log then covers
// everything): covered size -> sign a checkpoint of it -> the fence records
// it (Commit) -> it is committed and published (Checkpointer::MarkCommitted)
// -> the answers it covers go out, if the fence is still Valid(). A failed
// Commit or a fence no longer valid is the fence-lost path (Fence): every
// held and every later answer is kUnavailable naming why, and the listener
// (SyncGateOptions::on_fence_lost) runs once, so the pipeline refuses writes and the
// owner tears the writer down.
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
// Thread-safety: every method from any thread. Answers run on the gate's own thread (or the
// caller's of Hold, when already covered or fenced), no lock held. Stop waits for a Commit in
// flight, which the fence bounds.
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
#include "node/checkpoint_fence.h"
#include "node/checkpointer.h"

namespace creg {

struct SyncGateOptions {
  // Mirrors that must hold an entry before it is acknowledged. 0 only with
  // a fence: then what the writer's log holds is covered.
  size_t required = 1;
  // How long an answer waits for them (and the fence) before it is
  // kUnavailable.
  std::chrono::milliseconds timeout{5000};
  // Records each checkpoint before anything it covers is acknowledged or
  // published; it outlives the gate. Default: null, no fence (a writer
  // that cannot lose its role).
  CheckpointFence* fence = nullptr;
  // Told once, on the thread that found out, why the writer lost its role
  // (a reason starting "lost "): the pipeline refuses writes
  // (CommitPipeline::Fence), the owner tears the writer down.
  std::function<void(const std::string& why)> on_fence_lost;
};

class SyncGate {
 public:
  // With the covered size: the answers may go out, a signed checkpoint of
  // that size includes them. Otherwise kUnavailable (timed out, stopping).
  using Release = std::function<void(StatusOr<uint64_t> covered)>;

  // `checkpointer` and `log` must outlive the gate. With a fence, makes
  // `checkpointer` commit only what the fence recorded
  // (Checkpointer::SetFenced). Starts its thread.
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
  // connected, or why the writer lost its role, so that a write is refused
  // before anything is written.
  Status CheckReady() const;

  // Before each commit: OK without a fence or while it is valid; else runs
  // Fence (once) and returns kUnavailable naming why.
  Status CheckFence();
  // The writer lost its role (`why` starts "lost "): answers every held
  // group and every later Hold kUnavailable(why), and runs on_fence_lost
  // once, on the calling thread, no lock held. Later calls do nothing.
  void Fence(const std::string& why);
  // Why the writer lost its role; empty while it holds it.
  std::string fence_lost() const;

  // Runs `release` once `size` entries are covered (with a fence: and a
  // checkpoint of them recorded), or with kUnavailable after the timeout,
  // once fenced, or at Stop. Holds are released in the order given.
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
  // Signs a checkpoint of `covered` and, with a fence, has it recorded and
  // commits it. The size now acknowledgeable; an error if none more is.
  StatusOr<uint64_t> Advance(uint64_t covered);
  // The reason for a fence that is no longer valid.
  std::string Expired() const;
  // Why a held answer that waited past the timeout is not acknowledged.
  std::string TimedOut() const;

  Checkpointer& checkpointer_;
  const MerkleLog& log_;
  const SyncGateOptions options_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::map<std::string, Mirror> mirrors_;        // guarded by mu_
  std::map<uint64_t, std::string> connections_;  // guarded by mu_
  std::deque<Held> held_;                        // guarded by mu_
  // The largest size whose answers may go out: signed (with a fence,
  // recorded by it too).
  uint64_t released_size_ = 0;  // guarded by mu_
  std::string fence_lost_;      // guarded by mu_
  bool stopping_ = false;       // guarded by mu_
  std::thread thread_;
};

}  // namespace creg
