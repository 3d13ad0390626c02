#include "node/sync_gate.h"

#include <algorithm>
#include <vector>

#include "node/log.h"

namespace creg {

using Clock = std::chrono::steady_clock;

SyncGate::SyncGate(Checkpointer& checkpointer, const MerkleLog& log, SyncGateOptions options)
    : checkpointer_(checkpointer), log_(log), options_(options) {
  // What was signed before the gate existed (the checkpoint of the log at
  // start) is covered already.
  if (auto latest = checkpointer_.latest()) signed_size_ = latest->checkpoint.size;
  thread_ = std::thread([this] { Run(); });
}

SyncGate::~SyncGate() { Stop(); }

Status SyncGate::Report(uint64_t connection, const std::string& account, uint64_t size) {
  const uint64_t log_size = log_.size();
  if (size > log_size) {
    return InvalidArgumentError("a mirror cannot have stored " + std::to_string(size) +
                                " entries: the writer's log holds " + std::to_string(log_size));
  }
  std::lock_guard lock(mu_);
  auto [at, inserted] = connections_.try_emplace(connection, account);
  if (!inserted && at->second != account) {
    // Signed in again as another account: the old one leaves.
    Mirror& old = mirrors_[at->second];
    if (old.connections > 0) --old.connections;
    at->second = account;
    inserted = true;
  }
  Mirror& mirror = mirrors_[account];
  if (inserted) ++mirror.connections;
  if (size > mirror.size) {
    mirror.size = size;
    wake_.notify_all();
  }
  return OkStatus();
}

void SyncGate::Disconnected(uint64_t connection) {
  std::lock_guard lock(mu_);
  auto at = connections_.find(connection);
  if (at == connections_.end()) return;
  Mirror& mirror = mirrors_[at->second];
  if (mirror.connections > 0) --mirror.connections;
  connections_.erase(at);
}

size_t SyncGate::connected() const {
  std::lock_guard lock(mu_);
  return static_cast<size_t>(std::count_if(mirrors_.begin(), mirrors_.end(),
                                           [](const auto& m) { return m.second.connections > 0; }));
}

uint64_t SyncGate::covered() const {
  std::lock_guard lock(mu_);
  return CoveredLocked();
}

uint64_t SyncGate::CoveredLocked() const {
  if (mirrors_.size() < options_.required) return signed_size_;
  std::vector<uint64_t> sizes;
  sizes.reserve(mirrors_.size());
  for (const auto& [_, mirror] : mirrors_) sizes.push_back(mirror.size);
  std::nth_element(sizes.begin(), sizes.begin() + static_cast<ptrdiff_t>(options_.required - 1),
                   sizes.end(), std::greater<>());
  return std::max(signed_size_, sizes[options_.required - 1]);
}

Status SyncGate::CheckReady() const {
  const size_t have = connected();
  if (have >= options_.required) return OkStatus();
  return UnavailableError("this writer acknowledges a write only once " +
                          std::to_string(options_.required) +
                          " mirrors stored it (--sync-mirrors), and " + std::to_string(have) +
                          " are connected; nothing was written, retry once they are back");
}

void SyncGate::Hold(uint64_t size, Release release) {
  std::unique_lock lock(mu_);
  if (stopping_) {
    lock.unlock();
    release(UnavailableError("the node is shutting down"));
    return;
  }
  if (held_.empty() && size <= signed_size_) {
    const uint64_t covered = signed_size_;
    lock.unlock();
    release(covered);
    return;
  }
  held_.push_back(Held{size, std::move(release), Clock::now() + options_.timeout});
  wake_.notify_all();
}

void SyncGate::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    const uint64_t covered = CoveredLocked();
    if (covered > signed_size_) {
      lock.unlock();
      Status signed_head = checkpointer_.SignAt(covered);
      lock.lock();
      if (!signed_head.ok()) {
        // Nothing past the last signed size is acknowledged; the held
        // answers time out.
        LogError("cannot sign a checkpoint of the entries the mirrors hold: " +
                 signed_head.ToString());
      } else {
        signed_size_ = std::max(signed_size_, covered);
      }
    }
    std::vector<Held> due;
    const Clock::time_point now = Clock::now();
    while (!held_.empty() &&
           (held_.front().size <= signed_size_ || held_.front().deadline <= now)) {
      due.push_back(std::move(held_.front()));
      held_.pop_front();
    }
    if (!due.empty()) {
      const uint64_t released_at = signed_size_;
      lock.unlock();
      for (Held& held : due) {
        if (held.size <= released_at) {
          held.release(released_at);
        } else {
          held.release(UnavailableError(
              "the writer stored this transaction, but fewer than " +
              std::to_string(options_.required) + " mirrors confirmed it within " +
              std::to_string(options_.timeout.count()) +
              " ms, so it is not acknowledged; submit it again unchanged to learn its outcome"));
        }
      }
      lock.lock();
      continue;
    }
    auto woken = [&] { return stopping_ || CoveredLocked() > signed_size_; };
    if (held_.empty()) {
      wake_.wait(lock, [&] { return woken() || !held_.empty(); });
    } else {
      wake_.wait_until(lock, held_.front().deadline, woken);
    }
  }
  std::deque<Held> left;
  left.swap(held_);
  lock.unlock();
  for (Held& held : left) held.release(UnavailableError("the node is shutting down"));
}

void SyncGate::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace creg
