#include "node/lease_keeper.h"

#include <algorithm>
#include <utility>

#include "node/log.h"

namespace creg {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kMaxCallTimeout{400};
constexpr milliseconds kRetryAfterFailure{100};

BootClock::time_point DeadlineAfter(BootClock::time_point sent, std::chrono::seconds ttl) {
  const auto ttl_ns = std::chrono::duration_cast<BootClock::duration>(ttl);
  return sent + ttl_ns - ttl_ns / 4;
}

std::string LeaseName(int64_t id) { return "etcd lease " + std::to_string(id); }

}  // namespace

StatusOr<std::unique_ptr<LeaseKeeper>> LeaseKeeper::Start(EtcdClient& client,
                                                          std::chrono::seconds ttl,
                                                          LostCallback on_lost) {
  const BootClock::time_point sent = BootClock::now();
  StatusOr<EtcdLease> lease = client.Grant(ttl);
  if (!lease.ok()) return lease.status();
  std::unique_ptr<LeaseKeeper> keeper(new LeaseKeeper(client, *lease, sent, std::move(on_lost)));
  keeper->thread_ = std::thread([k = keeper.get(), sent] { k->Loop(sent); });
  return keeper;
}

LeaseKeeper::LeaseKeeper(EtcdClient& client, EtcdLease lease, BootClock::time_point granted_at,
                         LostCallback on_lost)
    : client_(client),
      id_(lease.id),
      ttl_(lease.ttl),
      on_lost_(std::move(on_lost)),
      deadline_(DeadlineAfter(granted_at, lease.ttl).time_since_epoch().count()) {}

LeaseKeeper::~LeaseKeeper() { Stop(); }

bool LeaseKeeper::Valid() const {
  return !lost_.load(std::memory_order_acquire) && BootClock::now() < deadline();
}

BootClock::time_point LeaseKeeper::deadline() const {
  return BootClock::time_point(BootClock::duration(deadline_.load(std::memory_order_acquire)));
}

Status LeaseKeeper::Revoke(EtcdTimeout timeout) {
  lost_.store(true, std::memory_order_release);
  Stop();
  return client_.Revoke(id_, timeout);
}

void LeaseKeeper::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LeaseKeeper::Lose(const Status& why) {
  lost_.store(true, std::memory_order_release);
  LogError(LeaseName(id_) + " lost: " + why.message());
  if (on_lost_) on_lost_(why);
}

void LeaseKeeper::Loop(BootClock::time_point granted_at) {
  const auto period = std::chrono::duration_cast<BootClock::duration>(ttl_) / 4;
  const BootClock::duration call_timeout = std::min<BootClock::duration>(kMaxCallTimeout, period);
  BootClock::time_point next = granted_at + period;
  std::string last_error = "no keepalive was sent";
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      const BootClock::time_point wake_at = std::min(next, deadline());
      const auto wait = wake_at - BootClock::now();
      if (wait > BootClock::duration::zero()) wake_.wait_for(lock, wait, [this] { return stop_; });
      if (stop_) return;
    }
    const BootClock::time_point now = BootClock::now();
    if (now >= deadline()) {
      Lose(UnavailableError(LeaseName(id_) +
                            ": no keepalive succeeded in time (last: " + last_error + ")"));
      return;
    }
    if (now < next) continue;
    const auto timeout = std::chrono::duration_cast<milliseconds>(
        std::min<BootClock::duration>(call_timeout, deadline() - now));
    StatusOr<std::chrono::seconds> renewed =
        client_.KeepAlive(id_, std::max(timeout, milliseconds(1)));
    if (renewed.ok()) {
      // Never beyond what was granted, whatever the answer says.
      deadline_.store(DeadlineAfter(now, std::min(*renewed, ttl_)).time_since_epoch().count(),
                      std::memory_order_release);
      keepalives_.fetch_add(1, std::memory_order_relaxed);
      next = now + period;
      continue;
    }
    if (renewed.status().code() == StatusCode::kNotFound) {
      Lose(renewed.status());
      return;
    }
    last_error = renewed.status().message();
    LogWarning(LeaseName(id_) + ": keepalive failed: " + last_error);
    next = std::min(now + period, BootClock::now() + BootClock::duration(kRetryAfterFailure));
  }
}

}  // namespace creg
