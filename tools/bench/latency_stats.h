// Latency samples and their percentiles, for creg-bench's report.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace creg::bench {

class LatencyStats {
 public:
  void Add(uint64_t micros) { samples_.push_back(micros); }
  void Merge(const LatencyStats& other) {
    samples_.insert(samples_.end(), other.samples_.begin(), other.samples_.end());
  }
  size_t count() const { return samples_.size(); }
  // The q-quantile (0 <= q <= 1) in microseconds; 0 without samples.
  uint64_t Quantile(double q) {
    if (samples_.empty()) return 0;
    std::sort(samples_.begin(), samples_.end());
    size_t i = static_cast<size_t>(q * static_cast<double>(samples_.size() - 1) + 0.5);
    return samples_[std::min(i, samples_.size() - 1)];
  }
  // "p50 1.2 ms  p99 4.0 ms  p999 9.1 ms"
  std::string Summary() {
    auto ms = [](uint64_t us) {
      return std::to_string(us / 1000) + "." + std::to_string((us % 1000) / 100) + " ms";
    };
    return "p50 " + ms(Quantile(0.5)) + "  p99 " + ms(Quantile(0.99)) + "  p999 " +
           ms(Quantile(0.999));
  }

 private:
  std::vector<uint64_t> samples_;
};

}  // namespace creg::bench
