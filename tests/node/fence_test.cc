// Fenced acknowledgements (node/checkpoint_fence.h, node/sync_gate.h): a
// writer that may lose its role answers a write only after a fake fence
// recorded a checkpoint covering it, publishes only what the fence
// recorded, and once the fence fails or runs out answers UNAVAILABLE and
// tells its owner once. First the commit pipeline and the gate in process
// on a real RocksDB store, then a whole RegistryNode on loopback. The fence
// holds Commit on a condition; waits are conditions with deadlines.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "client/client.h"
#include "ledger/data_dir.h"
#include "ledger/keys.h"
#include "ledger/log_entry.h"
#include "ledger/registry/transaction.h"
#include "net/wire_status.h"
#include "node/checkpoint_fence.h"
#include "node/commit_pipeline.h"
#include "node/registry_node.h"
#include "node/sync_gate.h"
#include "tests/support/pipeline_support.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/temp_dir.h"

namespace creg::testing {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::seconds kPatience{30};
constexpr char kRole[] = "the writer role of cluster test (term 7)";

// A fence whose Commit can be held on a condition, made to fail, or made to
// run out while it is in flight.
class FakeFence : public CheckpointFence {
 public:
  Status Commit(const SignedCheckpoint& checkpoint) override {
    std::unique_lock lock(mu_);
    in_flight_ = checkpoint.checkpoint.size;
    ++calls_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return !holding_; });
    in_flight_.reset();
    if (expire_during_commit_) valid_ = false;
    if (!result_.ok()) return result_;
    committed_ = std::max(committed_, checkpoint.checkpoint.size);
    return OkStatus();
  }
  bool Valid() const override { return valid_.load(); }
  std::string Describe() const override { return kRole; }

  // Commit waits from now until Release.
  void Hold() {
    std::lock_guard lock(mu_);
    holding_ = true;
  }
  // Lets Commit return `result` (this one and every later one).
  void Release(Status result = OkStatus()) {
    std::lock_guard lock(mu_);
    result_ = std::move(result);
    holding_ = false;
    cv_.notify_all();
  }
  // The size of the checkpoint a held Commit is recording; nullopt if
  // none arrives in time.
  std::optional<uint64_t> WaitForCommit() {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, kPatience, [&] { return in_flight_.has_value(); });
    return in_flight_;
  }
  void SetValid(bool valid) { valid_ = valid; }
  void ExpireDuringCommit() {
    std::lock_guard lock(mu_);
    expire_during_commit_ = true;
  }
  // The largest size recorded (0: none).
  uint64_t committed() const {
    std::lock_guard lock(mu_);
    return committed_;
  }
  int calls() const {
    std::lock_guard lock(mu_);
    return calls_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool holding_ = false;
  bool expire_during_commit_ = false;
  Status result_;
  std::optional<uint64_t> in_flight_;
  uint64_t committed_ = 0;
  int calls_ = 0;
  std::atomic<bool> valid_{true};
};

// How often, and why, the owner was told the writer lost its role.
class LostHook {
 public:
  void operator()(const std::string& why) {
    std::lock_guard lock(mu_);
    ++calls_;
    why_ = why;
    cv_.notify_all();
  }
  // The reason, once told; empty if not within the deadline.
  std::string Wait() {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, kPatience, [&] { return calls_ > 0; });
    return why_;
  }
  int calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int calls_ = 0;
  std::string why_;
};

// The tree size a checkpoint note states (its second line).
uint64_t NoteSize(const std::string& note) {
  std::istringstream lines(note);
  std::string origin;
  uint64_t size = 0;
  std::getline(lines, origin);
  lines >> size;
  return size;
}

uint64_t SavedSize(const std::string& path) {
  StatusOr<std::string> note = ReadFile(path);
  return note.ok() ? NoteSize(*note) : 0;
}

void ExpectLost(const StatusOr<Judgement>& verdict) {
  ASSERT_FALSE(verdict.ok()) << Describe(verdict);
  EXPECT_EQ(verdict.status().code(), StatusCode::kUnavailable) << Describe(verdict);
  EXPECT_NE(verdict.status().message().find(std::string("lost ") + kRole), std::string::npos)
      << Describe(verdict);
}

