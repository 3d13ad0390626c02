// BootClock: a std::chrono clock on CLOCK_BOOTTIME, which keeps counting
// while the machine is suspended. A deadline that bounds how long another
// party still trusts this process (an etcd lease) must be kept on it: on
// steady_clock (CLOCK_MONOTONIC), a host resumed from suspend would find
// time that passed for everyone else missing from its own count, and act
// on a lease it lost long ago.
#pragma once

#include <time.h>

#include <chrono>

namespace creg {

struct BootClock {
  using duration = std::chrono::nanoseconds;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<BootClock>;
  static constexpr bool is_steady = true;

  static time_point now() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_BOOTTIME, &ts);
    return time_point(std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec));
  }
};

}  // namespace creg
