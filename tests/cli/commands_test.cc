// creg's commands against a real node: the registry story end to end, with
// every query's --json output parsed and checked.
#include <sys/stat.h>

#include "tests/cli/cli_fixture.h"

namespace creg::testing {
namespace {

using json::Value;

std::string Str(const Value& v, std::string_view key) {
  StatusOr<std::string> s = v.GetString(key);
  EXPECT_TRUE(s.ok()) << key << ": " << s.status().ToString();
  return s.ok() ? *s : "";
}

uint64_t Num(const Value& v, std::string_view key) {
  StatusOr<uint64_t> n = v.GetUint(key);
  EXPECT_TRUE(n.ok()) << key << ": " << n.status().ToString();
  return n.ok() ? *n : 0;
}

const Value& At(const Value& v, std::string_view key, size_t i) {
  static const Value kNull;
  const Value* array = v.Find(key);
  if (array == nullptr || !array->is_array() || array->as_array().size() <= i) {
    ADD_FAILURE() << "no element " << i << " in " << key << ": " << json::Serialize(v);
    return kNull;
  }
  return array->as_array()[i];
}

class CommandsTest : public CliTest {};

TEST_F(CommandsTest, KeygenWritesAKeyPairAndNeverOverwrites) {
  Value keys = CregJson({"keygen", Path("me.key")});
  EXPECT_EQ(Str(keys, "private_key_file"), Path("me.key"));
  EXPECT_EQ(Str(keys, "public_key_file"), Path("me.key.pub"));
  EXPECT_EQ(Str(keys, "public_key").size(), 44u);  // base64 of 32 bytes
  struct stat st {};
  ASSERT_EQ(stat(Path("me.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_NE(ReadTextFile(Path("me.key.pub")).find("BEGIN PUBLIC KEY"), std::string::npos);

  std::string before = ReadTextFile(Path("me.key"));
  RunResult again = Creg({"keygen", Path("me.key"), "--json"});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
  EXPECT_EQ(ReadTextFile(Path("me.key")), before);
}

TEST_F(CommandsTest, StoryFromIssuanceToCertificate) {
  ASSERT_NO_FATAL_FAILURE(SetUpStory());
  Value retire = CregJson(
      Join({"retire", "--serials", "1:1-120", "--beneficiary", "Forum Organising Committee",
            "--reason", "voluntary-event-offset", "--details", "Belt and Road Forum",
            "--country-of-use", "CN", "--claim-reference", "INV-7"},
           As("organiser")));
  EXPECT_EQ(Str(retire, "verdict"), "committed");
  const std::string id = Str(retire, "retirement_id");
  EXPECT_EQ(id, "R" + std::to_string(Num(retire, "entry_index")));
  EXPECT_EQ(Num(retire, "quantity"), 120u);
  EXPECT_EQ(Num(At(retire, "blocks", 0), "last"), 120u);

  Value r = CregJson({"retirement", id});
  EXPECT_EQ(Str(r, "account"), "organiser");
  EXPECT_EQ(Str(r, "beneficiary"), "Forum Organising Committee");
  EXPECT_EQ(Str(r, "reason"), "voluntary-event-offset");
  EXPECT_EQ(Str(r, "details"), "Belt and Road Forum");
  EXPECT_EQ(Str(r, "country_of_use"), "CN");
  EXPECT_EQ(Str(r, "claim_reference"), "INV-7");
  EXPECT_EQ(Num(r, "quantity"), 120u);
  EXPECT_EQ(At(r, "serials", 0).as_string().rfind("1-1-120-CREG-VCS-CN-wind-01-", 0), 0u);

  Value holdings = CregJson({"holdings", "organiser"});
  EXPECT_EQ(Num(holdings, "total"), 380u);
  EXPECT_EQ(Num(At(At(holdings, "batches", 0), "blocks", 0), "first"), 121u);
  EXPECT_EQ(Str(At(holdings, "batches", 0), "project_id"), "wind-01");
  EXPECT_EQ(Total("developer"), 9500u);

  Value batch = CregJson({"batch", "1"});
  EXPECT_EQ(Num(batch, "quantity"), 10000u);
  EXPECT_EQ(Str(batch, "vintage_start"), "2025-01-01");
  EXPECT_EQ(Str(*batch.Find("project"), "name"), "Dali Wind Farm");
  EXPECT_EQ(Str(At(batch, "blocks", 0), "status"), "retired");
  EXPECT_EQ(Str(At(batch, "blocks", 0), "retirement_id"), id);
  EXPECT_EQ(Str(At(batch, "blocks", 1), "owner"), "organiser");
  EXPECT_EQ(Str(At(batch, "blocks", 2), "owner"), "developer");

  Value list = CregJson({"retirements", "--beneficiary", "Forum Organising Committee"});
  EXPECT_EQ(Str(At(list, "retirements", 0), "retirement_id"), id);
  Value by_account = CregJson({"retirements", "--account", "organiser"});
  EXPECT_EQ(Num(At(by_account, "retirements", 0), "quantity"), 120u);

  Value provenance = CregJson({"provenance", "1", "50"});
  EXPECT_EQ(Str(At(provenance, "entries", 0), "kind"), "issue");
  EXPECT_EQ(Str(At(provenance, "entries", 1), "kind"), "transfer");
  EXPECT_EQ(Str(At(provenance, "entries", 2), "kind"), "retire");
  EXPECT_EQ(provenance.Find("entries")->as_array().size(), 3u);

  Value entry = CregJson({"entry", std::to_string(Num(retire, "entry_index"))});
  EXPECT_EQ(Str(entry, "kind"), "retire");
  EXPECT_EQ(Str(entry, "signer"), "organiser");
  EXPECT_EQ(Str(*entry.Find("transaction"), "beneficiary"), "Forum Organising Committee");
  EXPECT_EQ(Str(*entry.Find("effects"), "retirement_id"), id);

  Value history = CregJson({"account", "history", "organiser"});
  std::vector<std::string> kinds;
  for (const Value& e : history.Find("entries")->as_array()) kinds.push_back(Str(e, "kind"));
  EXPECT_EQ(kinds, (std::vector<std::string>{"open-account", "transfer", "retire"}));

  Value project = CregJson({"project", "show", "wind-01"});
  EXPECT_EQ(Str(project, "proponent"), "developer");
  EXPECT_EQ(Str(project, "country"), "CN");

  Value account = CregJson({"account", "show", "organiser"});
  EXPECT_EQ(Str(account, "display_name"), "Forum Organising Committee");
  EXPECT_EQ(Str(account, "status"), "active");
  EXPECT_EQ(Str(account, "role"), "holder");

  Value status = CregJson({"status"});
  EXPECT_EQ(Str(status, "origin"), NodeProcess::kOrigin);
  EXPECT_EQ(Str(status, "verifier_key"), node_->VerifierKey());
  EXPECT_TRUE(status.Find("accepting_writes")->as_bool());
  EXPECT_EQ(Num(status, "quarantined_entries"), 0u);
  EXPECT_EQ(status.Find("cluster"), nullptr);  // not a member of a cluster
  EXPECT_EQ(Str(CregJson({"verifier-key"}), "verifier_key"), node_->VerifierKey());
  Value checkpoint = CregJson({"checkpoint"});
  EXPECT_EQ(Str(checkpoint, "note").rfind(std::string(NodeProcess::kOrigin) + "\n", 0), 0u);

  Value cert = CregJson({"cert", id, "-o", Path("cert.json")});
  EXPECT_EQ(Str(cert, "file"), Path("cert.json"));
  StatusOr<Value> doc = json::Parse(ReadTextFile(Path("cert.json")));
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(Str(*doc, "format"), "creg-retirement-certificate/1");
  EXPECT_EQ(Num(*doc, "entry_index"), Num(retire, "entry_index"));
  RunResult to_stdout = Creg({"cert", id});
  ASSERT_EQ(to_stdout.exit_code, 0) << to_stdout.err;
  EXPECT_TRUE(json::Parse(to_stdout.out).ok());
}

TEST_F(CommandsTest, HumanOutputIsTablesAndSentences) {
  ASSERT_NO_FATAL_FAILURE(SetUpStory());
  RunResult holdings = Creg({"holdings", "organiser"});
  ASSERT_EQ(holdings.exit_code, 0) << holdings.err;
  EXPECT_NE(holdings.out.find("BATCH  PROJECT"), std::string::npos) << holdings.out;
  EXPECT_NE(holdings.out.find("1:1-500"), std::string::npos) << holdings.out;
  EXPECT_NE(holdings.out.find("total: 500 credits held by organiser"), std::string::npos);

  RunResult retire = Creg(Join({"retire", "--batch", "1", "--quantity", "20", "--beneficiary",
                                "Forum", "--reason", "other", "--details", "staff offsite"},
                               As("organiser")));
  ASSERT_EQ(retire.exit_code, 0) << retire.err;
  EXPECT_NE(retire.out.find("retired 20 credits (1:1-20) as R"), std::string::npos) << retire.out;
  EXPECT_NE(retire.out.find("creg cert R"), std::string::npos) << retire.out;
}

// Entries moved aside into the node's quarantine/ folder are a line of
// their own, and only when there are some.
TEST_F(CommandsTest, StatusNamesQuarantinedEntries) {
  RunResult plain = Creg({"status"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(plain.out.find("quarantined"), std::string::npos) << plain.out;
  EXPECT_EQ(plain.out.find("cluster"), std::string::npos) << plain.out;

  ASSERT_EQ(node_->Stop(), 0);
  ASSERT_EQ(mkdir((node_->data_dir() + "/quarantine").c_str(), 0755), 0);
  WriteText(node_->data_dir() + "/quarantine/12-4-7.entries", "");
  ASSERT_TRUE(node_->Start(NodeFlags()));
  RunResult status = Creg({"status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("quarantined"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("3 entries moved aside, in the node's quarantine/ folder"),
            std::string::npos)
      << status.out;
  EXPECT_EQ(Num(CregJson({"status"}), "quarantined_entries"), 3u);
}

TEST_F(CommandsTest, CancelByTheOperator) {
  ASSERT_NO_FATAL_FAILURE(SetUpStory());
  Value cancel = CregJson(Join(
      {"cancel", "--holder", "developer", "--serials", "1:9901-10000", "--reason", "buffer pool"},
      AsOperator()));
  EXPECT_EQ(Num(cancel, "quantity"), 100u);
  EXPECT_EQ(Total("developer"), 9400u);
  Value batch = CregJson({"batch", "1"});
  const Value& last = batch.Find("blocks")->as_array().back();
  EXPECT_EQ(Str(last, "status"), "cancelled");
  EXPECT_EQ(Num(last, "first"), 9901u);
}

TEST_F(CommandsTest, TransferBySerialsAndHumanSerialStrings) {
  ASSERT_NO_FATAL_FAILURE(SetUpStory());
  ASSERT_NO_FATAL_FAILURE(OpenHolder("airline"));
  Value t = CregJson(Join(
      {"transfer", "--to", "airline", "--serials", "1:501-510,1:600-609", "--memo", "two blocks"},
      As("developer")));
  EXPECT_EQ(Num(t, "quantity"), 20u);
  Value holdings = CregJson({"holdings", "airline"});
  const Value& serial = At(At(holdings, "batches", 0), "serials", 1);
  // A serial string as creg prints it can be given back to creg.
  Value back = CregJson(
      Join({"transfer", "--to", "developer", "--serials", serial.as_string()}, As("airline")));
  EXPECT_EQ(Num(back, "quantity"), 10u);
  EXPECT_EQ(Total("airline"), 10u);
}

TEST_F(CommandsTest, EveryCommandHasHelpWithAnExample) {
  RunResult overview = RunProgram({CregBin(), "help"});
  ASSERT_EQ(overview.exit_code, 0);
  const std::vector<std::string> commands = {"keygen",
                                             "account open",
                                             "account suspend",
                                             "account reinstate",
                                             "account close",
                                             "account rotate-key",
                                             "account show",
                                             "account history",
                                             "project register",
                                             "project show",
                                             "issue",
                                             "transfer",
                                             "retire",
                                             "cancel",
                                             "authorize",
                                             "adjust",
                                             "holdings",
                                             "batch",
                                             "retirement",
                                             "retirements",
                                             "provenance",
                                             "entry",
                                             "checkpoint",
                                             "verifier-key",
                                             "status",
                                             "cert",
                                             "bulk transfer",
                                             "bulk retire",
                                             "export retirements",
                                             "export issuances",
                                             "export holdings"};
  for (const std::string& name : commands) {
    EXPECT_NE(overview.out.find("  " + name + " "), std::string::npos) << name;
    std::vector<std::string> argv = {CregBin()};
    size_t space = name.find(' ');
    argv.push_back(name.substr(0, space));
    if (space != std::string::npos) argv.push_back(name.substr(space + 1));
    argv.push_back("--help");
    RunResult help = RunProgram(argv);
    EXPECT_EQ(help.exit_code, 0) << name;
    EXPECT_EQ(help.out.rfind("Usage: creg " + name, 0), 0u) << help.out;
    EXPECT_NE(help.out.find("Example"), std::string::npos) << name;
  }
  RunResult retire = RunProgram({CregBin(), "retire", "--help"});
  EXPECT_NE(retire.out.find("voluntary-event-offset"), std::string::npos);
  EXPECT_NE(retire.out.find("voluntary-corporate-inventory"), std::string::npos);
}

}  // namespace
}  // namespace creg::testing
