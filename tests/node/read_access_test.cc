// The access table: every request type, at every read policy, as the
// public, a holder, another holder, an auditor and an operator, each
// signed in with real signatures on a real cregd; what each receives is
// compared with the table of docs/security.md, "Read access".
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "client/sign_in.h"
#include "net/wire_status.h"
#include "tests/support/node_accounts.h"
#include "tests/support/node_process.h"

namespace creg {
namespace {

using testing::NodeAccounts;
using testing::NodeProcess;

// The story the table reads: alice (holder) is issued batch 1; bystander
// (holder) is opened; alice sends 30 to bob (holder), then retires 10;
// inspector is an auditor.
struct Story {
  uint64_t transfer_entry = 0;
  uint64_t retire_entry = 0;
  std::string retirement_id;
};

enum Caller { kPublic, kAlice, kBob, kInspector, kOperator };
const std::vector<std::string> kCallerNames = {"the public", "alice", "bob", "inspector",
                                               "operator"};

struct Probe {
  std::string name;
  pb::Request request;
  // Under `registry`, by caller (kPublic .. kOperator). `private` is the
  // same with the public refused everything; `public-log` allows all.
  std::vector<bool> registry;
};

std::vector<Probe> Probes(const Story& s) {
  const std::vector<bool> all = {true, true, true, true, true};
  const std::vector<bool> alice_own = {false, true, false, true, true};
  const std::vector<bool> privileged = {false, false, false, true, true};
  std::vector<Probe> probes;
  auto add = [&](std::string name, std::vector<bool> who, auto fill) {
    Probe p{std::move(name), pb::Request(), std::move(who)};
    fill(p.request);
    probes.push_back(std::move(p));
  };
  add("status", all, [](pb::Request& r) { r.mutable_status(); });
  add("checkpoint", all, [](pb::Request& r) { r.mutable_get_checkpoint(); });
  add("inclusion proof", all,
      [&](pb::Request& r) { r.mutable_inclusion_proof()->set_index(s.retire_entry); });
  add("consistency proof", all,
      [](pb::Request& r) { r.mutable_consistency_proof()->set_size1(1); });
  add("project", all, [](pb::Request& r) { r.mutable_project()->set_project_id("ke-stoves"); });
  add("batch record", all, [](pb::Request& r) {
    r.mutable_batch()->set_batch(1);
    r.mutable_batch()->set_without_blocks(true);
  });
  add("retirement", all,
      [&](pb::Request& r) { r.mutable_retirement()->set_retirement_id(s.retirement_id); });
  add("retirements by beneficiary", all, [](pb::Request& r) {
    r.mutable_retirements()->set_beneficiary("Belt and Road Green Development Forum 2026");
  });
  add("retirements by account", all,
      [](pb::Request& r) { r.mutable_retirements()->set_account_id("alice"); });
  add("certificate", all,
      [&](pb::Request& r) { r.mutable_certificate()->set_retirement_id(s.retirement_id); });
  add("account of alice", alice_own,
      [](pb::Request& r) { r.mutable_account()->set_account_id("alice"); });
  add("holdings of alice", alice_own,
      [](pb::Request& r) { r.mutable_holdings()->set_account_id("alice"); });
  add("history of alice", alice_own,
      [](pb::Request& r) { r.mutable_history()->set_account_id("alice"); });
  // The transfer is in alice's and bob's histories; the retirement in
  // alice's only; the bystander's opening and entry 0 in neither.
  add("entry of the transfer", {false, true, true, true, true}, [&](pb::Request& r) {
    r.mutable_get_entries()->set_start(s.transfer_entry);
    r.mutable_get_entries()->set_count(1);
  });
  add("entries of the transfer and retirement", {false, true, false, true, true},
      [&](pb::Request& r) {
        r.mutable_get_entries()->set_start(s.transfer_entry);
        r.mutable_get_entries()->set_count(2);
      });
  add("entries of the bystander's opening and the transfer", privileged, [&](pb::Request& r) {
    r.mutable_get_entries()->set_start(s.transfer_entry - 1);
    r.mutable_get_entries()->set_count(2);
  });
  add("entry 0", privileged, [](pb::Request& r) {
    r.mutable_get_entries()->set_start(0);
    r.mutable_get_entries()->set_count(1);
  });
  add("batch with blocks", privileged, [](pb::Request& r) { r.mutable_batch()->set_batch(1); });
  add("provenance", privileged, [](pb::Request& r) {
    r.mutable_provenance()->set_batch(1);
    r.mutable_provenance()->set_serial(1);
  });
  // Last: a subscription stays open on its connection.
  add("subscription", privileged, [](pb::Request& r) { r.mutable_subscribe()->set_start(0); });
  return probes;
}

class ReadAccessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    node_ = std::make_unique<NodeProcess>(dir_);
    ASSERT_TRUE(node_->Start({"--read-policy", "registry"}));
    accounts_ = std::make_unique<NodeAccounts>(*node_);
    auto client = node_->Connect();
    ASSERT_NE(client, nullptr);
    accounts_->OpenAccount(*client, "alice", pb::ROLE_HOLDER);
    accounts_->OpenAccount(*client, "bob", pb::ROLE_HOLDER);
    accounts_->OpenAccount(*client, "inspector", pb::ROLE_AUDITOR);
    accounts_->RegisterProject(*client, "ke-stoves", "alice");
    ASSERT_EQ(accounts_->Issue(*client, "ke-stoves", 100, "alice").effects().batch(), 1u);
    accounts_->OpenAccount(*client, "bystander", pb::ROLE_HOLDER);
    story_.transfer_entry = accounts_->Transfer(*client, "alice", "bob", 1, 30).entry_index();
    pb::Committed retired = accounts_->Retire(*client, "alice", 1, 10);
    story_.retire_entry = retired.entry_index();
    story_.retirement_id = retired.effects().retirement_id();
    ASSERT_FALSE(story_.retirement_id.empty());
    ASSERT_EQ(story_.retire_entry, story_.transfer_entry + 1);
    // The certificate needs a checkpoint that covers the retirement.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (client->GetCheckpoint().value().tree_size() <= story_.retire_entry) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "no checkpoint covers the story";
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  // A connection as `caller`, signed in unless it is the public.
  std::unique_ptr<Client> ConnectAs(Caller caller) {
    auto client = node_->Connect();
    if (client == nullptr || caller == kPublic) return client;
    const std::string& id = kCallerNames[caller];
    Status signed_in = SignIn(*client, id, accounts_->Key(id), NodeProcess::kOrigin);
    EXPECT_TRUE(signed_in.ok()) << signed_in.ToString();
    return client;
  }