// The pipeline and a gate with the fake fence and no sync mirrors (K = 0),
// wired as RegistryNode wires them.
class FencedPipelineTest : public ::testing::Test {
 protected:
  FencedPipelineTest()
      : harness_(dir_),
        // What the writer published before: the operator's account, size 1.
        checkpointer_(SignedCheckpointer(harness_, dir_.Sub("checkpoint"))) {
    PipelineOptions options;
    options.verify_threads = 2;
    options.checkpoint_file_interval = std::chrono::hours(1);
    pipeline_ = std::make_unique<CommitPipeline>(harness_.registry(), *checkpointer_, options);
    gate_ = std::make_unique<SyncGate>(
        *checkpointer_, harness_.registry().log(),
        SyncGateOptions{0, kPatience, &fence_, [this](const std::string& why) {
                          pipeline_->Fence(why);
                          lost_(why);
                        }});
    pipeline_->SetSyncGate(gate_.get());
  }
  ~FencedPipelineTest() override {
    fence_.Release();  // a failed test must not leave the gate held
    gate_->Stop();
    pipeline_->Stop();
  }

  PipelineAnswer& OpenAccount(const std::string& id) {
    answers_.push_back(std::make_unique<PipelineAnswer>());
    pipeline_->Submit(harness_.SignedOpenAccount(id), answers_.back()->Callback());
    return *answers_.back();
  }
  uint64_t Published() { return checkpointer_->latest()->checkpoint.size; }

  TempDir dir_;
  RegistryHarness harness_;
  FakeFence fence_;
  LostHook lost_;
  std::unique_ptr<Checkpointer> checkpointer_;
  std::unique_ptr<SyncGate> gate_;
  std::unique_ptr<CommitPipeline> pipeline_;
  std::vector<std::unique_ptr<PipelineAnswer>> answers_;
};

TEST_F(FencedPipelineTest, NoAnswerGoesOutBeforeTheFenceRecordedTheCheckpoint) {
  fence_.Hold();
  PipelineAnswer& answer = OpenAccount("holder-1");
  std::optional<uint64_t> recording = fence_.WaitForCommit();
  ASSERT_EQ(recording, std::optional<uint64_t>(2)) << "the operator's entry and the new one";
  EXPECT_EQ(harness_.registry().log().size(), 2u) << "the group is written meanwhile";
  EXPECT_FALSE(answer.answered());
  EXPECT_EQ(checkpointer_->latest_signed()->checkpoint.size, 2u);
  EXPECT_EQ(checkpointer_->latest_committed()->checkpoint.size, 1u);
  EXPECT_EQ(Published(), 1u) << "signed is not published before the fence recorded it";
  ASSERT_TRUE(checkpointer_->Save(true).ok());
  EXPECT_EQ(SavedSize(dir_.Sub("checkpoint")), 1u);

  fence_.Release();
  StatusOr<Judgement> verdict = answer.Wait();
  const Committed* committed = CommittedOf(verdict);
  ASSERT_NE(committed, nullptr) << Describe(verdict);
  EXPECT_EQ(committed->tree_size, 2u);
  EXPECT_EQ(fence_.committed(), 2u);
  EXPECT_EQ(Published(), 2u);
  EXPECT_EQ(checkpointer_->latest_committed()->checkpoint.size, 2u);
  ASSERT_TRUE(checkpointer_->Save(true).ok());
  EXPECT_EQ(SavedSize(dir_.Sub("checkpoint")), 2u);
  EXPECT_EQ(lost_.calls(), 0);
  EXPECT_TRUE(pipeline_->accepting_writes());
}

