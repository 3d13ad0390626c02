// Leader terms (docs/rules.md, "Leader terms"): Registry::AppendLeaderTerm
// writes one entry signed by the registry's key and records the term; a
// stale term, a forged signature, bad fields and a client submitting one
// are refused and write nothing; a log with terms replays to the same
// state, and a cut across a term restores the term before it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "ledger/registry/leader_term.h"
#include "ledger/registry/registry.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/status_assertions.h"

namespace creg {
namespace {

using testing::AcceptedOf;
using testing::Describe;
using testing::ExpectRefusedAndNothingWritten;
using testing::FailsWith;
using ::testing::HasSubstr;
using testing::IsAccepted;
using testing::RegistryHarness;
using testing::ReplicaRegistry;

class LeaderTermTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(IsAccepted(h_.OpenAccount("developer")));
    ASSERT_TRUE(IsAccepted(h_.OpenAccount("organiser")));
    ASSERT_TRUE(IsAccepted(h_.RegisterProject("ke-cookstoves-001", "developer")));
    ASSERT_TRUE(IsAccepted(h_.Issue("ke-cookstoves-001", 500, "developer", "VR-1")));
  }

  Registry& registry() { return h_.registry(); }
  std::optional<pb::LeaderTermRecord> Term() { return registry().LatestTerm().value(); }

  // Refused with `code` and a message holding `words`; nothing written.
  void ExpectTermRefused(const pb::LeaderTerm& term, RuleCode code, const std::string& words,
                         const PrivateKey& key = RegistryHarness::RegistryKey()) {
    ExpectRefusedAndNothingWritten(
        h_, [&] { return h_.AppendTerm(term, key); }, code);
    Verdict again = h_.AppendTerm(term, key);
    ASSERT_FALSE(IsAccepted(again));
    EXPECT_THAT(std::get<Rejection>(again).message, HasSubstr(words));
  }

  // Replays the harness's log into a fresh registry opened with `options`.
  Status ReplayInto(Registry& replica) {
    Registry::Group group = replica.BeginGroup();
    for (uint64_t i = 0; i < registry().log().size(); ++i) {
      CREG_RETURN_IF_ERROR(replica.ReplayEntry(group, registry().log().Entry(i).value()));
    }
    return replica.Commit(std::move(group)).status();
  }

  testing::TempDir dir_;
  RegistryHarness h_{dir_};
};

TEST_F(LeaderTermTest, AppendWritesOneEntrySignedByTheRegistryAndRecordsTheTerm) {
  const uint64_t index = registry().log().size();
  Verdict v = h_.AppendTerm(42);
  ASSERT_TRUE(IsAccepted(v)) << Describe(v);
  EXPECT_EQ(AcceptedOf(v).entry_index, index);
  EXPECT_EQ(registry().log().size(), index + 1);
  // Effects: the transaction id only.
  pb::Effects tx_id_only;
  tx_id_only.set_tx_id(AcceptedOf(v).effects.tx_id());
  EXPECT_EQ(AcceptedOf(v).effects.SerializeAsString(), tx_id_only.SerializeAsString());

  pb::LogEntry entry = registry().Entry(index).value();
  auto tx = PrepareTransaction(entry.signed_transaction());
  ASSERT_TRUE(std::holds_alternative<PreparedTransaction>(tx));
  const PreparedTransaction& prepared = std::get<PreparedTransaction>(tx);
  EXPECT_EQ(prepared.envelope.signer(), "@registry");
  EXPECT_EQ(prepared.body.nonce(), "term-42");
  EXPECT_EQ(prepared.body.leader_term().previous_size(), index);

  std::optional<pb::LeaderTermRecord> term = Term();
  ASSERT_TRUE(term.has_value());
  EXPECT_EQ(term->leader(), "10.0.0.1:7601");
  EXPECT_EQ(term->etcd_revision(), 42);
  EXPECT_EQ(term->entry_index(), index);
  EXPECT_EQ(term->cluster(), "c1");
  // "@registry" is no account and has no history.
  EXPECT_FALSE(registry().Account("@registry").value().has_value());
  EXPECT_TRUE(registry().AccountHistory("@registry").value().empty());
}

