#include "ledger/registry/registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "ledger/merkle.h"
#include "ledger/registry/transaction.h"
#include "tests/support/registry_fixture.h"

namespace creg {
namespace {

using testing::AcceptedOf;
using testing::Describe;
using testing::IsAccepted;
using testing::RegistryHarness;
using testing::RejectionCode;
using testing::Serials;

class RegistryTest : public ::testing::Test {
 protected:
  RegistryTest() : h_(dir_) {}

  // Developer with a project and one batch of `quantity` credits: batch 1.
  void SetUpIssued(uint64_t quantity = 10'000) {
    ASSERT_TRUE(IsAccepted(h_.OpenAccount("developer")));
    ASSERT_TRUE(IsAccepted(h_.OpenAccount("organiser")));
    ASSERT_TRUE(IsAccepted(h_.RegisterProject("ke-cookstoves-001", "developer")));
    Verdict issued = h_.Issue("ke-cookstoves-001", quantity, "developer", "VR-2025-001");
    ASSERT_TRUE(IsAccepted(issued)) << Describe(issued);
    ASSERT_EQ(AcceptedOf(issued).effects.batch(), 1u);
  }

  uint64_t Held(const std::string& account, uint64_t batch) {
    uint64_t total = 0;
    for (const auto& holding : h_.registry().Holdings(account).value()) {
      if (holding.batch.batch() == batch) total += holding.quantity;
    }
    return total;
  }

