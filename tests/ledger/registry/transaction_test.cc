// PrepareTransaction refuses signed bytes that are not in canonical form
// (ledger/canonical_proto.h), so that a signed body has exactly one
// meaning; the registry then writes nothing.
#include "ledger/registry/transaction.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/canonical_proto.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/wire_bytes.h"

namespace creg {
namespace {

using testing::Describe;
using ::testing::HasSubstr;
using testing::IsAccepted;
using testing::RegistryHarness;
using testing::RejectionCode;
using ::testing::StartsWith;

using testing::LdField;
using testing::Varint;
using testing::VarintField;

// A SignedTransaction over exactly `body_bytes`, with a real signature.
std::string SignRaw(const std::string& body_bytes, const std::string& signer,
                    const PrivateKey& key) {
  return LdField(1, body_bytes) + LdField(2, signer) +
         LdField(3, key.Sign(TransactionSigningMessage(body_bytes)));
}

// OpenAccount bytes, field by field.
std::string OpenAccountBytes(const std::string& id, uint64_t role, const PublicKey& key) {
  return LdField(1, id) + VarintField(2, role) + LdField(3, key.raw()) + LdField(4, "Holder Ltd");
}
std::string Header(const std::string& nonce) {
  return LdField(1, RegistryHarness::kOrigin) + LdField(2, nonce);
}

struct Form {
  std::string name;
  std::string body;     // non-canonical body bytes
  std::string problem;  // what the refusal names
};

// One body per non-canonical form, each an open_account the operator may
// sign and that protobuf's lenient parser reads as a valid transaction.
std::vector<Form> NonCanonicalForms(const PublicKey& key) {
  const uint64_t holder = pb::ROLE_HOLDER;
  std::string open = OpenAccountBytes("holder-a", holder, key);
  std::string rotate = LdField(1, RegistryHarness::kOperator) + LdField(2, key.raw());
  return {
      {"two_operations", Header("f1") + LdField(10, open) + LdField(12, rotate),
       "fields 10 (open_account) and 12 (rotate_key) of TransactionBody are both set"},
      {"repeated_origin", LdField(1, "other.example") + Header("f2") + LdField(10, open),
       "field 1 (origin) of TransactionBody appears twice"},
      {"enum_2_pow_32_plus_role",
       Header("f3") +
           LdField(10, LdField(1, "holder-b") + VarintField(2, (uint64_t{1} << 32) + holder) +
                           LdField(3, key.raw())),
       "field 2 (role) of TransactionBody.open_account holds enum value 4294967298, out of range"},
      {"unknown_field", Header("f4") + LdField(10, open) + VarintField(99, 1),
       "unknown field 99 in TransactionBody"},
      {"nested_unknown_field", Header("f5") + LdField(10, open + LdField(7, "x")),
       "unknown field 7 in TransactionBody.open_account"},
      {"non_minimal_varint",
       Header("f6") + VarintField(3, 0).substr(0, 1) + "\x85" + std::string(1, '\0') +
           LdField(10, open),
       "field 3 (created_micros) of TransactionBody at byte 24 is a non-minimal varint"},
      {"explicit_default", Header("f7") + VarintField(3, 0) + LdField(10, open),
       "field 3 (created_micros) of TransactionBody holds its default value explicitly"},
      {"out_of_order", LdField(2, "f8") + LdField(1, RegistryHarness::kOrigin) + LdField(10, open),
       "field 1 (origin) of TransactionBody comes after field 2 (nonce)"},
  };
}

class TransactionTest : public ::testing::Test {
 protected:
  TransactionTest() : h_(dir_) {}
  testing::TempDir dir_;
  RegistryHarness h_;
};

TEST_F(TransactionTest, SignedTransactionsAreCanonical) {
  pb::TransactionBody body = h_.Body();
  body.mutable_retire()->set_account("organiser");
  body.mutable_retire()->mutable_credits()->set_batch(1);
  body.mutable_retire()->mutable_credits()->set_quantity(5);
  body.mutable_retire()->set_beneficiary("Example Forum 2026");
  body.mutable_retire()->set_reason(pb::OTHER);
  std::string bytes = SignTransaction(body, "organiser", h_.KeyOf("organiser"));
  auto prepared = PrepareTransaction(bytes);
  ASSERT_TRUE(std::holds_alternative<PreparedTransaction>(prepared))
      << std::get<Rejection>(prepared).ToString();
  const PreparedTransaction& tx = std::get<PreparedTransaction>(prepared);
  EXPECT_TRUE(CheckCanonicalEncoding(*pb::SignedTransaction::descriptor(), bytes).ok());
  EXPECT_TRUE(CheckCanonicalEncoding(*pb::TransactionBody::descriptor(), tx.envelope.body()).ok());
}

TEST_F(TransactionTest, EveryNonCanonicalBodyIsMalformed) {
  const PrivateKey& key = h_.KeyOf(RegistryHarness::kOperator);
  for (const Form& form : NonCanonicalForms(key.public_key())) {
    SCOPED_TRACE(form.name);
    pb::TransactionBody lenient;
    ASSERT_TRUE(lenient.ParseFromString(form.body));  // one reading of many
    auto prepared = PrepareTransaction(SignRaw(form.body, RegistryHarness::kOperator, key));
    ASSERT_TRUE(std::holds_alternative<Rejection>(prepared)) << "accepted";
    const Rejection& refused = std::get<Rejection>(prepared);
    EXPECT_EQ(refused.code, RuleCode::kMalformed);
    EXPECT_THAT(refused.message, StartsWith("transaction body is not in canonical form: "));
    EXPECT_THAT(refused.message, HasSubstr(form.problem));
  }
}

TEST_F(TransactionTest, NonCanonicalEnvelopeIsMalformed) {
  const PrivateKey& key = h_.KeyOf(RegistryHarness::kOperator);
  pb::TransactionBody body = h_.Body();
  body.mutable_rotate_key()->set_account_id(RegistryHarness::kOperator);
  body.mutable_rotate_key()->set_new_public_key(key.public_key().raw());
  const std::string body_bytes = SerializeCanonical(body);
  const std::string signature = key.Sign(TransactionSigningMessage(body_bytes));
  const std::vector<std::pair<std::string, std::string>> envelopes = {
      {LdField(2, "mallory") + LdField(1, body_bytes) + LdField(2, RegistryHarness::kOperator) +
           LdField(3, signature),
       "field 1 (body) of SignedTransaction comes after field 2 (signer)"},
      {LdField(1, body_bytes) + LdField(2, RegistryHarness::kOperator) + LdField(3, signature) +
           LdField(9, "extra"),
       "unknown field 9 in SignedTransaction"},
      {LdField(1, LdField(1, "decoy")) + LdField(1, body_bytes) +
           LdField(2, RegistryHarness::kOperator) + LdField(3, signature),
       "field 1 (body) of SignedTransaction appears twice"},
  };
  for (const auto& [bytes, problem] : envelopes) {
    auto prepared = PrepareTransaction(bytes);
    ASSERT_TRUE(std::holds_alternative<Rejection>(prepared)) << problem;
    const Rejection& refused = std::get<Rejection>(prepared);
    EXPECT_EQ(refused.code, RuleCode::kMalformed);
    EXPECT_THAT(refused.message,
                StartsWith("transaction envelope is not in canonical form: " + problem));
  }
}

TEST_F(TransactionTest, RegistryRefusesNonCanonicalBodiesAndWritesNothing) {
  const PrivateKey& key = h_.KeyOf(RegistryHarness::kOperator);
  const uint64_t size = h_.registry().log().size();
  const Hash digest = h_.registry().StateDigest().value();
  for (const Form& form : NonCanonicalForms(key.public_key())) {
    SCOPED_TRACE(form.name);
    Verdict v = h_.SubmitSigned(SignRaw(form.body, RegistryHarness::kOperator, key));
    EXPECT_EQ(RejectionCode(v), RuleCode::kMalformed) << Describe(v);
    EXPECT_THAT(Describe(v), HasSubstr(form.problem));
    EXPECT_EQ(h_.registry().log().size(), size);
    EXPECT_EQ(h_.registry().StateDigest().value(), digest);
  }
  // The same open_account, canonical, is accepted: the form alone was refused.
  std::string canonical =
      Header("f9") + LdField(10, OpenAccountBytes("holder-a", pb::ROLE_HOLDER, key.public_key()));
  Verdict v = h_.SubmitSigned(SignRaw(canonical, RegistryHarness::kOperator, key));
  EXPECT_TRUE(IsAccepted(v)) << Describe(v);
  EXPECT_EQ(h_.registry().log().size(), size + 1);
}

}  // namespace
}  // namespace creg
