// C2SP tlog-cosignature v1 (Ed25519): a known answer checked against a
// second implementation (Python's `cryptography` and hashlib, run by the
// test), round trips through VerifyCosignatures, and every corruption.
#include "ledger/cosignature.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "ledger/encoding.h"
#include "tests/support/seed_key.h"
#include "tests/support/temp_dir.h"

namespace creg {
namespace {

using creg::testing::SeedToPem;
using creg::testing::TempDir;

const std::string kDash = "\xe2\x80\x94 ";
constexpr char kBody[] =
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
constexpr char kName[] = "witness.example/w1";
constexpr uint64_t kTime = 1679315147;

// The independent implementation: the spec's formulas, nothing of creg's.
// argv: seed hex, name, time, body file. Prints the line and the vkey.
constexpr char kPython[] = R"(import base64, hashlib, struct, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization
seed, name, t = bytes.fromhex(sys.argv[1]), sys.argv[2].encode(), int(sys.argv[3])
body = open(sys.argv[4], "rb").read()
sk = Ed25519PrivateKey.from_private_bytes(seed)
pk = sk.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
kid = hashlib.sha256(name + b"\n" + b"\x04" + pk).digest()[:4]
sig = sk.sign(b"cosignature/v1\ntime " + str(t).encode() + b"\n" + body)
out = sys.stdout.buffer
out.write("\u2014 ".encode() + name + b" " + base64.b64encode(kid + struct.pack(">Q", t) + sig) + b"\n")
out.write(name + b"+" + kid.hex().encode() + b"+" + base64.b64encode(b"\x04" + pk) + b"\n")
)";

// Runs the Python implementation; its two output lines, or a failure.
std::vector<std::string> PythonCosign(const std::string& seed_hex, uint64_t time,
                                      const std::string& body) {
  TempDir dir;
  std::ofstream(dir.Sub("cosign.py")) << kPython;
  std::ofstream(dir.Sub("body"), std::ios::binary) << body;
  const std::string command = "python3 " + dir.Sub("cosign.py") + " " + seed_hex + " " + kName +
                              " " + std::to_string(time) + " " + dir.Sub("body") + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "cannot run python3";
    return {};
  }
  std::string out;
  char chunk[4096];
  size_t n = 0;
  while ((n = fread(chunk, 1, sizeof chunk, pipe)) > 0) out.append(chunk, n);
  const int rc = pclose(pipe);
  EXPECT_EQ(rc, 0) << "python3 (needs the cryptography package) said:\n" << out;
  std::vector<std::string> lines;
  for (size_t start = 0, nl; (nl = out.find('\n', start)) != std::string::npos; start = nl + 1) {
    lines.push_back(out.substr(start, nl - start + 1));
  }
  return lines;
}

CosignatureSigner SignerFromSeed(const std::string& seed_hex, const std::string& name = kName) {
  PrivateKey key = PrivateKey::FromPem(SeedToPem(HexDecode(seed_hex).value())).value();
  return CosignatureSigner::Create(name, std::move(key)).value();
}

NoteSigner LogSigner() {
  return NoteSigner::Create("example.com/behind-the-sofa", PrivateKey::Generate().value()).value();
}

TEST(CosignatureTest, KnownAnswerMatchesAnIndependentImplementation) {
  for (const std::string& seed_hex :
       {std::string(64, '0'),
        std::string("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")}) {
    SCOPED_TRACE(seed_hex);
    const CosignatureSigner signer = SignerFromSeed(seed_hex);
    const std::vector<std::string> python = PythonCosign(seed_hex, kTime, kBody);
    ASSERT_EQ(python.size(), 2u);
    EXPECT_EQ(signer.Cosign(kBody, kTime), python[0]);
    EXPECT_EQ(signer.VerifierKey() + "\n", python[1]);

    // The independent cosignature verifies with the independent key.
    const std::string vkey = python[1].substr(0, python[1].size() - 1);
    const CosignatureVerifier verifier = CosignatureVerifier::FromVerifierKey(vkey).value();
    const std::string note = LogSigner().Sign(kBody) + python[0];
    StatusOr<VerifiedCosignatures> got =
        VerifyCosignatures(note, std::span<const CosignatureVerifier>(&verifier, 1));
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->body, kBody);
    ASSERT_EQ(got->cosignatures.size(), 1u);
    EXPECT_EQ(got->cosignatures[0].verifier, 0u);
    EXPECT_EQ(got->cosignatures[0].time, kTime);
  }
  // The largest timestamp the spec allows, and 0.
  const std::string seed_hex(64, '7');
  for (uint64_t time : {kMaxCosignatureTime, uint64_t{0}}) {
    const std::vector<std::string> python = PythonCosign(seed_hex, time, kBody);
    ASSERT_EQ(python.size(), 2u);
    EXPECT_EQ(SignerFromSeed(seed_hex).Cosign(kBody, time), python[0]);
  }
}

