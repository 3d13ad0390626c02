// creg-witness, the real program on 127.0.0.1 (docs/witness.md): it cosigns
// a real cregd's checkpoints as they grow, answers every status code of
// C2SP tlog-witness, refuses hostile input, refuses a split view, and after
// kill -9 right after a 200 still never cosigns a fork.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "creg/wire.pb.h"
#include "ledger/cosignature.h"
#include "ledger/witness_protocol.h"
#include "tests/support/http_client.h"
#include "tests/support/node_accounts.h"
#include "tests/support/node_process.h"
#include "tests/support/synthetic_log.h"
#include "tests/support/temp_dir.h"
#include "tests/support/witness_process.h"

namespace creg::testing {
namespace {

constexpr char kOrigin[] = "log.example/synthetic";

// POSTs `body` to /add-checkpoint on a fresh connection.
HttpResponse Post(const WitnessProcess& witness, const std::string& body) {
  HttpClient client(witness.address());
  StatusOr<HttpResponse> got = client.Request("POST", "/add-checkpoint", body);
  EXPECT_TRUE(got.ok()) << got.status().ToString();
  return got.ok() ? *got : HttpResponse{};
}

// The timestamp of the witness's valid cosignature on `note`, or a failure.
uint64_t CosignedAt(const WitnessProcess& witness, const std::string& note,
                    const std::string& line) {
  const CosignatureVerifier verifier =
      CosignatureVerifier::FromVerifierKey(witness.verifier_key()).value();
  StatusOr<VerifiedCosignatures> got =
      VerifyCosignatures(note + line, std::span<const CosignatureVerifier>(&verifier, 1));
  EXPECT_TRUE(got.ok()) << got.status().ToString() << "\n" << line;
  if (!got.ok() || got->cosignatures.size() != 1) {
    ADD_FAILURE() << "no cosignature from the witness in: " << line;
    return 0;
  }
  return got->cosignatures[0].time;
}

void ExpectStatus(const HttpResponse& got, unsigned status, const std::string& says = "") {
  EXPECT_EQ(got.status, status) << got.body;
  if (!says.empty()) {
    EXPECT_NE(got.body.find(says), std::string::npos) << got.body << " (wanted: " << says << ")";
  }
}

void Expect409(const HttpResponse& got, uint64_t size) {
  EXPECT_EQ(got.status, 409u) << got.body;
  EXPECT_EQ(got.Header("content-type"), "text/x.tlog.size");
  EXPECT_EQ(got.body, std::to_string(size) + "\n");
}

// ---- A real cregd ----

// The node's latest signed checkpoint once it covers `size` entries.
pb::CheckpointResponse CheckpointOfSize(Client& client, uint64_t size) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  pb::CheckpointResponse checkpoint;
  do {
    StatusOr<pb::CheckpointResponse> got = client.GetCheckpoint();
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    if (got.ok()) checkpoint = *got;
  } while (checkpoint.tree_size() < size && std::chrono::steady_clock::now() < deadline);
  EXPECT_GE(checkpoint.tree_size(), size);
  return checkpoint;
}

std::vector<Hash> NodeProof(Client& client, uint64_t size1, uint64_t size2) {
  pb::Request request;
  request.mutable_consistency_proof()->set_size1(size1);
  request.mutable_consistency_proof()->set_size2(size2);
  StatusOr<pb::Response> got = client.Call(request);
  EXPECT_TRUE(got.ok() && got->has_proof()) << (got.ok() ? got->DebugString() : "");
  std::vector<Hash> proof;
  if (got.ok()) {
    for (const std::string& h : got->proof().hashes()) proof.push_back(Hash::FromBytes(h).value());
  }
  return proof;
}

void OpenAccounts(const NodeProcess& node, Client& client, const std::string& prefix, int n) {
  NodeAccounts accounts(node);
  for (int i = 0; i < n; ++i) {
    accounts.OpenAccount(client, prefix + std::to_string(i), pb::ROLE_HOLDER);
  }
}

TEST(WitnessTest, CosignsARealNodesCheckpointsAsTheLogGrows) {
  TempDir dir;
  NodeProcess node(dir);
  ASSERT_TRUE(node.Start());
  WitnessProcess witness(dir);
  ASSERT_TRUE(witness.Start({node.VerifierKey()}));
  std::unique_ptr<Client> client = node.Connect();
  ASSERT_NE(client, nullptr);

  OpenAccounts(node, *client, "first-", 3);
  const pb::CheckpointResponse first = CheckpointOfSize(*client, 4);
  HttpResponse got = Post(witness, AddCheckpointBody(0, {}, first.note()));
  ExpectStatus(got, 200);
  EXPECT_EQ(got.Header("content-type"), "text/plain; charset=utf-8");
  const uint64_t now = static_cast<uint64_t>(time(nullptr));
  const uint64_t at = CosignedAt(witness, first.note(), got.body);
  EXPECT_LE(at, now + 1);
  EXPECT_GE(at + 60, now);
  // The log's signature still verifies on the cosigned note.
  EXPECT_TRUE(VerifyCheckpoint(first.note() + got.body,
                               NoteVerifier::FromVerifierKey(node.VerifierKey()).value(),
                               NodeProcess::kOrigin)
                  .ok());

  OpenAccounts(node, *client, "second-", 5);
  const pb::CheckpointResponse second = CheckpointOfSize(*client, first.tree_size() + 5);
  const std::vector<Hash> proof = NodeProof(*client, first.tree_size(), second.tree_size());
  got = Post(witness, AddCheckpointBody(first.tree_size(), proof, second.note()));
  ExpectStatus(got, 200);
  CosignedAt(witness, second.note(), got.body);
  // The old checkpoint again: the witness has moved on.
  Expect409(Post(witness, AddCheckpointBody(0, {}, first.note())), second.tree_size());
  // The same checkpoint again from its own size: cosigned again.
  ExpectStatus(Post(witness, AddCheckpointBody(second.tree_size(), {}, second.note())), 200);
}

// ---- Status codes and hostile input, on a synthetic log ----

class WitnessStatusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_.Append(10);
    ASSERT_TRUE(witness_.Start({log_.VerifierKey()}, {"--read-timeout", "500"}));
    ExpectStatus(Post(witness_, log_.AddCheckpoint(0, 10)), 200);
    log_.Append(6);
  }

  TempDir dir_;
  SyntheticLog log_{kOrigin};
  WitnessProcess witness_{dir_};
};

