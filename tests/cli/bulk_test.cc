// creg bulk: 1,000 pipelined rows, an interruption and a rerun that applies
// nothing twice, and bad rows answered one by one.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <thread>

#include "tests/cli/cli_fixture.h"

namespace creg::testing {
namespace {

using json::Value;

// Counts the verdicts in a results CSV (column 2), and checks the header.
std::map<std::string, size_t> Verdicts(const std::string& text) {
  std::map<std::string, size_t> counts;
  size_t start = 0;
  bool header = true;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end - start);
    start = end == std::string::npos ? text.size() : end + 1;
    if (header) {
      EXPECT_EQ(line, "row,verdict,entry_index,retirement_id,serials,code,message");
      header = false;
      continue;
    }
    size_t a = line.find(',');
    size_t b = line.find(',', a + 1);
    ++counts[line.substr(a + 1, b - a - 1)];
  }
  return counts;
}

// The results row of file line `row`, e.g. "3,refused,,,,UNKNOWN_ACCOUNT,...".
std::string ResultRow(const std::string& text, size_t row) {
  std::string prefix = "\n" + std::to_string(row) + ",";
  size_t at = text.find(prefix);
  if (at == std::string::npos) return "";
  size_t end = text.find('\n', at + 1);
  return text.substr(at + 1, end - at - 1);
}

class BulkTest : public CliTest {
 protected:
  // 1,000 transfers of one credit each from developer to organiser.
  std::string ThousandTransfers() {
    std::string csv = "to_account,batch,quantity,memo\n";
    for (int i = 1; i <= 1000; ++i) csv += "organiser,1,1,invoice " + std::to_string(i) + "\n";
    std::string path = Path("transfers.csv");
    WriteText(path, csv);
    return path;
  }

  Value Summary(const RunResult& r) {
    StatusOr<Value> doc = json::Parse(r.out);
    EXPECT_TRUE(doc.ok()) << r.out << r.err;
    return doc.ok() ? *doc : Value();
  }
};

TEST_F(BulkTest, InterruptedRunThenRerunAppliesEachRowOnce) {
  ASSERT_NO_FATAL_FAILURE(SetUpStory());
  const std::string file = ThousandTransfers();
  const std::string results = Path("results.csv");
  std::vector<std::string> bulk =
      Join({"bulk", "transfer", file, "--results", results, "--json"}, As("developer"));

  RunResult first = Creg(Join(bulk, {"--stop-after", "400"}));
  ASSERT_EQ(first.exit_code, 130) << first.err;
  EXPECT_EQ(Verdicts(ReadTextFile(results))["committed"], 400u);
  EXPECT_EQ(Total("organiser"), 900u);

  RunResult second = Creg(bulk);
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  Value summary = Summary(second);
  EXPECT_EQ(summary.GetUint("rows").value(), 1000u);
  EXPECT_EQ(summary.GetUint("duplicate").value(), 400u);
  EXPECT_EQ(summary.GetUint("committed").value(), 600u);
  EXPECT_EQ(summary.GetUint("refused").value(), 0u);
  EXPECT_EQ(Total("organiser"), 1500u);
  EXPECT_EQ(Total("developer"), 8500u);
  std::string text = ReadTextFile(results);
  EXPECT_EQ(Verdicts(text)["duplicate"], 400u);
  EXPECT_EQ(ResultRow(text, 2).rfind("2,duplicate,", 0), 0u) << text.substr(0, 300);
  EXPECT_EQ(ResultRow(text, 1001).rfind("1001,committed,", 0), 0u);

  // A third run finds every row done.
  Value third = Summary(Creg(bulk));
  EXPECT_EQ(third.GetUint("duplicate").value(), 1000u);
  EXPECT_EQ(Total("organiser"), 1500u);
}