TEST(CosignatureTest, SignedMessageIsTheSpecs) {
  EXPECT_EQ(CosignedMessage(kBody, kTime),
            std::string("cosignature/v1\ntime 1679315147\n") + kBody);
  EXPECT_EQ(CosignedMessage(kBody, 0).substr(0, 22), "cosignature/v1\ntime 0\n");
}

TEST(CosignatureTest, KeyIdAndVerifierKeyUseType04) {
  const CosignatureSigner signer = SignerFromSeed(std::string(64, '1'));
  EXPECT_EQ(signer.key_id(), NoteKeyId(kName, signer.public_key(), 0x04));
  EXPECT_NE(signer.key_id(), NoteKeyId(kName, signer.public_key()));
  const std::string vkey = signer.VerifierKey();
  EXPECT_EQ(Base64Decode(vkey.substr(vkey.rfind('+') + 1)).value()[0], '\x04');
  // Each kind of verifier refuses the other's key.
  EXPECT_FALSE(NoteVerifier::FromVerifierKey(vkey).ok());
  const NoteSigner log = LogSigner();
  StatusOr<CosignatureVerifier> wrong = CosignatureVerifier::FromVerifierKey(log.VerifierKey());
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CosignatureVerifier::FromVerifierKey(vkey)->VerifierKey(), vkey);
  EXPECT_FALSE(CosignatureSigner::Create("has space", PrivateKey::Generate().value()).ok());
}

TEST(CosignatureTest, VerifiesEachKnownWitnessAndIgnoresOthers) {
  const NoteSigner log = LogSigner();
  const CosignatureSigner a = SignerFromSeed(std::string(64, 'a'), "a.example/w");
  const CosignatureSigner b = SignerFromSeed(std::string(64, 'b'), "b.example/w");
  const CosignatureSigner stranger = SignerFromSeed(std::string(64, 'c'), "c.example/w");
  const std::string note = log.Sign(kBody) + stranger.Cosign(kBody, 5) + b.Cosign(kBody, 7) +
                           b.Cosign(kBody, 9) + a.Cosign(kBody, 3);
  const std::vector<CosignatureVerifier> verifiers = {
      CosignatureVerifier::FromVerifierKey(a.VerifierKey()).value(),
      CosignatureVerifier::FromVerifierKey(b.VerifierKey()).value(),
      CosignatureVerifier::Create("absent.example/w", stranger.public_key()).value()};
  StatusOr<VerifiedCosignatures> got = VerifyCosignatures(note, verifiers);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->cosignatures.size(), 2u);
  EXPECT_EQ(got->cosignatures[0].verifier, 0u);
  EXPECT_EQ(got->cosignatures[0].time, 3u);
  EXPECT_EQ(got->cosignatures[1].verifier, 1u);
  EXPECT_EQ(got->cosignatures[1].time, 9u);  // the latest of b's two
  // The log's signature still verifies on the cosigned note.
  EXPECT_TRUE(VerifyNote(note, NoteVerifier::FromVerifierKey(log.VerifierKey()).value()).ok());
  // A cosignature is not a log signature: its key id differs.
  const NoteVerifier as_note = NoteVerifier::Create("a.example/w", a.public_key()).value();
  EXPECT_EQ(VerifyNote(note, as_note).status().code(), StatusCode::kPermissionDenied);
}