TEST_F(WitnessStatusTest, EveryStatusCodeOfTheSpec) {
  // 404: no key for this origin.
  SyntheticLog stranger("log.example/unknown");
  stranger.Append(3);
  ExpectStatus(Post(witness_, stranger.AddCheckpoint(0, 3)), 404, "unknown log origin");
  // 403: the right origin signed by another key.
  SyntheticLog impostor(kOrigin);
  impostor.Append(16);
  ExpectStatus(Post(witness_, impostor.AddCheckpoint(10, 16)), 403, "no valid signature");
  // 400: old size over the checkpoint's size, and malformed bodies.
  ExpectStatus(Post(witness_, AddCheckpointBody(12, {}, log_.Note(11))), 400, "larger than");
  ExpectStatus(Post(witness_, "old 10\n\nnot a note"), 400, "malformed signed note");
  // 409: old is not the size the witness holds.
  Expect409(Post(witness_, log_.AddCheckpoint(0, 16)), 10);
  Expect409(Post(witness_, log_.AddCheckpoint(8, 16)), 10);
  // 422: a proof that does not verify; the same size with another root.
  std::vector<Hash> proof = log_.ConsistencyProof(10, 16);
  proof[0] = Sha256("wrong");
  ExpectStatus(Post(witness_, AddCheckpointBody(10, proof, log_.Note(16))), 422, "does not verify");
  ExpectStatus(Post(witness_, AddCheckpointBody(10, {}, log_.Note(16))), 422);
  const SyntheticLog fork = log_.Fork(9, "fork");
  SyntheticLog longer_fork = fork;
  longer_fork.Append(1);
  ExpectStatus(Post(witness_, longer_fork.AddCheckpoint(10, 10)), 422, "another root");
  // 200, and then the old size moved.
  ExpectStatus(Post(witness_, log_.AddCheckpoint(10, 16)), 200);
  Expect409(Post(witness_, log_.AddCheckpoint(10, 16)), 16);
  // Other methods and paths.
  HttpClient client(witness_.address());
  StatusOr<HttpResponse> get = client.Get("/add-checkpoint");
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->status, 405u);
  EXPECT_EQ(get->Header("allow"), "POST");
  StatusOr<HttpResponse> other = client.Request("POST", "/checkpoint", "x");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->status, 404u);
}

TEST_F(WitnessStatusTest, HostileInputIsRefusedAndChangesNothing) {
  // 64 proof lines: one more than the spec allows.
  std::string body = "old 10\n";
  for (int i = 0; i < 64; ++i) body += Sha256(std::to_string(i)).ToBase64() + "\n";
  body += "\n" + log_.Note(16);
  ExpectStatus(Post(witness_, body), 400, "more than 63");
  // A body over 16 KiB: refused from its announced length, unread.
  RawExchange huge = SendRaw(witness_.address(),
                             "POST /add-checkpoint HTTP/1.1\r\nHost: x\r\n"
                             "Content-Length: 100000000\r\n\r\n");
  EXPECT_EQ(huge.received.substr(0, 12), "HTTP/1.1 413");
  // Not UTF-8 in the note; a CR line ending; a NUL.
  std::string note = log_.Note(16);
  std::string bad_utf8 = note;
  bad_utf8.insert(note.find('\n'), "\xff");
  ExpectStatus(Post(witness_, AddCheckpointBody(10, log_.ConsistencyProof(10, 16), bad_utf8)), 400,
               "invalid UTF-8");
  ExpectStatus(Post(witness_, "old 10\r\n\r\n" + note), 400);
  ExpectStatus(Post(witness_, std::string("old 10\n\n\0", 9) + note), 400);
  // A slow client: a body that never completes is cut off at the read
  // timeout (500 ms here), unanswered.
  const auto start = std::chrono::steady_clock::now();
  RawExchange slow = SendRaw(witness_.address(),
                             "POST /add-checkpoint HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n"
                             "\r\nold 10\n",
                             std::chrono::seconds(10));
  EXPECT_TRUE(slow.closed_by_node);
  EXPECT_EQ(slow.received, "");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  // None of it moved the witness: it still holds size 10 and cosigns 16.
  Expect409(Post(witness_, log_.AddCheckpoint(0, 16)), 10);
  ExpectStatus(Post(witness_, log_.AddCheckpoint(10, 16)), 200);
}

