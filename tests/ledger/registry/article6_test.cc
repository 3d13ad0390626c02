// Article 6 (docs/rules.md, "Article 6"): authorisations recorded on serial
// blocks, corresponding adjustments that only move forward, NDC and OIMP
// uses refused for credits not authorised for them, the first transfer
// recorded where the authorisation puts it, and every refusal writing
// nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ledger/registry/article6.h"
#include "tests/support/registry_fixture.h"

namespace creg {
namespace {

using testing::AcceptedOf;
using testing::Describe;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::IsAccepted;
using testing::RegistryHarness;
using testing::RejectionCode;
using testing::Serials;

constexpr pb::AuthorizedUse kNdc = pb::AUTHORIZED_NDC;
constexpr pb::AuthorizedUse kOimp = pb::AUTHORIZED_OIMP;
constexpr pb::AuthorizedUse kOther = pb::AUTHORIZED_OTHER_INTERNATIONAL;

class Article6Test : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(IsAccepted(h_.OpenAccount("developer")));
    ASSERT_TRUE(IsAccepted(h_.OpenAccount("buyer")));
    ASSERT_TRUE(IsAccepted(h_.RegisterProject("gh-cookstoves-001", "developer", "GH")));
    ASSERT_TRUE(IsAccepted(h_.Issue("gh-cookstoves-001", 100, "developer", "VR-1")));
    issued_at_ = h_.registry().log().size() - 1;
  }

  // (first, last, adjustment status, authorised) of each block of batch 1.
  using Piece = std::tuple<uint64_t, uint64_t, std::string, bool>;
  std::vector<Piece> Partition() {
    std::vector<Piece> out;
    for (const pb::BlockRecord& b : h_.registry().BatchBlocks(1).value()) {
      out.emplace_back(b.first(), b.last(), AdjustmentStatusName(b.attributes().adjustment()),
                       b.attributes().has_authorization());
    }
    return out;
  }
  pb::BlockAttributes AttributesOf(uint64_t serial) {
    for (const pb::BlockRecord& b : h_.registry().BatchBlocks(1).value()) {
      if (b.first() <= serial && serial <= b.last()) return b.attributes();
    }
    ADD_FAILURE() << "no block holds serial " << serial;
    return {};
  }

  // Expects `body`, signed by `signer`, refused with `code` and nothing written.
  void ExpectRefused(const pb::TransactionBody& body, RuleCode code,
                     const std::string& signer = RegistryHarness::kOperator) {
    ExpectRefusedAndNothingWritten(h_, body, signer, code);
  }

  testing::TempDir dir_;
  RegistryHarness h_{dir_};
  uint64_t issued_at_ = 0;
};

TEST(Article6NamesTest, NamesParseBack) {
  for (auto use : {kNdc, kOimp, kOther}) EXPECT_EQ(ParseAuthorizedUse(AuthorizedUseName(use)), use);
  for (auto d : {pb::FIRST_TRANSFER_AUTHORIZATION, pb::FIRST_TRANSFER_ISSUANCE,
                 pb::FIRST_TRANSFER_USE_OR_CANCELLATION}) {
    EXPECT_EQ(ParseFirstTransfer(FirstTransferName(d)), d);
  }
  for (auto u : {pb::CREDIT_USE_VOLUNTARY, pb::CREDIT_USE_NDC, pb::CREDIT_USE_OIMP}) {
    EXPECT_EQ(ParseCreditUse(CreditUseName(u)), u);
  }
  for (auto s : {pb::ADJUSTMENT_NOT_REQUIRED, pb::ADJUSTMENT_PENDING, pb::ADJUSTMENT_APPLIED}) {
    EXPECT_EQ(ParseAdjustmentStatus(AdjustmentStatusName(s)), s);
  }
  EXPECT_EQ(ParseAuthorizedUse("NDC"), std::nullopt);
  EXPECT_EQ(ParseCreditUse("unspecified"), std::nullopt);
}