TEST(CosignatureTest, OneWitnessGivenTwiceIsRefusedNotCountedTwice) {
  const CosignatureSigner a = SignerFromSeed(std::string(64, 'a'), "a.example/w");
  const CosignatureSigner b = SignerFromSeed(std::string(64, 'b'), "b.example/w");
  const std::string note = LogSigner().Sign(kBody) + a.Cosign(kBody, 3);
  const CosignatureVerifier va = CosignatureVerifier::FromVerifierKey(a.VerifierKey()).value();
  const CosignatureVerifier vb = CosignatureVerifier::FromVerifierKey(b.VerifierKey()).value();
  // The same key twice, and the same key under another name.
  const CosignatureVerifier renamed =
      CosignatureVerifier::Create("alias.example/w", a.public_key()).value();
  for (const std::vector<CosignatureVerifier>& twice :
       {std::vector<CosignatureVerifier>{va, vb, va},
        std::vector<CosignatureVerifier>{va, renamed}}) {
    const Status checked = CheckDistinctWitnesses(twice);
    EXPECT_EQ(checked.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(checked.message().find("given twice"), std::string::npos) << checked.ToString();
    EXPECT_EQ(VerifyCosignatures(note, twice).status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_TRUE(CheckDistinctWitnesses(std::vector<CosignatureVerifier>{va, vb}).ok());
}

// A note carrying `line` after the log's signature, checked by `verifier`.
Status CheckWithLine(const CosignatureVerifier& verifier, const std::string& body,
                     const std::string& line) {
  const std::string note = LogSigner().Sign(body) + line;
  return VerifyCosignatures(note, std::span<const CosignatureVerifier>(&verifier, 1)).status();
}

TEST(CosignatureTest, EveryCorruptionIsRefused) {
  const CosignatureSigner signer = SignerFromSeed(std::string(64, 'd'));
  const CosignatureVerifier verifier =
      CosignatureVerifier::FromVerifierKey(signer.VerifierKey()).value();
  const std::string good = signer.Cosign(kBody, kTime);
  ASSERT_TRUE(CheckWithLine(verifier, kBody, good).ok());

  // Another checkpoint body: the signature covers it.
  std::string other_body = kBody;
  other_body[other_body.size() - 3] = 'A';
  EXPECT_EQ(CheckWithLine(verifier, other_body, good).code(), StatusCode::kDataLoss);

  // Every bit of the timestamp and signature matters.
  const size_t b64_start = good.find(' ', kDash.size()) + 1;
  const std::string blob =
      Base64Decode(good.substr(b64_start, good.size() - b64_start - 1)).value();
  ASSERT_EQ(blob.size(), 4u + 8 + 64);
  auto line_of = [&](const std::string& bytes) {
    return kDash + kName + " " + Base64Encode(bytes) + "\n";
  };
  for (size_t i = 4; i < blob.size(); i += 7) {
    std::string flipped = blob;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x01);
    EXPECT_EQ(CheckWithLine(verifier, kBody, line_of(flipped)).code(), StatusCode::kDataLoss)
        << "byte " << i;
  }
  // Too short, too long.
  EXPECT_EQ(CheckWithLine(verifier, kBody, line_of(blob.substr(0, blob.size() - 1))).code(),
            StatusCode::kDataLoss);
  EXPECT_EQ(CheckWithLine(verifier, kBody, line_of(blob + "x")).code(), StatusCode::kDataLoss);

  // A timestamp over 2^63-1, even correctly signed, is refused.
  const uint64_t too_late = kMaxCosignatureTime + 1;
  PrivateKey key = PrivateKey::FromPem(SeedToPem(std::string(32, '\xdd'))).value();
  const CosignatureVerifier late_verifier =
      CosignatureVerifier::Create(kName, key.public_key()).value();
  std::string late;
  AppendBigEndian32(&late, late_verifier.key_id());
  AppendBigEndian64(&late, too_late);
  late += key.Sign(CosignedMessage(kBody, too_late));
  EXPECT_EQ(CheckWithLine(late_verifier, kBody, line_of(late)).code(), StatusCode::kDataLoss);

  // A key id and nothing after it is a malformed signature line.
  EXPECT_EQ(CheckWithLine(verifier, kBody, line_of(blob.substr(0, 4))).code(),
            StatusCode::kInvalidArgument);

  // A malformed note is InvalidArgument.
  EXPECT_EQ(
      VerifyCosignatures(kBody, std::span<const CosignatureVerifier>(&verifier, 1)).status().code(),
      StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace creg
