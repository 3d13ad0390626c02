// HeadWatch: the node's subscriptions. It counts them against the node-wide
// cap (NodeOptions::max_subscriptions) and wakes the sessions that hold
// them when the log grows.
//
// A session holding subscriptions registers one waiter, a callback that
// wakes it, and removes it when its last subscription ends; Notify (from
// the sequencer thread, after the head moved) calls every registered
// waiter. So the watch holds at most one entry per subscribing session,
// whether or not commits happen, and nothing expires in it. A waiter must
// be cheap and must not call back into the watch (it posts to the
// session's executor). Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>

namespace creg {

class HeadWatch {
 public:
  using Waiter = std::function<void()>;

  // Takes one of `max` subscription slots of the node; false (and nothing
  // taken) when all are in use. Each true is paired with one Release.
  bool TryAcquire(size_t max) {
    std::lock_guard lock(mu_);
    if (subscriptions_ >= max) return false;
    ++subscriptions_;
    return true;
  }
  void Release() {
    std::lock_guard lock(mu_);
    if (subscriptions_ > 0) --subscriptions_;
  }
  // Subscriptions open on the node now.
  size_t subscriptions() const {
    std::lock_guard lock(mu_);
    return subscriptions_;
  }

  // Registers `waiter` to be called on every Notify until RemoveWaiter(id).
  uint64_t AddWaiter(Waiter waiter) {
    std::lock_guard lock(mu_);
    uint64_t id = next_id_++;
    waiters_.emplace(id, std::move(waiter));
    return id;
  }
  // After it returns, the waiter is not called again.
  void RemoveWaiter(uint64_t id) {
    std::lock_guard lock(mu_);
    waiters_.erase(id);
  }
  // Registered waiters now.
  size_t waiters() const {
    std::lock_guard lock(mu_);
    return waiters_.size();
  }

  // The log grew: calls every registered waiter.
  void Notify() {
    std::lock_guard lock(mu_);
    for (auto& [id, waiter] : waiters_) waiter();
  }

 private:
  mutable std::mutex mu_;
  size_t subscriptions_ = 0;
  uint64_t next_id_ = 1;
  std::map<uint64_t, Waiter> waiters_;
};

}  // namespace creg