TEST_F(Article6Test, AuthorisingSomeSerialsSplitsTheirBlockAndMakesThemPending) {
  Verdict v = h_.Authorize({Serials(1, 11, 40)}, {kOimp, kNdc});
  ASSERT_TRUE(IsAccepted(v)) << Describe(v);
  EXPECT_EQ(AcceptedOf(v).effects.quantity(), 30u);
  EXPECT_THAT(Partition(),
              ElementsAre(Piece{1, 10, "not-required", false}, Piece{11, 40, "pending", true},
                          Piece{41, 100, "not-required", false}));
  const pb::BlockAttributes a = AttributesOf(20);
  EXPECT_EQ(a.authorization().party(), "GH");
  // Uses are stored in ascending order.
  EXPECT_THAT(a.authorization().uses(), ElementsAre(kNdc, kOimp));
  EXPECT_EQ(a.first_transfer_entry(), h_.registry().log().size() - 1);
  EXPECT_EQ(AuthorizationText(a.authorization()),
            "GH for ndc, oimp (GH LoA 2026-001 of 2026-03-02, first transfer at authorization)");
}

TEST_F(Article6Test, OtherInternationalUseAloneNeedsNoAdjustmentUntilOneIsRecorded) {
  ASSERT_TRUE(IsAccepted(h_.Authorize({Serials(1, 1, 100)}, {kOther})));
  EXPECT_EQ(AttributesOf(1).adjustment(), pb::ADJUSTMENT_NOT_REQUIRED);
  ASSERT_TRUE(IsAccepted(h_.Adjust({Serials(1, 1, 50)}, pb::ADJUSTMENT_PENDING)));
  ASSERT_TRUE(IsAccepted(h_.Adjust({Serials(1, 1, 20)}, pb::ADJUSTMENT_APPLIED, "GH BTR 2028")));
  EXPECT_THAT(Partition(),
              ElementsAre(Piece{1, 20, "applied", true}, Piece{21, 50, "pending", true},
                          Piece{51, 100, "not-required", true}));
  EXPECT_EQ(AttributesOf(1).adjustment_reference(), "GH BTR 2028");
}

TEST_F(Article6Test, FirstTransferAtIssuanceIsTheBatchsIssuanceEntry) {
  ASSERT_TRUE(IsAccepted(h_.Authorize({Serials(1, 1, 10)}, {kNdc}, pb::FIRST_TRANSFER_ISSUANCE)));
  EXPECT_EQ(AttributesOf(1).first_transfer_entry(), issued_at_);
}

TEST_F(Article6Test, FirstTransferAtUseIsTheRetirementOrCancellation) {
  ASSERT_TRUE(IsAccepted(
      h_.Authorize({Serials(1, 1, 100)}, {kNdc}, pb::FIRST_TRANSFER_USE_OR_CANCELLATION)));
  EXPECT_EQ(AttributesOf(1).first_transfer_entry(), 0u);
  // A transfer between accounts is not the first transfer.
  ASSERT_TRUE(IsAccepted(h_.TransferQuantity("developer", "buyer", 1, 30)));
  EXPECT_EQ(AttributesOf(1).first_transfer_entry(), 0u);
  Verdict retired =
      h_.Submit(h_.RetireBody("buyer", 1, 20, pb::CREDIT_USE_NDC, "Switzerland"), "buyer");
  ASSERT_TRUE(IsAccepted(retired)) << Describe(retired);
  const uint64_t at = h_.registry().log().size() - 1;
  EXPECT_EQ(AttributesOf(1).first_transfer_entry(), at);
  EXPECT_EQ(AttributesOf(21).first_transfer_entry(), 0u);
  // The entry and the retirement record carry it, with the use.
  const pb::Effects& fx = AcceptedOf(retired).effects;
  ASSERT_EQ(fx.attributed_size(), 1);
  EXPECT_EQ(fx.attributed(0).attributes().first_transfer_entry(), at);
  auto record = h_.registry().Retirement(fx.retirement_id()).value();
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->use(), pb::CREDIT_USE_NDC);
  EXPECT_EQ(record->using_entity(), "Switzerland");
  EXPECT_EQ(record->attributed(0).attributes().first_transfer_entry(), at);
  // A cancellation is one too.
  Verdict cancelled = h_.Submit(h_.CancelBody("developer", 1, 10, pb::CREDIT_USE_VOLUNTARY),
                                RegistryHarness::kOperator);
  ASSERT_TRUE(IsAccepted(cancelled)) << Describe(cancelled);
  EXPECT_EQ(AttributesOf(31).first_transfer_entry(), h_.registry().log().size() - 1);
}

