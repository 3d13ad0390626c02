#include "node/commit_pipeline.h"

#include <algorithm>
#include <memory>

#include "ledger/log_entry.h"
#include "ledger/registry/account_keys.h"
#include "node/log.h"

namespace creg {
namespace {

Status NotAcceptingWrites(const std::string& fault) {
  return UnavailableError("the node is not accepting writes: " + fault);
}

}  // namespace

CommitPipeline::CommitPipeline(Registry& registry, Checkpointer& checkpointer,
                               PipelineOptions options)
    : registry_(registry), checkpointer_(checkpointer), options_(options) {
  int threads = options_.verify_threads > 0 ? options_.verify_threads
                                            : std::max(1u, std::thread::hardware_concurrency());
  for (int i = 0; i < threads; ++i) verifiers_.emplace_back([this] { VerifyLoop(); });
  sequencer_ = std::thread([this] { SequenceLoop(); });
  saver_ = std::thread([this] { SaveLoop(); });
}

CommitPipeline::~CommitPipeline() { Stop(); }

void CommitPipeline::SetCommitListener(CommitListener listener) { listener_ = std::move(listener); }

void CommitPipeline::SetSyncGate(SyncGate* gate) { sync_gate_ = gate; }

void CommitPipeline::Submit(std::string signed_transaction, Callback done) {
  Status refusal;
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      refusal = UnavailableError("the node is shutting down");
    } else if (!accepting_.load()) {
      refusal = NotAcceptingWrites(fault_);
    } else if (Status ready = sync_gate_ ? sync_gate_->CheckReady() : OkStatus(); !ready.ok()) {
      refusal = std::move(ready);
    } else if (to_verify_.size() + in_verification_ + to_sequence_.size() >= options_.max_queued) {
      refusal = ResourceExhaustedError("the node has too many transactions queued; retry shortly");
    } else {
      to_verify_.push_back(Item{std::move(signed_transaction), std::move(done), std::nullopt});
      verify_cv_.notify_one();
      return;
    }
  }
  done(std::move(refusal));
}

void CommitPipeline::VerifyLoop() {
  for (;;) {
    Item item;
    {
      std::unique_lock lock(mu_);
      verify_cv_.wait(lock, [&] { return stopping_ || !to_verify_.empty(); });
      if (to_verify_.empty()) return;  // stopping and drained
      item = std::move(to_verify_.front());
      to_verify_.pop_front();
      ++in_verification_;
    }
    auto prepared = PrepareTransaction(item.bytes);
    bool forward = false;
    if (auto* tx = std::get_if<PreparedTransaction>(&prepared)) {
      // Check against the committed key; the sequencer re-checks if the key
      // changes before the transaction is applied. A failed check is not
      // final here: the sequencer checks again against the key current at
      // that point and refuses if it fails.
      // Keyed signatures name their keys and are checked without the
      // account; which of them count is the sequencer's business.
      std::optional<PublicKey> key;
      if (tx->envelope.signatures_size() == 0) key = signer_keys_.Get(tx->envelope.signer());
      PreverifySignatures(*tx, key.has_value() ? &*key : nullptr);
      item.tx = std::move(*tx);
      forward = true;
    }
    if (!forward) {
      CountRefusal(std::get<Rejection>(prepared).code);
      item.done(Judgement(std::get<Rejection>(std::move(prepared))));
    }
    std::lock_guard lock(mu_);
    --in_verification_;
    if (forward) to_sequence_.push_back(std::move(item));
    sequence_cv_.notify_one();
  }
}

void CommitPipeline::SequenceLoop() {
  for (;;) {
    std::vector<Item> items;
    {
      std::unique_lock lock(mu_);
      sequence_cv_.wait(lock, [&] {
        return !to_sequence_.empty() || (stopping_ && to_verify_.empty() && in_verification_ == 0);
      });
      if (to_sequence_.empty()) break;
      size_t n = std::min(options_.max_group, to_sequence_.size());
      items.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        items.push_back(std::move(to_sequence_.front()));
        to_sequence_.pop_front();
      }
    }
    RunGroup(items);
  }
}

// Writes the checkpoint file off the sequencer thread: its fsyncs would
// otherwise stall every commit behind them once per interval.
void CommitPipeline::SaveLoop() {
  std::unique_lock lock(mu_);
  while (!sequencer_done_) {
    save_cv_.wait_for(lock, options_.checkpoint_file_interval);
    lock.unlock();
    Status saved = checkpointer_.Save(false, options_.checkpoint_file_interval);
    if (!saved.ok()) LogWarning("cannot save the checkpoint file (will retry): " + saved.message());
    lock.lock();
  }
  lock.unlock();
  Status saved = checkpointer_.Save(true);
  if (!saved.ok()) LogError("cannot save the checkpoint file at shutdown: " + saved.message());
}