TEST_F(FencedPipelineTest, AFailedCommitAnswersEveryWriteUnavailableAndTellsTheOwnerOnce) {
  fence_.Hold();
  PipelineAnswer& first = OpenAccount("holder-1");
  ASSERT_TRUE(fence_.WaitForCommit().has_value());
  PipelineAnswer& second = OpenAccount("holder-2");  // held behind the first, or refused
  fence_.Release(UnavailableError("the leader key is another member's"));

  ExpectLost(first.Wait());
  ExpectLost(second.Wait());
  const std::string why = lost_.Wait();
  EXPECT_NE(why.find("the leader key is another member's"), std::string::npos) << why;
  EXPECT_FALSE(pipeline_->accepting_writes());
  EXPECT_EQ(pipeline_->fault(), why);
  EXPECT_EQ(Published(), 1u) << "nothing the fence refused is published";

  // Later writes are refused at once, on the caller's thread.
  PipelineAnswer& late = OpenAccount("late");
  ASSERT_TRUE(late.answered());
  ExpectLost(late.Wait());
  EXPECT_EQ(lost_.calls(), 1);
  EXPECT_EQ(fence_.calls(), 1) << "nothing more is recorded after a failure";
  EXPECT_EQ(pipeline_->stats().committed.load(), 0u);
}

TEST_F(FencedPipelineTest, AFenceNoLongerValidWritesNothingMoreAndTellsTheOwnerOnce) {
  fence_.SetValid(false);
  const uint64_t before = harness_.registry().log().size();
  PipelineAnswer& first = OpenAccount("holder-1");
  ExpectLost(first.Wait());
  const std::string why = lost_.Wait();
  EXPECT_NE(why.find("ran out"), std::string::npos) << why;
  EXPECT_EQ(harness_.registry().log().size(), before) << "checked before the commit";
  EXPECT_EQ(fence_.calls(), 0);

  PipelineAnswer& late = OpenAccount("late");
  ASSERT_TRUE(late.answered());
  ExpectLost(late.Wait());
  EXPECT_EQ(lost_.calls(), 1);
  EXPECT_EQ(Published(), 1u);
}

// A writer paused through the end of its term: the fence took the
// checkpoint just before, but nothing is acknowledged after.
TEST_F(FencedPipelineTest, AFenceThatRanOutDuringTheCommitAcknowledgesNothing) {
  fence_.ExpireDuringCommit();
  PipelineAnswer& first = OpenAccount("holder-1");
  ExpectLost(first.Wait());
  EXPECT_NE(lost_.Wait().find("ran out"), std::string::npos);
  EXPECT_EQ(fence_.committed(), 2u);
  EXPECT_LE(Published(), fence_.committed());
  ExpectLost(OpenAccount("late").Wait());
  EXPECT_EQ(lost_.calls(), 1);
}

TEST_F(FencedPipelineTest, WhatIsPublishedOrAcknowledgedNeverExceedsWhatTheFenceRecorded) {
  constexpr int kWriters = 4;
  constexpr int kEach = 25;
  std::atomic<bool> done{false};
  std::atomic<int> overreach{0};
  std::thread watcher([&] {
    while (!done.load()) {
      // Read before what it may not exceed; size 1 was published before
      // the fence existed.
      const uint64_t published = Published();
      if (published > 1 && published > fence_.committed()) ++overreach;
      std::this_thread::yield();
    }
  });
  std::mutex mu;
  std::condition_variable cv;
  int answered = 0;
  std::vector<std::string> failures;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kEach; ++i) {
        std::string bytes;
        {
          std::lock_guard lock(mu);  // the harness is not thread-safe
          bytes =
              harness_.SignedOpenAccount("holder-" + std::to_string(w) + "-" + std::to_string(i));
        }
        pipeline_->Submit(std::move(bytes), [&](StatusOr<Judgement> verdict) {
          const uint64_t recorded = fence_.committed();
          std::lock_guard lock(mu);
          const Committed* committed = CommittedOf(verdict);
          if (committed == nullptr) {
            failures.push_back(Describe(verdict));
          } else if (committed->tree_size > recorded) {
            failures.push_back("acknowledged under a checkpoint of size " +
                               std::to_string(committed->tree_size) + ", the fence holds " +
                               std::to_string(recorded));
          }
          ++answered;
          cv.notify_all();
        });
      }
    });
  }
  for (std::thread& t : writers) t.join();
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, kPatience, [&] { return answered == kWriters * kEach; }));
    EXPECT_TRUE(failures.empty()) << failures.front();
  }
  done = true;
  watcher.join();
  EXPECT_EQ(overreach.load(), 0);
  EXPECT_EQ(fence_.committed(), 1u + kWriters * kEach);
  EXPECT_EQ(Published(), fence_.committed());
  pipeline_->Stop();  // saves the checkpoint file
  EXPECT_EQ(SavedSize(dir_.Sub("checkpoint")), fence_.committed());
}