TEST_F(LeaderTermTest, ARevisionNotAboveTheLastTermsIsStale) {
  ASSERT_TRUE(IsAccepted(h_.AppendTerm(42)));
  ASSERT_TRUE(IsAccepted(h_.TransferQuantity("developer", "organiser", 1, 10)));
  ExpectTermRefused(h_.NextTerm(41), RuleCode::kLeaderTermStale,
                    "etcd revision 41 is not above the last term's, 42");
  // The same revision again is the same nonce of @registry.
  ExpectTermRefused(h_.NextTerm(42), RuleCode::kReplayed, "nonce 'term-42'");
  EXPECT_TRUE(IsAccepted(h_.AppendTerm(57)));
  EXPECT_EQ(Term()->etcd_revision(), 57);
}

TEST_F(LeaderTermTest, ATermThatDoesNotStartWhereTheLogEndsIsStale) {
  pb::LeaderTerm behind = h_.NextTerm(42);
  behind.set_previous_size(behind.previous_size() - 1);
  ExpectTermRefused(behind, RuleCode::kLeaderTermStale, "a term starts where the log ends");
  pb::LeaderTerm other_root = h_.NextTerm(42);
  other_root.set_previous_root(std::string(32, '\x07'));
  ExpectTermRefused(other_root, RuleCode::kLeaderTermStale, "but the log's root at size");
}

TEST_F(LeaderTermTest, AnotherClusterNameIsStale) {
  ASSERT_TRUE(IsAccepted(h_.AppendTerm(42)));
  pb::LeaderTerm renamed = h_.NextTerm(43);
  renamed.set_cluster("c2");
  ExpectTermRefused(renamed, RuleCode::kLeaderTermStale,
                    "this registry's terms are of cluster 'c1'");
}

TEST_F(LeaderTermTest, AForgedSignatureIsRefused) {
  const PrivateKey forger = PrivateKey::Generate().value();
  ExpectTermRefused(h_.NextTerm(42), RuleCode::kBadSignature,
                    "does not verify with the registry's key", forger);
}

TEST_F(LeaderTermTest, FieldsOutOfFormAreMalformed) {
  pb::LeaderTerm zero = h_.NextTerm(0);
  ExpectTermRefused(zero, RuleCode::kMalformed, "etcd_revision must be above 0");
  pb::LeaderTerm nameless = h_.NextTerm(42);
  nameless.clear_leader();
  ExpectTermRefused(nameless, RuleCode::kMalformed, "leader is required");
  pb::LeaderTerm short_root = h_.NextTerm(42);
  short_root.set_previous_root(std::string(31, '\0'));
  ExpectTermRefused(short_root, RuleCode::kMalformed, "previous_root must be 32 bytes");
  pb::LeaderTerm control = h_.NextTerm(42);
  control.set_cluster("c1\n");
  ExpectTermRefused(control, RuleCode::kInvalidText, "cluster");
}

TEST_F(LeaderTermTest, ClientsCannotSubmitALeaderTerm) {
  pb::TransactionBody body = h_.Body();
  body.set_nonce(LeaderTermNonce(42));
  *body.mutable_leader_term() = h_.NextTerm(42);
  ExpectRefusedAndNothingWritten(h_, body, "@registry", RuleCode::kNotAClientOperation,
                                 "leader terms");
  ExpectRefusedAndNothingWritten(h_, body, RegistryHarness::kOperator,
                                 RuleCode::kNotAClientOperation, "leader terms");
  // Signed with the registry's own key: still not through the client path.
  ExpectRefusedAndNothingWritten(
      h_,
      [&] {
        return registry()
            .Submit(SignLeaderTerm(RegistryHarness::kOrigin, h_.NextTerm(42),
                                   RegistryHarness::RegistryKey(), 1))
            .value();
      },
      RuleCode::kNotAClientOperation, "leader terms");
  // Nor anything else signed as "@registry".
  pb::TransactionBody open = h_.Body();
  open.mutable_open_account()->set_account_id("sneaky");
  open.mutable_open_account()->set_role(pb::ROLE_OPERATOR);
  open.mutable_open_account()->set_public_key(h_.NewKeyFor("sneaky").public_key().raw());
  ExpectRefusedAndNothingWritten(h_, open, "@registry", RuleCode::kNotAClientOperation);
}

