// creg-bench against a real cregd at --read-policy private, where even the
// registry's public record is for signed-in accounts: without an account the
// benchmark says what to pass, with one it signs every connection in and
// runs, and half a pair of credentials is refused before connecting.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/support/node_accounts.h"
#include "tests/support/node_process.h"
#include "tests/support/temp_dir.h"

namespace creg::testing {
namespace {

using ::testing::HasSubstr;

class BenchSignInTest : public ::testing::Test {
 protected:
  void SetUp() override {
    node_ = std::make_unique<NodeProcess>(dir_);
    ASSERT_TRUE(node_->Start({"--read-policy", "private"}));
    auto client = node_->Connect();
    ASSERT_NE(client, nullptr);
    NodeAccounts accounts(*node_);
    accounts.OpenAccount(*client, "auditor", pb::ROLE_AUDITOR);
    ASSERT_FALSE(HasFailure());
    auditor_key_ = dir_.Sub("auditor.key");
    Status saved = accounts.Key("auditor").SaveFile(auditor_key_);
    ASSERT_TRUE(saved.ok()) << saved.ToString();
  }

  // creg-bench proofs against the node, a few requests, with `extra` flags.
  RunResult Proofs(const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {ProgramPath("CREG_BENCH_BIN"),
                                     "proofs",
                                     "--node",
                                     node_->address(),
                                     "--requests",
                                     "40",
                                     "--connections",
                                     "2"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return RunProgram(argv);
  }

  TempDir dir_;
  std::unique_ptr<NodeProcess> node_;
  std::string auditor_key_;
};

TEST_F(BenchSignInTest, WithoutAnAccountItSaysWhatToPass) {
  RunResult run = Proofs({});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_THAT(run.err, HasSubstr("NOT_AUTHORIZED"));
  EXPECT_THAT(run.err, HasSubstr("pass --account ID and --key FILE"));
}

TEST_F(BenchSignInTest, WithAnAccountEveryConnectionSignsInAndTheBenchmarkRuns) {
  RunResult run = Proofs({"--account", "auditor", "--key", auditor_key_});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  // Every request was answered with a proof: the two connections that run
  // the load signed in too, not only the first one that read the checkpoint.
  EXPECT_THAT(run.out, HasSubstr(": 40 inclusion proofs in"));
}

TEST_F(BenchSignInTest, AWrongKeyIsTheNodesRefusal) {
  std::string wrong = dir_.Sub("wrong.key");
  ASSERT_TRUE(PrivateKey::Generate().value().SaveFile(wrong).ok());
  RunResult run = Proofs({"--account", "auditor", "--key", wrong});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_THAT(run.err, HasSubstr("PERMISSION_DENIED"));
}

TEST_F(BenchSignInTest, HalfTheCredentialsAreRefusedNamingTheOtherHalf) {
  RunResult account_only = Proofs({"--account", "auditor"});
  EXPECT_EQ(account_only.exit_code, 2) << account_only.out << account_only.err;
  EXPECT_THAT(account_only.err, HasSubstr("--account auditor needs --key FILE"));
  RunResult key_only = Proofs({"--key", auditor_key_});
  EXPECT_EQ(key_only.exit_code, 2) << key_only.out << key_only.err;
  EXPECT_THAT(key_only.err, HasSubstr("needs --account ID"));
}

}  // namespace
}  // namespace creg::testing
