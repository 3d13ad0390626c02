// CommitPipeline: how submitted transactions become durable log entries.
//
//   Submit ──> verify workers (N threads: decode, check the Ed25519
//              signature against the signer's committed key)
//          ──> sequencer (1 thread: apply the registry rules in order into a
//              group, commit the group in one synced RocksDB write, sign a
//              checkpoint) ──> callbacks, each with the verdict of one
//              submission
//
// Group commit: while one group is being written, new transactions queue
// up and form the next group, so under load many transactions share one
// fsync. No callback reports "committed" before its group's write returned
// and the checkpoint covering it was signed (with a fence: and recorded by
// it, node/sync_gate.h), so a client can ask for a proof at once.
//
// The pipeline speaks no wire protocol: a callback gets a verdict
// (committed, or refused by a rule) or a Status saying the transaction was
// not judged, and the session renders the answer.
//
// Storage faults: if a commit fails, the pipeline stops accepting writes
// (every later Submit gets kUnavailable), answers the failed group with
// kUnavailable, and reports the fault in fault(); reads go on elsewhere.
//
// A writer that may lose its role (a gate with a fence, node/sync_gate.h)
// checks the fence before each commit; once lost (Fence), the pipeline
// refuses writes the same way, with the reason as its fault.
//
// Thread-safety: Submit, accepting_writes, fault from any thread. Stop once.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "ledger/registry/registry.h"
#include "node/checkpointer.h"
#include "node/signer_keys.h"
#include "node/sync_gate.h"

namespace creg {

struct PipelineOptions {
  // Signature verification threads. Default: 0 = one per core.
  int verify_threads = 0;
  // Most transactions in one group commit. Default: 4096, enough to fill a
  // synced write several times over at the rates the node reaches.
  size_t max_group = 4096;
  // Submissions waiting for verification or sequencing, beyond which new
  // ones are refused with kResourceExhausted. Default: 100,000.
  size_t max_queued = 100'000;
  // How often the latest checkpoint is written to the data folder.
  // Default: 1 s; the in-memory checkpoint served to clients is always
  // current, the file is for tools reading the folder offline.
  std::chrono::milliseconds checkpoint_file_interval{1000};
};

struct PipelineStats {
  std::atomic<uint64_t> committed{0};
  std::atomic<uint64_t> refused{0};
  std::atomic<uint64_t> duplicates{0};
  std::atomic<uint64_t> groups{0};
};

// A transaction in the log: where (accepted.entry_index), what it did, and
// whether it was there already (accepted.duplicate); a checkpoint of
// `tree_size`, signed before the callback ran, includes it.
struct Committed {
  Accepted accepted;
  uint64_t tree_size = 0;
};

// The registry's judgement of one submission: committed, or refused by a
// rule (final under the current state; nothing was written).
using Judgement = std::variant<Committed, Rejection>;

class CommitPipeline {
 public:
  // The answer to one submission: its Judgement, or, when it was not
  // judged, kUnavailable (shutting down, or writes stopped after a storage
  // fault; then nothing of it was written) or kResourceExhausted (too many
  // queued; nothing was done).
  using Callback = std::function<void(StatusOr<Judgement> verdict)>;
  // Called on the sequencer thread after each group with the new tree size.
  using CommitListener = std::function<void(uint64_t tree_size)>;

  CommitPipeline(Registry& registry, Checkpointer& checkpointer, PipelineOptions options);
  ~CommitPipeline();  // Stops if still running.
  CommitPipeline(const CommitPipeline&) = delete;
  CommitPipeline& operator=(const CommitPipeline&) = delete;

  // Queues a serialized SignedTransaction; `done` runs exactly once, on a
  // pipeline thread (or the caller's, for an immediate refusal).
  void Submit(std::string signed_transaction, Callback done);

  void SetCommitListener(CommitListener listener);
  // With synchronous mirrors (--sync-mirrors): submissions are refused
  // while too few mirrors are connected, the gate signs the checkpoints,
  // and each group is answered once the mirrors hold it (node/sync_gate.h).
  // Before traffic; `gate` outlives the pipeline's last answer. With a
  // fence in the gate (a writer that may lose its role), every group is
  // answered through it, and the sequencer checks the fence before each
  // commit (SyncGate::CheckFence).
  void SetSyncGate(SyncGate* gate);

  // The writer lost its role (`why`, e.g. "lost the writer role of cluster
  // c1 (term 28): ..."): from now on every Submit, and every group not yet
  // committed, is answered kUnavailable with `why`, as after a storage
  // fault; fault() returns it. Later calls and faults keep the first reason.
  // Held answers are the gate's (SyncGate::Fence). Any thread.
  void Fence(const std::string& why);

  // Stops taking submissions, finishes and answers everything queued,
  // saves the checkpoint file, and joins the threads.
  void Stop();

  bool accepting_writes() const { return accepting_.load(); }
  std::string fault() const;
  const PipelineStats& stats() const { return stats_; }
  // Number of transactions in the groups since the last call, for metrics.
  std::vector<size_t> TakeGroupSizes();
  // Refusals so far, by rule code name.
  std::map<std::string, uint64_t> RefusalsByCode() const;

 private:
  struct Item {
    std::string bytes;
    Callback done;
    std::optional<PreparedTransaction> tx;
  };

  void VerifyLoop();
  void SequenceLoop();
  void SaveLoop();
  void RunGroup(std::vector<Item>& items);
  // Runs the callbacks of a committed group; a checkpoint of `tree_size`
  // covers its entries.
  void Answer(std::vector<Item>& items, std::vector<StatusOr<Verdict>>& verdicts,
              uint64_t tree_size);
  void EnterFault(const std::string& why);
  // Stops accepting writes with `why` as the fault (the first one kept);
  // true if this was the first.
  bool StopAcceptingWrites(const std::string& why);
  void CountRefusal(RuleCode code);

  Registry& registry_;
  SignerKeys signer_keys_{registry_};
  Checkpointer& checkpointer_;
  PipelineOptions options_;
  PipelineStats stats_;

  mutable std::mutex mu_;
  std::condition_variable verify_cv_;
  std::condition_variable sequence_cv_;
  std::condition_variable save_cv_;
  bool sequencer_done_ = false;               // guarded by mu_
  std::deque<Item> to_verify_;                // guarded by mu_
  std::deque<Item> to_sequence_;              // guarded by mu_
  size_t in_verification_ = 0;                // guarded by mu_
  bool stopping_ = false;                     // guarded by mu_
  std::string fault_;                         // guarded by mu_
  std::vector<size_t> group_sizes_;           // guarded by mu_
  std::map<std::string, uint64_t> refusals_;  // guarded by mu_
  CommitListener listener_;                   // set before traffic
  SyncGate* sync_gate_ = nullptr;             // set before traffic
  std::atomic<bool> accepting_{true};
  int64_t last_timestamp_ = 0;  // sequencer only

  std::vector<std::thread> verifiers_;
  std::thread sequencer_;
  std::thread saver_;
  bool stopped_ = false;
};

}  // namespace creg
