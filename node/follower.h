// Follower: makes a mirror's registry a verified copy of the writer's log
// (docs/replication.md, "Mirrors").
//
// One thread connects to a writer (the addresses in turn), signs in if
// given an account, subscribes from the mirror's own size and hands every
// page of entries to a MirrorCheck (node/mirror_check.h), which replays,
// checks and commits it; pages that arrived while it worked are merged
// into one (up to 8,192 entries), so that a backlog costs one synced write. It asks the writer for
// its checkpoint about once a second (and after each page) and hands that to the MirrorCheck too,
// which publishes it to the mirror's readers only if it passes. Signed in,
// it reports after each page how many entries it has stored (for a writer
// with --sync-mirrors, node/sync_gate.h); a writer that refuses the report
// is still followed.
//
// An entry or checkpoint that fails a check raises the alarm: the mirror
// keeps the entries it verified before it (the bad one is never stored or
// served), logs the reason, stops following and reports it in state(). A
// connection that fails or a writer that is down is retried, with a
// backoff from 250 ms to 5 s; that is an error in state(), not an alarm.
//
// Thread-safety: state() from any thread; Start and Stop from the owner.
// Nothing else may write to the registry while the follower runs.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "client/client.h"
#include "creg/wire.pb.h"
#include "ledger/checkpoint.h"
#include "ledger/keys.h"
#include "ledger/registry/registry.h"
#include "node/checkpointer.h"
#include "node/mirror_check.h"

namespace creg {

struct FollowerOptions {
  // The writer's addresses, HOST:PORT, tried in turn. At least one.
  std::vector<std::string> writers;
  // Sign in as this account with this key (for a writer whose read policy
  // keeps the log from the public); empty account: no sign-in.
  std::string account;
  std::optional<PrivateKey> key;
  ClientOptions client;
  // How often the writer's checkpoint is fetched while no entries come.
  std::chrono::milliseconds checkpoint_interval{1000};
  std::chrono::milliseconds retry_min{250};
  std::chrono::milliseconds retry_max{5000};
};

struct FollowerState {
  // The writer connected to, or the one tried last.
  std::string writer;
  bool connected = false;
  // The size of the writer's newest checkpoint seen (verified signature).
  uint64_t writer_checkpoint_size = 0;
  // Why following fails now; it is retried. Empty while connected.
  std::string error;
  // Why following stopped for good: an entry or checkpoint failed a
  // check, or the mirror's own storage failed. Empty: no alarm.
  std::string alarm;
};

class Follower {
 public:
  // `registry` and `checkpointer` must outlive the follower. `verifier` is
  // the registry's checkpoint key. `on_commit` is called (on the follower's
  // thread) with the new log size after each page is committed.
  Follower(Registry& registry, Checkpointer& checkpointer, NoteVerifier verifier,
           FollowerOptions options, std::function<void(uint64_t)> on_commit);
  ~Follower();
  Follower(const Follower&) = delete;
  Follower& operator=(const Follower&) = delete;

  void Start();
  // Returns once the thread has ended (within about 200 ms, or a client
  // timeout if the writer stops answering in the middle of a frame).
  void Stop();

  FollowerState state() const;

 private:
  void Run();
  // Follows one writer until the connection fails (the error) or an alarm
  // (DataLoss) or Stop (OK).
  Status FollowWriter(const std::string& address);
  // check_.ApplyPage, then on_commit_ if the log grew.
  Status ApplyPage(const pb::EntriesResponse& page);
  // check_.CheckCheckpoint, then the state's writer_checkpoint_size.
  Status CheckCheckpoint(const std::string& note);
  void SetState(const std::function<void(FollowerState&)>& change);
  // Waits `delay` or until Stop; false if stopping.
  bool WaitFor(std::chrono::milliseconds delay);

  Registry& registry_;
  MirrorCheck check_;  // the follower's thread only
  FollowerOptions options_;
  std::function<void(uint64_t)> on_commit_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  FollowerState state_;    // guarded by mu_
  std::atomic<bool> stop_requested_{false};
  std::thread thread_;
};

}  // namespace creg