TEST_F(LeaderTermTest, ALogWithTermsReplaysToTheSameState) {
  ASSERT_TRUE(IsAccepted(h_.AppendTerm(42)));
  ASSERT_TRUE(IsAccepted(h_.TransferQuantity("developer", "organiser", 1, 10)));
  ASSERT_TRUE(IsAccepted(h_.AppendTerm(57)));
  ASSERT_TRUE(IsAccepted(h_.RetireQuantity("organiser", 1, 5)));
  ReplicaRegistry replica;
  ASSERT_TRUE(ReplayInto(*replica.registry).ok());
  EXPECT_EQ(replica.registry->StateDigest().value(), registry().StateDigest().value());
  EXPECT_EQ(replica.registry->log().head().root, registry().log().head().root);
  EXPECT_EQ(replica.registry->LatestTerm().value()->etcd_revision(), 57);
}

TEST_F(LeaderTermTest, AReplayRefusesATermItsKeyDidNotSign) {
  ASSERT_TRUE(IsAccepted(h_.AppendTerm(42)));
  const uint64_t term_index = registry().log().size() - 1;
  // A registry opened with another registry key: the stored term is forged
  // as far as it can tell.
  testing::TempDir dir;
  StoreOptions options;
  options.create_if_missing = true;
  options.sync = false;
  auto store = Store::Open(dir.Sub("db"), options, Registry::ColumnNames()).value();
  RegistryOptions other = RegistryHarness::Options();
  other.registry_key = PrivateKey::Generate().value().public_key();
  auto replica = Registry::Open(store.get(), other).value();
  EXPECT_TRUE(FailsWith(
      ReplayInto(*replica), StatusCode::kDataLoss,
      "entry " + std::to_string(term_index) + ": stored transaction is refused: BAD_SIGNATURE"));
  // And one opened without the key cannot check it at all.
  testing::TempDir keyless_dir;
  auto keyless_store = Store::Open(keyless_dir.Sub("db"), options, Registry::ColumnNames()).value();
  auto keyless =
      Registry::Open(keyless_store.get(), RegistryOptions{RegistryHarness::kOrigin}).value();
  EXPECT_TRUE(FailsWith(ReplayInto(*keyless), StatusCode::kDataLoss,
                        "cannot be checked without the registry's key"));
}

TEST_F(LeaderTermTest, CuttingBackAcrossATermRestoresTheTermBefore) {
  ASSERT_TRUE(IsAccepted(h_.AppendTerm(42)));
  const pb::LeaderTermRecord first = *Term();
  ASSERT_TRUE(IsAccepted(h_.TransferQuantity("developer", "organiser", 1, 10)));
  const uint64_t before_second = registry().log().size();
  const Hash digest_before_second = registry().StateDigest().value();
  ASSERT_TRUE(IsAccepted(h_.AppendTerm(57)));
  ASSERT_TRUE(IsAccepted(h_.RetireQuantity("organiser", 1, 5)));

  ASSERT_TRUE(registry().TruncateTo(before_second).ok());
  EXPECT_EQ(registry().StateDigest().value(), digest_before_second);
  ASSERT_TRUE(Term().has_value());
  EXPECT_EQ(Term()->SerializeAsString(), first.SerializeAsString());
  // The cut term's revision is free again: its nonce was taken back too.
  EXPECT_TRUE(IsAccepted(h_.AppendTerm(57)));

  ASSERT_TRUE(registry().TruncateTo(first.entry_index()).ok());
  EXPECT_FALSE(Term().has_value());
  EXPECT_TRUE(IsAccepted(h_.AppendTerm(42)));
}

}  // namespace
}  // namespace creg