TEST_F(BulkTest, KilledMidwayThenRerunAppliesEachRowOnce) {
  ASSERT_NO_FATAL_FAILURE(SetUpStory());
  const std::string file = ThousandTransfers();
  const std::string results = Path("results.csv");
  // One row in flight at a time, so the kill lands part-way.
  std::vector<std::string> bulk = Join(
      {"bulk", "transfer", file, "--results", results, "--node", node_->address(), "--window", "1"},
      As("developer"));
  pid_t pid = SpawnCreg(bulk, Path("out"), Path("err"));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (Verdicts(ReadTextFile(results))["committed"] < 100 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  kill(pid, SIGKILL);
  if (WaitProgram(pid) != 128 + SIGKILL) GTEST_SKIP() << "creg finished before it was killed";
  EXPECT_LT(Total("organiser"), 1500u);

  RunResult rerun =
      Creg(Join({"bulk", "transfer", file, "--results", results, "--json"}, As("developer")));
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  Value summary = Summary(rerun);
  uint64_t duplicate = summary.GetUint("duplicate").value();
  EXPECT_GE(duplicate, 100u);
  EXPECT_EQ(duplicate + summary.GetUint("committed").value(), 1000u);
  EXPECT_EQ(Total("organiser"), 1500u);
  EXPECT_EQ(Total("developer"), 8500u);
}

TEST_F(BulkTest, BadRowsAreAnsweredOneByOneAndTheRestGo) {
  ASSERT_NO_FATAL_FAILURE(SetUpStory());
  WriteText(Path("mixed.csv"),
            "to_account,batch,quantity,memo\n"  // line 1
            "organiser,1,10,fine\n"             // 2
            "nobody,1,5,unknown account\n"      // 3
            "organiser,1,-5,negative\n"         // 4
            "organiser,1\n"                     // 5 missing columns
            "organiser,1,lots,not a number\n"   // 6
            "organiser,1,7,\"quoted, memo\"\n"  // 7
            ",1,3,no recipient\n"               // 8
            "organiser,1,99999,too many\n");    // 9
  RunResult r = Creg(Join({"bulk", "transfer", Path("mixed.csv")}, As("developer")));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  std::string text = ReadTextFile(Path("mixed.results.csv"));
  EXPECT_EQ(ResultRow(text, 2).rfind("2,committed,", 0), 0u) << text;
  EXPECT_NE(ResultRow(text, 3).find("refused,,,,UNKNOWN_ACCOUNT"), std::string::npos) << text;
  EXPECT_NE(ResultRow(text, 4).find("error,,,,INVALID_ROW"), std::string::npos) << text;
  EXPECT_NE(ResultRow(text, 4).find("-5"), std::string::npos) << text;
  EXPECT_NE(ResultRow(text, 5).find("missing columns"), std::string::npos) << text;
  EXPECT_NE(ResultRow(text, 6).find("lots"), std::string::npos) << text;
  EXPECT_EQ(ResultRow(text, 7).rfind("7,committed,", 0), 0u) << text;
  EXPECT_NE(ResultRow(text, 8).find("to_account is empty"), std::string::npos) << text;
  EXPECT_NE(ResultRow(text, 9).find("INSUFFICIENT_CREDITS"), std::string::npos) << text;
  for (const char* row : {"row 3: refused: UNKNOWN_ACCOUNT", "row 4: error", "row 5: error",
                          "row 6: error", "row 8: error", "row 9: refused"}) {
    EXPECT_NE(r.err.find(row), std::string::npos) << row << " in\n" << r.err;
  }
  EXPECT_NE(r.out.find("committed:  2"), std::string::npos) << r.out;
  EXPECT_EQ(Total("organiser"), 517u);
}

TEST_F(BulkTest, RetireRowsWithRequestIdsMayBeFixedAndRerun) {
  ASSERT_NO_FATAL_FAILURE(SetUpStory());
  const std::string header =
      "request_id,batch,quantity,beneficiary,reason,details,country_of_use,claim_reference\n";
  const std::string good =
      "a-1,1,100,Forum,voluntary-event-offset,Forum 2026,CN,INV-1\n"
      "a-2,1,20,Airline X,voluntary-corporate-inventory,FY2025,SG,\n";
  WriteText(Path("retire.csv"), header + good + "a-3,1,5,Someone,feeling-good,,,\n");
  RunResult first = Creg(Join({"bulk", "retire", Path("retire.csv"), "--json"}, As("organiser")));
  EXPECT_EQ(first.exit_code, 1) << first.err;
  std::string text = ReadTextFile(Path("retire.results.csv"));
  EXPECT_NE(ResultRow(text, 4).find("feeling-good"), std::string::npos) << text;
  EXPECT_NE(ResultRow(text, 2).find(",committed,"), std::string::npos) << text;
  EXPECT_NE(ResultRow(text, 2).find(",R"), std::string::npos) << text;  // the retirement id

  // The bad row fixed: the file changed, the request_ids did not.
  WriteText(Path("retire.csv"), header + good + "a-3,1,5,Someone,voluntary-individual,,,\n");
  RunResult second = Creg(Join({"bulk", "retire", Path("retire.csv"), "--json"}, As("organiser")));
  ASSERT_EQ(second.exit_code, 0) << second.err;
  Value summary = Summary(second);
  EXPECT_EQ(summary.GetUint("duplicate").value(), 2u);
  EXPECT_EQ(summary.GetUint("committed").value(), 1u);
  EXPECT_EQ(Total("organiser"), 375u);
  Value forum = CregJson({"retirements", "--beneficiary", "Airline X"});
  EXPECT_EQ(forum.Find("retirements")->as_array().size(), 1u);
}

TEST_F(BulkTest, RetireRowsCarryTheirUseAndUsingEntity) {
  ASSERT_NO_FATAL_FAILURE(SetUpStory());
  RunResult authorize =
      Creg(Join({"authorize", "--serials", "1:1-100", "--party", "CN", "--reference", "CN LoA 1",
                 "--date", "2026-03-02", "--uses", "ndc", "--first-transfer", "issuance"},
                AsOperator()));
  ASSERT_EQ(authorize.exit_code, 0) << authorize.err;
  WriteText(Path("uses.csv"),
            "serials,beneficiary,reason,use,using_entity\n"            // 1
            "1:1-50,Swiss Confederation,compliance,ndc,Switzerland\n"  // 2
            "1:101-110,Japan,compliance,ndc,Japan\n"                   // 3 unauthorised
            "1:111-120,Someone,voluntary-individual,,\n"               // 4
            "1:121-130,Airline Y,compliance,corsia,Airline Y\n"        // 5 unknown use
            "1:131-140,Airline Y,compliance,voluntary," +
                std::string(201, 'x') +  // 6 too long
                "\n");
  RunResult r = Creg(Join({"bulk", "retire", Path("uses.csv")}, As("organiser")));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  std::string text = ReadTextFile(Path("uses.results.csv"));
  EXPECT_EQ(ResultRow(text, 2).rfind("2,committed,", 0), 0u) << text;
  EXPECT_NE(ResultRow(text, 3).find("refused,,,,USE_NOT_AUTHORIZED"), std::string::npos) << text;
  EXPECT_EQ(ResultRow(text, 4).rfind("4,committed,", 0), 0u) << text;
  EXPECT_NE(ResultRow(text, 5).find("error,,,,INVALID_ROW,\"unknown use 'corsia'"),
            std::string::npos)
      << text;
  EXPECT_NE(ResultRow(text, 6).find("refused,,,,MALFORMED,using entity is longer than 200"),
            std::string::npos)
      << text;
  for (const char* row : {"row 3: refused: USE_NOT_AUTHORIZED", "row 5: error: INVALID_ROW",
                          "row 6: refused: MALFORMED"}) {
    EXPECT_NE(r.err.find(row), std::string::npos) << row << " in\n" << r.err;
  }
  // The committed rows' retirements record the use, as 'creg retire' does.
  Value swiss = CregJson({"retirements", "--beneficiary", "Swiss Confederation"});
  ASSERT_EQ(swiss.Find("retirements")->as_array().size(), 1u);
  const Value& ndc = swiss.Find("retirements")->as_array()[0];
  Value record = CregJson({"retirement", ndc.GetString("retirement_id").value()});
  EXPECT_EQ(record.GetString("use").value(), "ndc");
  EXPECT_EQ(record.GetString("using_entity").value(), "Switzerland");
  Value someone = CregJson({"retirements", "--beneficiary", "Someone"});
  ASSERT_EQ(someone.Find("retirements")->as_array().size(), 1u);
  Value voluntary =
      CregJson({"retirement",
                someone.Find("retirements")->as_array()[0].GetString("retirement_id").value()});
  EXPECT_EQ(voluntary.GetString("use").value(), "voluntary");
  EXPECT_EQ(Total("organiser"), 440u);
}

TEST_F(BulkTest, BadFilesAreUsageErrors) {
  ASSERT_NO_FATAL_FAILURE(SetUpStory());
  WriteText(Path("bad-header.csv"), "to,batch,quantity\norganiser,1,1\n");
  WriteText(Path("no-selection.csv"), "to_account,memo\norganiser,x\n");
  WriteText(Path("open-quote.csv"), "to_account,batch,quantity\n\"organiser,1,1\n");
  WriteText(Path("after-quote.csv"), "to_account,batch,quantity,memo\norganiser,1,1,\"ab\"cd\n");
  WriteText(Path("empty.csv"), "");
  for (const char* name : {"bad-header.csv", "no-selection.csv", "open-quote.csv",
                           "after-quote.csv", "empty.csv", "missing.csv"}) {
    RunResult r = Creg(Join({"bulk", "transfer", Path(name)}, As("developer")));
    EXPECT_EQ(r.exit_code, 2) << name << ": " << r.err;
    // The reader's message reaches the user (csv_test.cc checks the reader).
    if (std::string(name) == "after-quote.csv") {
      EXPECT_NE(r.err.find("line 2, column 19"), std::string::npos) << r.err;
    }
  }
  EXPECT_EQ(Total("organiser"), 500u);
}

}  // namespace
}  // namespace creg::testing
