// Multi-signature accounts (docs/rules.md, "Multi-signature accounts"):
// keys and thresholds at opening and through set_account_keys, the keyed
// signature form, every refusal code of the feature, and a replay of a log
// that holds them. Real RocksDB, real signatures.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <vector>

#include "ledger/canonical_proto.h"
#include "ledger/registry/account_keys.h"
#include "ledger/registry/registry.h"
#include "ledger/registry/transaction.h"
#include "tests/support/ed25519_forgery.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/temp_dir.h"

namespace creg {
namespace {

using testing::Describe;
using ::testing::HasSubstr;
using testing::IsAccepted;
using testing::RegistryHarness;
using testing::RejectionCode;
using H = RegistryHarness;

// Ten keys, made once; tests pick keys by index.
const std::vector<PrivateKey>& Keys() {
  static const std::vector<PrivateKey>* keys = [] {
    auto* made = new std::vector<PrivateKey>();
    for (int i = 0; i < 12; ++i) made->push_back(PrivateKey::Generate().value());
    return made;
  }();
  return *keys;
}
const PrivateKey& K(size_t i) { return Keys()[i]; }
std::vector<const PrivateKey*> Ks(std::initializer_list<size_t> indexes) {
  std::vector<const PrivateKey*> out;
  for (size_t i : indexes) out.push_back(&K(i));
  return out;
}

pb::TransactionBody OpenBody(H& h, const std::string& id, const std::vector<std::string>& raw_keys,
                             uint32_t threshold, pb::Role role = pb::ROLE_HOLDER) {
  pb::TransactionBody body = h.Body();
  auto* op = body.mutable_open_account();
  op->set_account_id(id);
  op->set_role(role);
  op->set_public_key(raw_keys.at(0));
  for (size_t i = 1; i < raw_keys.size(); ++i) op->add_additional_keys(raw_keys[i]);
  op->set_threshold(threshold);
  op->set_display_name("Account " + id);
  return body;
}

std::vector<std::string> Raw(std::initializer_list<size_t> indexes) {
  std::vector<std::string> out;
  for (size_t i : indexes) out.push_back(K(i).public_key().raw());
  return out;
}

Verdict OpenMultisig(H& h, const std::string& id, std::initializer_list<size_t> keys,
                     uint32_t threshold, pb::Role role = pb::ROLE_HOLDER) {
  return h.Submit(OpenBody(h, id, Raw(keys), threshold, role), H::kOperator);
}

pb::TransactionBody TransferBody(H& h, const std::string& from, const std::string& to,
                                 uint64_t batch, uint64_t quantity) {
  pb::TransactionBody body = h.Body();
  auto* op = body.mutable_transfer();
  op->set_from_account(from);
  op->set_to_account(to);
  op->mutable_credits()->set_batch(batch);
  op->mutable_credits()->set_quantity(quantity);
  return body;
}

pb::TransactionBody SetKeysBody(H& h, const std::string& id, const std::vector<std::string>& keys,
                                uint32_t threshold) {
  pb::TransactionBody body = h.Body();
  auto* op = body.mutable_set_account_keys();
  op->set_account_id(id);
  for (const std::string& k : keys) op->add_public_keys(k);
  op->set_threshold(threshold);
  return body;
}

Verdict SubmitKeyed(H& h, const pb::TransactionBody& body, const std::string& signer,
                    std::initializer_list<size_t> keys) {
  return h.SubmitSigned(SignTransactionKeyed(body, signer, Ks(keys)));
}

// A registry with a developer, the project, batch 1 (1,000 t) held by
// "treasury", a 2-of-3 account of keys 0, 1, 2.
class MultisigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(IsAccepted(h_.OpenAccount("developer")));
    ASSERT_TRUE(IsAccepted(h_.RegisterProject("ke-cookstoves-001", "developer")));
    ASSERT_TRUE(IsAccepted(OpenMultisig(h_, "treasury", {0, 1, 2}, 2)));
    ASSERT_TRUE(IsAccepted(h_.Issue("ke-cookstoves-001", 1000, "treasury", "VR-2025-001")));
  }

  creg::testing::TempDir dir_;
  H h_{dir_};
};

