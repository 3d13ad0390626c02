// EtcdFence (node/etcd_fence.h) against a real etcd 3.4 member on
// loopback: it records checkpoints with the term's fenced swap while the
// lease holds, and refuses once the lease is gone.
#include "node/etcd_fence.h"

#include <gtest/gtest.h>

#include "tests/support/etcd_process.h"
#include "tests/support/status_assertions.h"

namespace creg {
namespace {

using std::chrono::seconds;

class EtcdFenceTest : public testing::EtcdTest {
 protected:
  void SetUp() override {
    EtcdTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    client_ = EtcdClient::Create({etcd().url()}).value();
    keys_ = ClusterKeys::For("c1").value();
    lease_ = LeaseKeeper::Start(*client_, seconds(2), nullptr).value();
    StatusOr<EtcdCampaign> won = client_->Campaign(keys_.leader, "127.0.0.1:7601", lease_->id());
    ASSERT_TRUE(won.ok() && won->won) << won.status().ToString();
    swaps_ = std::make_unique<TermSwaps>(*client_, keys_, won->term_revision, 0);
  }

  static SignedCheckpoint NoteOf(std::string note) { return SignedCheckpoint{{}, std::move(note)}; }

  std::unique_ptr<EtcdClient> client_;
  ClusterKeys keys_;
  std::unique_ptr<LeaseKeeper> lease_;
  std::unique_ptr<TermSwaps> swaps_;
};

TEST_F(EtcdFenceTest, RecordsCheckpointsWhileTheLeaseHolds) {
  EtcdFence fence(*swaps_, *lease_, "c1");
  EXPECT_TRUE(fence.Valid());
  EXPECT_EQ(fence.Describe(),
            "the writer role of cluster c1 (term " + std::to_string(swaps_->term_revision()) + ")");
  ASSERT_TRUE(fence.Commit(NoteOf("note 1")).ok());
  ASSERT_TRUE(fence.Commit(NoteOf("note 2")).ok());
  EXPECT_EQ(ReadClusterCheckpoint(*client_, keys_).value().note, "note 2");
}

TEST_F(EtcdFenceTest, RefusesOnceTheLeaseIsGone) {
  EtcdFence fence(*swaps_, *lease_, "c1");
  ASSERT_TRUE(fence.Commit(NoteOf("note 1")).ok());
  ASSERT_TRUE(lease_->Revoke().ok());  // the leader key goes with it
  EXPECT_FALSE(fence.Valid());
  EXPECT_TRUE(testing::FailsWith(fence.Commit(NoteOf("note 2")), StatusCode::kUnavailable,
                                 "passed its local deadline"));
  EXPECT_EQ(ReadClusterCheckpoint(*client_, keys_).value().note, "note 1");
}

TEST_F(EtcdFenceTest, ASwapEtcdRefusesEndsTheTerm) {
  EtcdFence fence(*swaps_, *lease_, "c1");
  // Another writer's swap got in (the same term, an older mod_revision).
  TermSwaps other(*client_, keys_, swaps_->term_revision(), 0);
  ASSERT_TRUE(other.Swap("theirs").ok());
  EXPECT_EQ(fence.Commit(NoteOf("mine")).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReadClusterCheckpoint(*client_, keys_).value().note, "theirs");
}

}  // namespace
}  // namespace creg
