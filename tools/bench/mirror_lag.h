// MirrorLag: how far a mirror (docs/replication.md) trails its writer
// during `creg-bench transfers --mirror HOST:PORT`. Two subscriptions, one
// on the writer and one on the mirror, both from the writer's size when
// Start is called; an entry's lag is the time between its arrival on the
// writer's stream (it is committed there) and on the mirror's (the mirror
// replayed, checked and stored it). Both streams are read on this machine,
// so one clock measures both ends.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "client/client.h"
#include "tools/bench/latency_stats.h"

namespace creg::bench {

class MirrorLag {
 public:
  // Subscribes to both from entry `start`. The error of either connection.
  static StatusOr<std::unique_ptr<MirrorLag>> Start(std::unique_ptr<Client> writer,
                                                    std::unique_ptr<Client> mirror, uint64_t start);
  ~MirrorLag();
  MirrorLag(const MirrorLag&) = delete;
  MirrorLag& operator=(const MirrorLag&) = delete;

  // Waits until the mirror has streamed every entry the writer streamed,
  // or `limit` passes; then stops both. Lags of the entries seen on both.
  LatencyStats Finish(std::chrono::milliseconds limit);
  // Entries streamed by the writer and by the mirror so far.
  uint64_t writer_entries() const { return counts_[0].load(); }
  uint64_t mirror_entries() const { return counts_[1].load(); }
  // After Finish: why a subscription ended early ("" if neither did).
  const std::string& error() const { return error_; }

 private:
  using Clock = std::chrono::steady_clock;
  MirrorLag() = default;
  // Reads subscription `side` (0 writer, 1 mirror) until stopped.
  void Read(int side, Client& client, uint64_t subscription);

  uint64_t start_ = 0;
  std::unique_ptr<Client> clients_[2];
  std::atomic<uint64_t> counts_[2] = {0, 0};
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<Clock::time_point> arrived_[2];  // by index - start_; guarded by mu_
  std::string error_;                          // guarded by mu_
  std::thread threads_[2];
};

}  // namespace creg::bench
