// Crash test: a real cregd under concurrent transfers and retirements is
// killed with SIGKILL at random moments and restarted. After each cycle:
//   - every transaction that was acknowledged is in the log, at the index
//     it was acknowledged with, byte for byte;
//   - creg-audit verify-log passes: the chain and tree verify, and the
//     stored state equals a replay of the log (nothing half-applied).
// CREG_CRASH_CYCLES sets the number of cycles (default 3 here; hundreds
// when run by hand, see docs/security.md).
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "ledger/log_entry.h"
#include "ledger/registry/transaction.h"
#include "tests/support/node_process.h"

namespace creg {
namespace {

using testing::NodeProcess;

constexpr int kHolders = 4;

std::string HolderId(int i) { return "holder-" + std::to_string(i); }

class CrashTest : public ::testing::Test {
 protected:
  pb::TransactionBody Body() {
    pb::TransactionBody body;
    body.set_origin(NodeProcess::kOrigin);
    body.set_nonce("c" + std::to_string(nonce_++));
    return body;
  }

  void SetUpRegistry(Client& client) {
    PrivateKey op = node_->OperatorKey();
    auto commit = [&](const pb::TransactionBody& body) {
      auto answer = client.Submit(SignTransaction(body, "operator", op));
      ASSERT_TRUE(answer.ok() && answer->has_committed()) << answer.status().ToString();
    };
    pb::TransactionBody project = Body();
    auto* reg = project.mutable_register_project();
    reg->set_project_id("crash-project");
    reg->set_name("Crash test project");
    reg->set_standard("VCS");
    reg->set_methodology("AMS-II.G");
    reg->set_country("KE");
    reg->set_proponent("operator");
    commit(project);
    for (int i = 0; i < kHolders; ++i) {
      keys_.push_back(PrivateKey::Generate().value());
      pb::TransactionBody open = Body();
      open.mutable_open_account()->set_account_id(HolderId(i));
      open.mutable_open_account()->set_role(pb::ROLE_HOLDER);
      open.mutable_open_account()->set_public_key(keys_.back().public_key().raw());
      commit(open);
      pb::TransactionBody issue = Body();
      auto* op = issue.mutable_issue();
      op->set_project_id("crash-project");
      op->set_vintage_start("2025-01-01");
      op->set_vintage_end("2025-12-31");
      op->set_quantity(1'000'000);
      op->set_to_account(HolderId(i));
      op->set_verification_ref("VR-" + std::to_string(i));
      commit(issue);
    }
  }

  // Holder `i` moves or retires one credit of its own batch (i + 1).
  std::string RandomTransaction(int i, std::mt19937& rng) {
    pb::TransactionBody body = Body();
    if (rng() % 4 == 0) {
      auto* op = body.mutable_retire();
      op->set_account(HolderId(i));
      op->mutable_credits()->set_batch(static_cast<uint64_t>(i + 1));
      op->mutable_credits()->set_quantity(1 + rng() % 3);
      op->set_beneficiary("Crash test beneficiary");
      op->set_reason(pb::VOLUNTARY_EVENT_OFFSET);
    } else {
      auto* op = body.mutable_transfer();
      op->set_from_account(HolderId(i));
      op->set_to_account(HolderId((i + 1) % kHolders));
      op->mutable_credits()->set_batch(static_cast<uint64_t>(i + 1));
      op->mutable_credits()->set_quantity(1 + rng() % 5);
    }
    return SignTransaction(body, HolderId(i), keys_[static_cast<size_t>(i)]);
  }

  creg::testing::TempDir dir_;
  std::unique_ptr<NodeProcess> node_;
  std::vector<PrivateKey> keys_;
  std::atomic<uint64_t> nonce_{0};
};

TEST_F(CrashTest, KillNineLosesNothingAcknowledged) {
  const char* env = std::getenv("CREG_CRASH_CYCLES");
  const int cycles = env != nullptr ? std::atoi(env) : 3;
  node_ = std::make_unique<NodeProcess>(dir_);
  ASSERT_TRUE(node_->Start());
  SetUpRegistry(*node_->Connect());
  std::mt19937 rng(20261129);
  std::map<uint64_t, std::string> acknowledged;  // entry index -> transaction bytes
  for (int cycle = 0; cycle < cycles; ++cycle) {
    std::mutex mu;
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int i = 0; i < kHolders; ++i) {
      std::vector<std::string> txs;
      for (int k = 0; k < 3000; ++k) txs.push_back(RandomTransaction(i, rng));
      writers.emplace_back([&, txs = std::move(txs)] {
        auto client = Client::Connect(node_->address());
        if (!client.ok()) return;
        for (const std::string& tx : txs) {
          if (stop) return;
          auto answer = (*client)->Submit(tx);
          if (!answer.ok()) return;  // killed: this one was not acknowledged
          if (answer->has_committed()) {
            std::lock_guard lock(mu);
            acknowledged[answer->committed().entry_index()] = tx;
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng() % 400));
    const int killed = node_->Kill();
    stop = true;
    for (std::thread& t : writers) t.join();
    if (killed != 128 + SIGKILL) {
      const std::string log = node_->log_text();
      FAIL() << "cycle " << cycle << ": the node ended before the kill (status " << killed << "):\n"
             << log.substr(log.size() - std::min<size_t>(log.size(), 8000));
    }

    auto audit = testing::RunProgram(
        {testing::ProgramPath("CREG_AUDIT_BIN"), "verify-log", "--data", node_->data_dir()});
    ASSERT_EQ(audit.exit_code, 0) << "cycle " << cycle << ":\n" << audit.out << audit.err;

    ASSERT_TRUE(node_->Start()) << "cycle " << cycle;
    auto client = node_->Connect();
    uint64_t size = client->GetStatus()->tree_size();
    for (const auto& [index, tx] : acknowledged) {
      ASSERT_LT(index, size) << "acknowledged entry " << index << " lost in cycle " << cycle;
      pb::Request request;
      request.mutable_get_entries()->set_start(index);
      request.mutable_get_entries()->set_count(1);
      auto response = client->Call(request);
      ASSERT_TRUE(response.ok() && response->has_entries());
      auto entry = DecodeLogEntry(response->entries().entries(0)).value();
      ASSERT_EQ(entry.signed_transaction(), tx)
          << "entry " << index << " is not what was acknowledged";
    }
  }
  EXPECT_GT(acknowledged.size(), 0u);
  RecordProperty("cycles", cycles);
  RecordProperty("acknowledged", static_cast<int>(acknowledged.size()));
  node_->Stop(SIGTERM);
}

}  // namespace
}  // namespace creg
