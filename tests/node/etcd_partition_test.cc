// The etcd client and the lease keeper across a partition: a TcpProxy
// (tests/support/tcp_proxy.h) between them and a real etcd member. A
// blackholed etcd makes calls time out and the lease end locally, before
// etcd would expire it; a cut one fails calls at once; after Heal() both
// work again.
#include <gtest/gtest.h>

#include "node/etcd_client.h"
#include "node/lease_keeper.h"
#include "tests/support/etcd_process.h"
#include "tests/support/eventually.h"
#include "tests/support/status_assertions.h"
#include "tests/support/tcp_proxy.h"

namespace creg {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::Eventually;
using testing::FailsWith;
using testing::TcpProxy;

constexpr std::string_view kKey = "/creg/t/leader";

class EtcdPartitionTest : public testing::EtcdTest {
 protected:
  void SetUp() override {
    EtcdTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    proxy_ = std::make_unique<TcpProxy>(etcd().client_address());
    EtcdClientOptions options;
    options.timeout = milliseconds(300);
    through_proxy_ = EtcdClient::Create({"http://" + proxy_->address()}, options).value();
    direct_ = EtcdClient::Create({etcd().url()}).value();
  }

  std::unique_ptr<TcpProxy> proxy_;
  std::unique_ptr<EtcdClient> through_proxy_;
  std::unique_ptr<EtcdClient> direct_;
};

TEST_F(EtcdPartitionTest, CallsTimeOutInABlackholeFailAtOnceWhenCutAndWorkAfterHealing) {
  ASSERT_TRUE(through_proxy_->Get(kKey).ok());

  proxy_->Blackhole();
  EXPECT_TRUE(FailsWith(through_proxy_->Get(kKey).status(), StatusCode::kUnavailable, "timed out"));
  proxy_->Heal();
  EXPECT_TRUE(through_proxy_->Get(kKey).ok());

  proxy_->Cut();
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(through_proxy_->Get(kKey, milliseconds(5000)).status().code(),
            StatusCode::kUnavailable);
  // Refused, not waited out: well under the call's 5 s deadline.
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(4));
  proxy_->Heal();
  EXPECT_TRUE(through_proxy_->Get(kKey).ok());
}

TEST_F(EtcdPartitionTest, ALeaderCutOffFromEtcdGivesUpBeforeItsKeyExpires) {
  std::atomic<int> lost{0};
  auto keeper = LeaseKeeper::Start(*through_proxy_, seconds(2), [&](const Status&) { ++lost; });
  ASSERT_TRUE(keeper.ok()) << keeper.status().ToString();
  ASSERT_TRUE(direct_->Campaign(kKey, "a:1", (*keeper)->id()).ok());
  ASSERT_TRUE(Eventually([&] { return (*keeper)->keepalives() >= 1; }, milliseconds(10'000)));

  proxy_->Blackhole();
  ASSERT_TRUE(Eventually([&] { return lost.load() > 0; }, milliseconds(10'000)));
  EXPECT_FALSE((*keeper)->Valid());
  // etcd, which the keeper could not reach, still holds the key: the
  // keeper stopped acting on its lease before etcd let it go.
  StatusOr<std::optional<etcd::KeyValue>> key = direct_->Get(kKey);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_TRUE(key->has_value());
  // And then etcd lets it go.
  EXPECT_TRUE(
      Eventually([&] { return !direct_->Get(kKey).value().has_value(); }, milliseconds(10'000)));
  proxy_->Heal();
}

}  // namespace
}  // namespace creg