// A whole node in process on loopback, opened as a fenced writer.
class FencedNodeTest : public ::testing::Test {
 protected:
  FencedNodeTest() : data_(dir_.Sub("registry")) {
    InitOptions init;
    init.data_dir = data_.root();
    init.origin = kOrigin;
    std::ostringstream ignored;
    EXPECT_TRUE(InitRegistry(init, ignored).ok());
    operator_key_ =
        std::make_unique<PrivateKey>(PrivateKey::LoadFile(data_.operator_key_path()).value());
    options_.data_dir = data_.root();
    options_.listen = "127.0.0.1:0";
    options_.io_threads = 1;
    options_.drain_timeout = std::chrono::seconds(1);
    options_.pipeline.verify_threads = 1;
    options_.pipeline.checkpoint_file_interval = std::chrono::milliseconds(1);
  }
  ~FencedNodeTest() override {
    fence_.Release();
    Stop();
  }

  void Start(NodeRole role) {
    StatusOr<std::unique_ptr<RegistryNode>> opened = RegistryNode::Open(options_, std::move(role));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    node_ = std::move(opened).value();
    runner_ = std::thread([this] { node_->Run(); });
    address_ = "127.0.0.1:" + std::to_string(node_->endpoint().port());
  }
  void Stop() {
    if (!node_) return;
    node_->RequestStop();
    runner_.join();
    node_.reset();
  }
  std::unique_ptr<Client> Connect() {
    auto client = Client::Connect(address_);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return client.ok() ? std::move(client).value() : nullptr;
  }
  std::string SignedOpenAccount(const std::string& id) {
    pb::TransactionBody body;
    body.set_origin(kOrigin);
    body.set_nonce("open-" + id);
    body.set_created_micros(NowMicros());
    auto* open = body.mutable_open_account();
    open->set_account_id(id);
    open->set_role(pb::ROLE_HOLDER);
    open->set_public_key(PrivateKey::Generate().value().public_key().raw());
    return SignTransaction(body, "operator", *operator_key_);
  }
  pb::Request SubmitRequest(const std::string& id) {
    pb::Request request;
    request.mutable_submit()->set_signed_transaction(SignedOpenAccount(id));
    return request;
  }
  uint64_t CheckpointSize(Client& client) {
    auto checkpoint = client.GetCheckpoint();
    EXPECT_TRUE(checkpoint.ok()) << checkpoint.status().ToString();
    return checkpoint.ok() ? NoteSize(checkpoint->note()) : 0;
  }

  static constexpr const char* kOrigin = "fence.creg.example";
  TempDir dir_;
  DataDir data_;
  std::unique_ptr<PrivateKey> operator_key_;
  NodeOptions options_;
  FakeFence fence_;
  LostHook lost_;
  std::unique_ptr<RegistryNode> node_;
  std::thread runner_;
  std::string address_;
};