TEST_F(Article6Test, AdjustmentsReachRetiredAndCancelledCredits) {
  ASSERT_TRUE(IsAccepted(h_.Authorize({Serials(1, 1, 100)}, {kNdc})));
  ASSERT_TRUE(
      IsAccepted(h_.Submit(h_.RetireBody("developer", 1, 10, pb::CREDIT_USE_NDC), "developer")));
  ASSERT_TRUE(IsAccepted(h_.CancelQuantity("developer", 1, 10)));
  Verdict v = h_.Adjust({Serials(1, 1, 30)}, pb::ADJUSTMENT_APPLIED);
  ASSERT_TRUE(IsAccepted(v)) << Describe(v);
  EXPECT_EQ(AcceptedOf(v).effects.quantity(), 30u);
  const auto blocks = h_.registry().BatchBlocks(1).value();
  ASSERT_GE(blocks.size(), 3u);
  EXPECT_EQ(blocks[0].status(), pb::BLOCK_RETIRED);
  EXPECT_EQ(blocks[0].attributes().adjustment(), pb::ADJUSTMENT_APPLIED);
  EXPECT_EQ(blocks[1].status(), pb::BLOCK_CANCELLED);
  EXPECT_EQ(blocks[1].attributes().adjustment(), pb::ADJUSTMENT_APPLIED);
  EXPECT_FALSE(blocks[0].retirement_id().empty());
}

TEST_F(Article6Test, AuthorisationsFollowCreditsAndSurviveReopeningAndReplay) {
  ASSERT_TRUE(IsAccepted(h_.Authorize({Serials(1, 1, 60)}, {kNdc, kOimp})));
  ASSERT_TRUE(IsAccepted(h_.TransferQuantity("developer", "buyer", 1, 70)));
  auto holdings = h_.registry().Holdings("buyer").value();
  ASSERT_EQ(holdings.size(), 1u);
  ASSERT_FALSE(holdings[0].attributes.empty());
  EXPECT_TRUE(holdings[0].attributes[0].has_authorization());
  ASSERT_TRUE(IsAccepted(
      h_.Submit(h_.RetireBody("buyer", 1, 40, pb::CREDIT_USE_OIMP, "an airline"), "buyer")));
  ASSERT_TRUE(IsAccepted(h_.Adjust({Serials(1, 1, 40)}, pb::ADJUSTMENT_APPLIED)));
  Hash digest = h_.registry().StateDigest().value();
  h_.Reopen();
  EXPECT_EQ(h_.registry().StateDigest().value(), digest);
  creg::testing::ReplicaRegistry replica;
  Registry::Group group = replica.registry->BeginGroup();
  for (uint64_t i = 0; i < h_.registry().log().size(); ++i) {
    ASSERT_TRUE(replica.registry->ReplayEntry(group, h_.registry().log().Entry(i).value()).ok())
        << i;
  }
  ASSERT_TRUE(replica.registry->Commit(std::move(group)).ok());
  EXPECT_EQ(replica.registry->StateDigest().value(), digest);
}