void CommitPipeline::RunGroup(std::vector<Item>& items) {
  if (!accepting_.load()) {
    for (Item& item : items) item.done(NotAcceptingWrites(fault()));
    return;
  }
  Registry::Group group = registry_.BeginGroup();
  std::vector<StatusOr<Verdict>> verdicts;
  verdicts.reserve(items.size());
  bool any_new = false;
  bool keys_rotated = false;
  for (Item& item : items) {
    int64_t now = std::max(NowMicros(), last_timestamp_);
    const bool rotates_key = item.tx->body.has_rotate_key() || item.tx->body.has_set_account_keys();
    StatusOr<Verdict> verdict = registry_.Apply(group, std::move(*item.tx), now);
    if (verdict.ok() && std::holds_alternative<Accepted>(*verdict) &&
        !std::get<Accepted>(*verdict).duplicate) {
      any_new = true;
      keys_rotated = keys_rotated || rotates_key;
      last_timestamp_ = now;
    }
    if (!verdict.ok()) {
      EnterFault("applying a transaction failed: " + verdict.status().ToString());
      break;
    }
    verdicts.push_back(std::move(verdict));
  }
  uint64_t tree_size = registry_.log().size();
  if (accepting_.load() && any_new) {
    // What a published checkpoint covers is never cut back: the commit
    // prunes those entries' undo records.
    if (auto published = checkpointer_.latest()) {
      registry_.SetPrunableBelow(published->checkpoint.size);
    }
    // A writer that lost its role writes nothing more.
    Status fence = sync_gate_ != nullptr ? sync_gate_->CheckFence() : OkStatus();
    StatusOr<TreeHead> head =
        fence.ok() ? registry_.Commit(std::move(group)) : StatusOr<TreeHead>(fence);
    // Only a key rotation changes a key the workers may hold (a new
    // account's key was never held: SignerKeys keeps found keys only).
    if (keys_rotated) signer_keys_.Invalidate();
    if (!fence.ok()) {
      Fence(std::string(fence.message()));
    } else if (!head.ok()) {
      EnterFault("writing to the database failed: " + head.status().ToString());
    } else if (sync_gate_ == nullptr) {
      // With synchronous mirrors the gate signs, once they hold the group.
      tree_size = head->size;
      Status signed_head = checkpointer_.SignHead();
      if (!signed_head.ok()) EnterFault(signed_head.ToString());
    } else {
      tree_size = head->size;
    }
  }
  ++stats_.groups;
  {
    std::lock_guard lock(mu_);
    group_sizes_.push_back(items.size());
    if (group_sizes_.size() > 4096)
      group_sizes_.erase(group_sizes_.begin(), group_sizes_.begin() + 2048);
  }
  if (!accepting_.load()) {
    // Nothing of this group may be reported as committed, and refusals
    // may rest on state that was never written.
    for (Item& item : items) item.done(NotAcceptingWrites(fault()));
    return;
  }
  if (any_new && listener_) listener_(tree_size);
  if (sync_gate_ == nullptr) {
    Answer(items, verdicts, tree_size);
    return;
  }
  // The answers wait for the mirrors; the sequencer goes on. Refusals wait
  // too: they may rest on entries of this group no mirror holds yet.
  auto held = std::make_shared<std::pair<std::vector<Item>, std::vector<StatusOr<Verdict>>>>(
      std::move(items), std::move(verdicts));
  sync_gate_->Hold(tree_size, [this, held](StatusOr<uint64_t> covered) {
    if (covered.ok()) {
      Answer(held->first, held->second, *covered);
    } else {
      for (Item& item : held->first) item.done(covered.status());
    }
  });
}

void CommitPipeline::Answer(std::vector<Item>& items, std::vector<StatusOr<Verdict>>& verdicts,
                            uint64_t tree_size) {
  for (size_t i = 0; i < items.size(); ++i) {
    Verdict& verdict = *verdicts[i];
    if (auto* accepted = std::get_if<Accepted>(&verdict)) {
      ++(accepted->duplicate ? stats_.duplicates : stats_.committed);
      // A duplicate may be older than the latest checkpoint; any size past
      // its index includes it.
      uint64_t covering = std::max(tree_size, accepted->entry_index + 1);
      items[i].done(Judgement(Committed{std::move(*accepted), covering}));
    } else {
      CountRefusal(std::get<Rejection>(verdict).code);
      items[i].done(Judgement(std::get<Rejection>(std::move(verdict))));
    }
  }
}

void CommitPipeline::CountRefusal(RuleCode code) {
  ++stats_.refused;
  std::lock_guard lock(mu_);
  ++refusals_[std::string(RuleCodeName(code))];
}

std::map<std::string, uint64_t> CommitPipeline::RefusalsByCode() const {
  std::lock_guard lock(mu_);
  return refusals_;
}

void CommitPipeline::EnterFault(const std::string& why) {
  if (StopAcceptingWrites(why)) {
    LogError("no longer accepting transactions: " + why +
             "; reads continue; restart once the cause is fixed");
  }
}

void CommitPipeline::Fence(const std::string& why) {
  // The gate logged why.
  StopAcceptingWrites(why);
}

bool CommitPipeline::StopAcceptingWrites(const std::string& why) {
  std::lock_guard lock(mu_);
  const bool first = fault_.empty();
  if (first) fault_ = why;
  accepting_.store(false);
  return first;
}

std::string CommitPipeline::fault() const {
  std::lock_guard lock(mu_);
  return fault_;
}

std::vector<size_t> CommitPipeline::TakeGroupSizes() {
  std::lock_guard lock(mu_);
  std::vector<size_t> out;
  out.swap(group_sizes_);
  return out;
}

void CommitPipeline::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    stopping_ = true;
  }
  verify_cv_.notify_all();
  sequence_cv_.notify_all();
  for (std::thread& t : verifiers_) t.join();
  sequence_cv_.notify_all();
  sequencer_.join();
  {
    std::lock_guard lock(mu_);
    sequencer_done_ = true;
  }
  save_cv_.notify_all();
  saver_.join();
}

}  // namespace creg
