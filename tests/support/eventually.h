// Eventually: waits for a condition with a deadline, polling it. The way
// tests wait for something another thread or process does (never a bare
// sleep): true as soon as `condition()` holds, false if it still does not
// after `limit`.
#pragma once

#include <chrono>
#include <thread>

namespace creg::testing {

template <typename Condition>
bool Eventually(Condition&& condition, std::chrono::milliseconds limit,
                std::chrono::milliseconds poll = std::chrono::milliseconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(poll);  // pacing between polls
  }
  return true;
}

}  // namespace creg::testing
