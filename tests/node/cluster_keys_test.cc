// node/cluster_keys.h: the cluster's keys, and the writer's checkpoint
// swaps against a real etcd 3.4 member on loopback, refused once the term
// is over or another swap got in.
#include "node/cluster_keys.h"

#include <gtest/gtest.h>

#include "tests/support/etcd_process.h"
#include "tests/support/status_assertions.h"

namespace creg {
namespace {

using std::chrono::seconds;
using testing::FailsWith;

TEST(ClusterKeysTest, KeysOfAValidName) {
  StatusOr<ClusterKeys> keys = ClusterKeys::For("east-2");
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_EQ(keys->leader, "/creg/east-2/leader");
  EXPECT_EQ(keys->checkpoint, "/creg/east-2/checkpoint");
  EXPECT_EQ(keys->members, "/creg/east-2/members/");
  EXPECT_EQ(keys->Member("127.0.0.1:7601"), "/creg/east-2/members/127.0.0.1:7601");
  EXPECT_TRUE(ClusterKeys::For("c").ok());
  EXPECT_TRUE(ClusterKeys::For(std::string(63, 'a')).ok());
}

TEST(ClusterKeysTest, RefusesNamesThatAreNotPlain) {
  for (const std::string& name : std::vector<std::string>{"", "-a", "a-", "East", "a/b", "a b",
                                                          "a.b", "a\n", std::string(64, 'a')}) {
    EXPECT_TRUE(
        FailsWith(ClusterKeys::For(name).status(), StatusCode::kInvalidArgument, "cluster name"))
        << name;
  }
}

class TermSwapsTest : public testing::EtcdTest {
 protected:
  void SetUp() override {
    EtcdTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    client_ = EtcdClient::Create({etcd().url()}).value();
    keys_ = ClusterKeys::For("c1").value();
  }

  // Wins the leader key with a new lease; returns {lease, term revision}.
  std::pair<int64_t, int64_t> Win(std::string_view address) {
    const EtcdLease lease = client_->Grant(seconds(5)).value();
    StatusOr<EtcdCampaign> campaign = client_->Campaign(keys_.leader, address, lease.id);
    EXPECT_TRUE(campaign.ok() && campaign->won) << campaign.status().ToString();
    return {lease.id, campaign.ok() ? campaign->term_revision : 0};
  }

  std::string NoteInEtcd() { return ReadClusterCheckpoint(*client_, keys_).value().note; }

  std::unique_ptr<EtcdClient> client_;
  ClusterKeys keys_;
};

TEST_F(TermSwapsTest, AWriterSwapsItsCheckpointsInOneAfterTheOther) {
  StatusOr<ClusterCheckpoint> absent = ReadClusterCheckpoint(*client_, keys_);
  ASSERT_TRUE(absent.ok()) << absent.status().ToString();
  EXPECT_EQ(absent->note, "");
  EXPECT_EQ(absent->mod_revision, 0);

  auto [lease, term] = Win("127.0.0.1:7601");
  TermSwaps swaps(*client_, keys_, term, absent->mod_revision);
  ASSERT_TRUE(swaps.Swap("note 1").ok());
  ClusterCheckpoint read = ReadClusterCheckpoint(*client_, keys_).value();
  EXPECT_EQ(read.note, "note 1");
  EXPECT_EQ(read.mod_revision, swaps.mod_revision());
  ASSERT_TRUE(swaps.Swap("note 2").ok());
  EXPECT_EQ(NoteInEtcd(), "note 2");
  EXPECT_GT(swaps.mod_revision(), read.mod_revision);
  EXPECT_EQ(swaps.term_revision(), term);
}

TEST_F(TermSwapsTest, AnEndedTermSwapsNothingAgain) {
  auto [old_lease, old_term] = Win("127.0.0.1:7601");
  TermSwaps old_writer(*client_, keys_, old_term, 0);
  ASSERT_TRUE(old_writer.Swap("old 1").ok());
  ASSERT_TRUE(client_->Revoke(old_lease).ok());  // its lease lapsed
  auto [new_lease, new_term] = Win("127.0.0.1:7602");
  ASSERT_GT(new_term, old_term);
  TermSwaps new_writer(*client_, keys_, new_term,
                       ReadClusterCheckpoint(*client_, keys_).value().mod_revision);

  EXPECT_EQ(old_writer.Swap("old 2").code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(new_writer.Swap("new 1").ok());
  // Once refused, always refused, without asking etcd.
  EXPECT_TRUE(
      FailsWith(old_writer.Swap("old 3"), StatusCode::kFailedPrecondition,
                "the term of revision " + std::to_string(old_term) + " of cluster c1 ended"));
  EXPECT_EQ(NoteInEtcd(), "new 1");
}

TEST_F(TermSwapsTest, ASecondWriterOfTheSameTermIsFencedByTheFirstsSwap) {
  auto [lease, term] = Win("127.0.0.1:7601");
  TermSwaps first(*client_, keys_, term, 0);
  TermSwaps second(*client_, keys_, term, 0);
  ASSERT_TRUE(first.Swap("first").ok());
  EXPECT_EQ(second.Swap("second").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(NoteInEtcd(), "first");
  EXPECT_TRUE(first.Swap("first again").ok());
}

}  // namespace
}  // namespace creg
