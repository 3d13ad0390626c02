#include "ledger/keys.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "ledger/encoding.h"
#include "tests/support/temp_dir.h"

namespace creg {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteAll(const std::string& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary);
  out << data;
}

mode_t FileMode(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

bool HaveOpensslBinary() { return std::system("command -v openssl >/dev/null 2>&1") == 0; }

int RunShell(const std::string& command) { return std::system((command + " 2>/dev/null").c_str()); }

constexpr char kEcP256Pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg1CXUNPirmrv8rjlM\n"
    "WzEXyXLULw68D30KOJ+Y3BMmVFKhRANCAARGTpCyZo0CmLGFkcKr0+7XFBcuVLYt\n"
    "ATzwPBqNlWgV3G/46RbUTbLax4mpJDOD4rE8B/kUP2vng6RGXkv6O8D0\n"
    "-----END PRIVATE KEY-----\n";

constexpr char kEncryptedEd25519Pem[] =
    "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
    "MIGbMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAjwYk58bOZ7EAICCAAw\n"
    "DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEO6P8PKpW5cDqp5kEB5+7asEQBD0\n"
    "3NdBf/aQKKF75LEvdm0uOaB4gaaxnaNwHQUvPPHVE93rBJnurtl2IGfmJAuLKsfr\n"
    "305ArcgLpXlW+TrM8WM=\n"
    "-----END ENCRYPTED PRIVATE KEY-----\n";

constexpr char kX25519PublicPem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VuAyEAtLMZ05pFDMmDyavH5mjwot8n7Nw+YG2dbKAyzo6tr2M=\n"
    "-----END PUBLIC KEY-----\n";

TEST(KeysTest, GenerateSignVerify) {
  StatusOr<PrivateKey> key = PrivateKey::Generate();
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  std::string sig = key->Sign("hello registry");
  EXPECT_EQ(sig.size(), 64u);
  EXPECT_EQ(key->public_key().raw().size(), 32u);
  EXPECT_TRUE(key->public_key().Verify("hello registry", sig));
  // Two generated keys differ.
  StatusOr<PrivateKey> other = PrivateKey::Generate();
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(key->public_key() == other->public_key());
}

// RFC 8032's known answers are in ed25519_vectors_test.cc.

TEST(KeysTest, WrongKeyMessageOrSignatureRefused) {
  StatusOr<PrivateKey> a = PrivateKey::Generate();
  StatusOr<PrivateKey> b = PrivateKey::Generate();
  ASSERT_TRUE(a.ok() && b.ok());
  const std::string msg = "transfer 120 credits";
  std::string sig = a->Sign(msg);
  EXPECT_TRUE(a->public_key().Verify(msg, sig));
  EXPECT_FALSE(b->public_key().Verify(msg, sig));
  EXPECT_FALSE(a->public_key().Verify("transfer 121 credits", sig));
  EXPECT_FALSE(a->public_key().Verify("", sig));
  for (size_t i = 0; i < sig.size(); ++i) {
    std::string bad = sig;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    EXPECT_FALSE(a->public_key().Verify(msg, bad)) << "flipped byte " << i;
  }
  EXPECT_FALSE(a->public_key().Verify(msg, ""));
  EXPECT_FALSE(a->public_key().Verify(msg, sig.substr(0, 63)));
  EXPECT_FALSE(a->public_key().Verify(msg, sig + '\0'));
  EXPECT_FALSE(a->public_key().Verify(msg, std::string(64, '\0')));
}

TEST(KeysTest, FromRawRefusesWrongLength) {
  for (size_t n : {0, 31, 33, 64}) {
    StatusOr<PublicKey> key = PublicKey::FromRaw(std::string(n, 'k'));
    EXPECT_EQ(key.status().code(), StatusCode::kInvalidArgument) << n;
  }
}

TEST(KeysTest, PublicKeyIsCopyableAndRawRoundTrips) {
  StatusOr<PrivateKey> key = PrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  PublicKey copy = key->public_key();
  PublicKey copy2 = copy;
  StatusOr<PublicKey> again = PublicKey::FromRaw(copy.raw());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(*again == copy2);
  EXPECT_TRUE(again->Verify("m", key->Sign("m")));
  PrivateKey moved = std::move(key).value();
  EXPECT_TRUE(copy.Verify("m", moved.Sign("m")));
}

TEST(KeysTest, PrivatePemRoundTrip) {
  StatusOr<PrivateKey> key = PrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  std::string pem = key->ToPem();
  EXPECT_EQ(pem.rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u) << pem;
  EXPECT_NE(pem.find("-----END PRIVATE KEY-----\n"), std::string::npos);
  StatusOr<PrivateKey> back = PrivateKey::FromPem(pem);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(back->public_key() == key->public_key());
  EXPECT_EQ(back->ToPem(), pem);
  EXPECT_EQ(back->Sign("same"), key->Sign("same"));  // Deterministic, same seed.
}

TEST(KeysTest, PublicPemRoundTrip) {
  StatusOr<PrivateKey> key = PrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  std::string pem = key->public_key().ToPem();
  EXPECT_EQ(pem.rfind("-----BEGIN PUBLIC KEY-----\n", 0), 0u) << pem;
  StatusOr<PublicKey> back = PublicKey::FromPem(pem);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == key->public_key());
  EXPECT_EQ(back->ToPem(), pem);
}