TEST_F(Article6Test, InvalidAuthorizationIsRefused) {
  auto with = [&](auto change) {
    pb::TransactionBody body = h_.AuthorizeBody({Serials(1, 1, 10)}, {kNdc});
    change(*body.mutable_authorize()->mutable_authorization());
    return body;
  };
  using A = pb::Article6Authorization;
  for (const char* party : {"", "gh", "GHA", "G1"}) {
    ExpectRefused(with([&](A& a) { a.set_party(party); }), RuleCode::kInvalidAuthorization);
  }
  for (const char* date : {"", "2026-02-30", "02-03-2026", "2026-3-2"}) {
    ExpectRefused(with([&](A& a) { a.set_date(date); }), RuleCode::kInvalidAuthorization);
  }
  ExpectRefused(with([](A& a) { a.clear_uses(); }), RuleCode::kInvalidAuthorization);
  ExpectRefused(with([](A& a) { a.add_uses(kNdc); }), RuleCode::kInvalidAuthorization);
  ExpectRefused(with([](A& a) { a.add_uses(pb::AUTHORIZED_USE_UNSPECIFIED); }),
                RuleCode::kInvalidAuthorization);
  // An enum value no build declares does not decode canonically.
  ExpectRefused(with([](A& a) { a.add_uses(static_cast<pb::AuthorizedUse>(9)); }),
                RuleCode::kMalformed);
  ExpectRefused(with([](A& a) { a.set_first_transfer(pb::FIRST_TRANSFER_UNSPECIFIED); }),
                RuleCode::kInvalidAuthorization);
  ExpectRefused(with([](A& a) { a.set_reference(""); }), RuleCode::kMalformed);
  ExpectRefused(with([](A& a) { a.set_reference("LoA\xe2\x80\xae"); }), RuleCode::kInvalidText);
}

TEST_F(Article6Test, AuthorisingAuthorisedCreditsIsRefused) {
  ASSERT_TRUE(IsAccepted(h_.Authorize({Serials(1, 50, 50)}, {kOther})));
  ExpectRefused(h_.AuthorizeBody({Serials(1, 1, 100)}, {kNdc}), RuleCode::kAlreadyAuthorized);
}

TEST_F(Article6Test, NdcOrOimpUseOfUnauthorisedCreditsIsRefused) {
  // No authorisation at all.
  ExpectRefused(h_.RetireBody("developer", 1, 5, pb::CREDIT_USE_NDC), RuleCode::kUseNotAuthorized,
                "developer");
  ExpectRefused(h_.CancelBody("developer", 1, 5, pb::CREDIT_USE_OIMP), RuleCode::kUseNotAuthorized);
  // Authorised for another use, or only some of the credits authorised.
  ASSERT_TRUE(IsAccepted(h_.Authorize({Serials(1, 1, 10)}, {kOimp})));
  ExpectRefused(h_.RetireBody("developer", 1, 5, pb::CREDIT_USE_NDC), RuleCode::kUseNotAuthorized,
                "developer");
  ExpectRefused(h_.RetireBody("developer", 1, 11, pb::CREDIT_USE_OIMP), RuleCode::kUseNotAuthorized,
                "developer");
  // The authorised use and a voluntary use pass.
  EXPECT_TRUE(
      IsAccepted(h_.Submit(h_.RetireBody("developer", 1, 10, pb::CREDIT_USE_OIMP), "developer")));
  EXPECT_TRUE(IsAccepted(
      h_.Submit(h_.RetireBody("developer", 1, 10, pb::CREDIT_USE_VOLUNTARY), "developer")));
}