TEST_F(MultisigTest, OpeningRecordsKeysAndThreshold) {
  pb::AccountRecord account = h_.registry().Account("treasury").value().value();
  EXPECT_EQ(KeysOfAccount(account), (AccountKeys{Raw({0, 1, 2}), 2}));
  EXPECT_EQ(account.additional_keys_size(), 2);
  EXPECT_EQ(account.threshold(), 2u);
  // A single-key account's record is what it always was.
  pb::AccountRecord developer = h_.registry().Account("developer").value().value();
  EXPECT_EQ(developer.additional_keys_size(), 0);
  EXPECT_EQ(developer.threshold(), 0u);
}

TEST_F(MultisigTest, AnyTwoOfThreeKeysSignAndOneDoesNot) {
  for (auto pair : {std::pair<size_t, size_t>{0, 1}, {1, 2}, {2, 0}}) {
    Verdict v = SubmitKeyed(h_, TransferBody(h_, "treasury", "developer", 1, 10), "treasury",
                            {pair.first, pair.second});
    EXPECT_TRUE(IsAccepted(v)) << Describe(v);
  }
  Verdict all =
      SubmitKeyed(h_, TransferBody(h_, "treasury", "developer", 1, 10), "treasury", {0, 1, 2});
  EXPECT_TRUE(IsAccepted(all)) << Describe(all);
  Verdict one = SubmitKeyed(h_, TransferBody(h_, "treasury", "developer", 1, 10), "treasury", {1});
  EXPECT_EQ(RejectionCode(one), RuleCode::kThresholdNotMet) << Describe(one);
  EXPECT_THAT(std::get<Rejection>(one).message,
              HasSubstr("1 of the 3 keys of account 'treasury' signed; its threshold is 2"));
  EXPECT_EQ(h_.registry().Holdings("developer").value().at(0).quantity, 40u);
}

TEST_F(MultisigTest, SingleSignatureFormIsRefusedForSeveralKeys) {
  std::string single =
      SignTransaction(TransferBody(h_, "treasury", "developer", 1, 1), "treasury", K(0));
  Verdict v = h_.SubmitSigned(single);
  EXPECT_EQ(RejectionCode(v), RuleCode::kSeveralKeys) << Describe(v);
}

TEST_F(MultisigTest, KeyedFormWorksForASingleKeyAccount) {
  pb::TransactionBody body = TransferBody(h_, "treasury", "developer", 1, 5);
  ASSERT_TRUE(IsAccepted(SubmitKeyed(h_, body, "treasury", {0, 1})));
  pb::TransactionBody back = TransferBody(h_, "developer", "treasury", 1, 5);
  std::vector<const PrivateKey*> dev = {&h_.KeyOf("developer")};
  Verdict v = h_.SubmitSigned(SignTransactionKeyed(back, "developer", dev));
  EXPECT_TRUE(IsAccepted(v)) << Describe(v);
}

TEST_F(MultisigTest, AForgedSignatureAmongTheKeysIsRefused) {
  std::string bytes =
      SignTransactionKeyed(TransferBody(h_, "treasury", "developer", 1, 1), "treasury", Ks({0, 1}));
  pb::SignedTransaction envelope;
  ASSERT_TRUE(envelope.ParseFromString(bytes));
  std::string* sig = envelope.mutable_signatures(1)->mutable_signature();
  (*sig)[5] = static_cast<char>((*sig)[5] ^ 1);
  Verdict v = h_.SubmitSigned(SerializeCanonical(envelope));
  EXPECT_EQ(RejectionCode(v), RuleCode::kBadSignature) << Describe(v);
}

