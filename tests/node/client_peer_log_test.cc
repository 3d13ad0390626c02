// ClientPeerLog (node/reconcile.h) against a real cregd on loopback: the
// entries and inclusion proofs it reads check out against the node's
// checkpoint, and an answer that is not what was asked (through a
// tampering proxy) is DataLoss naming the member.
#include "node/reconcile.h"

#include <gtest/gtest.h>

#include "ledger/checkpoint.h"
#include "ledger/merkle.h"
#include "tests/support/frame_proxy.h"
#include "tests/support/node_accounts.h"
#include "tests/support/node_process.h"
#include "tests/support/status_assertions.h"
#include "tests/support/temp_dir.h"

namespace creg {
namespace {

using testing::FailsWith;
using testing::FrameProxy;
using testing::NodeAccounts;
using testing::NodeProcess;

class ClientPeerLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    node_ = std::make_unique<NodeProcess>(dir_);
    ASSERT_TRUE(node_->Start());
    NodeAccounts accounts(*node_);
    auto client = node_->Connect();
    for (const char* id : {"developer", "broker", "buyer"}) {
      accounts.OpenAccount(*client, id, pb::ROLE_HOLDER);
    }
  }

  std::unique_ptr<ClientPeerLog> PeerAt(const std::string& address) {
    auto client = Client::Connect(address, ClientOptions{});
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return client.ok() ? std::make_unique<ClientPeerLog>(std::move(client).value()) : nullptr;
  }

  testing::TempDir dir_;
  std::unique_ptr<NodeProcess> node_;
};

TEST_F(ClientPeerLogTest, EntriesAndProofsCheckOutAgainstTheNodesCheckpoint) {
  auto peer = PeerAt(node_->address());
  ASSERT_NE(peer, nullptr);
  EXPECT_EQ(peer->name(), node_->address());
  auto checker = node_->Connect();
  StatusOr<pb::CheckpointResponse> answer = checker->GetCheckpoint();
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  NoteVerifier verifier = NoteVerifier::FromVerifierKey(node_->VerifierKey()).value();
  StatusOr<Checkpoint> checkpoint =
      VerifyCheckpoint(answer->note(), verifier, NodeProcess::kOrigin);
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status().ToString();
  ASSERT_EQ(checkpoint->size, 4u);  // the operator and three holders

  StatusOr<std::vector<std::string>> entries = peer->Entries(0, 100);
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 4u);
  for (uint64_t i = 0; i < 4; ++i) {
    StatusOr<std::vector<std::string>> proof = peer->InclusionProof(i, 4);
    ASSERT_TRUE(proof.ok()) << proof.status().ToString();
    EXPECT_TRUE(merkle::VerifyInclusion(i, 4, merkle::LeafHash((*entries)[i]).str(), *proof,
                                        checkpoint->root.str())
                    .ok())
        << i;
  }
  EXPECT_EQ(peer->Entries(4, 1).status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(peer->Entries(2, 1).value().size(), 1u);
}

TEST_F(ClientPeerLogTest, AnAnswerThatIsNotWhatWasAskedIsDataLoss) {
  FrameProxy proxy(node_->address());
  auto peer = PeerAt(proxy.address());
  ASSERT_NE(peer, nullptr);
  const std::string names = proxy.address() + " answered";

  proxy.SetEdit([](pb::Response& r) {
    if (r.has_entries()) r.mutable_entries()->set_start(r.entries().start() + 1);
  });
  EXPECT_TRUE(FailsWith(peer->Entries(1, 2).status(), StatusCode::kDataLoss, names));
  proxy.SetEdit([](pb::Response& r) {
    if (r.has_entries()) r.mutable_entries()->clear_entries();
  });
  EXPECT_TRUE(FailsWith(peer->Entries(1, 2).status(), StatusCode::kDataLoss, names));
  proxy.SetEdit([](pb::Response& r) {
    if (r.has_entries()) r.mutable_entries()->add_entries("one more");
  });
  EXPECT_TRUE(FailsWith(peer->Entries(1, 2).status(), StatusCode::kDataLoss, names));
  proxy.SetEdit([](pb::Response& r) {
    if (r.has_proof()) r.mutable_proof()->set_tree_size(r.proof().tree_size() - 1);
  });
  EXPECT_TRUE(FailsWith(peer->InclusionProof(1, 4).status(), StatusCode::kDataLoss, names));
  proxy.SetEdit([](pb::Response& r) {
    if (r.has_proof()) r.clear_proof();
  });
  EXPECT_TRUE(FailsWith(peer->InclusionProof(1, 4).status(), StatusCode::kDataLoss, names));

  proxy.SetEdit(nullptr);  // the same connection, answered as asked
  EXPECT_EQ(peer->Entries(1, 2).value().size(), 2u);
}

}  // namespace
}  // namespace creg
