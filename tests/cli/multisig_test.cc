// Multi-signature accounts through creg against a real cregd: an account
// opened 2-of-3, transactions proposed to a file, signed offline key by
// key, refused before sending while too few keys signed, then submitted;
// the operator made 2-of-3 and issuing that way; proposal files that were
// tampered with refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/cli/cli_fixture.h"

namespace creg::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class MultisigCliTest : public CliTest {
 protected:
  void Keygen(const std::string& name) {
    RunResult r = RunProgram({CregBin(), "keygen", Path(name + ".key")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::string Pubs(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& n : names) out += (out.empty() ? "" : ",") + Path(n + ".key.pub");
    return out;
  }
  RunResult Sign(const std::string& file, const std::string& key) {
    return RunProgram({CregBin(), "sign", file, "--key", Path(key + ".key")});
  }
  std::string Read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
};

TEST_F(MultisigCliTest, ProposeSignAndSubmitTwoOfThree) {
  SetUpStory();
  for (const char* k : {"t-a", "t-b", "t-c"}) Keygen(k);
  RunResult open = Creg(Join({"account", "open", "treasury", "--public-key",
                              Pubs({"t-a", "t-b", "t-c"}), "--threshold", "2"},
                             AsOperator()));
  ASSERT_EQ(open.exit_code, 0) << open.out << open.err;
  json::Value shown = CregJson({"account", "show", "treasury"});
  EXPECT_EQ(shown.GetUint("threshold").value(), 2u);
  RunResult fund = Creg(
      Join({"transfer", "--to", "treasury", "--batch", "1", "--quantity", "100"}, As("developer")));
  ASSERT_EQ(fund.exit_code, 0) << fund.err;

  // A single key cannot sign for it directly.
  RunResult direct = Creg({"transfer", "--to", "organiser", "--batch", "1", "--quantity", "5",
                           "--account", "treasury", "--key", Path("t-a.key")});
  EXPECT_EQ(direct.exit_code, 1) << direct.out << direct.err;
  EXPECT_THAT(direct.err, HasSubstr("SEVERAL_KEYS"));

  const std::string tx = Path("tx.json");
  RunResult proposed = Creg({"transfer", "--to", "organiser", "--batch", "1", "--quantity", "30",
                             "--account", "treasury", "--propose", "-o", tx});
  ASSERT_EQ(proposed.exit_code, 0) << proposed.out << proposed.err;
  EXPECT_THAT(proposed.out, HasSubstr("transfer 30 credits of batch 1 from treasury to organiser"));
  EXPECT_THAT(Read(tx), HasSubstr("\"format\": \"creg-proposal/1\""));
  // Proposing writes nothing to the registry.
  EXPECT_EQ(Total("treasury"), 100u);

  RunResult none = Creg({"submit", tx, "--key", Path("t-a.key")});
  EXPECT_EQ(none.exit_code, 1) << none.out << none.err;
  EXPECT_THAT(none.err, HasSubstr("carries 0 signatures of account 'treasury'; 2 are needed"));

  RunResult first = Sign(tx, "t-a");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  // The summary comes first, then the signature is added.
  EXPECT_LT(first.out.find("transfer 30 credits of batch 1"), first.out.find("signed with key"));
  RunResult one = Creg({"submit", tx, "--key", Path("t-a.key")});
  EXPECT_EQ(one.exit_code, 1) << one.out << one.err;
  EXPECT_THAT(one.err, HasSubstr("carries 1 signature of account 'treasury'; 2 are needed (2 of "
                                 "its 3 keys); nothing was sent"));
  EXPECT_EQ(Total("treasury"), 100u);

  ASSERT_EQ(Sign(tx, "t-c").exit_code, 0);
  RunResult sent = Creg({"submit", tx, "--key", Path("t-a.key")});
  ASSERT_EQ(sent.exit_code, 0) << sent.out << sent.err;
  EXPECT_THAT(sent.out, HasSubstr("committed as entry"));
  EXPECT_EQ(Total("treasury"), 70u);
  // The same file again is the same transaction: answered, not applied twice.
  RunResult again = Creg({"submit", tx, "--key", Path("t-a.key")});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(Total("treasury"), 70u);

  // A key change, 2-of-3 -> 2-of-2 of new keys, proposed and signed the same way.
  Keygen("t-d");
  const std::string change = Path("keys.json");
  ASSERT_EQ(Creg({"account", "keys", "--account", "treasury", "--public-key", Pubs({"t-c", "t-d"}),
                  "--threshold", "2", "--propose", "-o", change})
                .exit_code,
            0);
  ASSERT_EQ(Sign(change, "t-a").exit_code, 0);
  ASSERT_EQ(Sign(change, "t-b").exit_code, 0);
  RunResult changed = Creg({"submit", change, "--key", Path("t-a.key")});
  ASSERT_EQ(changed.exit_code, 0) << changed.out << changed.err;
  // A proposal signed by a key the account no longer holds is refused
  // before it is sent.
  const std::string late = Path("late.json");
  ASSERT_EQ(Creg({"retire", "--batch", "1", "--quantity", "1", "--beneficiary", "Forum", "--reason",
                  "voluntary-event-offset", "--account", "treasury", "--propose", "-o", late})
                .exit_code,
            0);
  ASSERT_EQ(Sign(late, "t-a").exit_code, 0);
  RunResult stale = Creg({"submit", late, "--key", Path("t-c.key")});
  EXPECT_EQ(stale.exit_code, 1);
  EXPECT_THAT(stale.err, HasSubstr("not a key of account 'treasury'"));
}

TEST_F(MultisigCliTest, TheOperatorSignsIssuanceTwoOfThree) {
  SetUpStory();
  for (const char* k : {"op-b", "op-c"}) Keygen(k);
  std::filesystem::copy_file(OperatorKey(), Path("op-a.key"));
  // The operator's current key, plus two new ones; signed by the current key.
  RunResult keys = Creg(Join({"account", "keys", "--public-key",
                              OperatorKey() + "," + Pubs({"op-b", "op-c"}), "--threshold", "2"},
                             AsOperator()));
  ASSERT_EQ(keys.exit_code, 0) << keys.out << keys.err;
  RunResult alone = Creg(Join({"issue", "--project", "wind-01", "--vintage", "2026", "--quantity",
                               "50", "--to", "organiser", "--verification-ref", "VR-2026-1"},
                              AsOperator()));
  EXPECT_EQ(alone.exit_code, 1);
  EXPECT_THAT(alone.err, HasSubstr("SEVERAL_KEYS"));
  const std::string tx = Path("issue.json");
  ASSERT_EQ(Creg({"issue", "--project", "wind-01", "--vintage", "2026", "--quantity", "50", "--to",
                  "organiser", "--verification-ref", "VR-2026-1", "--account", "operator",
                  "--propose", "-o", tx})
                .exit_code,
            0);
  ASSERT_EQ(Sign(tx, "op-b").exit_code, 0);
  ASSERT_EQ(Sign(tx, "op-a").exit_code, 0);
  RunResult sent = Creg({"submit", tx, "--key", Path("op-a.key")});
  ASSERT_EQ(sent.exit_code, 0) << sent.out << sent.err;
  EXPECT_EQ(Total("organiser"), 550u);
  // The operator's other transactions go the same way, e.g. a suspension.
  const std::string suspend = Path("suspend.json");
  ASSERT_EQ(Creg({"account", "suspend", "organiser", "--reason", "KYC review", "--account",
                  "operator", "--propose", "-o", suspend})
                .exit_code,
            0);
  ASSERT_EQ(Sign(suspend, "op-c").exit_code, 0);
  ASSERT_EQ(Sign(suspend, "op-b").exit_code, 0);
  RunResult suspended = Creg({"submit", suspend, "--key", Path("op-a.key")});
  ASSERT_EQ(suspended.exit_code, 0) << suspended.out << suspended.err;
  EXPECT_EQ(CregJson({"account", "show", "organiser"}).GetString("status").value(), "suspended");
}

TEST_F(MultisigCliTest, HostileProposalFilesAreRefusedAndLeftAlone) {
  SetUpStory();
  Keygen("t-a");
  const std::string tx = Path("tx.json");
  ASSERT_EQ(Creg(Join({"transfer", "--to", "organiser", "--batch", "1", "--quantity", "7",
                       "--propose", "-o", tx},
                      {"--account", "developer"}))
                .exit_code,
            0);
  const std::string original = Read(tx);
  struct Case {
    std::string name, text, expect;
  };
  std::string summary_edited = original;
  summary_edited.replace(summary_edited.find("7 credits"), 9, "1 credit");
  std::string unknown = original;
  unknown.insert(original.find('{') + 1, "\"extra\": 1, ");
  std::vector<Case> cases = {
      {"not json", "transfer everything", "not JSON"},
      {"other format", "{\"format\": \"x\"}", "format"},
      {"summary edited", summary_edited, "does not match the body"},
      {"unknown member", unknown, "unknown member \"extra\""},
      {"huge", std::string(3 * 1024 * 1024, ' '), "over the limit"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string path = Path("bad.json");
    WriteText(path, c.text);
    RunResult signed_it = Sign(path, "t-a");
    EXPECT_EQ(signed_it.exit_code, 2) << signed_it.out << signed_it.err;
    EXPECT_THAT(signed_it.err, HasSubstr(c.expect));
    EXPECT_EQ(Read(path), c.text) << "a refused file was changed";
    RunResult submitted = Creg({"submit", path, "--key", Path("t-a.key")});
    EXPECT_EQ(submitted.exit_code, 2) << submitted.err;
  }
  // A signature that does not verify over the body.
  ASSERT_EQ(Sign(tx, "t-a").exit_code, 0);
  std::string forged = Read(tx);
  size_t at = forged.find("\"signature\": \"") + 14;
  forged[at] = forged[at] == 'A' ? 'B' : 'A';
  WriteText(tx, forged);
  RunResult bad = Creg({"submit", tx, "--key", Path("t-a.key")});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("does not verify over the body"));
  // Proposing over an existing file is refused.
  RunResult over = Creg({"transfer", "--to", "organiser", "--batch", "1", "--quantity", "7",
                         "--account", "developer", "--propose", "-o", tx});
  EXPECT_EQ(over.exit_code, 2) << over.err;
  EXPECT_THAT(over.err, HasSubstr("already exists"));
}

// Where account records are private, creg submit reads the threshold by
// signing in with any one key of the account (not only its first).
class MultisigPrivateReadsTest : public MultisigCliTest {
 protected:
  std::vector<std::string> NodeFlags() const override { return {"--read-policy", "registry"}; }
};

TEST_F(MultisigPrivateReadsTest, SubmitSignsInWithAnyKeyOfTheAccount) {
  for (const char* k : {"t-a", "t-b"}) Keygen(k);
  ASSERT_EQ(Creg(Join({"account", "open", "pair", "--public-key", Pubs({"t-a", "t-b"}),
                       "--threshold", "2"},
                      AsOperator()))
                .exit_code,
            0);
  const std::string tx = Path("keys.json");
  ASSERT_EQ(Creg({"account", "keys", "--account", "pair", "--public-key", Pubs({"t-b", "t-a"}),
                  "--threshold", "1", "--propose", "-o", tx})
                .exit_code,
            0);
  ASSERT_EQ(Sign(tx, "t-b").exit_code, 0);
  // Without signing in, the account's record (and so its threshold) is not readable.
  RunResult anonymous = Creg({"submit", tx});
  EXPECT_EQ(anonymous.exit_code, 1) << anonymous.err;
  EXPECT_THAT(anonymous.err, HasSubstr("may not read"));
  // Signed in with its second key: the threshold is read, and one signature is too few.
  RunResult one = Creg({"submit", tx, "--key", Path("t-b.key")});
  EXPECT_EQ(one.exit_code, 1) << one.err;
  EXPECT_THAT(one.err, HasSubstr("1 signature of account 'pair'; 2 are needed"));
  ASSERT_EQ(Sign(tx, "t-a").exit_code, 0);
  RunResult sent = Creg({"submit", tx, "--key", Path("t-b.key")});
  EXPECT_EQ(sent.exit_code, 0) << sent.out << sent.err;
}

}  // namespace
}  // namespace creg::testing