TEST_F(FencedNodeTest, ClientsAndTheCheckpointFileSeeOnlyWhatTheFenceRecorded) {
  Start(NodeRole::Writer(&fence_, [this](const std::string& why) { lost_(why); }));
  std::unique_ptr<Client> writer = Connect();
  std::unique_ptr<Client> reader = Connect();
  ASSERT_TRUE(writer && reader);
  EXPECT_EQ(CheckpointSize(*reader), 1u) << "the checkpoint init made, as saved";
  EXPECT_EQ(fence_.calls(), 0) << "nothing new to record at start";

  fence_.Hold();
  pb::Request submit = SubmitRequest("holder-1");
  ASSERT_TRUE(writer->Send(submit).ok());
  ASSERT_EQ(fence_.WaitForCommit(), std::optional<uint64_t>(2));
  // Commit is held: no answer can be on its way.
  auto early = writer->ReceiveBefore(Clock::now() + std::chrono::milliseconds(200));
  ASSERT_TRUE(early.ok()) << early.status().ToString();
  EXPECT_FALSE(early->has_value()) << "answered before the fence recorded the checkpoint";
  EXPECT_EQ(CheckpointSize(*reader), 1u) << "what a mirror asks for";
  EXPECT_EQ(SavedSize(data_.checkpoint_path()), 1u);

  fence_.Release();
  StatusOr<pb::Response> answer = writer->Receive();
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  ASSERT_TRUE(answer->has_submit() && answer->submit().has_committed()) << answer->DebugString();
  EXPECT_EQ(CheckpointSize(*reader), 2u);

  // The fence now refuses: the write is UNAVAILABLE, the owner told once,
  // and later writes refused at once; reads go on.
  fence_.Hold();
  ASSERT_TRUE(writer->Send(submit = SubmitRequest("holder-2")).ok());
  ASSERT_EQ(fence_.WaitForCommit(), std::optional<uint64_t>(3));
  fence_.Release(UnavailableError("fenced out by a newer term"));
  StatusOr<pb::Response> refused = writer->Receive();
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  ASSERT_TRUE(refused->has_error()) << refused->DebugString();
  const Status refusal = StatusFromWire(refused->error());
  EXPECT_EQ(refusal.code(), StatusCode::kUnavailable) << refusal.ToString();
  EXPECT_NE(refusal.message().find(std::string("lost ") + kRole), std::string::npos)
      << refusal.ToString();
  EXPECT_NE(lost_.Wait().find("fenced out by a newer term"), std::string::npos);
  StatusOr<pb::SubmitResponse> late = writer->Submit(SignedOpenAccount("late"));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.status().code(), StatusCode::kUnavailable) << late.status().ToString();
  EXPECT_NE(late.status().message().find(std::string("lost ") + kRole), std::string::npos)
      << late.status().ToString();
  EXPECT_EQ(CheckpointSize(*reader), 2u);
  EXPECT_EQ(lost_.calls(), 1);

  writer.reset();
  reader.reset();
  Stop();
  EXPECT_EQ(SavedSize(data_.checkpoint_path()), 2u) << "never past what the fence recorded";
}

TEST_F(FencedNodeTest, WithoutAFenceTheWriterSignsAndAnswersAtOnce) {
  Start(NodeRole::Writer());
  std::unique_ptr<Client> client = Connect();
  ASSERT_TRUE(client);
  StatusOr<pb::SubmitResponse> answer = client->Submit(SignedOpenAccount("holder-1"));
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  ASSERT_TRUE(answer->has_committed());
  EXPECT_EQ(CheckpointSize(*client), 2u);
  EXPECT_EQ(fence_.calls(), 0);
}

TEST_F(FencedNodeTest, TheRoleMustFitTheOptions) {
  auto refused = [&](const NodeOptions& options, NodeRole role, const std::string& says) {
    StatusOr<std::unique_ptr<RegistryNode>> opened = RegistryNode::Open(options, std::move(role));
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(opened.status().message().find(says), std::string::npos)
        << opened.status().ToString();
  };
  refused(options_, NodeRole::Mirror(), "needs the address of its writer");
  NodeOptions following = options_;
  following.follow = {"127.0.0.1:7600"};
  refused(following, NodeRole::Writer(), "a writer follows no one");
  NodeRole fenced_mirror = NodeRole::Mirror();
  fenced_mirror.fence = &fence_;
  refused(following, std::move(fenced_mirror), "no checkpoint fence");
}

}  // namespace
}  // namespace creg::testing
