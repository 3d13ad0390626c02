// creg account suspend|reinstate|close|rotate-key, and the environment
// variables that stand in for --node, --account and --key.
#include <cstdlib>

#include "tests/cli/cli_fixture.h"

namespace creg::testing {
namespace {

using json::Value;

class AccountsTest : public CliTest {
 protected:
  // The rule code of a refused command run with --json (exit code 1).
  std::string RefusalCode(std::vector<std::string> args) {
    RunResult r = Creg(Join(std::move(args), {"--json"}));
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    StatusOr<Value> doc = json::Parse(r.out);
    if (!doc.ok()) {
      ADD_FAILURE() << doc.status().ToString() << "\n" << r.out;
      return "";
    }
    const Value* error = doc->Find("error");
    if (error == nullptr) return "";
    EXPECT_EQ(error->GetUint("exit_code").value(), 1u);
    return error->GetString("code").value();
  }

  std::vector<std::string> Give(uint64_t n) {
    return {"transfer", "--to", "organiser", "--batch", "1", "--quantity", std::to_string(n)};
  }
};

TEST_F(AccountsTest, SuspendReinstateAndClose) {
  ASSERT_NO_FATAL_FAILURE(SetUpStory());
  Value suspended =
      CregJson(Join({"account", "suspend", "developer", "--reason", "KYC review"}, AsOperator()));
  EXPECT_EQ(suspended.GetString("status").value(), "suspended");
  EXPECT_EQ(RefusalCode(Join(Give(1), As("developer"))), "ACCOUNT_SUSPENDED");
  Value shown = CregJson({"account", "show", "developer"});
  EXPECT_EQ(shown.GetString("status").value(), "suspended");
  EXPECT_EQ(shown.GetString("status_reason").value(), "KYC review");

  CregJson(Join({"account", "reinstate", "developer", "--reason", "KYC passed"}, AsOperator()));
  CregJson(Join(Give(1), As("developer")));

  EXPECT_EQ(RefusalCode(Join({"account", "close", "organiser", "--reason", "done"}, AsOperator())),
            "ACCOUNT_NOT_EMPTY");
  CregJson(Join({"retire", "--batch", "1", "--quantity", "501", "--beneficiary", "Forum",
                 "--reason", "voluntary-event-offset"},
                As("organiser")));
  CregJson(Join({"account", "close", "organiser", "--reason", "event over"}, AsOperator()));
  EXPECT_EQ(CregJson({"account", "show", "organiser"}).GetString("status").value(), "closed");
  EXPECT_EQ(RefusalCode(Join({"account", "reinstate", "organiser", "--reason", "x"}, AsOperator())),
            "INVALID_STATUS_CHANGE");
}

TEST_F(AccountsTest, RotateKeyRetiresTheOldKey) {
  ASSERT_NO_FATAL_FAILURE(SetUpStory());
  ASSERT_EQ(RunProgram({CregBin(), "keygen", Path("developer-2.key")}).exit_code, 0);
  Value rotated = CregJson(
      Join({"account", "rotate-key", "--new-key", Path("developer-2.key.pub")}, As("developer")));
  EXPECT_EQ(rotated.GetString("account_id").value(), "developer");
  EXPECT_EQ(RefusalCode(Join(Give(1), As("developer"))), "BAD_SIGNATURE");
  CregJson(Join(Give(1), {"--account", "developer", "--key", Path("developer-2.key")}));
  EXPECT_EQ(Total("organiser"), 501u);
}

TEST_F(AccountsTest, OperatorCommandsRefusedToHolders) {
  ASSERT_NO_FATAL_FAILURE(SetUpStory());
  EXPECT_EQ(RefusalCode(Join({"issue", "--project", "wind-01", "--vintage", "2025", "--quantity",
                              "5", "--to", "developer", "--verification-ref", "VR-X"},
                             As("developer"))),
            "NOT_AUTHORIZED");
  EXPECT_EQ(RefusalCode(Join({"issue", "--project", "wind-01", "--vintage", "2025", "--quantity",
                              "5", "--to", "developer", "--verification-ref", "VR-2025-1"},
                             AsOperator())),
            "DUPLICATE_ISSUANCE");
}

TEST_F(AccountsTest, EnvironmentVariablesStandInForFlags) {
  ASSERT_NO_FATAL_FAILURE(SetUpStory());
  setenv("CREG_NODE", node_->address().c_str(), 1);
  setenv("CREG_ACCOUNT", "developer", 1);
  setenv("CREG_KEY", Path("developer.key").c_str(), 1);
  RunResult r = RunProgram(
      {CregBin(), "transfer", "--to", "organiser", "--batch", "1", "--quantity", "7", "--json"});
  RunResult own = RunProgram({CregBin(), "holdings", "--json"});
  unsetenv("CREG_NODE");
  unsetenv("CREG_ACCOUNT");
  unsetenv("CREG_KEY");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(own.exit_code, 0) << own.err;
  EXPECT_EQ(json::Parse(own.out)->GetString("account_id").value(), "developer");
  EXPECT_EQ(Total("organiser"), 507u);
}

TEST_F(AccountsTest, OperatorKeyFoundInTheDataFolder) {
  ASSERT_NO_FATAL_FAILURE(SetUpStory());
  ASSERT_EQ(RunProgram({CregBin(), "keygen", Path("airline.key")}).exit_code, 0);
  // No --account or --key: the operator of the --data folder signs.
  Value opened = CregJson({"account", "open", "airline", "--public-key", Path("airline.key.pub"),
                           "--data", node_->data_dir()});
  EXPECT_EQ(opened.GetString("account_id").value(), "airline");
}

}  // namespace
}  // namespace creg::testing
