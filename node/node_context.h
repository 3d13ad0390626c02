// What every session of a running node shares.
#pragma once

#include <utility>  // before Asio (GCC 12, see DESIGN.md)

#include <atomic>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "node/commit_pipeline.h"
#include "node/head_watch.h"
#include "node/node_options.h"
#include "node/request_handler.h"
#include "node/sign_in_limiter.h"

namespace creg {

class Session;

// The open sessions, so shutdown can stop them all. Thread-safe.
class SessionSet {
 public:
  // False when `max` sessions are already open.
  bool Add(const std::shared_ptr<Session>& session, size_t max) {
    std::lock_guard lock(mu_);
    if (sessions_.size() >= max) return false;
    sessions_.emplace(session.get(), session);
    return true;
  }
  void Remove(const Session* session) {
    std::lock_guard lock(mu_);
    sessions_.erase(session);
    if (sessions_.empty()) emptied_.notify_all();
  }
  size_t size() const {
    std::lock_guard lock(mu_);
    return sessions_.size();
  }
  // Blocks until no session is open or `deadline` passes; true if none is.
  bool WaitUntilEmpty(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mu_);
    return emptied_.wait_until(lock, deadline, [this] { return sessions_.empty(); });
  }
  template <typename F>
  void ForEach(F f) {
    std::vector<std::shared_ptr<Session>> all;
    {
      std::lock_guard lock(mu_);
      for (auto& [_, weak] : sessions_) {
        if (auto s = weak.lock()) all.push_back(std::move(s));
      }
    }
    for (auto& s : all) f(*s);
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable emptied_;
  std::unordered_map<const Session*, std::weak_ptr<Session>> sessions_;
};

struct NodeCounters {
  std::atomic<uint64_t> connections_accepted{0};
  std::atomic<uint64_t> connections_refused{0};
  std::atomic<uint64_t> bad_frames{0};
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> tls_handshakes_failed{0};
  std::atomic<uint64_t> subscriptions_refused{0};
  std::atomic<uint64_t> sign_ins{0};
  // Refused for a bad signature, unknown or inactive account, wrong
  // origin, missing or stale challenge; rate-limited ones are counted apart.
  std::atomic<uint64_t> sign_ins_refused{0};
  std::atomic<uint64_t> sign_ins_rate_limited{0};
};

struct NodeContext {
  const NodeOptions& options;
  const RequestHandler& handler;
  CommitPipeline& pipeline;
  const MerkleLog& log;
  HeadWatch head_watch;
  SessionSet sessions;
  NodeCounters counters;
  // Submit latency observer (microseconds), for metrics. May be empty.
  std::function<void(uint64_t micros)> observe_commit_latency;
  // Every client connection speaks TLS with this context; null: plain TCP.
  // Owned by the RegistryNode.
  boost::asio::ssl::context* tls = nullptr;
  // Publishes checkpoints once witnesses cosigned them; null without
  // witnesses (every signed checkpoint is published at once). Owned by the
  // RegistryNode.
  const class Publisher* publisher = nullptr;
  // On a mirror (cregd run --follow), what copies the writer's log; writes
  // are answered NOT_LEADER. Null on the writer. Owned by the RegistryNode.
  const class Follower* follower = nullptr;
  // On a writer with --sync-mirrors, what holds answers until the mirrors
  // stored the entries; null otherwise. Owned by the RegistryNode.
  class SyncGate* sync_gate = nullptr;
  // Entries the data folder held in quarantine when the node opened
  // (node/quarantine.h, QuarantinedEntriesAtOpen).
  uint64_t quarantined_entries = 0;
  // Sign-in attempts per remote address.
  SignInLimiter sign_in_limiter{options.sign_in_burst_per_address,
                                options.sign_in_refill_per_address};
};

}  // namespace creg
