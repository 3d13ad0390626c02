// Subscriptions against a real cregd: the caps per connection and per node,
// in-flight counting, what idle means for a subscriber, and a flood of
// subscribe frames that must cost the node nothing beyond the caps
// (docs/protocol.md, "Subscriptions").
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ledger/log_entry.h"
#include "ledger/registry/transaction.h"
#include "net/frame.h"
#include "tests/support/node_accounts.h"
#include "tests/support/node_process.h"
#include "tests/support/raw_connection.h"

namespace creg {
namespace {

using testing::NodeProcess;
using testing::RawConnection;
using Clock = std::chrono::steady_clock;

// Subscribe frames the flood test sends after its warm-up. CI keeps the
// default; CREG_SUBSCRIBE_FLOOD sets another count (100000 for the attack
// as reported).
size_t FloodSize() {
  const char* env = std::getenv("CREG_SUBSCRIBE_FLOOD");
  return env != nullptr ? std::strtoull(env, nullptr, 10) : 20'000;
}

// Resident memory of a process in KiB (VmRSS), nullopt if unreadable.
std::optional<uint64_t> ResidentKiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10);
  }
  return std::nullopt;
}

pb::Request SubscribeFrom(uint64_t start) {
  pb::Request request;
  request.mutable_subscribe()->set_start(start);
  return request;
}

class SubscriptionLimitsTest : public ::testing::Test {
 protected:
  void Start(std::vector<std::string> flags = {}) {
    flags.insert(flags.end(), {"--metrics", "127.0.0.1:0"});
    node_ = std::make_unique<NodeProcess>(dir_);
    ASSERT_TRUE(node_->Start(flags));
  }

  // A status request on a connection of its own, answered within 1 s.
  ::testing::AssertionResult StatusWithinOneSecond() {
    const auto asked = Clock::now();
    auto client = Client::Connect(node_->address());
    if (!client.ok()) return ::testing::AssertionFailure() << client.status().ToString();
    auto status = (*client)->GetStatus();
    const auto took = Clock::now() - asked;
    if (!status.ok()) return ::testing::AssertionFailure() << status.status().ToString();
    if (took > std::chrono::seconds(1)) {
      return ::testing::AssertionFailure()
             << "status took "
             << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
    }
    return ::testing::AssertionSuccess();
  }

  // Sends `count` subscriptions from `start` at once and reads one answer
  // for each; returns how many were refused with RESOURCE_EXHAUSTED (each
  // message must contain `refusal`). Accepted ones starting inside the log
  // answer with their first page.
  size_t SubscribeMany(Client& client, size_t count, uint64_t start, const std::string& refusal) {
    std::vector<pb::Request> requests(count, SubscribeFrom(start));
    EXPECT_TRUE(client.SendAll(requests).ok());
    size_t refused = 0;
    for (size_t i = 0; i < count; ++i) {
      auto response = client.Receive();
      EXPECT_TRUE(response.ok()) << response.status().ToString();
      if (!response.ok()) break;
      if (response->has_error()) {
        EXPECT_EQ(response->error().code(), "RESOURCE_EXHAUSTED");
        EXPECT_NE(response->error().message().find(refusal), std::string::npos)
            << response->error().message();
        ++refused;
      } else {
        EXPECT_TRUE(response->has_entries());
      }
    }
    return refused;
  }

  std::string OpenAccountTx(const std::string& id) {
    return testing::SignedOpenHolderAccount(*node_, id, "open-" + id);
  }

  creg::testing::TempDir dir_;
  std::unique_ptr<NodeProcess> node_;
};