  creg::testing::TempDir dir_;
  RegistryHarness h_;
};

TEST_F(RegistryTest, StoryEveryTonneCountsOnce) {
  SetUpIssued();
  Verdict bought = h_.TransferQuantity("developer", "organiser", 1, 500);
  ASSERT_TRUE(IsAccepted(bought)) << Describe(bought);
  EXPECT_EQ(Held("organiser", 1), 500u);
  EXPECT_EQ(Held("developer", 1), 9'500u);

  Verdict retired =
      h_.RetireQuantity("organiser", 1, 120, "Belt and Road Green Development Forum 2026");
  ASSERT_TRUE(IsAccepted(retired)) << Describe(retired);
  const pb::Effects& effects = AcceptedOf(retired).effects;
  ASSERT_EQ(effects.blocks_size(), 1);
  EXPECT_EQ(effects.blocks(0).first(), 1u);
  EXPECT_EQ(effects.blocks(0).last(), 120u);
  EXPECT_EQ(effects.quantity(), 120u);
  EXPECT_EQ(Held("organiser", 1), 380u);

  // The same serials can be neither retired nor transferred again.
  pb::TransactionBody again = h_.Body();
  again.mutable_retire()->set_account("organiser");
  *again.mutable_retire()->mutable_credits()->add_blocks() = Serials(1, 1, 120);
  again.mutable_retire()->set_beneficiary("Someone else");
  again.mutable_retire()->set_reason(pb::VOLUNTARY_CORPORATE_INVENTORY);
  EXPECT_EQ(RejectionCode(h_.Submit(again, "organiser")), RuleCode::kCreditsRetired);
  EXPECT_EQ(RejectionCode(h_.TransferBlocks("organiser", "developer", {Serials(1, 100, 130)})),
            RuleCode::kCreditsRetired);

  auto retirement = h_.registry().Retirement(effects.retirement_id()).value();
  ASSERT_TRUE(retirement.has_value());
  EXPECT_EQ(retirement->beneficiary(), "Belt and Road Green Development Forum 2026");
  EXPECT_EQ(retirement->quantity(), 120u);
  EXPECT_EQ(h_.registry()
                .RetirementsOfBeneficiary("Belt and Road Green Development Forum 2026")
                .value()
                .size(),
            1u);
  EXPECT_EQ(h_.registry().RetirementsOfAccount("organiser").value().size(), 1u);
}

TEST_F(RegistryTest, ResubmissionReturnsOriginalResultAndAppliesNothing) {
  SetUpIssued();
  pb::TransactionBody body = h_.Body();
  body.mutable_transfer()->set_from_account("developer");
  body.mutable_transfer()->set_to_account("organiser");
  body.mutable_transfer()->mutable_credits()->set_batch(1);
  body.mutable_transfer()->mutable_credits()->set_quantity(10);
  std::string signed_tx = SignTransaction(body, "developer", h_.KeyOf("developer"));
  Verdict first = h_.SubmitSigned(signed_tx);
  ASSERT_TRUE(IsAccepted(first));
  uint64_t size = h_.registry().log().size();
  Verdict second = h_.SubmitSigned(signed_tx);
  ASSERT_TRUE(IsAccepted(second));
  EXPECT_TRUE(AcceptedOf(second).duplicate);
  EXPECT_EQ(AcceptedOf(second).entry_index, AcceptedOf(first).entry_index);
  EXPECT_EQ(AcceptedOf(second).effects.SerializeAsString(),
            AcceptedOf(first).effects.SerializeAsString());
  EXPECT_EQ(h_.registry().log().size(), size);
  EXPECT_EQ(Held("organiser", 1), 10u);
  // Also after a restart.
  h_.Reopen();
  EXPECT_TRUE(AcceptedOf(h_.SubmitSigned(signed_tx)).duplicate);
  EXPECT_EQ(Held("organiser", 1), 10u);
}

TEST_F(RegistryTest, PartialMovesSplitBlocksAndQuantityTakesLowestSerials) {
  SetUpIssued(100);
  ASSERT_TRUE(IsAccepted(
      h_.TransferBlocks("developer", "organiser", {Serials(1, 10, 19), Serials(1, 40, 49)})));
  // The developer now holds 1-9, 20-39, 50-100; a quantity of 15 takes 1-9 and 20-25.
  Verdict moved = h_.TransferQuantity("developer", "organiser", 1, 15);
  ASSERT_TRUE(IsAccepted(moved));
  const auto& blocks = AcceptedOf(moved).effects.blocks();
  ASSERT_EQ(blocks.size(), 2);
  EXPECT_EQ(blocks[0].first(), 1u);
  EXPECT_EQ(blocks[0].last(), 9u);
  EXPECT_EQ(blocks[1].first(), 20u);
  EXPECT_EQ(blocks[1].last(), 25u);
  // The partition still covers 1..100 exactly.
  uint64_t next = 1;
  for (const pb::BlockRecord& b : h_.registry().BatchBlocks(1).value()) {
    EXPECT_EQ(b.first(), next);
    next = b.last() + 1;
  }
  EXPECT_EQ(next, 101u);
  // A block spanning pieces the organiser received separately moves in one go.
  Verdict back = h_.TransferBlocks("organiser", "developer", {Serials(1, 1, 25)});
  EXPECT_EQ(RejectionCode(back), RuleCode::kOk) << Describe(back);
}

TEST_F(RegistryTest, QueriesHistoryAndProvenance) {
  SetUpIssued(1000);
  Verdict t = h_.TransferQuantity("developer", "organiser", 1, 300);
  Verdict r = h_.RetireQuantity("organiser", 1, 50);
  ASSERT_TRUE(IsAccepted(t) && IsAccepted(r));
  auto provenance = h_.registry().Provenance(1, 10).value();
  ASSERT_EQ(provenance.size(), 3u);  // issued, transferred, retired
  EXPECT_EQ(provenance[1], AcceptedOf(t).entry_index);
  EXPECT_EQ(provenance[2], AcceptedOf(r).entry_index);
  EXPECT_EQ(h_.registry().Provenance(1, 400).value().size(), 1u);  // issued only
  auto history = h_.registry().AccountHistory("organiser").value();
  EXPECT_THAT(history, ::testing::Contains(AcceptedOf(t).entry_index));
  EXPECT_THAT(history, ::testing::Contains(AcceptedOf(r).entry_index));
  auto holdings = h_.registry().Holdings("organiser").value();
  ASSERT_EQ(holdings.size(), 1u);
  EXPECT_EQ(holdings[0].quantity, 250u);
  EXPECT_EQ(holdings[0].batch.project_id(), "ke-cookstoves-001");
}

// An auditor account reads the registry (node/read_policy.h); in the
// rules it is opened by an operator only, holds no credits and proposes no
// projects.
TEST_F(RegistryTest, AuditorAccountsAreOpenedByOperatorsAndHoldNothing) {
  SetUpIssued(100);
  pb::TransactionBody by_holder = h_.Body();
  pb::OpenAccount* op = by_holder.mutable_open_account();
  op->set_account_id("self-made-auditor");
  op->set_role(pb::ROLE_AUDITOR);
  op->set_public_key(h_.NewKeyFor("self-made-auditor").public_key().raw());
  Verdict refused = h_.Submit(by_holder, "developer");
  EXPECT_EQ(RejectionCode(refused), RuleCode::kNotAuthorized) << Describe(refused);
  EXPECT_FALSE(h_.registry().Account("self-made-auditor").value().has_value());

  Verdict opened = h_.OpenAccount("supervisor", pb::ROLE_AUDITOR);
  ASSERT_TRUE(IsAccepted(opened)) << Describe(opened);
  EXPECT_EQ(h_.registry().Account("supervisor").value()->role(), pb::ROLE_AUDITOR);

  const uint64_t size = h_.registry().log().size();
  Verdict sent = h_.TransferQuantity("developer", "supervisor", 1, 5);
  EXPECT_EQ(RejectionCode(sent), RuleCode::kNotAuthorized) << Describe(sent);
  EXPECT_NE(Describe(sent).find("auditor account"), std::string::npos) << Describe(sent);
  Verdict issued = h_.Issue("ke-cookstoves-001", 5, "supervisor", "VR-2025-002");
  EXPECT_EQ(RejectionCode(issued), RuleCode::kNotAuthorized) << Describe(issued);
  Verdict proposed = h_.RegisterProject("audited-project", "supervisor");
  EXPECT_EQ(RejectionCode(proposed), RuleCode::kNotAuthorized) << Describe(proposed);
  EXPECT_EQ(h_.registry().log().size(), size);
  EXPECT_EQ(Held("developer", 1), 100u);
}

TEST_F(RegistryTest, AccountHistoryCoversOnlyRunsOfTheAccountsOwnEntries) {
  SetUpIssued(1000);  // entries 1 developer, 2 organiser, 3 project, 4 issue
  Verdict t = h_.TransferQuantity("developer", "organiser", 1, 300);
  Verdict other = h_.OpenAccount("bystander");
  Verdict r = h_.RetireQuantity("organiser", 1, 50);
  ASSERT_TRUE(IsAccepted(t) && IsAccepted(other) && IsAccepted(r));
  const uint64_t ti = AcceptedOf(t).entry_index, ri = AcceptedOf(r).entry_index;
  ASSERT_EQ(ri, ti + 2);
  const Registry& reg = h_.registry();
  EXPECT_TRUE(reg.AccountHistoryCovers("organiser", ti, 1).value());
  EXPECT_TRUE(reg.AccountHistoryCovers("organiser", ri, 1).value());
  EXPECT_FALSE(reg.AccountHistoryCovers("organiser", ti, 3).value());  // the bystander's
  EXPECT_FALSE(reg.AccountHistoryCovers("organiser", ti + 1, 1).value());
  EXPECT_TRUE(reg.AccountHistoryCovers("developer", ti, 1).value());
  EXPECT_FALSE(reg.AccountHistoryCovers("developer", ri, 1).value());
  EXPECT_FALSE(reg.AccountHistoryCovers("organiser", 0, 1).value());
  EXPECT_FALSE(reg.AccountHistoryCovers("nobody", ti, 1).value());
  EXPECT_FALSE(reg.AccountHistoryCovers("organiser", UINT64_MAX, 2).value());
  EXPECT_TRUE(reg.AccountHistoryCovers("organiser", ti, 0).value());
}

TEST_F(RegistryTest, EntriesChainAndProveInclusion) {
  SetUpIssued();
  const MerkleLog& log = h_.registry().log();
  TreeHead head = log.head();
  for (uint64_t i = 0; i < head.size; ++i) {
    auto entry = h_.registry().Entry(i).value();
    EXPECT_EQ(entry.index(), i);
    auto proof = log.InclusionProof(i, head.size).value();
    EXPECT_TRUE(
        merkle::VerifyInclusion(i, head.size, log.LeafHashAt(i).value(), proof, head.root).ok());
  }
}

TEST_F(RegistryTest, StateSurvivesReopen) {
  SetUpIssued();
  ASSERT_TRUE(IsAccepted(h_.TransferQuantity("developer", "organiser", 1, 77)));
  Hash digest = h_.registry().StateDigest().value();
  h_.Reopen();
  EXPECT_EQ(h_.registry().StateDigest().value(), digest);
  EXPECT_EQ(Held("organiser", 1), 77u);
}

TEST_F(RegistryTest, OriginMismatchOnOpenIsRefused) {
  Store& store = h_.store();
  RegistryOptions options;
  options.origin = "another.registry";
  EXPECT_EQ(Registry::Open(&store, options).status().code(), StatusCode::kInvalidArgument);
}

// An auditor decodes entries and checks signatures ahead of the replay
// (DecodeStoredEntry, verified_with_key); the replay trusts a key checked
// ahead only when it is the signer's current key.
TEST_F(RegistryTest, ReplayOfEntriesDecodedAheadChecksSignaturesItWasNotGiven) {
  SetUpIssued();
  ASSERT_TRUE(IsAccepted(h_.TransferQuantity("developer", "organiser", 1, 5)));
  const uint64_t transfer = h_.registry().log().size() - 1;
  const Registry& source = h_.registry();

  // The transfer signed instead by a key the developer never held, as a
  // worker that guessed that key would have "verified" it.
  PrivateKey stranger = PrivateKey::Generate().value();
  pb::LogEntry forged;
  ASSERT_TRUE(forged.ParseFromString(source.log().Entry(transfer).value()));
  pb::SignedTransaction envelope;
  ASSERT_TRUE(envelope.ParseFromString(forged.signed_transaction()));
  pb::TransactionBody body;
  ASSERT_TRUE(body.ParseFromString(envelope.body()));
  forged.set_signed_transaction(SignTransaction(body, "developer", stranger));

  creg::testing::ReplicaRegistry replica;
  Registry* audit = replica.registry.get();
  Registry::Group replay = audit->BeginGroup();
  for (uint64_t i = 0; i < transfer; ++i) {
    StoredEntry entry = DecodeStoredEntry(source.log().Entry(i).value());
    PreparedTransaction* tx = entry.prepared();
    ASSERT_NE(tx, nullptr);
    if (i % 2 == 0) {  // checked ahead with the right key: not checked again
      const std::string& signer = tx->envelope.signer();
      PublicKey key = h_.KeyOf(signer).public_key();
      ASSERT_TRUE(VerifyTransactionSignature(*tx, key));
    }
    Status s = audit->ReplayEntry(replay, std::move(entry));
    ASSERT_TRUE(s.ok()) << "entry " << i << ": " << s.ToString();
  }
  StoredEntry entry = DecodeStoredEntry(forged.SerializeAsString());
  ASSERT_NE(entry.prepared(), nullptr);
  ASSERT_TRUE(VerifyTransactionSignature(*entry.prepared(), stranger.public_key()));
  Status s = audit->ReplayEntry(replay, std::move(entry));
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.ToString();
  EXPECT_EQ(s.message(), "entry " + std::to_string(transfer) +
                             ": stored transaction is refused: BAD_SIGNATURE: signature does not "
                             "verify with the current key of account 'developer'");
  // The genuine entry replays, checked here since nothing was checked ahead.
  s = audit->ReplayEntry(replay, DecodeStoredEntry(source.log().Entry(transfer).value()));
  EXPECT_TRUE(s.ok()) << s.ToString();
  // Bytes that do not decode are refused with the entry's index.
  s = audit->ReplayEntry(replay, DecodeStoredEntry("not an entry"));
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), ::testing::StartsWith("entry " + std::to_string(transfer + 1) + ": "));
}

TEST_F(RegistryTest, SerialStringFormat) {
  pb::BatchRecord batch;
  batch.set_batch(7);
  batch.set_vintage_start("2025-01-01");
  batch.set_vintage_end("2025-12-31");
  pb::ProjectRecord project;
  project.set_project_id("ke-cookstoves-001");
  project.set_standard("VCS");
  project.set_country("KE");
  EXPECT_EQ(SerialString(batch, project, 1, 120),
            "7-1-120-CREG-VCS-KE-ke-cookstoves-001-20250101-20251231");
}

// One case per rule code: what it takes to be refused with it.
struct RuleCase {
  RuleCode code;
  std::function<Verdict(RegistryHarness&)> run;  // submits the refused transaction
  std::function<void(RegistryHarness&)> setup = nullptr;
};

void SetStatus(RegistryHarness& h, const std::string& account, pb::AccountStatus status) {
  pb::TransactionBody body = h.Body();
  body.mutable_set_account_status()->set_account_id(account);
  body.mutable_set_account_status()->set_status(status);
  body.mutable_set_account_status()->set_reason("operator decision");
  Verdict v = h.Submit(body, RegistryHarness::kOperator);
  ASSERT_TRUE(IsAccepted(v)) << Describe(v);
}

std::vector<RuleCase> RuleCases() {
  using H = RegistryHarness;
  auto transfer_body = [](H& h, const std::string& from, const std::string& to, uint64_t quantity) {
    pb::TransactionBody body = h.Body();
    body.mutable_transfer()->set_from_account(from);
    body.mutable_transfer()->set_to_account(to);
    body.mutable_transfer()->mutable_credits()->set_batch(1);
    body.mutable_transfer()->mutable_credits()->set_quantity(quantity);
    return body;
  };
  return {
      {RuleCode::kMalformed,
       [](H& h) {
         return h.SubmitSigned(
             "\x0a\x03"
             "abc"
             "\x12\x00");
       }},
      {RuleCode::kWrongOrigin,
       [=](H& h) {
         pb::TransactionBody body = transfer_body(h, "developer", "organiser", 1);
         body.set_origin("other.registry");
         return h.Submit(body, "developer");
       }},
      {RuleCode::kUnknownAccount,
       [](H& h) { return h.TransferQuantity("developer", "nobody", 1, 1); }},
      {RuleCode::kUnknownProject,
       [](H& h) { return h.Issue("no-such-project", 5, "developer", "VR-X"); }},
      {RuleCode::kUnknownBatch,
       [](H& h) { return h.TransferQuantity("developer", "organiser", 99, 1); }},
      {RuleCode::kBadSignature,
       [=](H& h) {
         pb::TransactionBody body = transfer_body(h, "developer", "organiser", 1);
         return h.SubmitSigned(SignTransaction(body, "developer", h.KeyOf("organiser")));
       }},
      {RuleCode::kNotAuthorized,
       [=](H& h) { return h.Submit(transfer_body(h, "developer", "organiser", 1), "organiser"); }},
      {RuleCode::kReplayed,
       [=](H& h) {
         pb::TransactionBody second = transfer_body(h, "developer", "organiser", 2);
         second.set_nonce("used-nonce");
         return h.Submit(second, "developer");
       },
       [=](H& h) {
         pb::TransactionBody first = transfer_body(h, "developer", "organiser", 1);
         first.set_nonce("used-nonce");
         ASSERT_TRUE(IsAccepted(h.Submit(first, "developer")));
       }},
      {RuleCode::kInvalidAccountId, [](H& h) { return h.OpenAccount("Bad Id!"); }},
      {RuleCode::kAccountExists, [](H& h) { return h.OpenAccount("developer"); }},
      {RuleCode::kInvalidProjectId, [](H& h) { return h.RegisterProject("x", "developer"); }},
      {RuleCode::kProjectExists,
       [](H& h) { return h.RegisterProject("ke-cookstoves-001", "developer"); }},
      {RuleCode::kInvalidQuantity,
       [](H& h) { return h.TransferQuantity("developer", "organiser", 1, 0); }},
      {RuleCode::kCreditsNotHeld,
       [](H& h) { return h.TransferBlocks("organiser", "developer", {Serials(1, 1, 5)}); }},
      {RuleCode::kCreditsRetired,
       [](H& h) { return h.TransferBlocks("developer", "organiser", {Serials(1, 5, 15)}); },
       [](H& h) { ASSERT_TRUE(IsAccepted(h.RetireQuantity("developer", 1, 10))); }},
      {RuleCode::kCreditsCancelled,
       [](H& h) { return h.TransferBlocks("developer", "organiser", {Serials(1, 1, 1)}); },
       [](H& h) { ASSERT_TRUE(IsAccepted(h.CancelQuantity("developer", 1, 10))); }},
      {RuleCode::kInsufficientCredits,
       [](H& h) { return h.TransferQuantity("developer", "organiser", 1, 1001); }},
      {RuleCode::kRetirementIncomplete,
       [](H& h) { return h.RetireQuantity("developer", 1, 1, ""); }},
      {RuleCode::kAccountSuspended,
       [](H& h) { return h.TransferQuantity("developer", "organiser", 1, 1); },
       [](H& h) { SetStatus(h, "organiser", pb::ACCOUNT_SUSPENDED); }},
      {RuleCode::kAccountClosed,
       [](H& h) { return h.TransferQuantity("organiser", "developer", 1, 1); },
       [](H& h) { SetStatus(h, "organiser", pb::ACCOUNT_CLOSED); }},
      {RuleCode::kDuplicateIssuance,
       [](H& h) { return h.Issue("ke-cookstoves-001", 5, "developer", "VR-2025-001"); }},
      {RuleCode::kInvalidVintage,
       [](H& h) {
         pb::TransactionBody body = h.Body();
         auto* op = body.mutable_issue();
         op->set_project_id("ke-cookstoves-001");
         op->set_vintage_start("2025-02-30");
         op->set_vintage_end("2025-12-31");
         op->set_quantity(5);
         op->set_to_account("developer");
         op->set_verification_ref("VR-2");
         return h.Submit(body, H::kOperator);
       }},
      {RuleCode::kInvalidCountry,
       [](H& h) { return h.RegisterProject("br-forest-002", "developer", "Brazil"); }},
      {RuleCode::kInvalidKey,
       [](H& h) {
         pb::TransactionBody body = h.Body();
         body.mutable_rotate_key()->set_account_id("developer");
         body.mutable_rotate_key()->set_new_public_key("short");
         return h.Submit(body, "developer");
       }},
      {RuleCode::kSelfTransfer,
       [](H& h) { return h.TransferQuantity("developer", "developer", 1, 1); }},
      {RuleCode::kInvalidSerials,
       [](H& h) { return h.TransferBlocks("developer", "organiser", {Serials(1, 990, 1001)}); }},
      {RuleCode::kInvalidStatusChange,
       [](H& h) {
         pb::TransactionBody body = h.Body();
         body.mutable_set_account_status()->set_account_id("organiser");
         body.mutable_set_account_status()->set_status(pb::ACCOUNT_ACTIVE);
         body.mutable_set_account_status()->set_reason("already active");
         return h.Submit(body, H::kOperator);
       }},
      {RuleCode::kAccountNotEmpty,
       [](H& h) {
         pb::TransactionBody body = h.Body();
         body.mutable_set_account_status()->set_account_id("developer");
         body.mutable_set_account_status()->set_status(pb::ACCOUNT_CLOSED);
         body.mutable_set_account_status()->set_reason("leaving");
         return h.Submit(body, H::kOperator);
       }},
      {RuleCode::kInvalidText,
       [](H& h) { return h.RetireQuantity("developer", 1, 1, "ACME \u202eLTD"); }},
      {RuleCode::kTooManyBlocks,
       [](H& h) { return h.TransferQuantity("organiser", "developer", 2, 10'001); },
       [](H& h) {
         // Batch 2 reaches the organiser as 10,001 single-serial blocks;
         // block_cap_test.cc has the rest of this rule.
         ASSERT_TRUE(IsAccepted(h.Issue("ke-cookstoves-001", 10'001, "developer", "VR-2")));
         std::vector<pb::SerialBlock> blocks;
         for (uint64_t s = 1; s <= 10'001; ++s) {
           blocks.push_back(Serials(2, s, s));
           if (blocks.size() == 10'000 || s == 10'001) {
             ASSERT_TRUE(IsAccepted(h.TransferBlocks("developer", "organiser", blocks)));
             blocks.clear();
           }
         }
       }},
  };
}

TEST(RegistryRulesTest, EveryRuleCodeIsReachedAndRefusalWritesNothing) {
  std::set<RuleCode> covered;
  for (const RuleCase& rule : RuleCases()) {
    SCOPED_TRACE(std::string(RuleCodeName(rule.code)));
    creg::testing::TempDir dir;
    RegistryHarness h(dir);
    ASSERT_TRUE(IsAccepted(h.OpenAccount("developer")));
    ASSERT_TRUE(IsAccepted(h.OpenAccount("organiser")));
    ASSERT_TRUE(IsAccepted(h.RegisterProject("ke-cookstoves-001", "developer")));
    ASSERT_TRUE(IsAccepted(h.Issue("ke-cookstoves-001", 1000, "developer", "VR-2025-001")));
    if (rule.setup) rule.setup(h);
    Hash digest = h.registry().StateDigest().value();
    TreeHead head = h.registry().log().head();
    Verdict verdict = rule.run(h);
    ASSERT_FALSE(IsAccepted(verdict)) << Describe(verdict);
    EXPECT_EQ(RejectionCode(verdict), rule.code) << Describe(verdict);
    EXPECT_FALSE(std::get<Rejection>(verdict).message.empty());
    // The refusal wrote nothing.
    EXPECT_EQ(h.registry().StateDigest().value(), digest);
    EXPECT_EQ(h.registry().log().head().root, head.root);
    covered.insert(rule.code);
  }
  for (int code = 1; code <= static_cast<int>(RuleCode::kTooManyBlocks); ++code) {
    EXPECT_TRUE(covered.count(static_cast<RuleCode>(code)))
        << "no test reaches " << RuleCodeName(static_cast<RuleCode>(code));
  }
}

}  // namespace
}  // namespace creg
