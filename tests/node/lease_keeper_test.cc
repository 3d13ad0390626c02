// node/lease_keeper.h against a real etcd 3.4 member on loopback: the lease
// outlives its TTL while kept, is lost at once when etcd drops it, and the
// local deadline ends before etcd could expire it when etcd stops answering.
#include "node/lease_keeper.h"

#include <gtest/gtest.h>

#include <mutex>
#include <optional>
#include <utility>

#include "tests/support/etcd_process.h"
#include "tests/support/eventually.h"
#include "tests/support/status_assertions.h"

namespace creg {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::Eventually;
using testing::FailsWith;

constexpr std::string_view kKey = "/creg/t/leader";

// What on_lost reported, and how often.
class LossRecord {
 public:
  LeaseKeeper::LostCallback Callback() {
    return [this](const Status& why) {
      std::lock_guard<std::mutex> lock(mu_);
      ++calls_;
      why_ = why;
      lost_at_ = BootClock::now();
    };
  }
  int calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  Status why() {
    std::lock_guard<std::mutex> lock(mu_);
    return why_;
  }
  BootClock::time_point lost_at() {
    std::lock_guard<std::mutex> lock(mu_);
    return lost_at_;
  }

 private:
  std::mutex mu_;
  int calls_ = 0;
  Status why_;
  BootClock::time_point lost_at_;
};

class LeaseKeeperTest : public testing::EtcdTest {
 protected:
  void SetUp() override {
    EtcdTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto client = EtcdClient::Create({etcd().url()});
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    client_ = std::move(client).value();
  }

  std::unique_ptr<LeaseKeeper> StartKeeper(LossRecord& record) {
    // 1 s asked, 2 s granted: etcd's minimum with its default settings.
    auto keeper = LeaseKeeper::Start(*client_, seconds(1), record.Callback());
    EXPECT_TRUE(keeper.ok()) << keeper.status().ToString();
    return keeper.ok() ? std::move(keeper).value() : nullptr;
  }

  bool KeyExists() {
    StatusOr<std::optional<etcd::KeyValue>> kv = client_->Get(kKey);
    EXPECT_TRUE(kv.ok()) << kv.status().ToString();
    return kv.ok() && kv->has_value();
  }

  std::unique_ptr<EtcdClient> client_;
};

TEST_F(LeaseKeeperTest, KeepsTheLeaseAliveBeyondItsTtl) {
  LossRecord record;
  auto keeper = StartKeeper(record);
  ASSERT_NE(keeper, nullptr);
  EXPECT_EQ(keeper->ttl(), seconds(2));
  ASSERT_TRUE(client_->Campaign(kKey, "a:1", keeper->id()).ok());
  // Eight keepalives, one per TTL/4: twice the TTL has passed.
  ASSERT_TRUE(Eventually([&] { return keeper->keepalives() >= 8; }, milliseconds(20'000)));
  EXPECT_TRUE(KeyExists());
  EXPECT_TRUE(keeper->Valid());
  // The local deadline is never more than 3/4 of the TTL ahead.
  EXPECT_LE(keeper->deadline(), BootClock::now() + milliseconds(1500));
  EXPECT_EQ(record.calls(), 0);
}

TEST_F(LeaseKeeperTest, ALeaseEtcdNoLongerHasIsLostAtOnce) {
  LossRecord record;
  auto keeper = StartKeeper(record);
  ASSERT_NE(keeper, nullptr);
  ASSERT_TRUE(client_->Revoke(keeper->id()).ok());  // as if it had expired
  ASSERT_TRUE(Eventually([&] { return record.calls() > 0; }, milliseconds(10'000)));
  EXPECT_TRUE(FailsWith(record.why(), StatusCode::kNotFound, "is gone"));
  EXPECT_FALSE(keeper->Valid());
  // The keeper stopped: it reports the loss once and never renews again.
  const uint64_t keepalives = keeper->keepalives();
  keeper.reset();
  EXPECT_EQ(record.calls(), 1);
  EXPECT_LE(keepalives, 2u);
}

TEST_F(LeaseKeeperTest, GivesUpBeforeEtcdCouldExpireTheLeaseWhenEtcdHangs) {
  LossRecord record;
  auto keeper = StartKeeper(record);
  ASSERT_NE(keeper, nullptr);
  ASSERT_TRUE(Eventually([&] { return keeper->keepalives() >= 1; }, milliseconds(10'000)));
  ASSERT_TRUE(etcd().Pause());
  const BootClock::time_point paused_at = BootClock::now();
  ASSERT_TRUE(Eventually([&] { return record.calls() > 0; }, milliseconds(10'000)));
  EXPECT_TRUE(FailsWith(record.why(), StatusCode::kUnavailable, "no keepalive succeeded in time"));
  EXPECT_FALSE(keeper->Valid());
  // Every successful keepalive was sent before the pause, so the deadline
  // fell at most 3/4 of the TTL after it: before etcd could have let the
  // lease expire, whenever it received that keepalive.
  EXPECT_LE(keeper->deadline(), paused_at + milliseconds(1500));
  EXPECT_GE(record.lost_at(), keeper->deadline());
  ASSERT_TRUE(etcd().Resume());
  keeper.reset();
  EXPECT_EQ(record.calls(), 1);
}

TEST_F(LeaseKeeperTest, RevokeDeletesTheKeysAtOnceWithoutReportingALoss) {
  LossRecord record;
  auto keeper = StartKeeper(record);
  ASSERT_NE(keeper, nullptr);
  ASSERT_TRUE(client_->Campaign(kKey, "a:1", keeper->id()).ok());
  ASSERT_TRUE(KeyExists());
  ASSERT_TRUE(keeper->Revoke().ok());
  EXPECT_FALSE(keeper->Valid());
  EXPECT_FALSE(KeyExists());
  EXPECT_TRUE(FailsWith(keeper->Revoke(), StatusCode::kNotFound, "lease not found"));
  keeper.reset();
  EXPECT_EQ(record.calls(), 0);
}

TEST_F(LeaseKeeperTest, NoLeaseWithoutEtcd) {
  etcd().Kill();
  LossRecord record;
  auto keeper = LeaseKeeper::Start(*client_, seconds(2), record.Callback());
  EXPECT_EQ(keeper.status().code(), StatusCode::kUnavailable) << keeper.status().ToString();
  EXPECT_EQ(record.calls(), 0);
}

}  // namespace
}  // namespace creg
