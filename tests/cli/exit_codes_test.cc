// creg's documented exit codes: 0 done, 1 refused by the registry, 2 usage
// error, 3 cannot reach the node; and the JSON error object with --json.
#include "tests/cli/cli_fixture.h"
#include "tests/support/loopback_port.h"

namespace creg::testing {
namespace {

using json::Value;

class ExitCodesTest : public CliTest {
 protected:
  // The "error" object of a --json run that failed with `exit_code`.
  Value ErrorOf(std::vector<std::string> args, int exit_code) {
    RunResult r = Creg(Join(std::move(args), {"--json"}));
    EXPECT_EQ(r.exit_code, exit_code) << r.out << r.err;
    EXPECT_NE(r.err.find("creg: "), std::string::npos) << r.err;
    StatusOr<Value> doc = json::Parse(r.out);
    if (!doc.ok() || doc->Find("error") == nullptr) {
      ADD_FAILURE() << "no JSON error object in: " << r.out;
      return Value();
    }
    Value error = *doc->Find("error");
    EXPECT_EQ(error.GetUint("exit_code").value(), static_cast<uint64_t>(exit_code));
    EXPECT_TRUE(error.GetString("message").ok());
    return error;
  }
};

TEST_F(ExitCodesTest, UsageErrorsExitTwo) {
  ASSERT_NO_FATAL_FAILURE(SetUpStory());
  EXPECT_EQ(RunProgram({CregBin()}).exit_code, 2);
  EXPECT_EQ(RunProgram({CregBin(), "frobnicate"}).exit_code, 2);
  EXPECT_EQ(RunProgram({CregBin(), "account"}).exit_code, 2);
  const std::vector<std::vector<std::string>> usage_errors = {
      {"status", "--frobnicate", "1"},
      {"batch"},
      {"batch", "one"},
      {"holdings", "a", "b"},
      Join({"transfer", "--batch", "1", "--quantity", "5"}, As("developer")),
      Join({"transfer", "--to", "organiser"}, As("developer")),
      Join({"transfer", "--to", "organiser", "--serials", "1:9-3"}, As("developer")),
      Join({"transfer", "--to", "organiser", "--serials", "one-to-five"}, As("developer")),
      Join({"transfer", "--to", "organiser", "--batch", "1", "--quantity", "-5"}, As("developer")),
      Join({"transfer", "--to", "organiser", "--batch", "1", "--quantity", "5", "--serials", "1:1"},
           As("developer")),
      {"transfer", "--to", "organiser", "--batch", "1", "--quantity", "5", "--account",
       "developer"},
      {"transfer", "--to", "organiser", "--batch", "1", "--quantity", "5", "--account", "developer",
       "--key", Path("missing.key")},
      Join({"retire", "--batch", "1", "--quantity", "5", "--beneficiary", "X", "--reason",
            "feeling-good"},
           As("organiser")),
      Join({"retire", "--batch", "1", "--quantity", "5", "--reason", "other"}, As("organiser")),
      Join({"account", "suspend", "developer"}, AsOperator()),
      {"export", "holdings", "--format", "xml"},
  };
  for (const auto& args : usage_errors) {
    SCOPED_TRACE(json::Serialize(Value(json::Array(args.begin(), args.end()))));
    Value error = ErrorOf(args, 2);
    ASSERT_TRUE(error.GetString("hint").ok());
    EXPECT_FALSE(error.GetString("hint").value().empty());
  }
  // Nothing moved.
  EXPECT_EQ(Total("organiser"), 500u);
}

TEST_F(ExitCodesTest, RefusalsExitOneWithTheRuleCode) {
  ASSERT_NO_FATAL_FAILURE(SetUpStory());
  std::vector<std::string> retire = Join({"retire", "--serials", "1:1-120", "--beneficiary",
                                          "Forum", "--reason", "voluntary-event-offset"},
                                         As("organiser"));
  ASSERT_EQ(Creg(retire).exit_code, 0);
  Value error = ErrorOf(retire, 1);
  EXPECT_EQ(error.GetString("code").value(), "CREDITS_RETIRED");
  EXPECT_EQ(error.GetUint("code_number").value(), 15u);
  EXPECT_NE(error.GetString("message").value().find("already retired"), std::string::npos);
  EXPECT_NE(error.GetString("hint").value().find("creg"), std::string::npos);

  RunResult human = Creg(retire);
  EXPECT_EQ(human.exit_code, 1);
  EXPECT_NE(human.err.find("CREDITS_RETIRED"), std::string::npos) << human.err;

  EXPECT_EQ(ErrorOf(Join({"transfer", "--to", "nobody", "--batch", "1", "--quantity", "1"},
                         As("developer")),
                    1)
                .GetString("code")
                .value(),
            "UNKNOWN_ACCOUNT");
  EXPECT_EQ(ErrorOf(Join({"transfer", "--to", "developer", "--batch", "1", "--quantity", "9999"},
                         As("organiser")),
                    1)
                .GetString("code")
                .value(),
            "INSUFFICIENT_CREDITS");
  EXPECT_EQ(ErrorOf({"batch", "99"}, 1).GetString("code").value(), "NOT_FOUND");
  EXPECT_EQ(ErrorOf({"account", "show", "nobody"}, 1).GetString("code").value(), "NOT_FOUND");
  EXPECT_EQ(ErrorOf({"retirement", "R999"}, 1).GetString("code").value(), "NOT_FOUND");
}

TEST_F(ExitCodesTest, NodeDownExitsThree) {
  ASSERT_NO_FATAL_FAILURE(SetUpStory());
  ASSERT_EQ(node_->Stop(), 0);
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"status"},
           {"holdings", "organiser"},
           Join({"transfer", "--to", "organiser", "--batch", "1", "--quantity", "1"},
                As("developer"))}) {
    Value error = ErrorOf(args, 3);
    EXPECT_EQ(error.GetString("code").value(), "UNREACHABLE");
    EXPECT_NE(error.GetString("hint").value().find("cregd"), std::string::npos);
  }
  RunResult r = RunProgram({CregBin(), "status", "--node", "127.0.0.1:1"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("--node"), std::string::npos) << r.err;
}

