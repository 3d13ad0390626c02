// The free-text rules through a real Registry: every field that takes free
// text refuses look-alike text with INVALID_TEXT and writes nothing,
// verification references that read the same are one report, reason OTHER
// needs details, and a log made under these rules replays to the same state.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "ledger/registry/registry.h"
#include "tests/support/registry_fixture.h"

namespace creg {
namespace {

using testing::AcceptedOf;
using testing::Describe;
using testing::IsAccepted;
using testing::RegistryHarness;
using testing::RejectionCode;

constexpr const char* kLookAlike = "ACME \u202eLTD";  // shows as "ACME DTL"

class FreeTextTest : public ::testing::Test {
 protected:
  FreeTextTest() : h_(dir_) {}

  void SetUp() override {
    ASSERT_TRUE(IsAccepted(h_.OpenAccount("developer")));
    ASSERT_TRUE(IsAccepted(h_.OpenAccount("organiser")));
    ASSERT_TRUE(IsAccepted(h_.RegisterProject("ke-cookstoves-001", "developer")));
    ASSERT_TRUE(IsAccepted(h_.Issue("ke-cookstoves-001", 1000, "developer", "VR-2025-001")));
  }

  pb::TransactionBody RetireBody(const std::string& beneficiary) {
    pb::TransactionBody body = h_.Body();
    auto* op = body.mutable_retire();
    op->set_account("developer");
    op->mutable_credits()->set_batch(1);
    op->mutable_credits()->set_quantity(1);
    op->set_beneficiary(beneficiary);
    op->set_reason(pb::VOLUNTARY_EVENT_OFFSET);
    return body;
  }

  pb::TransactionBody IssueBody(const std::string& project, const std::string& ref) {
    pb::TransactionBody body = h_.Body();
    auto* op = body.mutable_issue();
    op->set_project_id(project);
    op->set_vintage_start("2025-01-01");
    op->set_vintage_end("2025-12-31");
    op->set_quantity(10);
    op->set_to_account("developer");
    op->set_verification_ref(ref);
    return body;
  }

  // Submits, expects a refusal with `code` whose message starts with
  // `prefix`, and checks that nothing was written.
  void ExpectRefused(const pb::TransactionBody& body, const std::string& signer, RuleCode code,
                     const std::string& prefix) {
    ExpectRefusedAndNothingWritten(h_, body, signer, code, prefix);
  }