TEST(KeysTest, PemParsingRefusesOtherThings) {
  StatusOr<PrivateKey> key = PrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  const std::string pub_pem = key->public_key().ToPem();
  const std::string priv_pem = key->ToPem();

  EXPECT_EQ(PrivateKey::FromPem("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(PrivateKey::FromPem("not a key").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(PrivateKey::FromPem(pub_pem).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(PublicKey::FromPem(priv_pem).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(PublicKey::FromPem("").status().code(), StatusCode::kInvalidArgument);

  StatusOr<PrivateKey> ec = PrivateKey::FromPem(kEcP256Pem);
  EXPECT_EQ(ec.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(ec.status().message().find("not an Ed25519 key"), std::string::npos)
      << ec.status().ToString();
  StatusOr<PublicKey> x25519 = PublicKey::FromPem(kX25519PublicPem);
  EXPECT_EQ(x25519.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(x25519.status().message().find("X25519"), std::string::npos)
      << x25519.status().ToString();

  // Refused without asking a terminal for a passphrase.
  StatusOr<PrivateKey> encrypted = PrivateKey::FromPem(kEncryptedEd25519Pem);
  EXPECT_EQ(encrypted.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(encrypted.status().message().find("encrypted"), std::string::npos);

  // A damaged DER structure is refused.
  std::string damaged = priv_pem;
  const size_t body = std::string("-----BEGIN PRIVATE KEY-----\n").size();
  damaged.replace(body, 4, "MC8C");  // SEQUENCE length 0x2e -> 0x2f.
  EXPECT_EQ(PrivateKey::FromPem(damaged).status().code(), StatusCode::kInvalidArgument);
}

TEST(KeysTest, SaveFileIsPrivateAndNeverOverwrites) {
  testing::TempDir dir;
  StatusOr<PrivateKey> key = PrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  const std::string path = dir.Sub("operator.key");
  ASSERT_TRUE(key->SaveFile(path).ok());
  EXPECT_EQ(FileMode(path), 0600u);
  EXPECT_EQ(ReadAll(path), key->ToPem());

  StatusOr<PrivateKey> other = PrivateKey::Generate();
  ASSERT_TRUE(other.ok());
  Status again = other->SaveFile(path);
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(again.message().find(path), std::string::npos) << again.ToString();
  EXPECT_EQ(ReadAll(path), key->ToPem());  // Untouched.

  StatusOr<PrivateKey> loaded = PrivateKey::LoadFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(loaded->public_key() == key->public_key());

  // A missing folder is an I/O error, not a crash or a partial file.
  Status nofolder = key->SaveFile(dir.Sub("missing/operator.key"));
  EXPECT_EQ(nofolder.code(), StatusCode::kUnavailable) << nofolder.ToString();
}

TEST(KeysTest, PublicKeyFileIs0644EvenUnderStrictUmask) {
  testing::TempDir dir;
  StatusOr<PrivateKey> key = PrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  const std::string path = dir.Sub("operator.pub");
  mode_t old = umask(077);
  Status saved = SavePublicKeyFile(key->public_key(), path);
  umask(old);
  ASSERT_TRUE(saved.ok()) << saved.ToString();
  EXPECT_EQ(FileMode(path), 0644u);
  Status again = SavePublicKeyFile(key->public_key(), path);
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(again.message().find(path), std::string::npos);
  StatusOr<PublicKey> loaded = LoadPublicKeyFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(*loaded == key->public_key());
}

TEST(KeysTest, LoadErrorsAreClear) {
  testing::TempDir dir;
  const std::string missing = dir.Sub("nope.key");
  StatusOr<PrivateKey> a = PrivateKey::LoadFile(missing);
  EXPECT_EQ(a.status().code(), StatusCode::kNotFound);
  EXPECT_NE(a.status().message().find(missing), std::string::npos) << a.status().ToString();
  StatusOr<PublicKey> b = LoadPublicKeyFile(missing);
  EXPECT_EQ(b.status().code(), StatusCode::kNotFound);
  EXPECT_NE(b.status().message().find(missing), std::string::npos);

  const std::string garbage = dir.Sub("garbage.key");
  WriteAll(garbage, "hello\n");
  StatusOr<PrivateKey> c = PrivateKey::LoadFile(garbage);
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find(garbage), std::string::npos) << c.status().ToString();

  const std::string ec = dir.Sub("ec.key");
  WriteAll(ec, kEcP256Pem);
  StatusOr<PrivateKey> d = PrivateKey::LoadFile(ec);
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(d.status().message().find(ec), std::string::npos);
  EXPECT_NE(d.status().message().find("Ed25519"), std::string::npos) << d.status().ToString();

  StatusOr<PrivateKey> folder = PrivateKey::LoadFile(dir.path().string());
  EXPECT_EQ(folder.status().code(), StatusCode::kInvalidArgument) << folder.status().ToString();
}

// Keys made by the openssl command load, and each side verifies the other's
// signatures.
TEST(KeysTest, InteroperatesWithOpensslCommand) {
  if (!HaveOpensslBinary()) GTEST_SKIP() << "no openssl binary on PATH";
  testing::TempDir dir;
  const std::string key_path = dir.Sub("genpkey.pem");
  const std::string pub_path = dir.Sub("genpkey.pub");
  ASSERT_EQ(RunShell("openssl genpkey -algorithm ed25519 -out '" + key_path + "'"), 0);
  ASSERT_EQ(RunShell("openssl pkey -in '" + key_path + "' -pubout -out '" + pub_path + "'"), 0);

  StatusOr<PrivateKey> key = PrivateKey::LoadFile(key_path);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->ToPem(), ReadAll(key_path));  // Same PKCS#8 form.
  StatusOr<PublicKey> pub = LoadPublicKeyFile(pub_path);
  ASSERT_TRUE(pub.ok()) << pub.status().ToString();
  EXPECT_TRUE(*pub == key->public_key());

  const std::string msg = "checkpoint body\n";
  const std::string sig = key->Sign(msg);
  EXPECT_TRUE(pub->Verify(msg, sig));

  // openssl verifies our signature.
  WriteAll(dir.Sub("msg"), msg);
  WriteAll(dir.Sub("sig"), sig);
  EXPECT_EQ(RunShell("openssl pkeyutl -verify -pubin -inkey '" + pub_path + "' -rawin -in '" +
                     dir.Sub("msg") + "' -sigfile '" + dir.Sub("sig") + "' >/dev/null"),
            0);
  // openssl signs, we verify.
  ASSERT_EQ(RunShell("openssl pkeyutl -sign -inkey '" + key_path + "' -rawin -in '" +
                     dir.Sub("msg") + "' -out '" + dir.Sub("sig2") + "'"),
            0);
  EXPECT_TRUE(pub->Verify(msg, ReadAll(dir.Sub("sig2"))));

  // openssl reads a key we wrote.
  const std::string ours = dir.Sub("ours.pem");
  ASSERT_TRUE(key->SaveFile(ours).ok());
  EXPECT_EQ(RunShell("openssl pkey -in '" + ours + "' -noout"), 0);
}

TEST(KeysTest, ConcurrentSignAndVerify) {
  StatusOr<PrivateKey> key = PrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  const PrivateKey& signer = *key;
  const PublicKey pub = key->public_key();
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        std::string msg = "thread " + std::to_string(t) + " message " + std::to_string(i);
        std::string sig = signer.Sign(msg);
        if (!pub.Verify(msg, sig) || pub.Verify(msg + "!", sig)) ++failures[t];
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int f : failures) EXPECT_EQ(f, 0);
}

}  // namespace
}  // namespace creg
