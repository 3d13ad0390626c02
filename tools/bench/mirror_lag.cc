#include "tools/bench/mirror_lag.h"

#include <algorithm>

namespace creg::bench {

StatusOr<std::unique_ptr<MirrorLag>> MirrorLag::Start(std::unique_ptr<Client> writer,
                                                      std::unique_ptr<Client> mirror,
                                                      uint64_t start) {
  auto lag = std::unique_ptr<MirrorLag>(new MirrorLag());
  lag->start_ = start;
  lag->clients_[0] = std::move(writer);
  lag->clients_[1] = std::move(mirror);
  uint64_t ids[2] = {0, 0};
  for (int side = 0; side < 2; ++side) {
    pb::Request subscribe;
    subscribe.mutable_subscribe()->set_start(start);
    CREG_RETURN_IF_ERROR(lag->clients_[side]->Send(subscribe));
    ids[side] = subscribe.id();
  }
  MirrorLag* raw = lag.get();
  for (int side = 0; side < 2; ++side) {
    raw->threads_[side] =
        std::thread([raw, side, id = ids[side]] { raw->Read(side, *raw->clients_[side], id); });
  }
  return lag;
}

MirrorLag::~MirrorLag() {
  stop_ = true;
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void MirrorLag::Read(int side, Client& client, uint64_t subscription) {
  while (!stop_) {
    auto response = client.ReceiveBefore(Clock::now() + std::chrono::milliseconds(100));
    const char* name = side == 0 ? "the node: " : "the mirror: ";
    if (!response.ok()) {
      std::lock_guard lock(mu_);
      error_ += name + response.status().ToString() + "; ";
      return;
    }
    if (!response->has_value()) continue;
    const pb::Response& r = **response;
    if (r.id() != subscription || !r.has_entries()) {
      if (r.has_error()) {
        std::lock_guard lock(mu_);
        error_ += name + r.error().code() + ": " + r.error().message() + "; ";
        return;
      }
      continue;
    }
    const Clock::time_point now = Clock::now();
    std::lock_guard lock(mu_);
    std::vector<Clock::time_point>& times = arrived_[side];
    const uint64_t first = r.entries().start() - start_;
    const size_t count = static_cast<size_t>(r.entries().entries_size());
    if (times.size() < first + count) times.resize(first + count);
    for (size_t i = 0; i < count; ++i) times[first + i] = now;
    counts_[side] += count;
  }
}

LatencyStats MirrorLag::Finish(std::chrono::milliseconds limit) {
  const Clock::time_point deadline = Clock::now() + limit;
  while (mirror_entries() < writer_entries() && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  stop_ = true;
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  LatencyStats lags;
  const size_t both = std::min(arrived_[0].size(), arrived_[1].size());
  for (size_t i = 0; i < both; ++i) {
    if (arrived_[0][i] == Clock::time_point() || arrived_[1][i] == Clock::time_point()) continue;
    auto lag =
        std::chrono::duration_cast<std::chrono::microseconds>(arrived_[1][i] - arrived_[0][i]);
    lags.Add(static_cast<uint64_t>(std::max<int64_t>(0, lag.count())));
  }
  return lags;
}

}  // namespace creg::bench
