// CommitPipeline in process, on a real RocksDB store that fails on demand
// (Store::SetWriteFault): what it answers each writer, what reaches the
// store, and how it behaves at a storage fault, at shutdown and at its
// queue cap. Writers are held inside Store::Write by a gate, never by sleeps.
#include "node/commit_pipeline.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "ledger/encoding.h"
#include "tests/support/pipeline_support.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/temp_dir.h"

namespace creg::testing {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::seconds kPatience{30};

// Holds every Store::Write at the gate until Release, then lets each
// through with `result` (OK: the write happens; an error: it fails).
class WriteGate {
 public:
  std::function<Status()> Hook() {
    return [this] {
      std::unique_lock lock(mu_);
      ++entered_;
      cv_.notify_all();
      cv_.wait(lock, [&] { return result_.has_value(); });
      return *result_;
    };
  }
  // True once a writer is at the gate.
  bool WaitForWriter() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kPatience, [&] { return entered_ > 0; });
  }
  void Release(Status result) {
    std::lock_guard lock(mu_);
    if (!result_) result_ = std::move(result);
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int entered_ = 0;
  std::optional<Status> result_;
};

class CommitPipelineTest : public ::testing::Test {
 protected:
  CommitPipelineTest()
      : harness_(dir_), checkpointer_(SignedCheckpointer(harness_, dir_.Sub("checkpoint"))) {}
  ~CommitPipelineTest() override {
    gate_.Release(OkStatus());  // a failed test must not leave the sequencer held
    pipeline_.reset();
  }

  // Starts the pipeline, every write passing through the gate if `gated`.
  void Start(bool gated, size_t max_queued = 100'000) {
    if (gated) harness_.store().SetWriteFault(gate_.Hook());
    PipelineOptions options;
    options.verify_threads = 2;
    options.max_queued = max_queued;
    options.checkpoint_file_interval = std::chrono::hours(1);
    pipeline_ = std::make_unique<CommitPipeline>(harness_.registry(), *checkpointer_, options);
  }

  PipelineAnswer& Submit(std::string signed_transaction) {
    answers_.push_back(std::make_unique<PipelineAnswer>());
    pipeline_->Submit(std::move(signed_transaction), answers_.back()->Callback());
    return *answers_.back();
  }
  PipelineAnswer& OpenAccount(const std::string& id) {
    return Submit(harness_.SignedOpenAccount(id));
  }

  // Stops the pipeline and reopens the database: what is left is what was
  // written.
  Registry& StopAndReopen() {
    pipeline_->Stop();
    pipeline_.reset();
    checkpointer_.reset();
    harness_.Reopen();
    return harness_.registry();
  }

  bool AccountExists(Registry& registry, const std::string& id) {
    auto account = registry.Account(id);
    EXPECT_TRUE(account.ok()) << account.status().ToString();
    return account.ok() && account->has_value();
  }

  TempDir dir_;
  WriteGate gate_;  // outlives the store that calls it
  RegistryHarness harness_;
  std::unique_ptr<Checkpointer> checkpointer_;
  std::vector<std::unique_ptr<PipelineAnswer>> answers_;
  std::unique_ptr<CommitPipeline> pipeline_;
};

