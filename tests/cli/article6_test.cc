// creg authorize, creg adjust and the Article 6 uses of retire and cancel
// against a real node: what the commands write, what holdings, batch,
// retirement and the exports show, and a refusal with its hint.
#include "tests/cli/cli_fixture.h"

namespace creg::testing {
namespace {

using json::Value;

class Article6CliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    ASSERT_NO_FATAL_FAILURE(SetUpStory());
  }
  // Authorises the organiser's serials 1:1-300 for ndc and oimp.
  void AuthorizeSome() {
    RunResult r = Creg(Join(
        {"authorize", "--serials", "1:1-300", "--party", "GH", "--reference", "GH LoA 2026-001",
         "--date", "2026-03-02", "--uses", "oimp,ndc", "--first-transfer", "use-or-cancellation"},
        AsOperator()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("authorised 300 credits (1:1-300) under Article 6: GH for ndc, oimp"),
              std::string::npos)
        << r.out;
  }
};

const Value& Member(const Value& v, std::string_view key) {
  static const Value kNull;
  const Value* m = v.Find(key);
  if (m == nullptr) {
    ADD_FAILURE() << "no " << key << " in " << json::Serialize(v);
    return kNull;
  }
  return *m;
}

TEST_F(Article6CliTest, AuthoriseRetireForNdcAndAdjust) {
  ASSERT_NO_FATAL_FAILURE(AuthorizeSome());
  // The batch shows each block's authorisation and status.
  Value batch = CregJson({"batch", "1"});
  const Value& first = Member(batch, "blocks").as_array()[0];
  const Value& article6 = Member(first, "article6");
  EXPECT_EQ(Member(Member(article6, "authorization"), "party").as_string(), "GH");
  EXPECT_EQ(Member(article6, "adjustment").as_string(), "pending");
  RunResult table = Creg({"batch", "1"});
  EXPECT_NE(table.out.find("GH for ndc, oimp; adjustment pending"), std::string::npos) << table.out;
  RunResult holdings = Creg({"holdings", "organiser"});
  EXPECT_NE(holdings.out.find("[Article 6: GH for ndc, oimp; adjustment pending]"),
            std::string::npos)
      << holdings.out;

  Value retired =
      CregJson(Join({"retire", "--serials", "1:1-100", "--beneficiary", "Swiss Confederation",
                     "--reason", "compliance", "--use", "ndc", "--using-entity", "Switzerland"},
                    As("organiser")));
  const std::string id = retired.GetString("retirement_id").value();
  Value record = CregJson({"retirement", id});
  EXPECT_EQ(record.GetString("use").value(), "ndc");
  EXPECT_EQ(record.GetString("using_entity").value(), "Switzerland");
  const Value& run = Member(record, "authorised").as_array()[0];
  EXPECT_EQ(Member(run, "article6").GetUint("first_transfer_entry").value(),
            record.GetUint("entry_index").value());

  RunResult adjust = Creg(
      Join({"adjust", "--serials", "1:1-100", "--status", "applied", "--reference", "GH BTR 2028"},
           AsOperator()));
  ASSERT_EQ(adjust.exit_code, 0) << adjust.err;

  Value rows = CregJson({"export", "retirements"});
  ASSERT_EQ(rows.as_array().size(), 1u);
  const Value& row = rows.as_array()[0];
  EXPECT_EQ(row.GetString("article6_authorization").value(),
            "GH for ndc, oimp (GH LoA 2026-001 of 2026-03-02, first transfer at "
            "use-or-cancellation)");
  EXPECT_EQ(row.GetString("use").value(), "ndc");
  EXPECT_EQ(row.GetString("using_entity").value(), "Switzerland");
  EXPECT_EQ(row.GetString("corresponding_adjustment").value(), "applied");
  Value issuances = CregJson({"export", "issuances"});
  const Value& issued = issuances.as_array()[0];
  EXPECT_EQ(issued.GetString("corresponding_adjustment").value(),
            "applied (100 of 10000 t); not-required (9700 of 10000 t); pending (200 of 10000 t)");
}

TEST_F(Article6CliTest, RefusalsExplainThemselves) {
  // Unauthorised credits for an NDC: refused with the rule's hint.
  RunResult r = Creg(Join({"retire", "--serials", "1:1-10", "--beneficiary", "Japan", "--reason",
                           "compliance", "--use", "ndc"},
                          As("organiser")));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("USE_NOT_AUTHORIZED"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--use voluntary"), std::string::npos) << r.err;
  EXPECT_EQ(Total("organiser"), 500u);
  // Usage errors before anything is signed.
  RunResult bad_retire_use = Creg(Join({"retire", "--serials", "1:1-10", "--beneficiary", "Japan",
                                        "--reason", "compliance", "--use", "corsia"},
                                       As("organiser")));
  EXPECT_EQ(bad_retire_use.exit_code, 2);
  EXPECT_NE(bad_retire_use.err.find("unknown --use 'corsia'; use voluntary, ndc or oimp"),
            std::string::npos)
      << bad_retire_use.err;
  RunResult bad_use =
      Creg(Join({"authorize", "--batch", "1", "--party", "GH", "--reference", "x", "--date",
                 "2026-03-02", "--uses", "ndc,voluntary", "--first-transfer", "issuance"},
                AsOperator()));
  EXPECT_NE(bad_use.exit_code, 0);
  EXPECT_NE(bad_use.err.find("unknown use 'voluntary'"), std::string::npos) << bad_use.err;
  RunResult bad_status = Creg(Join(
      {"adjust", "--batch", "1", "--status", "not-required", "--reference", "x"}, AsOperator()));
  EXPECT_NE(bad_status.exit_code, 0);
  EXPECT_NE(bad_status.err.find("--status pending or --status applied"), std::string::npos)
      << bad_status.err;
}

TEST_F(Article6CliTest, ProposeWritesTheUnsignedAuthorisation) {
  RunResult r = Creg(Join({"authorize", "--batch", "1", "--party", "GH", "--reference",
                           "GH LoA 2026-001", "--date", "2026-03-02", "--uses", "ndc",
                           "--first-transfer", "issuance", "--propose", "-o", Path("a.json")},
                          AsOperator()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string proposal = ReadTextFile(Path("a.json"));
  EXPECT_NE(proposal.find("record the Article 6 authorisation by GH for ndc"), std::string::npos)
      << proposal;
}

}  // namespace
}  // namespace creg::testing