TEST_F(Article6Test, AdjustmentStatusNeverMovesBackwards) {
  ASSERT_TRUE(IsAccepted(h_.Authorize({Serials(1, 1, 100)}, {kNdc})));
  // Pending already: pending again is not forward.
  ExpectRefused(h_.AdjustBody({Serials(1, 1, 10)}, pb::ADJUSTMENT_PENDING),
                RuleCode::kAdjustmentNotForward);
  ASSERT_TRUE(IsAccepted(h_.Adjust({Serials(1, 5, 10)}, pb::ADJUSTMENT_APPLIED)));
  ExpectRefused(h_.AdjustBody({Serials(1, 1, 10)}, pb::ADJUSTMENT_APPLIED),
                RuleCode::kAdjustmentNotForward);
  ExpectRefused(h_.AdjustBody({Serials(1, 6, 6)}, pb::ADJUSTMENT_PENDING),
                RuleCode::kAdjustmentNotForward);
  // Not-required is never a target.
  ExpectRefused(h_.AdjustBody({Serials(1, 20, 20)}, pb::ADJUSTMENT_NOT_REQUIRED),
                RuleCode::kMalformed);
}

TEST_F(Article6Test, AdjustingUnauthorisedCreditsIsRefused) {
  ASSERT_TRUE(IsAccepted(h_.Authorize({Serials(1, 1, 10)}, {kNdc})));
  ExpectRefused(h_.AdjustBody({Serials(1, 1, 11)}, pb::ADJUSTMENT_APPLIED),
                RuleCode::kAdjustmentUnauthorized);
}

TEST_F(Article6Test, OtherRefusals) {
  ExpectRefused(h_.AuthorizeBody({Serials(1, 1, 10)}, {kNdc}), RuleCode::kNotAuthorized,
                "developer");
  ExpectRefused(h_.AdjustBody({Serials(1, 1, 10)}, pb::ADJUSTMENT_APPLIED),
                RuleCode::kNotAuthorized, "developer");
  ExpectRefused(h_.AuthorizeBody({}, {kNdc}), RuleCode::kMalformed);
  ExpectRefused(h_.AuthorizeBody({Serials(1, 90, 101)}, {kNdc}), RuleCode::kInvalidSerials);
  ExpectRefused(h_.AdjustBody({Serials(1, 1, 10)}, pb::ADJUSTMENT_APPLIED, ""),
                RuleCode::kMalformed);
  pb::TransactionBody retire = h_.RetireBody("developer", 1, 5, pb::CREDIT_USE_VOLUNTARY);
  retire.mutable_retire()->set_use(static_cast<pb::CreditUse>(7));
  ExpectRefused(retire, RuleCode::kMalformed, "developer");
  ExpectRefused(h_.RetireBody("developer", 1, 5, pb::CREDIT_USE_VOLUNTARY, "x\xe2\x80\xae"),
                RuleCode::kInvalidText, "developer");
  ExpectRefused(h_.RetireBody("developer", 1, 5, pb::CREDIT_USE_VOLUNTARY, std::string(201, 'x')),
                RuleCode::kMalformed, "developer");
  // Retired credits take no authorisation.
  ASSERT_TRUE(IsAccepted(h_.RetireQuantity("developer", 1, 10)));
  ExpectRefused(h_.AuthorizeBody({Serials(1, 1, 10)}, {kNdc}), RuleCode::kNoActiveCredits);
}

TEST_F(Article6Test, MessagesNameTheCreditsAndTheRule) {
  ASSERT_TRUE(IsAccepted(h_.Authorize({Serials(1, 1, 10)}, {kOimp})));
  Verdict v = h_.Submit(h_.RetireBody("developer", 1, 5, pb::CREDIT_USE_NDC), "developer");
  ASSERT_EQ(RejectionCode(v), RuleCode::kUseNotAuthorized);
  EXPECT_THAT(Describe(v), HasSubstr("serials 1-5 of batch 1 are authorised only for oimp"));
  v = h_.Adjust({Serials(1, 1, 5)}, pb::ADJUSTMENT_PENDING);
  ASSERT_EQ(RejectionCode(v), RuleCode::kAdjustmentNotForward);
  EXPECT_THAT(Describe(v), HasSubstr("already have adjustment status pending"));
}

}  // namespace
}  // namespace creg