TEST_F(WitnessStatusTest, AfterKillMinus9RightAfterA200ItNeverCosignsAFork) {
  // The 200 for size 16, then a crash before anything else.
  const HttpResponse cosigned = Post(witness_, log_.AddCheckpoint(10, 16));
  ExpectStatus(cosigned, 200);
  witness_.Kill();
  ASSERT_TRUE(witness_.Start({log_.VerifierKey()}));
  // The state was synced before the answer: the witness holds 16.
  Expect409(Post(witness_, log_.AddCheckpoint(10, 16)), 16);
  // A fork after 12 leaves: neither at 16 nor grown from 16.
  SyntheticLog fork = log_.Fork(12, "fork");
  fork.Append(10);
  ExpectStatus(Post(witness_, fork.AddCheckpoint(16, 16)), 422);
  ExpectStatus(Post(witness_, fork.AddCheckpoint(16, 22)), 422);
  // The honest log goes on.
  log_.Append(4);
  ExpectStatus(Post(witness_, log_.AddCheckpoint(16, 20)), 200);
}

TEST_F(WitnessStatusTest, ASecondWitnessOnTheSameDataFolderRefusesToRun) {
  RunResult second = RunProgram({WitnessProgram(), "run", "--data", witness_.data_dir(), "--listen",
                                 "127.0.0.1:0", "--log", log_.VerifierKey()});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("another creg-witness is serving"), std::string::npos) << second.err;
  // The first goes on serving.
  ExpectStatus(Post(witness_, log_.AddCheckpoint(10, 16)), 200);
}

// ---- The split view: two nodes with one log key ----

TEST(WitnessTest, TwoNodesSharingALogKeyCannotBothBeCosigned) {
  TempDir dir;
  auto a = std::make_unique<NodeProcess>(dir, "a");
  ASSERT_TRUE(a->Start());
  {
    std::unique_ptr<Client> client = a->Connect();
    ASSERT_NE(client, nullptr);
    OpenAccounts(*a, *client, "shared-", 3);
    CheckpointOfSize(*client, 4);
  }
  a->Stop();
  // The second node: a copy of the first's data folder, the same key.
  std::filesystem::copy(a->data_dir(), dir.Sub("b"), std::filesystem::copy_options::recursive);
  auto b = std::make_unique<NodeProcess>(dir, "b");
  ASSERT_TRUE(a->Start());
  ASSERT_TRUE(b->Start());
  ASSERT_EQ(a->VerifierKey(), b->VerifierKey());
  std::unique_ptr<Client> client_a = a->Connect();
  std::unique_ptr<Client> client_b = b->Connect();
  ASSERT_NE(client_a, nullptr);
  ASSERT_NE(client_b, nullptr);
  OpenAccounts(*a, *client_a, "only-a-", 2);
  OpenAccounts(*b, *client_b, "only-b-", 4);
  const pb::CheckpointResponse on_a = CheckpointOfSize(*client_a, 6);
  const pb::CheckpointResponse on_b = CheckpointOfSize(*client_b, 8);

  WitnessProcess witness(dir);
  ASSERT_TRUE(witness.Start({a->VerifierKey()}));
  ExpectStatus(Post(witness, AddCheckpointBody(0, {}, on_a.note())), 200);
  // Node b, told the witness's size, proves from it in its own history.
  Expect409(Post(witness, AddCheckpointBody(0, {}, on_b.note())), on_a.tree_size());
  const std::vector<Hash> proof = NodeProof(*client_b, on_a.tree_size(), on_b.tree_size());
  ExpectStatus(Post(witness, AddCheckpointBody(on_a.tree_size(), proof, on_b.note())), 422);
  // Node a goes on and is cosigned.
  OpenAccounts(*a, *client_a, "more-a-", 1);
  const pb::CheckpointResponse next = CheckpointOfSize(*client_a, on_a.tree_size() + 1);
  ExpectStatus(
      Post(witness, AddCheckpointBody(on_a.tree_size(),
                                      NodeProof(*client_a, on_a.tree_size(), next.tree_size()),
                                      next.note())),
      200);
}

}  // namespace
}  // namespace creg::testing