  testing::TempDir dir_;
  std::unique_ptr<NodeProcess> node_;
  std::unique_ptr<NodeAccounts> accounts_;
  Story story_;
};

TEST_F(ReadAccessTest, EveryRequestAtEveryPolicyForEveryCaller) {
  const std::vector<Probe> probes = Probes(story_);
  for (const std::string policy : {"registry", "public-log", "private"}) {
    node_->Stop();
    ASSERT_TRUE(node_->Start({"--read-policy", policy}));
    for (int c = kPublic; c <= kOperator; ++c) {
      const Caller caller = static_cast<Caller>(c);
      std::unique_ptr<Client> client = ConnectAs(caller);
      ASSERT_NE(client, nullptr);
      for (const Probe& probe : probes) {
        bool expected = policy == "public-log" ||
                        (probe.registry[c] && !(policy == "private" && caller == kPublic));
        SCOPED_TRACE(policy + ": " + kCallerNames[c] + " reads " + probe.name);
        auto response = client->Call(probe.request);
        ASSERT_TRUE(response.ok()) << response.status().ToString();
        if (expected) {
          EXPECT_FALSE(response->has_error())
              << response->error().code() << ": " << response->error().message();
        } else {
          ASSERT_TRUE(response->has_error());
          EXPECT_EQ(response->error().code(), "NOT_AUTHORIZED") << response->error().message();
          EXPECT_NE(response->error().message().find("may read"), std::string::npos)
              << response->error().message();
        }
      }
    }
  }
}

// What a refused read tells the client library: PermissionDenied, with
// what the caller may read instead.
TEST_F(ReadAccessTest, RefusalsMapToPermissionDeniedAndNameTheAlternatives) {
  std::unique_ptr<Client> bob = ConnectAs(kBob);
  ASSERT_NE(bob, nullptr);
  pb::Request request;
  request.mutable_holdings()->set_account_id("alice");
  auto response = bob->Call(request);
  ASSERT_TRUE(response.ok() && response->has_error());
  Status refused = StatusFromWire(response->error());
  EXPECT_EQ(refused.code(), StatusCode::kNotAuthorized);
  EXPECT_NE(refused.message().find("holdings of account 'alice'"), std::string::npos)
      << refused.message();
  EXPECT_NE(refused.message().find("account 'bob' may read"), std::string::npos);
  // Bob's own holdings are his to read.
  request.mutable_holdings()->set_account_id("bob");
  response = bob->Call(request);
  ASSERT_TRUE(response.ok());
  ASSERT_TRUE(response->has_holdings()) << response->error().message();
  ASSERT_EQ(response->holdings().batches_size(), 1);
  EXPECT_EQ(response->holdings().batches(0).quantity(), 30u);
}

}  // namespace
}  // namespace creg
