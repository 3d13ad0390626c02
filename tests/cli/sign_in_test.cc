// creg against a node at the default read policy (registry): without a key
// it reads only the public record; given --account/--key it signs in and
// reads what that account may (its own holdings; an auditor everything);
// a wrong key is a refused sign-in that reads nothing.
#include "tests/cli/cli_fixture.h"

namespace creg::testing {
namespace {

class SignInCliTest : public CliTest {
 protected:
  std::vector<std::string> NodeFlags() const override { return {"--read-policy", "registry"}; }

  // Runs creg --json and expects exit status 1 with error `code`, and
  // `also` in the message or hint on stderr.
  void ExpectRefused(const std::vector<std::string>& args, const std::string& code,
                     const std::string& also = "") {
    RunResult r = Creg(Join(args, {"--json"}));
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.out.find("\"code\": \"" + code + "\""), std::string::npos) << r.out;
    if (!also.empty()) {
      EXPECT_NE(r.err.find(also), std::string::npos) << r.err;
    }
  }

  // `field` of creg's --json answer to `args`, "" if it has none.
  std::string Field(const std::vector<std::string>& args, const std::string& field) {
    json::Value answer = CregJson(args);
    if (StatusOr<std::string> text = answer.GetString(field); text.ok()) return *text;
    if (StatusOr<uint64_t> number = answer.GetUint(field); number.ok()) {
      return std::to_string(*number);
    }
    return "";
  }
};

TEST_F(SignInCliTest, TheHolderReadsItsOwnHoldingsAndThePublicDoesNot) {
  ASSERT_NO_FATAL_FAILURE(SetUpStory());
  ExpectRefused({"holdings", "organiser"}, "NOT_AUTHORIZED", "--key");
  EXPECT_EQ(Field(Join({"holdings", "organiser"}, As("organiser")), "total"), "500");
  ExpectRefused(Join({"holdings", "developer"}, As("organiser")), "NOT_AUTHORIZED");
  // The public record stays public.
  EXPECT_EQ(Creg({"project", "show", "wind-01"}).exit_code, 0);
  EXPECT_EQ(Creg({"batch", "1", "--json"}).exit_code, 1);  // its blocks name holders
}

TEST_F(SignInCliTest, AnAuditorOpenedByTheOperatorReadsEverything) {
  ASSERT_NO_FATAL_FAILURE(SetUpStory());
  ASSERT_EQ(RunProgram({CregBin(), "keygen", Path("auditor.key")}).exit_code, 0);
  RunResult open = Creg(Join({"account", "open", "auditor-1", "--role", "auditor", "--public-key",
                              Path("auditor.key.pub")},
                             AsOperator()));
  ASSERT_EQ(open.exit_code, 0) << open.err;
  const std::vector<std::string> auditor = {"--account", "auditor-1", "--key", Path("auditor.key")};
  EXPECT_EQ(Field(Join({"account", "show", "auditor-1"}, auditor), "role"), "auditor");
  EXPECT_EQ(Field(Join({"holdings", "developer"}, auditor), "total"), "9500");
  RunResult history = Creg(Join({"account", "history", "organiser"}, auditor));
  EXPECT_EQ(history.exit_code, 0) << history.err;
  RunResult exported = Creg(Join({"export", "holdings", "--holder", "organiser"}, auditor));
  EXPECT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_NE(exported.out.find("organiser,1,wind-01"), std::string::npos) << exported.out;
  ExpectRefused({"export", "holdings"}, "NOT_AUTHORIZED");
  // An unknown role is a usage error that opens nothing.
  RunResult bad = Creg(Join({"account", "open", "auditor-2", "--role", "supervisor", "--public-key",
                             Path("auditor.key.pub")},
                            AsOperator()));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("holder, operator or auditor"), std::string::npos) << bad.err;
  EXPECT_EQ(Creg(Join({"account", "show", "auditor-2"}, auditor)).exit_code, 1);
}

TEST_F(SignInCliTest, AWrongKeyOrAKeyWithoutAnAccountReadsNothing) {
  ASSERT_NO_FATAL_FAILURE(SetUpStory());
  ExpectRefused({"holdings", "organiser", "--account", "organiser", "--key", Path("developer.key")},
                "PERMISSION_DENIED", "does not verify");
  RunResult keyless = Creg({"holdings", "organiser", "--key", Path("organiser.key")});
  EXPECT_EQ(keyless.exit_code, 2) << keyless.err;
  EXPECT_NE(keyless.err.find("the account to sign in as"), std::string::npos) << keyless.err;
}

}  // namespace
}  // namespace creg::testing