  creg::testing::TempDir dir_;
  RegistryHarness h_;
};

TEST_F(FreeTextTest, EveryFreeTextFieldRefusesLookAlikeText) {
  const std::string where = " contains U+202E RIGHT-TO-LEFT OVERRIDE at character 6";
  struct Field {
    std::string name;
    std::function<pb::TransactionBody(const std::string&)> body;
    std::string signer;
  };
  const std::vector<Field> fields = {
      {"display name",
       [&](const std::string& text) {
         pb::TransactionBody body = h_.Body();
         auto* op = body.mutable_open_account();
         op->set_account_id("newcomer");
         op->set_role(pb::ROLE_HOLDER);
         op->set_public_key(h_.NewKeyFor("newcomer").public_key().raw());
         op->set_display_name(text);
         return body;
       },
       RegistryHarness::kOperator},
      {"status change reason",
       [&](const std::string& text) {
         pb::TransactionBody body = h_.Body();
         auto* op = body.mutable_set_account_status();
         op->set_account_id("newcomer");  // opened by the display name case
         op->set_status(pb::ACCOUNT_SUSPENDED);
         op->set_reason(text);
         return body;
       },
       RegistryHarness::kOperator},
      {"project name",
       [&](const std::string& text) {
         pb::TransactionBody body = h_.Body();
         auto* op = body.mutable_register_project();
         op->set_project_id("br-forest-002");
         op->set_name(text);
         op->set_standard("VCS");
         op->set_methodology("VM0015");
         op->set_country("BR");
         op->set_proponent("developer");
         return body;
       },
       RegistryHarness::kOperator},
      {"verification reference",
       [&](const std::string& text) { return IssueBody("ke-cookstoves-001", text); },
       RegistryHarness::kOperator},
      {"transfer memo",
       [&](const std::string& text) {
         pb::TransactionBody body = h_.Body();
         auto* op = body.mutable_transfer();
         op->set_from_account("developer");
         op->set_to_account("organiser");
         op->mutable_credits()->set_batch(1);
         op->mutable_credits()->set_quantity(1);
         op->set_memo(text);
         return body;
       },
       "developer"},
      {"beneficiary", [&](const std::string& text) { return RetireBody(text); }, "developer"},
      {"retirement details",
       [&](const std::string& text) {
         pb::TransactionBody body = RetireBody("Forum");
         body.mutable_retire()->set_details(text);
         return body;
       },
       "developer"},
      {"claim reference",
       [&](const std::string& text) {
         pb::TransactionBody body = RetireBody("Forum");
         body.mutable_retire()->set_claim_reference(text);
         return body;
       },
       "developer"},
      {"using entity",
       [&](const std::string& text) {
         pb::TransactionBody body = RetireBody("Forum");
         body.mutable_retire()->set_using_entity(text);
         return body;
       },
       "developer"},
      // The authorisation comes first: the adjustment needs authorised credits.
      {"authorisation reference",
       [&](const std::string& text) {
         pb::TransactionBody body =
             h_.AuthorizeBody({testing::Serials(1, 901, 1000)}, {pb::AUTHORIZED_NDC});
         body.mutable_authorize()->mutable_authorization()->set_reference(text);
         return body;
       },
       RegistryHarness::kOperator},
      {"adjustment reference",
       [&](const std::string& text) {
         return h_.AdjustBody({testing::Serials(1, 901, 1000)}, pb::ADJUSTMENT_APPLIED, text);
       },
       RegistryHarness::kOperator},
      {"cancellation reason",
       [&](const std::string& text) {
         pb::TransactionBody body = h_.Body();
         auto* op = body.mutable_cancel();
         op->set_account("developer");
         op->mutable_credits()->set_batch(1);
         op->mutable_credits()->set_quantity(1);
         op->set_reason(text);
         return body;
       },
       RegistryHarness::kOperator},
  };
  for (const Field& f : fields) {
    SCOPED_TRACE(f.name);
    ExpectRefused(f.body(kLookAlike), f.signer, RuleCode::kInvalidText, f.name + where);
    ExpectRefused(f.body("\u2003\u00a0 "), f.signer, RuleCode::kInvalidText,
                  f.name + " is only white space");
    ExpectRefused(f.body("ACME LTD "), f.signer, RuleCode::kInvalidText, f.name + " ends with");
    ExpectRefused(f.body("ACME\u0085LTD"), f.signer, RuleCode::kInvalidText,
                  f.name + " contains U+0085");
    ExpectRefused(f.body("ACME\u2029LTD"), f.signer, RuleCode::kInvalidText,
                  f.name + " contains U+2029 PARAGRAPH SEPARATOR");
  }
  // Each field takes a clean international name.
  for (const Field& f : fields) {
    SCOPED_TRACE(f.name);
    Verdict v = h_.Submit(f.body("Société Générale — 北京绿色交易所"), f.signer);
    EXPECT_TRUE(IsAccepted(v)) << Describe(v);
  }
}

TEST_F(FreeTextTest, ReferencesThatReadTheSameAreOneReport) {
  Verdict first = h_.Issue("ke-cookstoves-001", 10, "developer", "VR-A");
  ASSERT_TRUE(IsAccepted(first)) << Describe(first);
  const uint64_t batch = AcceptedOf(first).effects.batch();
  for (const char* same :
       {"VR-A", "vr-a", "VR\u2010A", "Vr \u2013 a", "\uff36\uff32\uff0d\uff21"}) {
    SCOPED_TRACE(same);
    ExpectRefused(IssueBody("ke-cookstoves-001", same), RegistryHarness::kOperator,
                  RuleCode::kDuplicateIssuance,
                  std::string("verification '") + same +
                      "' of project 'ke-cookstoves-001' was already issued as batch " +
                      std::to_string(batch));
  }
  Verdict v = h_.Submit(IssueBody("ke-cookstoves-001", "vr-a"), RegistryHarness::kOperator);
  EXPECT_NE(std::get<Rejection>(v).message.find("(written 'VR-A')"), std::string::npos)
      << Describe(v);
  // With a trailing space it never gets as far: the text itself is refused.
  ExpectRefused(IssueBody("ke-cookstoves-001", "VR-A "), RegistryHarness::kOperator,
                RuleCode::kInvalidText, "verification reference ends with U+0020 SPACE");
  ExpectRefused(IssueBody("ke-cookstoves-001", "-\u2014-"), RegistryHarness::kOperator,
                RuleCode::kInvalidText, "verification reference '-\u2014-' has nothing but");

  // The reference is stored as written; another report or project is fine.
  EXPECT_EQ(h_.registry().Batch(batch).value()->verification_ref(), "VR-A");
  EXPECT_TRUE(IsAccepted(h_.Issue("ke-cookstoves-001", 10, "developer", "VR-B")));
  ASSERT_TRUE(IsAccepted(h_.RegisterProject("br-forest-002", "developer", "BR")));
  EXPECT_TRUE(IsAccepted(h_.Issue("br-forest-002", 10, "developer", "vr-a")));
}

TEST_F(FreeTextTest, ReasonOtherNeedsDetails) {
  pb::TransactionBody body = RetireBody("Forum");
  body.mutable_retire()->set_reason(pb::OTHER);
  ExpectRefused(body, "developer", RuleCode::kRetirementIncomplete,
                "a retirement with reason OTHER needs details");
  body.mutable_retire()->set_details(" ");
  ExpectRefused(body, "developer", RuleCode::kInvalidText,
                "retirement details is only white space");
  body.mutable_retire()->set_details("offsetting a staff trip");
  Verdict v = h_.Submit(body, "developer");
  EXPECT_TRUE(IsAccepted(v)) << Describe(v);
}

TEST_F(FreeTextTest, InternationalNamesAreKeptAsWritten) {
  const std::vector<std::string> names = {"Société Générale", "北京绿色交易所",
                                          "شركة أبوظبي لطاقة المستقبل", "Ørsted A/S"};
  for (const std::string& name : names) {
    Verdict v = h_.Submit(RetireBody(name), "developer");
    ASSERT_TRUE(IsAccepted(v)) << name << ": " << Describe(v);
    auto record = h_.registry().Retirement(AcceptedOf(v).effects.retirement_id()).value();
    ASSERT_TRUE(record.has_value());
    EXPECT_EQ(record->beneficiary(), name);
    EXPECT_EQ(h_.registry().RetirementsOfBeneficiary(name).value().size(), 1u);
  }
}

// An auditor replays the log through the same rules and keys: the replayed
// state, duplicate-reference index included, equals the node's.
TEST_F(FreeTextTest, ALogWithNormalisedReferencesReplaysToTheSameState) {
  ASSERT_TRUE(IsAccepted(h_.Issue("ke-cookstoves-001", 10, "developer", "VR\u2010A")));
  ASSERT_FALSE(IsAccepted(h_.Issue("ke-cookstoves-001", 10, "developer", "vr-a")));
  ASSERT_TRUE(IsAccepted(h_.Submit(RetireBody("北京绿色交易所"), "developer")));
  const Registry& source = h_.registry();

  creg::testing::ReplicaRegistry replica;
  Registry* audit = replica.registry.get();
  Registry::Group replay = audit->BeginGroup();
  for (uint64_t i = 0; i < source.log().size(); ++i) {
    Status s = audit->ReplayEntry(replay, source.log().Entry(i).value());
    ASSERT_TRUE(s.ok()) << "entry " << i << ": " << s.ToString();
  }
  ASSERT_TRUE(audit->Commit(std::move(replay)).ok());
  EXPECT_EQ(audit->StateDigest().value(), source.StateDigest().value());
}

}  // namespace
}  // namespace creg