TEST_F(CommitPipelineTest, AnswersEachWriterWithItsVerdictAndWritesWhatItCommitted) {
  Start(/*gated=*/false);
  const uint64_t before = harness_.registry().log().size();
  constexpr int kAccounts = 12;
  std::vector<PipelineAnswer*> opened;
  for (int i = 0; i < kAccounts; ++i) opened.push_back(&OpenAccount("holder-" + std::to_string(i)));
  PipelineAnswer& malformed = Submit("not a signed transaction");

  std::set<uint64_t> indexes;
  for (int i = 0; i < kAccounts; ++i) {
    StatusOr<Judgement> verdict = opened[i]->Wait();
    const Committed* committed = CommittedOf(verdict);
    ASSERT_NE(committed, nullptr) << Describe(verdict);
    EXPECT_FALSE(committed->accepted.duplicate);
    EXPECT_GE(committed->accepted.entry_index, before);
    // A signed checkpoint of tree_size, covering the entry, exists already.
    EXPECT_GT(committed->tree_size, committed->accepted.entry_index);
    EXPECT_GE(checkpointer_->latest()->checkpoint.size, committed->tree_size);
    indexes.insert(committed->accepted.entry_index);
  }
  EXPECT_EQ(indexes.size(), static_cast<size_t>(kAccounts)) << "two writers got one index";
  StatusOr<Judgement> refused = malformed.Wait();
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  ASSERT_TRUE(std::holds_alternative<Rejection>(*refused)) << Describe(refused);
  EXPECT_EQ(std::get<Rejection>(*refused).code, RuleCode::kMalformed);
  EXPECT_EQ(pipeline_->stats().committed.load(), static_cast<uint64_t>(kAccounts));
  EXPECT_EQ(pipeline_->stats().refused.load(), 1u);

  // The same bytes again: the original entry, not a second one.
  std::string again = harness_.SignedOpenAccount("holder-again");
  StatusOr<Judgement> first = Submit(again).Wait();
  StatusOr<Judgement> second = Submit(again).Wait();
  ASSERT_NE(CommittedOf(first), nullptr) << Describe(first);
  ASSERT_NE(CommittedOf(second), nullptr) << Describe(second);
  EXPECT_TRUE(CommittedOf(second)->accepted.duplicate);
  EXPECT_EQ(CommittedOf(second)->accepted.entry_index, CommittedOf(first)->accepted.entry_index);

  Registry& reopened = StopAndReopen();
  EXPECT_EQ(reopened.log().size(), before + kAccounts + 1);
  for (int i = 0; i < kAccounts; ++i)
    EXPECT_TRUE(AccountExists(reopened, "holder-" + std::to_string(i))) << i;
}

// Each commit deletes the undo records of the entries the published
// checkpoint covers, and only those: the entries of the group keep theirs
// until a checkpoint covering them is published.
TEST_F(CommitPipelineTest, CommitsPruneUndoRecordsBelowThePublishedCheckpoint) {
  Start(/*gated=*/false);
  const ColumnId undo = harness_.store().Column("reg.undo").value();
  auto has_record = [&](uint64_t entry) {
    std::string key;
    AppendBigEndian64(&key, entry);
    return harness_.store().Get(undo, key).value().has_value();
  };
  ASSERT_EQ(checkpointer_->latest()->checkpoint.size, 1u);
  ASSERT_TRUE(has_record(0));
  StatusOr<Judgement> first = OpenAccount("holder-1").Wait();
  ASSERT_NE(CommittedOf(first), nullptr) << Describe(first);
  EXPECT_FALSE(has_record(0)) << "covered by the checkpoint of size 1";
  EXPECT_TRUE(has_record(1));
  StatusOr<Judgement> second = OpenAccount("holder-2").Wait();
  ASSERT_NE(CommittedOf(second), nullptr) << Describe(second);
  EXPECT_EQ(harness_.registry().prunable_below(), 2u);
  EXPECT_FALSE(has_record(1));
  EXPECT_TRUE(has_record(2));
}

