// ParseWitnessFlag (node/witness_client.h): the `cregd run --witness
// URL=VERIFIER_KEY` values it takes and those it refuses, naming why.
#include "node/witness_client.h"

#include <gtest/gtest.h>

#include "ledger/keys.h"

namespace creg {
namespace {

std::string WitnessKey() {
  static const std::string key =
      CosignatureSigner::Create("witness.example/w1", PrivateKey::Generate().value())
          .value()
          .VerifierKey();
  return key;
}

TEST(ParseWitnessFlagTest, UrlPrefixAndKey) {
  auto c = ParseWitnessFlag("http://127.0.0.1:7701=" + WitnessKey());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->address, "127.0.0.1:7701");
  EXPECT_EQ(c->prefix, "");
  EXPECT_EQ(c->verifier.name(), "witness.example/w1");
  auto p = ParseWitnessFlag("http://[::1]:80/witness/=" + WitnessKey());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->address, "[::1]:80");
  EXPECT_EQ(p->prefix, "/witness");
}

TEST(ParseWitnessFlagTest, RefusesNamingWhatIsWrong) {
  const std::string key = WitnessKey();
  struct Case {
    std::string flag, says;
  } cases[] = {
      {"http://127.0.0.1:7701", "URL=VERIFIER_KEY"},
      {"https://127.0.0.1:7701=" + key, "http://"},
      {"http://127.0.0.1=" + key, "witness URL"},
      {"http://127.0.0.1:1/a?b=" + key, "query"},
      {"http://127.0.0.1:1=not-a-key", "witness key"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseWitnessFlag(c.flag);
    ASSERT_FALSE(parsed.ok()) << c.flag;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find(c.says), std::string::npos)
        << c.flag << ": " << parsed.status().message();
  }
  // A log's own key (type 0x01) is not a witness key.
  NoteSigner log = NoteSigner::Create("log.example", PrivateKey::Generate().value()).value();
  EXPECT_FALSE(ParseWitnessFlag("http://127.0.0.1:1=" + log.VerifierKey()).ok());
}

}  // namespace
}  // namespace creg
