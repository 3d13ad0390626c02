// The remote modes of creg-audit against a real cregd at --read-policy
// registry, where the full log (entries, subscriptions) is for operator and
// auditor accounts only: without an account they say what to pass, with an
// auditor's or the operator's they sign in and audit, and a sign-in the
// node refuses is reported as such.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/sign_in.h"
#include "ledger/checkpoint.h"
#include "ledger/data_dir.h"
#include "tests/audit/audit_fixture.h"
#include "tests/support/node_accounts.h"
#include "tests/support/node_process.h"

namespace creg::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Sets an environment variable for the lifetime of the object (the
// creg-audit runs inherit it), restoring what was there.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// A node at --read-policy registry with an auditor account, a holder, a
// project and an issuance (5 entries with the operator's own account).
class AuditSignInTest : public ::testing::Test {
 protected:
  void SetUp() override {
    node_ = std::make_unique<NodeProcess>(dir_);
    ASSERT_TRUE(node_->Start({"--read-policy", "registry"}));
    client_ = node_->Connect();
    ASSERT_NE(client_, nullptr);
    accounts_ = std::make_unique<NodeAccounts>(*node_);
    accounts_->OpenAccount(*client_, "auditor", pb::ROLE_AUDITOR);
    accounts_->OpenAccount(*client_, "holder", pb::ROLE_HOLDER);
    accounts_->RegisterProject(*client_, "ke-cookstoves", "operator");
    accounts_->Issue(*client_, "ke-cookstoves", 100, "holder");
    ASSERT_FALSE(HasFailure());
    key_ = node_->VerifierKey();
    auditor_key_ = SaveKey("auditor.key", accounts_->Key("auditor"));
    holder_key_ = SaveKey("holder.key", accounts_->Key("holder"));
    wrong_key_ = SaveKey("wrong.key", PrivateKey::Generate().value());
  }

  std::string SaveKey(const std::string& name, const PrivateKey& key) {
    std::string path = dir_.Sub(name);
    Status saved = key.SaveFile(path);
    EXPECT_TRUE(saved.ok()) << saved.ToString();
    return path;
  }

  // `args` followed by --node and --key of this node.
  AuditResult Audit(std::vector<std::string> args) {
    args.insert(args.end(), {"--node", node_->address(), "--key", key_});
    return RunAudit(args);
  }
  std::vector<std::string> As(const std::string& account, const std::string& key_file) {
    return {"--account", account, "--account-key", key_file};
  }

  TempDir dir_;
  std::unique_ptr<NodeProcess> node_;
  std::unique_ptr<Client> client_;
  std::unique_ptr<NodeAccounts> accounts_;
  std::string key_, auditor_key_, holder_key_, wrong_key_;
};

std::vector<std::string> Join(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST_F(AuditSignInTest, VerifyLogWithoutAnAccountSaysWhatToPass) {
  AuditResult refused = Audit({"verify-log"});
  EXPECT_EQ(refused.exit_code, 3) << refused.output;
  EXPECT_THAT(refused.output, HasSubstr("NOT_AUTHORIZED"));
  EXPECT_THAT(refused.output, HasSubstr("the public may not read a subscription to the log"));
  EXPECT_THAT(refused.output, HasSubstr("pass --account ID and --account-key FILE (or set "
                                        "CREG_ACCOUNT and CREG_KEY) of an auditor or operator "
                                        "account"));
  EXPECT_THAT(refused.output, Not(HasSubstr("VERIFIED")));
}

TEST_F(AuditSignInTest, VerifyLogSignsInAsAnAuditorOrTheOperator) {
  AuditResult auditor = Audit(Join({"verify-log"}, As("auditor", auditor_key_)));
  EXPECT_EQ(auditor.exit_code, 0) << auditor.output;
  EXPECT_THAT(auditor.output, HasSubstr("replayed:     5 entries"));
  EXPECT_THAT(auditor.output, HasSubstr("VERIFIED"));

  const std::string operator_key = DataDir(node_->data_dir()).operator_key_path();
  AuditResult op = Audit(Join({"verify-log"}, As("operator", operator_key)));
  EXPECT_EQ(op.exit_code, 0) << op.output;
  EXPECT_THAT(op.output, HasSubstr("replayed:     5 entries"));

  // The environment variables creg reads name the account as well.
  ScopedEnv account("CREG_ACCOUNT", "auditor");
  ScopedEnv key("CREG_KEY", auditor_key_);
  AuditResult from_env = Audit({"verify-log"});
  EXPECT_EQ(from_env.exit_code, 0) << from_env.output;
  EXPECT_THAT(from_env.output, HasSubstr("replayed:     5 entries"));
}

TEST_F(AuditSignInTest, ARefusedSignInNamesTheAccountAndTheNodesReason) {
  AuditResult wrong = Audit(Join({"verify-log"}, As("auditor", wrong_key_)));
  EXPECT_EQ(wrong.exit_code, 3) << wrong.output;
  EXPECT_THAT(wrong.output, HasSubstr("cannot sign in as 'auditor' at " + node_->address()));
  EXPECT_THAT(wrong.output, HasSubstr("the signature does not verify under the current key of "
                                      "account 'auditor'"));
  AuditResult unknown =
      Audit(Join({"watch", "--state", dir_.Sub("w.json")}, As("nobody", auditor_key_)));
  EXPECT_EQ(unknown.exit_code, 3) << unknown.output;
  EXPECT_THAT(unknown.output, HasSubstr("cannot sign in as 'nobody'"));
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("w.json")));
}