// Keyed signatures are checked on the verify threads against the keys they
// name; the sequencer counts them against the keys current when each
// transaction is applied, so a key change being written while they wait
// decides the transactions behind it.
TEST_F(CommitPipelineTest, KeyedSignaturesMeetTheThresholdCurrentWhenApplied) {
  std::vector<PrivateKey> k;
  for (int i = 0; i < 4; ++i) k.push_back(PrivateKey::Generate().value());
  pb::TransactionBody open = harness_.Body();
  open.mutable_open_account()->set_account_id("council");
  open.mutable_open_account()->set_role(pb::ROLE_HOLDER);
  open.mutable_open_account()->set_public_key(k[0].public_key().raw());
  open.mutable_open_account()->add_additional_keys(k[1].public_key().raw());
  open.mutable_open_account()->add_additional_keys(k[2].public_key().raw());
  open.mutable_open_account()->set_threshold(2);
  ASSERT_TRUE(IsAccepted(harness_.Submit(open, RegistryHarness::kOperator)));
  auto status = [&](pb::AccountStatus to) {
    pb::TransactionBody body = harness_.Body();
    body.mutable_set_account_status()->set_account_id("council");
    body.mutable_set_account_status()->set_status(to);
    body.mutable_set_account_status()->set_reason("review");
    return body;
  };
  pb::TransactionBody change = harness_.Body();
  change.mutable_set_account_keys()->set_account_id("council");
  change.mutable_set_account_keys()->add_public_keys(k[2].public_key().raw());
  change.mutable_set_account_keys()->add_public_keys(k[3].public_key().raw());
  change.mutable_set_account_keys()->set_threshold(2);
  // Behind the key change, two more key changes of the account: one signed
  // by keys it held before, one by the new keys.
  pb::TransactionBody again_old = change;
  again_old.set_nonce("after-change-old-keys");
  again_old.mutable_set_account_keys()->add_public_keys(k[1].public_key().raw());
  pb::TransactionBody again_new = change;
  again_new.set_nonce("after-change-new-keys");
  again_new.mutable_set_account_keys()->add_public_keys(k[0].public_key().raw());
  Start(/*gated=*/true);
  PipelineAnswer& changed = Submit(SignTransactionKeyed(change, "council", {&k[0], &k[1]}));
  ASSERT_TRUE(gate_.WaitForWriter());
  PipelineAnswer& by_old = Submit(SignTransactionKeyed(again_old, "council", {&k[0], &k[1]}));
  PipelineAnswer& by_new = Submit(SignTransactionKeyed(again_new, "council", {&k[2], &k[3]}));
  PipelineAnswer& too_few =
      Submit(SignTransactionKeyed(status(pb::ACCOUNT_SUSPENDED), "council", {&k[3]}));
  gate_.Release(OkStatus());
  EXPECT_NE(CommittedOf(changed.Wait()), nullptr) << Describe(changed.Wait());
  StatusOr<Judgement> old_verdict = by_old.Wait();
  ASSERT_TRUE(old_verdict.ok() && std::holds_alternative<Rejection>(*old_verdict))
      << Describe(old_verdict);
  EXPECT_EQ(std::get<Rejection>(*old_verdict).code, RuleCode::kKeyNotOnAccount);
  EXPECT_NE(CommittedOf(by_new.Wait()), nullptr) << Describe(by_new.Wait());
  StatusOr<Judgement> few = too_few.Wait();
  ASSERT_TRUE(few.ok() && std::holds_alternative<Rejection>(*few)) << Describe(few);
  EXPECT_EQ(std::get<Rejection>(*few).code, RuleCode::kThresholdNotMet);
}

TEST_F(CommitPipelineTest, StoreFailureAnswersEveryWaitingWriterUnavailableAndStopsWrites) {
  Start(/*gated=*/true);
  const uint64_t before = harness_.registry().log().size();
  PipelineAnswer& held = OpenAccount("held");
  ASSERT_TRUE(gate_.WaitForWriter());  // its group is inside Store::Write
  std::vector<PipelineAnswer*> queued = {&OpenAccount("queued-1"), &OpenAccount("queued-2"),
                                         &OpenAccount("queued-3")};
  gate_.Release(InternalError("injected write failure"));

  std::vector<PipelineAnswer*> all = queued;
  all.push_back(&held);
  for (PipelineAnswer* answer : all) {
    StatusOr<Judgement> verdict = answer->Wait();
    ASSERT_FALSE(verdict.ok()) << Describe(verdict);
    EXPECT_EQ(verdict.status().code(), StatusCode::kUnavailable) << Describe(verdict);
    EXPECT_NE(verdict.status().message().find("injected write failure"), std::string::npos)
        << Describe(verdict);
  }
  EXPECT_FALSE(pipeline_->accepting_writes());
  EXPECT_NE(pipeline_->fault().find("injected write failure"), std::string::npos)
      << pipeline_->fault();

  // Later writers are refused at once, on their own thread.
  PipelineAnswer& late = OpenAccount("late");
  ASSERT_TRUE(late.answered());
  StatusOr<Judgement> refused = late.Wait();
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable) << Describe(refused);
  EXPECT_EQ(pipeline_->stats().committed.load(), 0u);

  Registry& reopened = StopAndReopen();
  EXPECT_EQ(reopened.log().size(), before);
  EXPECT_FALSE(AccountExists(reopened, "held"));
  EXPECT_FALSE(AccountExists(reopened, "queued-1"));
}

