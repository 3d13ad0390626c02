#include "tools/audit/replay_pipeline.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "ledger/registry/transaction.h"

namespace creg::audit {

ReplayPipeline::ReplayPipeline(Findings& findings, size_t jobs)
    : replay_(findings),
      // Enough for every worker to have one window in hand and one queued,
      // and for the replay to work on one meanwhile.
      max_windows_(2 * std::max<size_t>(jobs, 1) + 1),
      pool_(std::max<size_t>(jobs, 1)) {
  gathering_.reserve(kWindow);
}

ReplayPipeline::~ReplayPipeline() {
  // Workers may still hold windows; let them finish before the windows go.
  for (auto& window : windows_) window->checked.wait();
}

Status ReplayPipeline::Feed(uint64_t index, std::string_view bytes) {
  if (replay_.stopped_at().has_value()) return OkStatus();
  Item item{index, DecodeStoredEntry(bytes), std::nullopt};
  if (const PreparedTransaction* tx = item.entry.prepared()) {
    item.key = keys_.KeyBefore(*tx);
    keys_.Record(*tx);
  }
  gathering_.push_back(std::move(item));
  if (gathering_.size() >= kWindow) Dispatch();
  // Replay what the workers are done with; wait only when too much is held.
  while (!windows_.empty() && (windows_.size() > max_windows_ ||
                               windows_.front()->checked.wait_for(std::chrono::seconds(0)) ==
                                   std::future_status::ready)) {
    CREG_RETURN_IF_ERROR(ReplayOldest());
  }
  return OkStatus();
}

void ReplayPipeline::Dispatch() {
  if (gathering_.empty()) return;
  auto window = std::make_unique<Window>();
  window->items = std::move(gathering_);
  gathering_ = {};
  gathering_.reserve(kWindow);
  auto done = std::make_shared<std::promise<void>>();
  window->checked = done->get_future();
  Window* w = window.get();
  windows_.push_back(std::move(window));
  pool_.Submit([w, done] {
    CheckSignatures(*w);
    done->set_value();
  });
}

void ReplayPipeline::CheckSignatures(Window& window) {
  for (Item& item : window.items) {
    PreparedTransaction* tx = item.entry.prepared();
    // On success this records the key in tx->verified_with_key; on failure
    // it leaves it unset and the replay checks (and reports) it.
    if (tx != nullptr && item.key.has_value())
      static_cast<void>(VerifyTransactionSignature(*tx, *item.key));
  }
}

Status ReplayPipeline::ReplayOldest() {
  std::unique_ptr<Window> window = std::move(windows_.front());
  windows_.pop_front();
  window->checked.wait();
  for (Item& item : window->items) {
    if (replay_.stopped_at().has_value()) break;
    CREG_RETURN_IF_ERROR(replay_.Feed(item.index, std::move(item.entry)));
  }
  return OkStatus();
}

Status ReplayPipeline::Drain() {
  Dispatch();
  while (!windows_.empty()) CREG_RETURN_IF_ERROR(ReplayOldest());
  return OkStatus();
}

Status ReplayPipeline::StopAt(uint64_t index) {
  CREG_RETURN_IF_ERROR(Drain());
  replay_.StopAt(index);
  return OkStatus();
}

Status ReplayPipeline::Finish() {
  CREG_RETURN_IF_ERROR(Drain());
  return replay_.Flush();
}

}  // namespace creg::audit