// The origin signed for is the trusted key's, not the node's: with the key
// of another registry the node refuses the sign-in before any entry is read.
TEST_F(AuditSignInTest, SignsInForTheOriginOfTheTrustedKey) {
  NoteSigner other = NoteSigner::Create("other.example", PrivateKey::Generate().value()).value();
  AuditResult run =
      RunAudit(Join({"verify-log", "--node", node_->address(), "--key", other.VerifierKey()},
                    As("auditor", auditor_key_)));
  EXPECT_EQ(run.exit_code, 3) << run.output;
  EXPECT_THAT(run.output, HasSubstr("cannot sign in as 'auditor'"));
  EXPECT_THAT(run.output, HasSubstr("signed for origin 'other.example', but this registry is '" +
                                    std::string(NodeProcess::kOrigin) + "'"));
}

TEST_F(AuditSignInTest, AHolderAccountReadsOnlyItsOwn) {
  AuditResult holder = Audit(Join({"verify-log"}, As("holder", holder_key_)));
  EXPECT_EQ(holder.exit_code, 3) << holder.output;
  EXPECT_THAT(holder.output, HasSubstr("NOT_AUTHORIZED"));
  EXPECT_THAT(holder.output, HasSubstr("(signed in as 'holder'; an auditor or operator account "
                                       "reads everything)"));
}

TEST_F(AuditSignInTest, WatchAndConsistencySignIn) {
  const std::string state = dir_.Sub("watch.json");
  AuditResult refused = Audit({"watch", "--state", state});
  EXPECT_EQ(refused.exit_code, 3) << refused.output;
  EXPECT_THAT(refused.output, HasSubstr("NOT_AUTHORIZED"));
  EXPECT_THAT(refused.output, HasSubstr("--account ID and --account-key FILE"));
  EXPECT_FALSE(std::filesystem::exists(state));

  auto checkpoint = client_->GetCheckpoint();
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status().ToString();
  WriteText(dir_.Sub("old.checkpoint"), checkpoint->note());
  AuditResult first = Audit(Join({"watch", "--state", state}, As("auditor", auditor_key_)));
  EXPECT_EQ(first.exit_code, 0) << first.output;
  EXPECT_THAT(first.output, HasSubstr("5 entries checked"));

  accounts_->Issue(*client_, "ke-cookstoves", 50, "holder");
  checkpoint = client_->GetCheckpoint();
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status().ToString();
  WriteText(dir_.Sub("new.checkpoint"), checkpoint->note());
  AuditResult grown = Audit(Join({"watch", "--state", state}, As("auditor", auditor_key_)));
  EXPECT_EQ(grown.exit_code, 0) << grown.output;
  EXPECT_THAT(grown.output, HasSubstr("only grew"));
  EXPECT_THAT(grown.output, HasSubstr("1 entry checked"));

  // Consistency proofs are public under this policy; signed in, the same.
  for (const auto& as : {std::vector<std::string>{}, As("auditor", auditor_key_)}) {
    AuditResult grew =
        Audit(Join({"consistency", dir_.Sub("old.checkpoint"), dir_.Sub("new.checkpoint")}, as));
    EXPECT_EQ(grew.exit_code, 0) << grew.output;
    EXPECT_THAT(grew.output, HasSubstr("only grew from OLD to NEW"));
  }
}