TEST_F(MultisigTest, SetAccountKeysChangesKeysAndThreshold) {
  // 2-of-3 {0,1,2} -> 3-of-4 {2,3,4,5}, signed by 0 and 1.
  Verdict set =
      SubmitKeyed(h_, SetKeysBody(h_, "treasury", Raw({2, 3, 4, 5}), 3), "treasury", {0, 1});
  ASSERT_TRUE(IsAccepted(set)) << Describe(set);
  // Old keys no longer count; two new keys are not enough; three are.
  Verdict old =
      SubmitKeyed(h_, TransferBody(h_, "treasury", "developer", 1, 1), "treasury", {0, 1, 2});
  EXPECT_EQ(RejectionCode(old), RuleCode::kKeyNotOnAccount) << Describe(old);
  Verdict two =
      SubmitKeyed(h_, TransferBody(h_, "treasury", "developer", 1, 1), "treasury", {3, 4});
  EXPECT_EQ(RejectionCode(two), RuleCode::kThresholdNotMet) << Describe(two);
  Verdict three =
      SubmitKeyed(h_, TransferBody(h_, "treasury", "developer", 1, 1), "treasury", {2, 4, 5});
  EXPECT_TRUE(IsAccepted(three)) << Describe(three);
  // Back to one key: the single form and rotate_key work again.
  ASSERT_TRUE(
      IsAccepted(SubmitKeyed(h_, SetKeysBody(h_, "treasury", Raw({6}), 1), "treasury", {3, 4, 5})));
  pb::AccountRecord account = h_.registry().Account("treasury").value().value();
  EXPECT_EQ(account.additional_keys_size(), 0);
  EXPECT_EQ(account.threshold(), 0u);
  Verdict single = h_.SubmitSigned(
      SignTransaction(TransferBody(h_, "treasury", "developer", 1, 1), "treasury", K(6)));
  EXPECT_TRUE(IsAccepted(single)) << Describe(single);
  pb::TransactionBody rotate = h_.Body();
  rotate.mutable_rotate_key()->set_account_id("treasury");
  rotate.mutable_rotate_key()->set_new_public_key(K(7).public_key().raw());
  Verdict rotated = h_.SubmitSigned(SignTransaction(rotate, "treasury", K(6)));
  EXPECT_TRUE(IsAccepted(rotated)) << Describe(rotated);
  // Every key change is in the key index certificates read.
  EXPECT_EQ(h_.registry().KeyEntries("treasury", h_.registry().log().size()).value().size(), 4u);
}

TEST_F(MultisigTest, TheOperatorCanBeMadeTwoOfThree) {
  std::vector<std::string> keys = Raw({3, 4});
  keys.insert(keys.begin(), h_.KeyOf(H::kOperator).public_key().raw());
  ASSERT_TRUE(IsAccepted(h_.Submit(SetKeysBody(h_, H::kOperator, keys, 2), H::kOperator)));
  pb::TransactionBody issue = h_.Body();
  auto* op = issue.mutable_issue();
  op->set_project_id("ke-cookstoves-001");
  op->set_vintage_start("2025-01-01");
  op->set_vintage_end("2025-12-31");
  op->set_quantity(500);
  op->set_to_account("developer");
  op->set_verification_ref("VR-2025-002");
  Verdict alone = h_.Submit(issue, H::kOperator);
  EXPECT_EQ(RejectionCode(alone), RuleCode::kSeveralKeys) << Describe(alone);
  Verdict two = SubmitKeyed(h_, issue, H::kOperator, {3, 4});
  EXPECT_TRUE(IsAccepted(two)) << Describe(two);
}

TEST_F(MultisigTest, SignaturesMustBeInKeyOrderAndNotBothForms) {
  std::string bytes =
      SignTransactionKeyed(TransferBody(h_, "treasury", "developer", 1, 1), "treasury", Ks({0, 1}));
  pb::SignedTransaction envelope;
  ASSERT_TRUE(envelope.ParseFromString(bytes));
  pb::SignedTransaction swapped = envelope;
  swapped.mutable_signatures()->SwapElements(0, 1);
  auto prepared = PrepareTransaction(SerializeCanonical(swapped));
  ASSERT_TRUE(std::holds_alternative<Rejection>(prepared));
  EXPECT_EQ(std::get<Rejection>(prepared).code, RuleCode::kMalformed);
  EXPECT_THAT(std::get<Rejection>(prepared).message, HasSubstr("ascending order"));
  pb::SignedTransaction both = envelope;
  both.set_signature(std::string(64, 'x'));
  prepared = PrepareTransaction(SerializeCanonical(both));
  ASSERT_TRUE(std::holds_alternative<Rejection>(prepared));
  EXPECT_THAT(std::get<Rejection>(prepared).message, HasSubstr("both"));
  pb::SignedTransaction short_key = envelope;
  short_key.mutable_signatures(0)->mutable_public_key()->resize(31);
  prepared = PrepareTransaction(SerializeCanonical(short_key));
  ASSERT_TRUE(std::holds_alternative<Rejection>(prepared));
  EXPECT_THAT(std::get<Rejection>(prepared).message, HasSubstr("32 bytes"));
}

