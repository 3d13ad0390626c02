// creg export cadt against a real cregd: the CAD Trust document's fields and
// values after issuance, a split transfer, a retirement, a cancellation, a
// label, an Article 6 authorisation and a corresponding adjustment (one
// made after the credits were cancelled, which keeps the cancellation's
// reason); an empty registry; free text that tries to break the JSON; and every field
// name written is one docs/cadt.md documents (and every documented one is
// written).
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "tests/cli/cli_fixture.h"

namespace creg::testing {
namespace {

using json::Value;

class CadtExportTest : public CliTest {
 protected:
  // The document, read as the operator.
  Value Export() { return CregJson(Join({"export", "cadt"}, AsOperator())); }
};

const json::Array& Section(const Value& doc, const char* name) {
  static const json::Array kNone;
  const Value* section = doc.Find(name);
  EXPECT_TRUE(section != nullptr && section->is_array()) << name;
  return section != nullptr && section->is_array() ? section->as_array() : kNone;
}

std::string Str(const Value& v, const char* key) {
  StatusOr<std::string> s = v.GetString(key);
  EXPECT_TRUE(s.ok()) << key << ": " << s.status().ToString() << " in " << json::Serialize(v);
  return s.ok() ? *s : "";
}

uint64_t Num(const Value& v, const char* key) {
  StatusOr<uint64_t> n = v.GetUint(key);
  EXPECT_TRUE(n.ok()) << key << ": " << n.status().ToString() << " in " << json::Serialize(v);
  return n.ok() ? *n : 0;
}

// "table.field" of every member of `object` (and "table.child[].field" of
// the objects in its arrays).
void FieldNames(const std::string& table, const Value& object, std::set<std::string>& out) {
  for (const auto& [key, value] : object.as_object()) {
    if (value.is_array()) {
      for (const Value& element : value.as_array()) {
        FieldNames(table + "." + key + "[]", element, out);
      }
    } else {
      out.insert(table + "." + key);
    }
  }
}

// The CADT fields of docs/cadt.md's mapping table: its first column.
std::set<std::string> DocumentedFields() {
  std::ifstream in(SourcePath("docs/cadt.md"));
  std::stringstream text;
  text << in.rdbuf();
  std::set<std::string> fields;
  const std::regex row(R"(^\| `((projects|issuances|units)\.[A-Za-z.\[\]]+)` \|)");
  std::string line;
  while (std::getline(text, line)) {
    std::smatch m;
    if (std::regex_search(line, m, row)) fields.insert(m[1]);
  }
  return fields;
}

TEST_F(CadtExportTest, EmptyRegistry) {
  Value doc = Export();
  EXPECT_EQ(Str(doc, "format"), "creg-cadt/1");
  EXPECT_FALSE(Str(doc, "origin").empty());
  EXPECT_TRUE(Section(doc, "projects").empty());
  EXPECT_TRUE(Section(doc, "issuances").empty());
  EXPECT_TRUE(Section(doc, "units").empty());
}

TEST_F(CadtExportTest, ProjectsIssuancesAndUnitsAfterEveryKindOfMove) {
  ASSERT_NO_FATAL_FAILURE(SetUpStory());  // 1:1-500 to organiser, 501-10000 developer
  // Free text that would break a document built by pasting strings.
  const std::string beneficiary = "Forum \"Beijing\" \\ ]},{\"unitStatus\":\"Held";
  const std::string details = "</script><b>offset</b> \"quoted\"";
  RunResult retire =
      Creg(Join({"retire", "--batch", "1", "--quantity", "120", "--beneficiary", beneficiary,
                 "--reason", "voluntary-event-offset", "--details", details},
                As("organiser")));
  ASSERT_EQ(retire.exit_code, 0) << retire.err;
  RunResult cancel = Creg(Join({"cancel", "--holder", "developer", "--serials", "1:9901-10000",
                                "--reason", "buffer pool \"2025\""},
                               AsOperator()));
  ASSERT_EQ(cancel.exit_code, 0) << cancel.err;
  // A second project, with a batch of its own.
  RunResult project =
      Creg(Join({"project", "register", "ke-cook-01", "--name", "Nairobi Stoves", "--standard",
                 "GS", "--methodology", "TPDDTEC", "--country", "KE", "--proponent", "developer"},
                AsOperator()));
  ASSERT_EQ(project.exit_code, 0) << project.err;
  RunResult issue =
      Creg(Join({"issue", "--project", "ke-cook-01", "--vintage", "2024", "--quantity", "50",
                 "--to", "organiser", "--verification-ref", "GS-VR-7"},
                AsOperator()));
  ASSERT_EQ(issue.exit_code, 0) << issue.err;
  // Batch 2 labelled and 1-30 authorised for an NDC; 21-30 cancelled; then
  // the adjustment applied to 1-10 and, after their cancellation, 21-30.
  RunResult label = Creg(Join(
      {"label", "add", "--batch", "2", "--label", "ccp", "--reference", "ICVCM 7"}, AsOperator()));
  ASSERT_EQ(label.exit_code, 0) << label.err;
  RunResult authorize =
      Creg(Join({"authorize", "--serials", "2:1-30", "--party", "KE", "--reference", "KE LoA 1",
                 "--date", "2026-03-02", "--uses", "ndc", "--first-transfer", "issuance"},
                AsOperator()));
  ASSERT_EQ(authorize.exit_code, 0) << authorize.err;
  RunResult cancel_authorised =
      Creg(Join({"cancel", "--holder", "organiser", "--serials", "2:21-30", "--reason", "reversal"},
                AsOperator()));
  ASSERT_EQ(cancel_authorised.exit_code, 0) << cancel_authorised.err;
  RunResult adjust = Creg(Join({"adjust", "--serials", "2:1-10,2:21-30", "--status", "applied",
                                "--reference", "KE BTR 2028"},
                               AsOperator()));
  ASSERT_EQ(adjust.exit_code, 0) << adjust.err;

  Value doc = Export();
  EXPECT_EQ(Str(doc, "format"), "creg-cadt/1");
  const std::string origin = Str(doc, "origin");
  EXPECT_GE(Num(doc, "tree_size"), 9u);

  const json::Array& projects = Section(doc, "projects");
  ASSERT_EQ(projects.size(), 2u);
  // Project id order.
  EXPECT_EQ(Str(projects[0], "projectId"), "ke-cook-01");
  const Value& wind = projects[1];
  EXPECT_EQ(Str(wind, "warehouseProjectId"), "wind-01");
  EXPECT_EQ(Str(wind, "projectId"), "wind-01");
  EXPECT_EQ(Str(wind, "originProjectId"), "wind-01");
  EXPECT_EQ(Str(wind, "currentRegistry"), origin);
  EXPECT_EQ(Str(wind, "registryOfOrigin"), origin);
  EXPECT_EQ(Str(wind, "program"), "VCS");
  EXPECT_EQ(Str(wind, "projectName"), "Dali Wind Farm");
  EXPECT_EQ(Str(wind, "projectDeveloper"), "developer");
  EXPECT_EQ(Str(wind, "projectStatus"), "Registered");
  EXPECT_TRUE(std::regex_match(Str(wind, "projectStatusDate"),
                               std::regex(R"(20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
  EXPECT_EQ(Str(wind, "unitMetric"), "tCO2e");
  EXPECT_EQ(Str(wind, "methodology"), "ACM0002");
  ASSERT_NE(wind.Find("projectLocations"), nullptr);
  ASSERT_EQ(wind.Find("projectLocations")->as_array().size(), 1u);
  EXPECT_EQ(Str(wind.Find("projectLocations")->as_array()[0], "country"), "CN");
  EXPECT_EQ(Str(projects[0].Find("projectLocations")->as_array()[0], "country"), "KE");

  const json::Array& issuances = Section(doc, "issuances");
  ASSERT_EQ(issuances.size(), 2u);
  EXPECT_EQ(Str(issuances[0], "id"), "1");
  EXPECT_EQ(Str(issuances[0], "warehouseProjectId"), "wind-01");
  EXPECT_EQ(Str(issuances[0], "startDate"), "2025-01-01");
  EXPECT_EQ(Str(issuances[0], "endDate"), "2025-12-31");
  EXPECT_EQ(Str(issuances[1], "id"), "2");
  EXPECT_EQ(Str(issuances[1], "warehouseProjectId"), "ke-cook-01");
  EXPECT_EQ(Str(issuances[1], "startDate"), "2024-01-01");

  // Batch 1: 1-120 retired, 121-500 organiser, 501-9900 developer,
  // 9901-10000 cancelled; batch 2: 1-10 and 11-20 organiser, 21-30
  // cancelled, 31-50 organiser.
  const json::Array& units = Section(doc, "units");
  ASSERT_EQ(units.size(), 8u) << json::Serialize(doc, true);
  const std::string tail = "-CREG-VCS-CN-wind-01-20250101-20251231";
  struct Expected {
    const char* owner;
    uint64_t first, last;
    const char* status;
  };
  const Expected expected[] = {{"organiser", 1, 120, "Retired"},
                               {"organiser", 121, 500, "Held"},
                               {"developer", 501, 9900, "Held"},
                               {"developer", 9901, 10000, "Cancelled"}};
  uint64_t total = 0;
  for (size_t i = 0; i < 4; ++i) {
    const Value& u = units[i];
    const Expected& e = expected[i];
    SCOPED_TRACE(json::Serialize(u));
    EXPECT_EQ(Str(u, "issuanceId"), "1");
    EXPECT_EQ(Str(u, "unitOwner"), e.owner);
    EXPECT_EQ(Str(u, "serialNumberBlock"),
              "1-" + std::to_string(e.first) + "-" + std::to_string(e.last) + tail);
    EXPECT_EQ(Str(u, "unitBlockStart"),
              "1-" + std::to_string(e.first) + "-" + std::to_string(e.first) + tail);
    EXPECT_EQ(Str(u, "unitBlockEnd"),
              "1-" + std::to_string(e.last) + "-" + std::to_string(e.last) + tail);
    EXPECT_EQ(Num(u, "unitCount"), e.last - e.first + 1);
    EXPECT_EQ(Num(u, "vintageYear"), 2025u);
    EXPECT_EQ(Str(u, "unitStatus"), e.status);
    EXPECT_EQ(Str(u, "correspondingAdjustmentDeclaration"), "Not Required");
    EXPECT_EQ(Str(u, "correspondingAdjustmentStatus"), "Not Applicable");
    EXPECT_EQ(u.Find("labels"), nullptr);
    total += Num(u, "unitCount");
  }
  EXPECT_EQ(total, 10000u);  // the units of a batch partition it
  EXPECT_EQ(Str(units[0], "unitStatusReason"), "voluntary-event-offset");
  EXPECT_EQ(Str(units[0], "unitRetirementBeneficiary"), beneficiary);
  EXPECT_EQ(Str(units[0], "unitRetirementDetail"), details);
  EXPECT_FALSE(Str(units[0], "unitStatusDate").empty());
  for (size_t i : {1, 2}) {
    EXPECT_EQ(units[i].Find("unitStatusReason"), nullptr);
    EXPECT_EQ(units[i].Find("unitRetirementBeneficiary"), nullptr);
  }
  EXPECT_EQ(Str(units[3], "unitStatusReason"), "buffer pool \"2025\"");
  EXPECT_FALSE(Str(units[3], "unitStatusDate").empty());
  EXPECT_EQ(units[3].Find("unitRetirementBeneficiary"), nullptr);
  struct Adjusted {
    const char* serials;
    const char* status;
    const char* declaration;
    const char* adjustment;
  };
  const Adjusted adjusted[] = {{"2-1-10", "Held", "Committed", "Completed"},
                               {"2-11-20", "Held", "Committed", "Pending"},
                               {"2-21-30", "Cancelled", "Committed", "Completed"},
                               {"2-31-50", "Held", "Not Required", "Not Applicable"}};
  for (size_t i = 4; i < 8; ++i) {
    const Value& u = units[i];
    const Adjusted& e = adjusted[i - 4];
    SCOPED_TRACE(json::Serialize(u));
    EXPECT_EQ(Str(u, "issuanceId"), "2");
    EXPECT_EQ(Str(u, "serialNumberBlock"),
              std::string(e.serials) + "-CREG-GS-KE-ke-cook-01-20240101-20241231");
    EXPECT_EQ(Num(u, "vintageYear"), 2024u);
    EXPECT_EQ(Str(u, "unitStatus"), e.status);
    EXPECT_EQ(Str(u, "correspondingAdjustmentDeclaration"), e.declaration);
    EXPECT_EQ(Str(u, "correspondingAdjustmentStatus"), e.adjustment);
    ASSERT_NE(u.Find("labels"), nullptr);
    EXPECT_EQ(json::Serialize(*u.Find("labels")), R"([{"label":"ccp"}])");
  }
  // The cancellation's reason and time, though the adjustment changed the
  // block after it.
  EXPECT_EQ(Str(units[6], "unitStatusReason"), "reversal");
  EXPECT_EQ(Str(units[6], "unitStatusDate").substr(0, 2), "20");

  // Field names: exactly those docs/cadt.md maps.
  std::set<std::string> written;
  for (const Value& p : projects) FieldNames("projects", p, written);
  for (const Value& i : issuances) FieldNames("issuances", i, written);
  for (const Value& u : units) FieldNames("units", u, written);
  std::set<std::string> documented = DocumentedFields();
  EXPECT_GE(documented.size(), 25u);
  EXPECT_EQ(written, documented);
}

TEST_F(CadtExportTest, WritesTheFileWholeAndMatchesStdout) {
  ASSERT_NO_FATAL_FAILURE(SetUpStory());
  RunResult to_file = Creg(Join({"export", "cadt", "-o", Path("cadt.json")}, AsOperator()));
  ASSERT_EQ(to_file.exit_code, 0) << to_file.err;
  EXPECT_NE(to_file.err.find("wrote 1 projects, 1 issuances and 2 units to"), std::string::npos)
      << to_file.err;
  StatusOr<Value> from_file = json::Parse(ReadTextFile(Path("cadt.json")));
  ASSERT_TRUE(from_file.ok()) << from_file.status().ToString();
  EXPECT_EQ(*from_file, Export());
  EXPECT_FALSE(std::ifstream(Path("cadt.json.tmp")).good());
}

TEST_F(CadtExportTest, RefusesArguments) {
  RunResult extra = Creg({"export", "cadt", "everything"});
  EXPECT_EQ(extra.exit_code, 2) << extra.out << extra.err;
  RunResult unknown = Creg({"export", "cadt", "--format", "csv"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.out << unknown.err;
}

// Under the default read policy the public may not read batch blocks: the
// export fails with the node's answer and writes no file.
class CadtExportRegistryPolicyTest : public CadtExportTest {
 protected:
  std::vector<std::string> NodeFlags() const override { return {"--read-policy", "registry"}; }
};

TEST_F(CadtExportRegistryPolicyTest, NeedsAnOperatorOrAuditor) {
  ASSERT_NO_FATAL_FAILURE(SetUpStory());
  RunResult anonymous = Creg({"export", "cadt", "-o", Path("cadt.json")});
  EXPECT_EQ(anonymous.exit_code, 1) << anonymous.out << anonymous.err;
  EXPECT_NE(anonymous.err.find("read policy"), std::string::npos) << anonymous.err;
  EXPECT_FALSE(std::ifstream(Path("cadt.json")).good());
  EXPECT_FALSE(std::ifstream(Path("cadt.json.tmp")).good());
  Value doc = Export();
  EXPECT_EQ(Section(doc, "units").size(), 2u);
}

}  // namespace
}  // namespace creg::testing
