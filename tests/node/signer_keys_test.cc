// SignerKeys keeps each signer's committed key for the verify workers
// until it is told a commit rotated a key, and reads it again after.
#include "node/signer_keys.h"

#include <gtest/gtest.h>

#include "tests/support/registry_fixture.h"
#include "tests/support/temp_dir.h"

namespace creg::testing {
namespace {

TEST(SignerKeysTest, KeepsEachKeyUntilInvalidatedThenReadsItAgain) {
  TempDir dir;
  RegistryHarness h(dir);
  ASSERT_TRUE(IsAccepted(h.OpenAccount("holder")));
  SignerKeys keys(h.registry());

  const PublicKey before = h.KeyOf("holder").public_key();
  EXPECT_EQ(keys.Get("holder"), before);
  EXPECT_EQ(keys.Get("nobody"), std::nullopt);

  PrivateKey next = PrivateKey::Generate().value();
  pb::TransactionBody body = h.Body();
  body.mutable_rotate_key()->set_account_id("holder");
  body.mutable_rotate_key()->set_new_public_key(next.public_key().raw());
  ASSERT_TRUE(IsAccepted(h.Submit(body, "holder")));

  // Until the pipeline says a commit rotated a key, the kept key is
  // served: the sequencer re-checks signatures made with it.
  EXPECT_EQ(keys.Get("holder"), before);
  keys.Invalidate();
  EXPECT_EQ(keys.Get("holder"), next.public_key());
  EXPECT_EQ(keys.Get("nobody"), std::nullopt);
}

}  // namespace
}  // namespace creg::testing
