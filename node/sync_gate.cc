#include "node/sync_gate.h"

#include <algorithm>
#include <iterator>
#include <vector>

#include "node/log.h"

namespace creg {

using Clock = std::chrono::steady_clock;

SyncGate::SyncGate(Checkpointer& checkpointer, const MerkleLog& log, SyncGateOptions options)
    : checkpointer_(checkpointer), log_(log), options_(options) {
  if (options_.fence != nullptr) checkpointer_.SetFenced(true);
  // What was published before the gate existed (the checkpoint of the log
  // at start) is covered already.
  if (auto latest = checkpointer_.latest()) released_size_ = latest->checkpoint.size;
  thread_ = std::thread([this] { Run(); });
}

SyncGate::~SyncGate() { Stop(); }

Status SyncGate::Report(uint64_t connection, const std::string& account, uint64_t size) {
  const uint64_t log_size = log_.size();
  if (size > log_size) {
    return InvalidArgumentError("a mirror cannot have stored " + std::to_string(size) +
                                " entries: the writer's log holds " + std::to_string(log_size));
  }
  std::lock_guard lock(mu_);
  auto [at, inserted] = connections_.try_emplace(connection, account);
  if (!inserted && at->second != account) {
    // Signed in again as another account: the old one leaves.
    Mirror& old = mirrors_[at->second];
    if (old.connections > 0) --old.connections;
    at->second = account;
    inserted = true;
  }
  Mirror& mirror = mirrors_[account];
  if (inserted) ++mirror.connections;
  if (size > mirror.size) {
    mirror.size = size;
    wake_.notify_all();
  }
  return OkStatus();
}

void SyncGate::Disconnected(uint64_t connection) {
  std::lock_guard lock(mu_);
  auto at = connections_.find(connection);
  if (at == connections_.end()) return;
  Mirror& mirror = mirrors_[at->second];
  if (mirror.connections > 0) --mirror.connections;
  connections_.erase(at);
}

size_t SyncGate::connected() const {
  std::lock_guard lock(mu_);
  return static_cast<size_t>(std::count_if(mirrors_.begin(), mirrors_.end(),
                                           [](const auto& m) { return m.second.connections > 0; }));
}

uint64_t SyncGate::covered() const {
  std::lock_guard lock(mu_);
  return CoveredLocked();
}

uint64_t SyncGate::CoveredLocked() const {
  if (options_.required == 0) return std::max(released_size_, log_.size());
  if (mirrors_.size() < options_.required) return released_size_;
  std::vector<uint64_t> sizes;
  sizes.reserve(mirrors_.size());
  for (const auto& [_, mirror] : mirrors_) sizes.push_back(mirror.size);
  std::nth_element(sizes.begin(), sizes.begin() + static_cast<ptrdiff_t>(options_.required - 1),
                   sizes.end(), std::greater<>());
  return std::max(released_size_, sizes[options_.required - 1]);
}

Status SyncGate::CheckReady() const {
  if (std::string lost = fence_lost(); !lost.empty()) return UnavailableError(lost);
  const size_t have = connected();
  if (have >= options_.required) return OkStatus();
  return UnavailableError("this writer acknowledges a write only once " +
                          std::to_string(options_.required) +
                          " mirrors stored it (--sync-mirrors), and " + std::to_string(have) +
                          " are connected; nothing was written, retry once they are back");
}

Status SyncGate::CheckFence() {
  if (options_.fence != nullptr && !options_.fence->Valid()) Fence(Expired());
  std::string lost = fence_lost();
  return lost.empty() ? OkStatus() : UnavailableError(lost);
}

std::string SyncGate::Expired() const {
  return "lost " + options_.fence->Describe() +
         ": its term ran out (the fence is no longer valid); refusing writes";
}

void SyncGate::Fence(const std::string& why) {
  {
    std::lock_guard lock(mu_);
    if (!fence_lost_.empty()) return;
    fence_lost_ = why;
  }
  wake_.notify_all();
  LogError(why);
  if (options_.on_fence_lost) options_.on_fence_lost(why);
}

std::string SyncGate::fence_lost() const {
  std::lock_guard lock(mu_);
  return fence_lost_;
}

void SyncGate::Hold(uint64_t size, Release release) {
  std::unique_lock lock(mu_);
  if (stopping_) {
    lock.unlock();
    release(UnavailableError("the node is shutting down"));
    return;
  }
  if (held_.empty() && fence_lost_.empty() && size <= released_size_ &&
      (options_.fence == nullptr || options_.fence->Valid())) {
    const uint64_t covered = released_size_;
    lock.unlock();
    release(covered);
    return;
  }
  if (!fence_lost_.empty()) {
    Status lost = UnavailableError(fence_lost_);
    lock.unlock();
    release(std::move(lost));
    return;
  }
  held_.push_back(Held{size, std::move(release), Clock::now() + options_.timeout});
  wake_.notify_all();
}

StatusOr<uint64_t> SyncGate::Advance(uint64_t covered) {
  Status signed_head = checkpointer_.SignAt(covered);
  if (!signed_head.ok()) {
    // Nothing past the last signed size is acknowledged; the held answers
    // time out.
    LogError(std::string("cannot sign a checkpoint of the entries ") +
             (options_.required == 0 ? "the log holds: " : "the mirrors hold: ") +
             signed_head.ToString());
    return signed_head;
  }
  if (options_.fence == nullptr) return covered;
  std::shared_ptr<const SignedCheckpoint> latest = checkpointer_.latest_signed();
  Status recorded = options_.fence->Commit(*latest);
  if (!recorded.ok()) {
    Fence("lost " + options_.fence->Describe() + ": the checkpoint of size " +
          std::to_string(latest->checkpoint.size) + " was not recorded (" + recorded.ToString() +
          "); refusing writes");
    return recorded;
  }
  const uint64_t size = latest->checkpoint.size;
  checkpointer_.MarkCommitted(std::move(latest));
  return size;
}

void SyncGate::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (!fence_lost_.empty()) {
      // Fenced: nothing held goes out as acknowledged.
      std::deque<Held> lost;
      lost.swap(held_);
      const Status why = UnavailableError(fence_lost_);
      lock.unlock();
      for (Held& held : lost) held.release(why);
      lock.lock();
      wake_.wait(lock, [&] { return stopping_ || !held_.empty(); });
      continue;
    }
    const uint64_t covered = CoveredLocked();
    if (covered > released_size_) {
      lock.unlock();
      StatusOr<uint64_t> advanced = Advance(covered);
      lock.lock();
      if (advanced.ok()) released_size_ = std::max(released_size_, *advanced);
      if (!fence_lost_.empty()) continue;
    }
    std::vector<Held> due;
    const Clock::time_point now = Clock::now();
    while (!held_.empty() &&
           (held_.front().size <= released_size_ || held_.front().deadline <= now)) {
      due.push_back(std::move(held_.front()));
      held_.pop_front();
    }
    if (!due.empty()) {
      const uint64_t released_at = released_size_;
      lock.unlock();
      // Checked after the fence recorded the checkpoint: a writer whose
      // role ran out meanwhile acknowledges nothing.
      if (options_.fence != nullptr && !options_.fence->Valid()) {
        Fence(Expired());
        lock.lock();
        held_.insert(held_.begin(), std::make_move_iterator(due.begin()),
                     std::make_move_iterator(due.end()));
        continue;
      }
      for (Held& held : due) {
        if (held.size <= released_at) {
          held.release(released_at);
        } else {
          held.release(UnavailableError(TimedOut()));
        }
      }
      lock.lock();
      continue;
    }
    auto woken = [&] {
      return stopping_ || !fence_lost_.empty() || CoveredLocked() > released_size_;
    };
    if (held_.empty()) {
      wake_.wait(lock, [&] { return woken() || !held_.empty(); });
    } else {
      wake_.wait_until(lock, held_.front().deadline, woken);
    }
  }
  std::deque<Held> left;
  left.swap(held_);
  lock.unlock();
  for (Held& held : left) held.release(UnavailableError("the node is shutting down"));
}

std::string SyncGate::TimedOut() const {
  if (options_.required == 0) {
    return "the writer stored this transaction, but no checkpoint covering it was recorded "
           "within " +
           std::to_string(options_.timeout.count()) +
           " ms, so it is not acknowledged; submit it again unchanged to learn its outcome";
  }
  return "the writer stored this transaction, but fewer than " + std::to_string(options_.required) +
         " mirrors confirmed it within " + std::to_string(options_.timeout.count()) +
         " ms, so it is not acknowledged; submit it again unchanged to learn its outcome";
}

void SyncGate::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace creg
