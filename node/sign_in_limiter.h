// SignInLimiter: how often one remote address may try to sign in, as a
// token bucket per address (docs/operations.md, "Read access"). Node-wide
// and thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace creg {

class SignInLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  // Most addresses tracked at once. When full, addresses whose bucket has
  // refilled are forgotten; if none has, new addresses are refused until
  // one does (the limiter fails closed, never open).
  static constexpr size_t kMaxAddresses = 65'536;

  // Each address may make `burst` attempts at once, then one more per
  // `refill` (0: never refills).
  SignInLimiter(size_t burst, std::chrono::milliseconds refill) : burst_(burst), refill_(refill) {}
  SignInLimiter(const SignInLimiter&) = delete;
  SignInLimiter& operator=(const SignInLimiter&) = delete;

  // True, and one attempt taken, if `address` may try now.
  bool TryAcquire(const std::string& address, Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens;
    Clock::time_point at;
  };
  double Refilled(const Bucket& b, Clock::time_point now) const;

  const size_t burst_;
  const std::chrono::milliseconds refill_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // guarded by mu_
};

}  // namespace creg
