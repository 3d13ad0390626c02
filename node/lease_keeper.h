// LeaseKeeper: one etcd lease, kept alive by a thread of its own, and the
// local deadline after which its holder must act as if the lease were gone
// (docs/replication.md, "Failover").
//
// Keepalives. One every TTL/4, each with a deadline of min(400 ms, TTL/4)
// so that a hung etcd never delays the next; after a failed one, the next
// goes 100 ms later (or at TTL/4 if that is sooner).
//
// The local deadline. etcd restarts a lease's TTL when a keepalive reaches
// it, some time after it was sent. The keeper counts from the moment the
// last successful keepalive (or the grant) was *sent*, and gives up a
// further quarter of the TTL:
//
//   deadline = send time of the last successful keepalive + TTL - TTL/4
//
// so that it ends before etcd's own expiry, never after, whatever the delay
// on the way. With a 2 s TTL: 1.5 s after the last good send, that is after
// two keepalives in a row failed. The clock is BootClock (CLOCK_BOOTTIME):
// a process that was stopped or a host that was suspended finds its
// deadline passed on waking.
//
// Lost. The lease is lost when etcd answers that it no longer has it (the
// lease expired or was revoked: NotFound), or when the deadline passes
// before a keepalive succeeds (Unavailable, naming the last error). Then
// Valid() turns false, `on_lost` runs once on the keeper's thread with the
// reason, and the keeper stops. It never grants another lease: the holder
// makes a new keeper.
//
// Safety does not rest on this clock: whatever the holder does with the
// lease in etcd (a fenced swap) etcd refuses once the lease is gone. The
// deadline makes the holder stop acting promptly, before etcd would.
//
// Thread-safety: id(), ttl(), Valid(), deadline() and keepalives() from any
// thread; Revoke() and the destructor from the owner's thread, not from
// `on_lost`.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "ledger/status.h"
#include "node/boot_clock.h"
#include "node/etcd_client.h"

namespace creg {

class LeaseKeeper {
 public:
  using LostCallback = std::function<void(const Status& why)>;

  // Grants a lease asking for `ttl` (etcd may grant more: ttl() says what
  // it granted) and starts keeping it alive. `client` must outlive the
  // keeper. Errors: those of EtcdClient::Grant.
  static StatusOr<std::unique_ptr<LeaseKeeper>> Start(EtcdClient& client, std::chrono::seconds ttl,
                                                      LostCallback on_lost);
  // Stops keeping the lease alive without revoking it: it lapses after its
  // TTL (a crash looks the same to etcd).
  ~LeaseKeeper();
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

  int64_t id() const { return id_; }
  std::chrono::seconds ttl() const { return ttl_; }

  // True until the lease is lost, revoked, or the local deadline passes.
  bool Valid() const;
  BootClock::time_point deadline() const;
  // Keepalives that succeeded so far.
  uint64_t keepalives() const { return keepalives_.load(std::memory_order_relaxed); }

  // Stops keeping the lease alive and revokes it, which deletes the keys
  // bound to it at once (a clean hand-over). Valid() is false from the
  // call on; `on_lost` does not run. Errors: those of EtcdClient::Revoke
  // (NotFound: it was already gone).
  Status Revoke(EtcdTimeout timeout = {});

 private:
  LeaseKeeper(EtcdClient& client, EtcdLease lease, BootClock::time_point granted_at,
              LostCallback on_lost);
  // Runs on thread_; `granted_at`: when the grant was sent.
  void Loop(BootClock::time_point granted_at);
  void Stop();
  void Lose(const Status& why);

  EtcdClient& client_;
  const int64_t id_;
  const std::chrono::seconds ttl_;
  const LostCallback on_lost_;
  std::atomic<BootClock::rep> deadline_;  // BootClock ticks
  std::atomic<bool> lost_{false};
  std::atomic<uint64_t> keepalives_{0};
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace creg
