#include "node/follower.h"

#include <algorithm>
#include <set>

#include "client/sign_in.h"
#include "net/wire_status.h"
#include "node/log.h"

namespace creg {
namespace {

using Clock = std::chrono::steady_clock;

// How long one wait for an answer lasts before Stop is looked at again.
constexpr std::chrono::milliseconds kPollSlice{200};
// After a page, the checkpoint is asked for again only this long after the
// last time, so a fast stream of entries costs the writer few requests.
constexpr std::chrono::milliseconds kCheckpointAfterPage{50};
// Most entries applied in one synced write: pages already received are
// merged up to this, so that a backlog costs one fsync, not one per page.
constexpr int kMaxMergedEntries = 8192;

bool IsAlarm(const Status& status) { return status.code() == StatusCode::kDataLoss; }

}  // namespace

Follower::Follower(Registry& registry, Checkpointer& checkpointer, NoteVerifier verifier,
                   FollowerOptions options, std::function<void(uint64_t)> on_commit)
    : registry_(registry),
      check_(registry, checkpointer, std::move(verifier)),
      options_(std::move(options)),
      on_commit_(std::move(on_commit)) {
  if (!options_.writers.empty()) state_.writer = options_.writers.front();
  state_.error = "not connected yet";
}

Follower::~Follower() { Stop(); }

void Follower::Start() {
  thread_ = std::thread([this] { Run(); });
}

void Follower::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  stop_requested_ = true;
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

FollowerState Follower::state() const {
  std::lock_guard lock(mu_);
  return state_;
}

void Follower::SetState(const std::function<void(FollowerState&)>& change) {
  std::lock_guard lock(mu_);
  change(state_);
}

bool Follower::WaitFor(std::chrono::milliseconds delay) {
  std::unique_lock lock(mu_);
  return !wake_.wait_for(lock, delay, [this] { return stopping_; });
}

void Follower::Run() {
  std::chrono::milliseconds backoff = options_.retry_min;
  size_t next = 0;
  while (!stop_requested_) {
    const std::string address = options_.writers[next % options_.writers.size()];
    ++next;
    SetState([&](FollowerState& s) { s.writer = address; });
    const uint64_t size_before = registry_.log().size();
    Status ended = FollowWriter(address);
    if (stop_requested_) break;
    if (IsAlarm(ended)) {
      LogError("mirror alarm, stopped following " + address + ": " + ended.message());
      SetState([&](FollowerState& s) {
        s.connected = false;
        s.alarm = ended.message();
        s.error.clear();
      });
      return;
    }
    LogWarning("mirror: following " + address + " failed, retrying: " + ended.ToString());
    SetState([&](FollowerState& s) {
      s.connected = false;
      s.error = address + ": " + ended.ToString();
    });
    // A connection that made progress starts the backoff afresh.
    if (registry_.log().size() != size_before) backoff = options_.retry_min;
    if (!WaitFor(backoff)) break;
    backoff = std::min(backoff * 2, options_.retry_max);
  }
}

Status Follower::FollowWriter(const std::string& address) {
  CREG_ASSIGN_OR_RETURN(std::unique_ptr<Client> client, Client::Connect(address, options_.client));
  if (!options_.account.empty() && options_.key.has_value()) {
    Status signed_in = SignIn(*client, options_.account, *options_.key, registry_.origin());
    if (!signed_in.ok()) return signed_in.WithContext("signing in as " + options_.account);
  }
  pb::Request subscribe;
  subscribe.mutable_subscribe()->set_start(registry_.log().size());
  CREG_RETURN_IF_ERROR(client->Send(subscribe));
  const uint64_t subscription = subscribe.id();

  bool checkpoint_asking = false;   // a checkpoint request is unanswered
  uint64_t checkpoint_request = 0;  // its id
  Clock::time_point checkpoint_asked{};
  Clock::time_point checkpoint_due = Clock::now();
  auto ask_checkpoint = [&]() -> Status {
    pb::Request request;
    request.mutable_get_checkpoint();
    CREG_RETURN_IF_ERROR(client->Send(request));
    checkpoint_request = request.id();
    checkpoint_asking = true;
    checkpoint_asked = Clock::now();
    checkpoint_due = checkpoint_asked + options_.checkpoint_interval;
    return OkStatus();
  };
  // Reports of what this mirror stored, for a writer with --sync-mirrors;
  // only when signed in (the writer counts signed-in mirrors only).
  bool reporting = !options_.account.empty();
  std::set<uint64_t> unanswered_reports;
  auto report_synced = [&]() -> Status {
    if (!reporting) return OkStatus();
    pb::Request report;
    report.mutable_mirror_synced()->set_size(registry_.log().size());
    CREG_RETURN_IF_ERROR(client->Send(report));
    unanswered_reports.insert(report.id());
    return OkStatus();
  };
  CREG_RETURN_IF_ERROR(report_synced());
  bool announced = false;
  // A response received while merging pages, handled next.
  std::optional<pb::Response> held;
  while (!stop_requested_) {
    const Clock::time_point now = Clock::now();
    if (!checkpoint_asking && now >= checkpoint_due) CREG_RETURN_IF_ERROR(ask_checkpoint());
    if (checkpoint_asking && now - checkpoint_asked > options_.client.timeout) {
      return UnavailableError("the writer did not answer a checkpoint request in time");
    }
    std::optional<pb::Response> response;
    if (held) {
      response.swap(held);
    } else {
      CREG_ASSIGN_OR_RETURN(response,
                            client->ReceiveBefore(std::min(now + kPollSlice, checkpoint_due)));
    }
    if (!response) continue;
    if (unanswered_reports.erase(response->id()) > 0) {
      if (response->has_error()) {
        // Not fatal: the mirror still copies and checks; the writer just
        // does not count it as a synchronous mirror.
        reporting = false;
        LogWarning("mirror: " + address +
                   " does not count this mirror as synchronous: " + response->error().message());
      }
      continue;
    }
    if (response->has_error()) {
      Status error = StatusFromWire(response->error());
      // An error from the writer is never an alarm: only what it signed is.
      if (IsAlarm(error)) error = UnavailableError(error.message());
      return error.WithContext("the writer answered");
    }
    if (response->id() == subscription && response->has_entries()) {
      if (!announced) {
        announced = true;
        LogInfo("mirror: following " + address + " from entry " +
                std::to_string(response->entries().start()));
        SetState([](FollowerState& s) {
          s.connected = true;
          s.error.clear();
        });
      }
      pb::EntriesResponse& page = *response->mutable_entries();
      // The pages that arrived meanwhile join this one.
      while (page.entries_size() < kMaxMergedEntries) {
        CREG_ASSIGN_OR_RETURN(held, client->ReceiveBefore(Clock::now()));
        if (!held) break;
        const uint64_t next = page.start() + static_cast<uint64_t>(page.entries_size());
        if (held->id() != subscription || !held->has_entries() || held->entries().start() != next)
          break;  // handled next, on its own
        for (std::string& entry : *held->mutable_entries()->mutable_entries())
          page.add_entries(std::move(entry));
        held.reset();
      }
      CREG_RETURN_IF_ERROR(ApplyPage(page));
      CREG_RETURN_IF_ERROR(report_synced());
      if (!checkpoint_asking && Clock::now() - checkpoint_asked >= kCheckpointAfterPage) {
        CREG_RETURN_IF_ERROR(ask_checkpoint());
      }
    } else if (checkpoint_asking && response->id() == checkpoint_request &&
               response->has_checkpoint()) {
      checkpoint_asking = false;
      if (!announced) {
        announced = true;
        SetState([](FollowerState& s) {
          s.connected = true;
          s.error.clear();
        });
      }
      CREG_RETURN_IF_ERROR(CheckCheckpoint(response->checkpoint().note()));
    }
  }
  return OkStatus();
}

Status Follower::ApplyPage(const pb::EntriesResponse& page) {
  const uint64_t before = registry_.log().size();
  Status applied = check_.ApplyPage(page);
  if (on_commit_ && registry_.log().size() != before) on_commit_(registry_.log().size());
  return applied;
}

Status Follower::CheckCheckpoint(const std::string& note) {
  Status checked = check_.CheckCheckpoint(note);
  const uint64_t seen = check_.writer_checkpoint_size();
  SetState([seen](FollowerState& s) { s.writer_checkpoint_size = seen; });
  return checked;
}

}  // namespace creg
