// creg export retirements|issuances|holdings as CSV and JSON.
#include "tests/cli/cli_fixture.h"

namespace creg::testing {
namespace {

using json::Value;

class ExportTest : public CliTest {};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start));
    start = end == std::string::npos ? text.size() : end + 1;
  }
  return lines;
}

TEST_F(ExportTest, RetirementsIssuancesAndHoldings) {
  ASSERT_NO_FATAL_FAILURE(SetUpStory());
  RunResult retire = Creg(Join(
      {"retire", "--batch", "1", "--quantity", "120", "--beneficiary", "Forum, Beijing", "--reason",
       "voluntary-event-offset", "--details", "Belt and Road Forum", "--country-of-use", "CN"},
      As("organiser")));
  ASSERT_EQ(retire.exit_code, 0) << retire.err;

  RunResult csv = Creg({"export", "retirements"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  std::vector<std::string> lines = Lines(csv.out);
  ASSERT_EQ(lines.size(), 2u) << csv.out;
  EXPECT_EQ(lines[0],
            "retirement_id,retired_at,entry_index,account,quantity,serials,batch,project_id,"
            "project_name,standard,methodology,project_country,vintage_start,vintage_end,"
            "beneficiary,reason,details,country_of_use,claim_reference,labels,"
            "article6_authorization,use,using_entity,corresponding_adjustment");
  // Unauthorised credits, used voluntarily, need no adjustment.
  EXPECT_TRUE(lines[1].ends_with(",,,voluntary,,not-required")) << lines[1];
  EXPECT_NE(lines[1].find(",organiser,120,1-1-120-CREG-VCS-CN-wind-01-20250101-20251231,1,"
                          "wind-01,Dali Wind Farm,VCS,ACM0002,CN,2025-01-01,2025-12-31,"
                          "\"Forum, Beijing\",voluntary-event-offset,Belt and Road Forum,CN,"),
            std::string::npos)
      << lines[1];

  Value json = CregJson({"export", "retirements", "--holder", "organiser"});
  ASSERT_TRUE(json.is_array());
  ASSERT_EQ(json.as_array().size(), 1u);
  EXPECT_EQ(json.as_array()[0].GetUint("quantity").value(), 120u);
  EXPECT_EQ(json.as_array()[0].GetString("beneficiary").value(), "Forum, Beijing");
  EXPECT_EQ(CregJson({"export", "retirements", "--holder", "developer"}).as_array().size(), 0u);

  Value issuances = CregJson({"export", "issuances"});
  ASSERT_EQ(issuances.as_array().size(), 1u);
  const Value& batch = issuances.as_array()[0];
  EXPECT_EQ(batch.GetUint("batch").value(), 1u);
  EXPECT_EQ(batch.GetUint("quantity").value(), 10000u);
  EXPECT_EQ(batch.GetString("issued_to").value(), "developer");
  EXPECT_EQ(batch.GetString("verification_ref").value(), "VR-2025-1");
  EXPECT_EQ(batch.GetString("labels").value(), "");  // none labelled here
  EXPECT_EQ(batch.GetString("article6_authorization").value(), "");
  EXPECT_EQ(batch.GetString("corresponding_adjustment").value(), "not-required");

  RunResult holdings = Creg({"export", "holdings", "--format", "csv", "-o", Path("h.csv")});
  ASSERT_EQ(holdings.exit_code, 0) << holdings.err;
  std::vector<std::string> rows = Lines(ReadTextFile(Path("h.csv")));
  ASSERT_EQ(rows.size(), 3u) << ReadTextFile(Path("h.csv"));
  EXPECT_EQ(rows[0],
            "account,batch,project_id,project_name,country,vintage_start,vintage_end,quantity,"
            "serials");
  EXPECT_EQ(rows[1].rfind("developer,1,wind-01,Dali Wind Farm,CN,2025-01-01,2025-12-31,9500,", 0),
            0u);
  EXPECT_EQ(rows[2].rfind("organiser,1,wind-01,Dali Wind Farm,CN,2025-01-01,2025-12-31,380,", 0),
            0u);
}

}  // namespace
}  // namespace creg::testing