TEST_F(MultisigTest, AddKeyedSignatureKeepsKeyOrderAndReplacesItsOwn) {
  pb::SignedTransaction envelope;
  envelope.set_body(SerializeCanonical(TransferBody(h_, "treasury", "developer", 1, 1)));
  envelope.set_signer("treasury");
  for (size_t i : {2, 0, 1, 0}) AddKeyedSignature(envelope, K(i));
  ASSERT_EQ(envelope.signatures_size(), 3);
  for (int i = 1; i < 3; ++i) {
    EXPECT_LT(envelope.signatures(i - 1).public_key(), envelope.signatures(i).public_key());
  }
  EXPECT_TRUE(IsAccepted(h_.SubmitSigned(SerializeCanonical(envelope))));
}

TEST(AccountKeysTest, EncodingRoundTripsAndRefusesOtherLengths) {
  AccountKeys single{Raw({0}), 1};
  EXPECT_EQ(EncodeAccountKeys(single), K(0).public_key().raw());
  EXPECT_EQ(DecodeAccountKeys(EncodeAccountKeys(single)), single);
  AccountKeys multi{Raw({0, 1, 2}), 2};
  EXPECT_EQ(EncodeAccountKeys(multi).size(), 1u + 3 * 32);
  EXPECT_EQ(DecodeAccountKeys(EncodeAccountKeys(multi)), multi);
  for (size_t bad : {0u, 31u, 33u + 5u, 1u + 11u * 32u}) {
    EXPECT_FALSE(DecodeAccountKeys(std::string(bad, 'k')).has_value()) << bad;
  }
}

// Each code of the feature, reached through the registry, writing nothing.
struct Case {
  RuleCode code;
  std::function<Verdict(H&)> run;
};

