// Prometheus metrics for a node (docs/operations.md, "Metrics"), rendered in
// the text exposition format; node/http/metrics_handler.h serves them.
// Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <mutex>
#include <string>

#include "node/node_context.h"

namespace creg {

// A histogram with fixed buckets, in microseconds.
class LatencyHistogram {
 public:
  static constexpr std::array<uint64_t, 12> kBoundsMicros = {
      100, 250, 500, 1000, 2500, 5000, 10'000, 25'000, 50'000, 100'000, 250'000, 1'000'000};
  void Observe(uint64_t micros);
  // Prometheus lines for a histogram named `name` (seconds).
  std::string Render(const std::string& name, const std::string& help) const;

 private:
  std::array<std::atomic<uint64_t>, kBoundsMicros.size() + 1> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_micros_{0};
};

class Metrics {
 public:
  explicit Metrics(NodeContext& node) : node_(node) {}
  void ObserveCommitLatency(uint64_t micros) { commit_latency_.Observe(micros); }
  // The whole exposition text.
  std::string Render();

 private:
  // The checkpoint sizes, and with witnesses the publication's state.
  void RenderPublication(std::ostream& out) const;
  void RenderReplication(std::ostream& out) const;

  NodeContext& node_;
  LatencyHistogram commit_latency_;
  std::mutex mu_;
  std::map<size_t, uint64_t> group_size_counts_;  // guarded by mu_ (bucketed sizes)
};

}  // namespace creg