// An empty or malformed member in --node A,B is named as a usage error, not
// tried as an address: before the first member (nothing is reachable) and
// after an unreachable one.
TEST_F(ExitCodesTest, AMalformedMemberListIsAUsageError) {
  for (const std::string& members :
       {std::string(",127.0.0.1:1"), std::string("127.0.0.1:1,"), std::string("127.0.0.1:1,nope"),
        std::string("127.0.0.1:1,,127.0.0.1:2"), std::string("127.0.0.1"),
        std::string("127.0.0.1:1,127.0.0.1"), std::string("127.0.0.1:1, 127.0.0.1:2"),
        std::string("")}) {
    RunResult r = RunProgram({CregBin(), "status", "--node", members});
    EXPECT_EQ(r.exit_code, 2) << members << ": " << r.err;
    EXPECT_NE(r.err.find("HOST:PORT[,HOST:PORT...]"), std::string::npos) << r.err;
  }
  RunResult empty = RunProgram({CregBin(), "status", "--node", "127.0.0.1:1,,127.0.0.1:2"});
  EXPECT_NE(empty.err.find("member 2 of '127.0.0.1:1,,127.0.0.1:2' is empty"), std::string::npos)
      << empty.err;
  RunResult portless = RunProgram({CregBin(), "status", "--node", "127.0.0.1:1,127.0.0.1"});
  EXPECT_NE(portless.err.find("address '127.0.0.1' is not HOST:PORT"), std::string::npos)
      << portless.err;
}

// A member that cannot be reached is passed over; the one that answers
// serves the command.
TEST_F(ExitCodesTest, AnUnreachableFirstMemberIsPassedOver) {
  ClosedPort closed;
  RunResult r =
      RunProgram({CregBin(), "status", "--node", closed.address() + "," + node_->address()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(node_->address()), std::string::npos) << r.out;
}

// When no member answers, the error names each member and its failure.
TEST_F(ExitCodesTest, NoMemberAnsweringNamesEach) {
  ClosedPort first, second;
  const std::string members = first.address() + "," + second.address();
  RunResult r = RunProgram({CregBin(), "status", "--node", members, "--json"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("no member of " + members + " answered"), std::string::npos) << r.err;
  for (const std::string& member : {first.address(), second.address()}) {
    EXPECT_NE(r.err.find(member + ": cannot connect to the node at " + member), std::string::npos)
        << r.err;
  }
  StatusOr<Value> doc = json::Parse(r.out);
  ASSERT_TRUE(doc.ok()) << r.out;
  EXPECT_EQ(doc->Find("error")->GetString("code").value(), "UNREACHABLE");
}

}  // namespace
}  // namespace creg::testing