TEST_F(AuditSignInTest, AnAccountNeedsItsKeyAndTheKeyItsAccount) {
  AuditResult no_key = Audit({"verify-log", "--account", "auditor"});
  EXPECT_EQ(no_key.exit_code, 2) << no_key.output;
  EXPECT_THAT(no_key.output, HasSubstr("give --account-key FILE, the private key of account "
                                       "'auditor' (or set CREG_KEY)"));
  AuditResult no_account =
      Audit({"watch", "--state", dir_.Sub("w.json"), "--account-key", auditor_key_});
  EXPECT_EQ(no_account.exit_code, 2) << no_account.output;
  EXPECT_THAT(no_account.output, HasSubstr("needs --account ID"));
  AuditResult missing = Audit(Join({"verify-log"}, As("auditor", dir_.Sub("absent.key"))));
  EXPECT_EQ(missing.exit_code, 3) << missing.output;
  EXPECT_THAT(missing.output, HasSubstr("absent.key"));

  AuditResult help = RunAudit({"verify-log", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.output, HasSubstr("--account-key"));
  EXPECT_THAT(help.output, HasSubstr("CREG_KEY"));
}

// At --read-policy private even consistency proofs need an account; a
// refused proof says so and is no evidence against the log (exit 3, not 1).
TEST(AuditSignInPrivateTest, ConsistencyOnAPrivateNodeNeedsAnAccount) {
  TempDir dir;
  NodeProcess node(dir);
  ASSERT_TRUE(node.Start({"--read-policy", "private"}));
  std::unique_ptr<Client> client = node.Connect();
  ASSERT_NE(client, nullptr);
  Status signed_in = SignIn(*client, "operator", node.OperatorKey(), NodeProcess::kOrigin);
  ASSERT_TRUE(signed_in.ok()) << signed_in.ToString();
  NodeAccounts accounts(node);
  auto save_checkpoint = [&](const std::string& name) {
    auto checkpoint = client->GetCheckpoint();
    ASSERT_TRUE(checkpoint.ok()) << checkpoint.status().ToString();
    WriteText(dir.Sub(name), checkpoint->note());
  };
  accounts.OpenAccount(*client, "auditor", pb::ROLE_AUDITOR);
  save_checkpoint("old.checkpoint");
  accounts.OpenAccount(*client, "holder", pb::ROLE_HOLDER);
  save_checkpoint("new.checkpoint");
  const std::string auditor_key = dir.Sub("auditor.key");
  ASSERT_TRUE(accounts.Key("auditor").SaveFile(auditor_key).ok());

  const std::vector<std::string> consistency = {
      "consistency", dir.Sub("old.checkpoint"), dir.Sub("new.checkpoint"), "--node", node.address(),
      "--key",       node.VerifierKey()};
  AuditResult refused = RunAudit(consistency);
  EXPECT_EQ(refused.exit_code, 3) << refused.output;
  EXPECT_THAT(refused.output, HasSubstr("cannot get the consistency proof: NOT_AUTHORIZED"));
  EXPECT_THAT(refused.output, HasSubstr("--account ID and --account-key FILE"));
  EXPECT_THAT(refused.output, Not(HasSubstr("FAILED")));

  AuditResult auditor =
      RunAudit(Join(consistency, {"--account", "auditor", "--account-key", auditor_key}));
  EXPECT_EQ(auditor.exit_code, 0) << auditor.output;
  EXPECT_THAT(auditor.output, HasSubstr("only grew from OLD to NEW"));
}

}  // namespace
}  // namespace creg::testing