TEST_F(SubscriptionLimitsTest, SubscribeFloodIsRefusedOverTheCapAndCostsNothing) {
  Start();  // default caps: 4 per connection, 1024 per node
  auto flooder = node_->Connect();
  // Warm-up: the four allowed subscriptions (each answers with the log's
  // first page) and a first round of refusals, so the baseline includes
  // what serving refusals costs.
  constexpr size_t kWarmUp = 1000;
  EXPECT_EQ(SubscribeMany(*flooder, kWarmUp, 0, "per connection (4)"), kWarmUp - 4);
  ASSERT_TRUE(node_->MetricReaches("creg_subscriptions", 4));
  ASSERT_TRUE(node_->MetricReaches("creg_head_watch_waiters", 1));
  const std::optional<uint64_t> baseline = ResidentKiB(node_->pid());
  ASSERT_TRUE(baseline.has_value());

  // The flood, in rounds: each round is sent at once, another client's
  // status is timed while the node works through it, then its refusals
  // are read (a client that does not read is cut off at the write queue
  // limit, which is not what this test is about).
  const size_t flood = FloodSize();
  constexpr size_t kRound = 1000;
  size_t refused = 0;
  for (size_t sent = 0; sent < flood; sent += kRound) {
    const size_t count = std::min(kRound, flood - sent);
    std::vector<pb::Request> requests(count, SubscribeFrom(0));
    ASSERT_TRUE(flooder->SendAll(requests).ok());
    EXPECT_TRUE(StatusWithinOneSecond()) << "after " << sent << " subscribe frames";
    for (size_t i = 0; i < count; ++i) {
      auto response = flooder->Receive();
      ASSERT_TRUE(response.ok()) << response.status().ToString();
      ASSERT_TRUE(response->has_error()) << "subscription " << sent + i << " over the cap accepted";
      EXPECT_EQ(response->error().code(), "RESOURCE_EXHAUSTED");
      ++refused;
    }
  }
  EXPECT_EQ(refused, flood);
  EXPECT_EQ(node_->Metric("creg_subscriptions_refused_total"),
            static_cast<double>(kWarmUp - 4 + flood));

  // No commit happens from here on. Neither the subscriptions nor the head
  // watch grow while the node waits (sampled for a few seconds: the old
  // head watch grew by one entry per subscription per second).
  const auto watch_until = Clock::now() + std::chrono::seconds(3);
  while (Clock::now() < watch_until) {
    ASSERT_EQ(node_->Metric("creg_subscriptions"), 4);
    ASSERT_EQ(node_->Metric("creg_head_watch_waiters"), 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // The flood left nothing behind: resident memory stays within a bound
  // generous for allocator noise (this node grows by under 1 MiB) and far
  // below what live subscriptions cost: a node that accepted all 20,000
  // grew by about 31 MiB at once and 3 MiB a second after that.
  constexpr uint64_t kAllowedGrowthKiB = 16 * 1024;
  const std::optional<uint64_t> after = ResidentKiB(node_->pid());
  ASSERT_TRUE(after.has_value());
  RecordProperty("rss_baseline_kib", static_cast<int>(*baseline));
  RecordProperty("rss_after_kib", static_cast<int>(*after));
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer keeps freed memory in quarantine (256 MiB by default),
  // so the refused frames' buffers stay resident: the bound is for the
  // node's own allocator, and the gauges above check the same promise here.
  (void)kAllowedGrowthKiB;
#else
  EXPECT_LE(*after, *baseline + kAllowedGrowthKiB)
      << "VmRSS grew from " << *baseline << " KiB to " << *after << " KiB";
#endif
  EXPECT_TRUE(StatusWithinOneSecond());

  // The refused frames did not close the connection, and the held
  // subscriptions still stream: a commit reaches all four.
  auto writer = node_->Connect();
  auto committed = writer->Submit(OpenAccountTx("flood-witness"));
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  ASSERT_TRUE(committed->has_committed());
  for (int i = 0; i < 4; ++i) {
    auto page = flooder->Receive();
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    ASSERT_TRUE(page->has_entries());
    EXPECT_EQ(page->entries().start(), committed->committed().entry_index());
  }
  EXPECT_EQ(node_->Metric("creg_head_watch_waiters"), 1);
}

TEST_F(SubscriptionLimitsTest, NodeCapIsSharedByConnectionsAndFreedWhenOneCloses) {
  Start({"--max-subscriptions", "6", "--max-subscriptions-per-connection", "4"});
  auto first = node_->Connect();
  EXPECT_EQ(SubscribeMany(*first, 4, 0, ""), 0u);
  auto second = node_->Connect();
  EXPECT_EQ(SubscribeMany(*second, 3, 0, "allows at most 6 subscriptions"), 1u);
  EXPECT_TRUE(node_->MetricReaches("creg_subscriptions", 6));
  EXPECT_TRUE(node_->MetricReaches("creg_head_watch_waiters", 2));

  // Closing a connection ends its subscriptions and frees their slots.
  first.reset();
  EXPECT_TRUE(node_->MetricReaches("creg_subscriptions", 2));
  EXPECT_TRUE(node_->MetricReaches("creg_head_watch_waiters", 1));
  EXPECT_EQ(SubscribeMany(*second, 3, 0, "per connection (4)"), 1u);
  EXPECT_TRUE(node_->MetricReaches("creg_subscriptions", 4));
  EXPECT_EQ(node_->Metric("creg_subscriptions_refused_total"), 2);
}

TEST_F(SubscriptionLimitsTest, ZeroCapsRefuseEverySubscription) {
  Start({"--max-subscriptions", "0"});
  auto client = node_->Connect();
  EXPECT_EQ(SubscribeMany(*client, 2, 0, "allows at most 0 subscriptions"), 2u);
  EXPECT_TRUE(client->GetStatus().ok());  // the connection stays open
  EXPECT_EQ(node_->Metric("creg_subscriptions"), 0);
}

TEST_F(SubscriptionLimitsTest, SubscriptionsCountAgainstTheInFlightLimit) {
  Start({"--max-in-flight", "3", "--max-subscriptions-per-connection", "8"});
  auto client = node_->Connect();
  EXPECT_EQ(SubscribeMany(*client, 3, 0, ""), 0u);
  // Three subscriptions are three unanswered requests: a fourth request of
  // any kind is refused, and not processed.
  pb::Request status;
  status.mutable_status();
  ASSERT_TRUE(client->Send(status).ok());
  auto refused = client->Receive();
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  EXPECT_EQ(refused->id(), status.id());
  EXPECT_EQ(refused->error().code(), "RESOURCE_EXHAUSTED");
  EXPECT_NE(refused->error().message().find("requests unanswered"), std::string::npos)
      << refused->error().message();
  EXPECT_EQ(SubscribeMany(*client, 1, 0, "requests unanswered"), 1u);
  EXPECT_TRUE(node_->MetricReaches("creg_subscriptions", 3));
  EXPECT_TRUE(StatusWithinOneSecond());
}

TEST_F(SubscriptionLimitsTest, ASubscriberIsNotIdleButASilentConnectionIs) {
  Start({"--idle-timeout", "1"});
  RawConnection subscriber(node_->address(), std::chrono::seconds(4));
  ASSERT_TRUE(subscriber.connected());
  pb::Request subscribe = SubscribeFrom(0);
  subscribe.set_id(1);
  ASSERT_TRUE(subscriber.Write(EncodeFrame(subscribe.SerializeAsString())));
  auto first = subscriber.ReadResponse();
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(first->has_entries());

  // Connections opened after the subscription's frame and silent since
  // are closed as idle, one after the other, so by the second close the
  // subscriber has been silent for more than the timeout and a check.
  for (int i = 0; i < 2; ++i) {
    RawConnection silent(node_->address(), std::chrono::seconds(10));
    ASSERT_TRUE(silent.connected());
    EXPECT_TRUE(silent.ClosedByPeer()) << "silent connection " << i << " not closed";
  }
  // The subscriber, silent for longer, is still served.
  auto writer = node_->Connect();
  auto committed = writer->Submit(OpenAccountTx("idle-witness"));
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  auto page = subscriber.ReadResponse();
  ASSERT_TRUE(page.has_value()) << "the subscriber's connection was closed";
  EXPECT_EQ(page->id(), 1u);
  EXPECT_EQ(page->entries().start(), committed->committed().entry_index());
}

TEST_F(SubscriptionLimitsTest, SubscriptionsStreamEntriesAsTheyCommit) {
  Start();
  auto writer = node_->Connect();
  auto head = writer->GetStatus();
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  const uint64_t tip = head->tree_size();
  // Two subscriptions on one connection, one from the first entry and one
  // waiting at the head: one waiter for the session.
  auto subscriber = node_->Connect();
  pb::Request from_zero = SubscribeFrom(0);
  pb::Request at_head = SubscribeFrom(tip);
  ASSERT_TRUE(subscriber->Send(from_zero).ok());
  ASSERT_TRUE(subscriber->Send(at_head).ok());
  uint64_t next_zero = 0, next_head = tip;
  // Reads pages until both subscriptions have delivered entries below
  // `until`, checking order and indexes.
  auto read_until = [&](uint64_t until) {
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while ((next_zero < until || next_head < until) && Clock::now() < deadline) {
      auto page = subscriber->ReceiveBefore(deadline);
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      if (!page->has_value()) break;
      const pb::Response& response = **page;
      ASSERT_TRUE(response.has_entries()) << response.ShortDebugString();
      uint64_t& next = response.id() == from_zero.id() ? next_zero : next_head;
      ASSERT_EQ(response.entries().start(), next);
      for (const std::string& bytes : response.entries().entries()) {
        auto entry = DecodeLogEntry(bytes);
        ASSERT_TRUE(entry.ok());
        ASSERT_EQ(entry->index(), next);
        ++next;
      }
    }
    ASSERT_EQ(next_zero, until);
    ASSERT_EQ(next_head, until);
  };
  read_until(tip);
  if (HasFatalFailure()) return;
  ASSERT_TRUE(node_->MetricReaches("creg_head_watch_waiters", 1));
  for (int i = 0; i < 3; ++i) {
    auto committed = writer->Submit(OpenAccountTx("streamed-" + std::to_string(i)));
    ASSERT_TRUE(committed.ok()) << committed.status().ToString();
    ASSERT_TRUE(committed->has_committed());
    read_until(committed->committed().entry_index() + 1);
    if (HasFatalFailure()) return;
  }
  EXPECT_EQ(node_->Metric("creg_subscriptions"), 2);
  EXPECT_EQ(node_->Metric("creg_head_watch_waiters"), 1);
}

TEST_F(SubscriptionLimitsTest, ShutdownDoesNotWaitForSubscribers) {
  Start();
  auto subscriber = node_->Connect();
  EXPECT_EQ(SubscribeMany(*subscriber, 2, 0, ""), 0u);
  pb::Request waiting = SubscribeFrom(1'000'000);
  ASSERT_TRUE(subscriber->Send(waiting).ok());
  ASSERT_TRUE(node_->MetricReaches("creg_subscriptions", 3));
  // Subscriptions never end by themselves, but they end with their
  // connection once it stops reading: the drain does not wait out its 5 s.
  const auto asked = Clock::now();
  EXPECT_EQ(node_->Stop(), 0);
  EXPECT_LT(Clock::now() - asked, std::chrono::seconds(4));
}

}  // namespace
}  // namespace creg