std::vector<Case> Cases() {
  return {
      {RuleCode::kThresholdNotMet,
       [](H& h) {
         return SubmitKeyed(h, TransferBody(h, "treasury", "developer", 1, 1), "treasury", {2});
       }},
      {RuleCode::kKeyNotOnAccount,
       [](H& h) {
         return SubmitKeyed(h, TransferBody(h, "treasury", "developer", 1, 1), "treasury",
                            {0, 1, 9});
       }},
      {RuleCode::kDuplicateSignature,
       [](H& h) {
         std::string bytes = SignTransactionKeyed(TransferBody(h, "treasury", "developer", 1, 1),
                                                  "treasury", Ks({0, 1}));
         pb::SignedTransaction envelope;
         envelope.ParseFromString(bytes);
         *envelope.mutable_signatures(1) = envelope.signatures(0);
         return h.SubmitSigned(SerializeCanonical(envelope));
       }},
      {RuleCode::kTooManyKeys,
       [](H& h) {
         return OpenMultisig(h, "too-many", {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 2);
       }},
      {RuleCode::kTooManyKeys,
       [](H& h) {
         return SubmitKeyed(h, TransferBody(h, "treasury", "developer", 1, 1), "treasury",
                            {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
       }},
      {RuleCode::kInvalidThreshold,
       [](H& h) {
         return OpenMultisig(h, "zero", {3, 4}, 0);
       }},
      {RuleCode::kInvalidThreshold,
       [](H& h) {
         return SubmitKeyed(h, SetKeysBody(h, "treasury", Raw({0, 1, 2}), 4), "treasury", {0, 1});
       }},
      {RuleCode::kDuplicateKey,
       [](H& h) {
         return OpenMultisig(h, "twice", {3, 4, 3}, 2);
       }},
      {RuleCode::kDuplicateKey,
       [](H& h) {
         return SubmitKeyed(h, SetKeysBody(h, "treasury", Raw({0, 1, 1}), 2), "treasury", {0, 1});
       }},
      {RuleCode::kInvalidKey,
       [](H& h) {
         std::vector<std::string> keys = Raw({3});
         keys.push_back(creg::testing::SmallOrderPoints()[3]);
         return h.Submit(OpenBody(h, "weak", keys, 1), H::kOperator);
       }},
      {RuleCode::kInvalidKey,
       [](H& h) {
         std::vector<std::string> keys = Raw({0, 1});
         keys.push_back(creg::testing::SmallOrderPoints()[0]);
         return SubmitKeyed(h, SetKeysBody(h, "treasury", keys, 2), "treasury", {0, 1});
       }},
      {RuleCode::kSeveralKeys,
       [](H& h) {
         pb::TransactionBody body = h.Body();
         body.mutable_rotate_key()->set_account_id("treasury");
         body.mutable_rotate_key()->set_new_public_key(K(5).public_key().raw());
         return SubmitKeyed(h, body, "treasury", {0, 1});
       }},
      {RuleCode::kNotAuthorized,
       [](H& h) { return h.Submit(SetKeysBody(h, "treasury", Raw({4}), 1), H::kOperator); }},
  };
}

TEST(MultisigRulesTest, EveryMultisigCodeIsReachedAndRefusalWritesNothing) {
  std::set<RuleCode> covered;
  for (const Case& rule : Cases()) {
    SCOPED_TRACE(std::string(RuleCodeName(rule.code)));
    creg::testing::TempDir dir;
    H h(dir);
    ASSERT_TRUE(IsAccepted(h.OpenAccount("developer")));
    ASSERT_TRUE(IsAccepted(h.RegisterProject("ke-cookstoves-001", "developer")));
    ASSERT_TRUE(IsAccepted(OpenMultisig(h, "treasury", {0, 1, 2}, 2)));
    ASSERT_TRUE(IsAccepted(h.Issue("ke-cookstoves-001", 1000, "treasury", "VR-2025-001")));
    Hash digest = h.registry().StateDigest().value();
    TreeHead head = h.registry().log().head();
    Verdict verdict = rule.run(h);
    EXPECT_EQ(RejectionCode(verdict), rule.code) << Describe(verdict);
    EXPECT_EQ(h.registry().StateDigest().value(), digest);
    EXPECT_EQ(h.registry().log().head().root, head.root);
    covered.insert(rule.code);
  }
  for (int code = static_cast<int>(RuleCode::kThresholdNotMet);
       code <= static_cast<int>(RuleCode::kSeveralKeys); ++code) {
    EXPECT_TRUE(covered.contains(static_cast<RuleCode>(code)))
        << "no test reaches " << RuleCodeName(static_cast<RuleCode>(code));
  }
}

// A log with multi-signature accounts and key changes replays into an empty
// registry to the same state, with every signature checked again.
TEST_F(MultisigTest, ALogWithThresholdsReplaysToTheSameState) {
  ASSERT_TRUE(IsAccepted(
      SubmitKeyed(h_, TransferBody(h_, "treasury", "developer", 1, 7), "treasury", {0, 2})));
  ASSERT_TRUE(
      IsAccepted(SubmitKeyed(h_, SetKeysBody(h_, "treasury", Raw({3, 4}), 2), "treasury", {1, 2})));
  ASSERT_TRUE(IsAccepted(
      SubmitKeyed(h_, TransferBody(h_, "treasury", "developer", 1, 3), "treasury", {3, 4})));
  creg::testing::ReplicaRegistry replica;
  Registry::Group group = replica.registry->BeginGroup();
  for (uint64_t i = 0; i < h_.registry().log().size(); ++i) {
    std::string bytes = h_.registry().log().Entry(i).value();
    ASSERT_TRUE(replica.registry->ReplayEntry(group, bytes).ok()) << i;
  }
  ASSERT_TRUE(replica.registry->Commit(std::move(group)).ok());
  EXPECT_EQ(replica.registry->StateDigest().value(), h_.registry().StateDigest().value());
}

}  // namespace
}  // namespace creg
