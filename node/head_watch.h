// HeadWatch: lets subscription coroutines sleep until the log grows.
//
// Waiters register a timer; Notify (from the sequencer thread) wakes every
// registered timer on its own executor. Waits are also bounded (1 s) so a
// missed wake-up costs at most that. Thread-safe.
#pragma once

#include <utility>  // before Asio (GCC 12, see DESIGN.md)

#include <boost/asio.hpp>
#include <memory>
#include <mutex>
#include <vector>

namespace creg {

class HeadWatch {
 public:
  using Timer = boost::asio::steady_timer;

  // Registers `timer` to be cancelled (woken) on the next Notify.
  void Register(const std::shared_ptr<Timer>& timer) {
    std::lock_guard lock(mu_);
    waiters_.push_back(timer);
  }

  void Notify() {
    std::vector<std::weak_ptr<Timer>> waiters;
    {
      std::lock_guard lock(mu_);
      waiters.swap(waiters_);
    }
    for (auto& weak : waiters) {
      if (auto timer = weak.lock()) {
        boost::asio::post(timer->get_executor(), [timer] { timer->cancel(); });
      }
    }
  }

 private:
  std::mutex mu_;
  std::vector<std::weak_ptr<Timer>> waiters_;
};

}  // namespace creg
