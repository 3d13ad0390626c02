// Known-answer tests of creg's Ed25519 rule (ledger/internal/ed25519.h,
// docs/security.md): RFC 8032 section 7.1 tests 1-3, the 12 edge cases of
// "Taming the many EdDSAs" (Chalkias, Garillot, Nikolaenko, SSR 2020; the
// cases.json of novifinancial/ed25519-speccheck), and signatures forged
// under keys of small order.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "ledger/encoding.h"
#include "ledger/internal/ed25519.h"
#include "ledger/keys.h"
#include "tests/support/ed25519_forgery.h"
#include "tests/support/seed_key.h"

namespace creg {
namespace {

using creg::testing::SeedToPem;

namespace ed25519 = internal::ed25519;

std::string Unhex(std::string_view hex) {
  StatusOr<std::string> bytes = HexDecode(hex);
  EXPECT_TRUE(bytes.ok()) << hex;
  return bytes.ok() ? *bytes : std::string();
}

// SubjectPublicKeyInfo around a raw key, as `openssl pkey -pubout` writes it.
std::string RawToPublicPem(std::string_view raw) {
  std::string der = Unhex("302a300506032b6570032100");
  der += raw;
  return "-----BEGIN PUBLIC KEY-----\n" + Base64Encode(der) + "\n-----END PUBLIC KEY-----\n";
}

// The verdict of PublicKey::Verify, false when the key itself is refused.
bool VerifyThroughPublicKey(std::string_view key, std::string_view message,
                            std::string_view signature) {
  StatusOr<PublicKey> pub = PublicKey::FromRaw(key);
  return pub.ok() && pub->Verify(message, signature);
}

TEST(Ed25519VectorsTest, Rfc8032Section71Tests1To3) {
  struct Vector {
    const char* seed;
    const char* pub;
    const char* msg;
    const char* sig;
  } vectors[] = {
      {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
       "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
       "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701c"
       "f9b46bd25bf5f0595bbe24655141438e7a100b"},
      {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
       "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
       "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0"
       "f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
      {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
       "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
       "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f76098"
       "4dc6594a7c15e9716ed28dc027beceea1ec40a"},
  };
  for (const Vector& v : vectors) {
    SCOPED_TRACE(v.pub);
    StatusOr<PrivateKey> key = PrivateKey::FromPem(SeedToPem(Unhex(v.seed)));
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    EXPECT_EQ(HexEncode(key->public_key().raw()), v.pub);
    const std::string msg = Unhex(v.msg);
    EXPECT_EQ(HexEncode(key->Sign(msg)), v.sig);  // Ed25519 is deterministic.
    EXPECT_TRUE(CheckPublicKey(Unhex(v.pub)).ok());
    EXPECT_TRUE(ed25519::Verify(Unhex(v.pub), msg, Unhex(v.sig)));
    EXPECT_TRUE(VerifyThroughPublicKey(Unhex(v.pub), msg, Unhex(v.sig)));
    EXPECT_FALSE(VerifyThroughPublicKey(Unhex(v.pub), msg + "x", Unhex(v.sig)));
  }
}

// The 12 cases of ed25519-speccheck, with the verdict of creg's rule (S
// canonical; A and R canonical and not of small order; cofactorless
// equation). Only case 3 (mixed-order A and R, valid under both equations)
// is a valid signature; it is libsodium 1.0.18's row of the paper's table.
TEST(Ed25519VectorsTest, TamingTheManyEdDsasCases) {
  struct Case {
    const char* msg;
    const char* pub;
    const char* sig;
    bool valid;
    const char* why;
  } cases[] = {
      {"8c93255d71dcab10e8f379c26200f3c7bd5f09d9bc3068d3ef4edeb4853022b6",
       "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
       "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"
       "0000000000000000000000000000000000000000000000000000000000000000",
       false, "0: S = 0, small-order A and R"},
      {"9bd9f44f4dcc75bd531b56b2cd280b0bb38fc1cd6d1230e14861d861de092e79",
       "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
       "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43"
       "a5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04",
       false, "1: small-order A, mixed-order R"},
      {"aebf3f2601a0c8c5d39cc7d8911642f740b78168218da8471772b35f9d35b9ab",
       "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43",
       "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"
       "8c4bd45aecaca5b24fb97bc10ac27ac8751a7dfe1baff8b953ec9f5833ca260e",
       false, "2: mixed-order A, small-order R"},
      {"9bd9f44f4dcc75bd531b56b2cd280b0bb38fc1cd6d1230e14861d861de092e79",
       "cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d",
       "9046a64750444938de19f227bb80485e92b83fdb4b6506c160484c016cc1852f"
       "87909e14428a7a1d62e9f22f3d3ad7802db02eb2e688b6c52fcd6648a98bd009",
       true, "3: mixed-order A and R, valid under both equations"},
      {"e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec4011eaccd55b53f56c",
       "cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d",
       "160a1cb0dc9c0258cd0a7d23e94d8fa878bcb1925f2c64246b2dee1796bed512"
       "5ec6bc982a269b723e0668e540911a9a6a58921d6925e434ab10aa7940551a09",
       false, "4: mixed-order A and R, valid only under the cofactored equation"},
      {"e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec4011eaccd55b53f56c",
       "cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d",
       "21122a84e0b5fca4052f5b1235c80a537878b38f3142356b2c2384ebad4668b7"
       "e40bc836dac0f71076f9abe3a53f9c03c1ceeeddb658d0030494ace586687405",
       false, "5: cofactored equation with a pre-reduced scalar only"},
      {"85e241a07d148b41e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec40",
       "442aad9f089ad9e14647b1ef9099a1ff4798d78589e66f28eca69c11f582a623",
       "e96f66be976d82e60150baecff9906684aebb1ef181f67a7189ac78ea23b6c0e"
       "547f7690a0e2ddcd04d87dbc3490dc19b3b3052f7ff0538cb68afb369ba3a514",
       false, "6: S > L"},
      {"85e241a07d148b41e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec40",
       "442aad9f089ad9e14647b1ef9099a1ff4798d78589e66f28eca69c11f582a623",
       "8ce5b96c8f26d0ab6c47958c9e68b937104cd36e13c33566acd2fe8d38aa1942"
       "7e71f98a473474f2f13f06f97c20d58cc3f54b8bd0d272f42b695dd7e89a8c22",
       false, "7: S much larger than L (top bits set)"},
      {"9bedc267423725d473888631ebf45988bad3db83851ee85c85e241a07d148b41",
       "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43",
       "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
       "03be9678ac102edcd92b0210bb34d7428d12ffc5df5f37e359941266a4e35f0f",
       false, "8: non-canonical R, reduced for the hash"},
      {"9bedc267423725d473888631ebf45988bad3db83851ee85c85e241a07d148b41",
       "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43",
       "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
       "ca8c5b64cd208982aa38d4936621a4775aa233aa0505711d8fdcfdaa943d4908",
       false, "9: non-canonical R, not reduced for the hash"},
      {"e96b7021eb39c1a163b6da4e3093dcd3f21387da4cc4572be588fafae23c155b",
       "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
       "a9d55260f765261eb9b84e106f665e00b867287a761990d7135963ee0a7d59dc"
       "a5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04",
       false, "10: non-canonical A, reduced for the hash"},
      {"39a591f5321bbe07fd5a23dc2f39d025d74526615746727ceefd6e82ae65c06f",
       "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
       "a9d55260f765261eb9b84e106f665e00b867287a761990d7135963ee0a7d59dc"
       "a5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04",
       false, "11: non-canonical A, not reduced for the hash"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.why);
    const std::string msg = Unhex(c.msg), pub = Unhex(c.pub), sig = Unhex(c.sig);
    EXPECT_EQ(ed25519::Verify(pub, msg, sig), c.valid);
    EXPECT_EQ(VerifyThroughPublicKey(pub, msg, sig), c.valid);
  }
}

TEST(Ed25519VectorsTest, EveryEncodingOfASmallOrderPointIsRefusedAsAKey) {
  for (const std::string& point : testing::SmallOrderPoints()) {
    SCOPED_TRACE(HexEncode(point));
    Status s = CheckPublicKey(point);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find("small order"), std::string::npos) << s.ToString();
    EXPECT_FALSE(PublicKey::FromRaw(point).ok());
    StatusOr<PublicKey> pem = PublicKey::FromPem(RawToPublicPem(point));
    EXPECT_EQ(pem.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(pem.status().message().find("small order"), std::string::npos)
        << pem.status().ToString();
  }
  for (const std::string& point : testing::NonCanonicalSmallOrderPoints()) {
    SCOPED_TRACE(HexEncode(point));
    Status s = CheckPublicKey(point);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find("not a canonical encoding"), std::string::npos) << s.ToString();
  }
}

TEST(Ed25519VectorsTest, KeyCheckNamesWhatIsWrong) {
  EXPECT_NE(CheckPublicKey("short").message().find("is 5 bytes"), std::string::npos);
  // A canonical y of no curve point: the first of 2, 3, 4, ... that fails.
  std::string off_curve;
  for (unsigned char y = 2; y < 255 && off_curve.empty(); ++y) {
    std::string candidate(32, '\0');
    candidate[0] = static_cast<char>(y);
    Status s = CheckPublicKey(candidate);
    if (!s.ok()) {
      EXPECT_NE(s.message().find("not a point of the Ed25519 curve"), std::string::npos)
          << s.ToString();
      off_curve = candidate;
    }
  }
  EXPECT_FALSE(off_curve.empty()) << "about half of all y have no point; none found";
  // A key made by key generation is accepted.
  StatusOr<PrivateKey> key = PrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  EXPECT_TRUE(CheckPublicKey(key->public_key().raw()).ok());
}

// The attack: with a key of small order anyone signs anything. OpenSSL,
// which creg used before, accepts these forgeries; the strict rule does not.
TEST(Ed25519VectorsTest, SignaturesForgedUnderSmallOrderKeysAreRefused) {
  const std::string message = "retire 500 t of batch 1 for Mallory";
  for (const std::string& key : testing::SmallOrderPoints()) {
    SCOPED_TRACE(HexEncode(key));
    const std::string forged = testing::ForgeUnderSmallOrderKey(key, message);
    ASSERT_EQ(forged.size(), 64u);
    EXPECT_TRUE(testing::OpensslAccepts(key, message, forged)) << "the forgery is not valid";
    EXPECT_FALSE(ed25519::Verify(key, message, forged));
  }
  // The simplest forgery: identity key, R = identity, S = 0.
  const std::string identity = testing::SmallOrderPoints()[0];
  const std::string trivial = identity + std::string(32, '\0');
  EXPECT_TRUE(testing::OpensslAccepts(identity, message, trivial));
  EXPECT_FALSE(ed25519::Verify(identity, message, trivial));
}

TEST(Ed25519VectorsTest, SmallOrderOrNonCanonicalRAndLargeSAreRefused) {
  StatusOr<PrivateKey> key = PrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  const std::string pub = key->public_key().raw();
  const std::string message = "transfer 1 t";
  const std::string good = key->Sign(message);
  ASSERT_TRUE(ed25519::Verify(pub, message, good));
  // S + L: the same point equation, a non-canonical scalar.
  std::string s_plus_l = good;
  const std::string order =
      Unhex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
  unsigned carry = 0;
  for (size_t i = 0; i < 32; ++i) {
    unsigned sum =
        static_cast<unsigned char>(s_plus_l[32 + i]) + static_cast<unsigned char>(order[i]) + carry;
    s_plus_l[32 + i] = static_cast<char>(sum & 0xff);
    carry = sum >> 8;
  }
  EXPECT_FALSE(ed25519::Verify(pub, message, s_plus_l));
  for (const std::string& r : testing::SmallOrderPoints()) {
    EXPECT_FALSE(ed25519::Verify(pub, message, r + std::string(32, '\0'))) << HexEncode(r);
  }
}

}  // namespace
}  // namespace creg
