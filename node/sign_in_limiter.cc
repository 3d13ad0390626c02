#include "node/sign_in_limiter.h"

#include <algorithm>

namespace creg {

double SignInLimiter::Refilled(const Bucket& b, Clock::time_point now) const {
  if (refill_.count() <= 0 || now <= b.at) return b.tokens;
  double gained = std::chrono::duration<double>(now - b.at) / refill_;
  return std::min(static_cast<double>(burst_), b.tokens + gained);
}

bool SignInLimiter::TryAcquire(const std::string& address, Clock::time_point now) {
  std::lock_guard lock(mu_);
  auto it = buckets_.find(address);
  if (it == buckets_.end()) {
    if (buckets_.size() >= kMaxAddresses) {
      std::erase_if(buckets_, [&](const auto& entry) {
        return Refilled(entry.second, now) >= static_cast<double>(burst_);
      });
      if (buckets_.size() >= kMaxAddresses) return false;
    }
    it = buckets_.emplace(address, Bucket{static_cast<double>(burst_), now}).first;
  }
  Bucket& b = it->second;
  b.tokens = Refilled(b, now);
  b.at = now;
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

}  // namespace creg
