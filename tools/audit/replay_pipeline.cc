#include "tools/audit/replay_pipeline.h"

#include <algorithm>
#include <utility>

#include "ledger/registry/account_keys.h"
#include "ledger/registry/transaction.h"

namespace creg::audit {

ReplayPipeline::ReplayPipeline(Findings& findings, size_t jobs,
                               std::optional<PublicKey> registry_key)
    : keys_(registry_key),
      replay_(findings, std::move(registry_key)),
      // Enough for every worker to have one window in hand and one queued,
      // and for the replay to work on one meanwhile.
      max_windows_(2 * std::max<size_t>(jobs, 1) + 1),
      pool_(std::max<size_t>(jobs, 1) - 1) {
  gathering_.reserve(kWindow);
}

ReplayPipeline::~ReplayPipeline() {
  // Leaves the workers nothing more to check, so that the pool (declared
  // last, so destroyed first) joins them promptly.
  for (auto& window : windows_) Abandon(*window);
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
  while (!windows_.empty() &&
         (windows_.size() > max_windows_ || windows_.front()->unchecked.try_wait())) {
    CREG_RETURN_IF_ERROR(ReplayOldest());
  }
  return OkStatus();
}

void ReplayPipeline::Dispatch() {
  if (gathering_.empty()) return;
  auto window = std::make_shared<Window>(std::move(gathering_));
  gathering_ = {};
  gathering_.reserve(kWindow);
  windows_.push_back(window);
  if (pool_.size() > 0) pool_.Submit([window] { CheckSignatures(*window); });
}

void ReplayPipeline::CheckSignatures(Window& window) {
  const size_t size = window.items.size();
  for (;;) {
    size_t begin = window.next_unclaimed.fetch_add(kChunk, std::memory_order_relaxed);
    if (begin >= size) return;
    size_t end = std::min(begin + kChunk, size);
    for (size_t i = begin; i < end; ++i) {
      Item& item = window.items[i];
      PreparedTransaction* tx = item.entry.prepared();
      // On success this records what was verified in tx (verified_with_key or
      // keyed_signatures_verified); on failure it leaves it unset and the replay checks (and
      // reports) it.
      if (tx != nullptr) PreverifySignatures(*tx, item.key.has_value() ? &*item.key : nullptr);
    }
    // Releases the items' results to whoever waits on the latch.
    window.unchecked.count_down(static_cast<std::ptrdiff_t>(end - begin));
  }
}

void ReplayPipeline::Abandon(Window& window) {
  const size_t size = window.items.size();
  size_t begin = window.next_unclaimed.exchange(size, std::memory_order_relaxed);
  if (begin < size) window.unchecked.count_down(static_cast<std::ptrdiff_t>(size - begin));
}

Status ReplayPipeline::ReplayOldest() {
  std::shared_ptr<Window> window = std::move(windows_.front());
  windows_.pop_front();
  CheckSignatures(*window);
  window->unchecked.wait();
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