TEST_F(CommitPipelineTest, StopFinishesWhatItTookAndRefusesNewWork) {
  Start(/*gated=*/true);
  PipelineAnswer& held = OpenAccount("held");
  ASSERT_TRUE(gate_.WaitForWriter());
  PipelineAnswer& queued = OpenAccount("queued");
  std::thread stopper([this] { pipeline_->Stop(); });

  // Probe until the pipeline refuses: Stop has begun (until then a probe is
  // queued, and refused as malformed by a verify worker).
  std::optional<Status> refusal;
  const auto deadline = Clock::now() + kPatience;
  while (!refusal && Clock::now() < deadline) {
    StatusOr<Judgement> probe = Submit("probe").Wait();
    if (!probe.ok()) refusal = probe.status();
  }
  gate_.Release(OkStatus());
  stopper.join();
  ASSERT_TRUE(refusal.has_value()) << "never refused new work while stopping";
  EXPECT_EQ(refusal->code(), StatusCode::kUnavailable) << refusal->ToString();
  EXPECT_NE(refusal->message().find("shutting down"), std::string::npos) << refusal->ToString();

  // What was taken before Stop is committed and answered.
  StatusOr<Judgement> first = held.Wait();
  StatusOr<Judgement> second = queued.Wait();
  EXPECT_NE(CommittedOf(first), nullptr) << Describe(first);
  EXPECT_NE(CommittedOf(second), nullptr) << Describe(second);

  // After Stop, still refused.
  StatusOr<Judgement> after = OpenAccount("after").Wait();
  EXPECT_EQ(after.status().code(), StatusCode::kUnavailable) << Describe(after);

  Registry& reopened = StopAndReopen();
  EXPECT_TRUE(AccountExists(reopened, "held"));
  EXPECT_TRUE(AccountExists(reopened, "queued"));
  EXPECT_FALSE(AccountExists(reopened, "after"));
}

TEST_F(CommitPipelineTest, QueueCapRefusesWithResourceExhaustedAndDoesNothing) {
  constexpr size_t kCap = 2;
  Start(/*gated=*/true, kCap);
  PipelineAnswer& held = OpenAccount("held");  // taken by the sequencer: no longer queued
  ASSERT_TRUE(gate_.WaitForWriter());
  std::vector<PipelineAnswer*> queued;
  for (size_t i = 0; i < kCap; ++i) queued.push_back(&OpenAccount("queued-" + std::to_string(i)));

  PipelineAnswer& over = OpenAccount("over");
  ASSERT_TRUE(over.answered()) << "refused at once, on the submitter's thread";
  StatusOr<Judgement> refused = over.Wait();
  EXPECT_EQ(refused.status().code(), StatusCode::kResourceExhausted) << Describe(refused);

  gate_.Release(OkStatus());
  queued.push_back(&held);
  for (PipelineAnswer* answer : queued) {
    StatusOr<Judgement> verdict = answer->Wait();
    EXPECT_NE(CommittedOf(verdict), nullptr) << Describe(verdict);
  }
  // The queue drained: room again.
  StatusOr<Judgement> later = OpenAccount("later").Wait();
  EXPECT_NE(CommittedOf(later), nullptr) << Describe(later);

  Registry& reopened = StopAndReopen();
  EXPECT_FALSE(AccountExists(reopened, "over"));
  EXPECT_TRUE(AccountExists(reopened, "later"));
}

}  // namespace
}  // namespace creg::testing
