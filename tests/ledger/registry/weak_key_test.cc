// Keys of small order, or not canonically encoded, never enter the
// registry (INVALID_KEY), so the forgeries they allow (anyone can sign
// for such a key) cannot move or retire anyone's credits.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ledger/encoding.h"
#include "ledger/registry/transaction.h"
#include "tests/support/ed25519_forgery.h"
#include "tests/support/registry_fixture.h"

namespace creg {
namespace {

using testing::Describe;
using ::testing::HasSubstr;
using testing::IsAccepted;
using testing::RegistryHarness;
using testing::RejectionCode;

class WeakKeyTest : public ::testing::Test {
 protected:
  WeakKeyTest() : h_(dir_) {}

  Verdict OpenWithKey(const std::string& id, const std::string& raw_key) {
    pb::TransactionBody body = h_.Body();
    auto* op = body.mutable_open_account();
    op->set_account_id(id);
    op->set_role(pb::ROLE_HOLDER);
    op->set_public_key(raw_key);
    op->set_display_name("Account " + id);
    return h_.Submit(body, RegistryHarness::kOperator);
  }

  Verdict RotateTo(const std::string& id, const std::string& raw_key) {
    pb::TransactionBody body = h_.Body();
    body.mutable_rotate_key()->set_account_id(id);
    body.mutable_rotate_key()->set_new_public_key(raw_key);
    return h_.Submit(body, id);
  }

  // `account` retires `quantity` of batch 1, signed by a forgery under the
  // small-order key `key` (no secret involved).
  Verdict ForgedRetirement(const std::string& account, const std::string& key) {
    pb::TransactionBody body = h_.Body();
    auto* op = body.mutable_retire();
    op->set_account(account);
    op->mutable_credits()->set_batch(1);
    op->mutable_credits()->set_quantity(5);
    op->set_beneficiary("Mallory");
    op->set_reason(pb::VOLUNTARY_CORPORATE_INVENTORY);
    pb::SignedTransaction tx;
    tx.set_body(body.SerializeAsString());
    tx.set_signer(account);
    tx.set_signature(testing::ForgeUnderSmallOrderKey(key, TransactionSigningMessage(tx.body())));
    return h_.SubmitSigned(tx.SerializeAsString());
  }

  testing::TempDir dir_;
  RegistryHarness h_;
};

TEST_F(WeakKeyTest, OpenAccountRefusesEverySmallOrderKey) {
  int n = 0;
  for (const std::string& key : testing::SmallOrderPoints()) {
    SCOPED_TRACE(HexEncode(key));
    const std::string id = "victim-" + std::to_string(n++);
    Verdict v = OpenWithKey(id, key);
    EXPECT_EQ(RejectionCode(v), RuleCode::kInvalidKey) << Describe(v);
    EXPECT_THAT(Describe(v), HasSubstr("public key of account '" + id + "' is refused"));
    EXPECT_THAT(Describe(v), HasSubstr("small order"));
    EXPECT_THAT(Describe(v), HasSubstr("anyone can forge signatures"));
    EXPECT_FALSE(h_.registry().Account(id).value().has_value());
  }
}

TEST_F(WeakKeyTest, OpenAccountRefusesNonCanonicalKeys) {
  for (const std::string& key : testing::NonCanonicalSmallOrderPoints()) {
    Verdict v = OpenWithKey("victim", key);
    EXPECT_EQ(RejectionCode(v), RuleCode::kInvalidKey) << Describe(v);
    EXPECT_THAT(Describe(v), HasSubstr("not a canonical encoding")) << HexEncode(key);
  }
}

TEST_F(WeakKeyTest, RotateKeyRefusesSmallOrderKeysAndForgeriesStayRefused) {
  ASSERT_TRUE(IsAccepted(h_.OpenAccount("developer")));
  ASSERT_TRUE(IsAccepted(h_.RegisterProject("ke-cookstoves-001", "developer")));
  ASSERT_TRUE(IsAccepted(h_.Issue("ke-cookstoves-001", 100, "developer", "VR-2025-001")));
  for (const std::string& key : testing::SmallOrderPoints()) {
    SCOPED_TRACE(HexEncode(key));
    Verdict v = RotateTo("developer", key);
    EXPECT_EQ(RejectionCode(v), RuleCode::kInvalidKey) << Describe(v);
    EXPECT_THAT(Describe(v), HasSubstr("the new public key is refused"));
    EXPECT_THAT(Describe(v), HasSubstr("small order"));
    // The account keeps its own key, and a forgery in its name fails.
    EXPECT_EQ(h_.registry().Account("developer").value()->public_key(),
              h_.KeyOf("developer").public_key().raw());
    Verdict forged = ForgedRetirement("developer", key);
    EXPECT_EQ(RejectionCode(forged), RuleCode::kBadSignature) << Describe(forged);
  }
  EXPECT_EQ(h_.registry().Holdings("developer").value().size(), 1u);
}

}  // namespace
}  // namespace creg
