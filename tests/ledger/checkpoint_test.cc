#include "ledger/checkpoint.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "ledger/encoding.h"
#include "ledger/hash.h"
#include "tests/support/seed_key.h"

namespace creg {
namespace {

using creg::testing::SeedToPem;

// U+2014 EM DASH and a space, spelled out in bytes.
const std::string kDash = "\xe2\x80\x94 ";

// Known answers from golang.org/x/mod/sumdb/note (note_test.go and its
// package documentation), the reference implementation of signed notes.
constexpr char kPeterKey[] = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr char kPeterPrivate[] = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";  // 0x01 || seed.
constexpr char kEnochKey[] = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
constexpr char kGoText[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
const std::string kPeterSig =
    kDash +
    "PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const std::string kEnochSig = kDash +
                              "EnochRoot "
                              "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/"
                              "5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

// The examples of c2sp.org/signed-note and c2sp.org/tlog-checkpoint, whose
// verifier keys are not published: well-formed notes from unknown keys.
const std::string kSpecNote =
    "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned \xc3\xa8 subito "
    "sera.\n\n" +
    kDash +
    "quasimodo.example/salvatore "
    "NnugSzTjtVAewIS+Z/iJhUPeFDkO/"
    "5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n";
constexpr char kSpecCheckpointBody[] =
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
const std::string kSpecCheckpoint = std::string(kSpecCheckpointBody) + "\n" + kDash +
                                    "example.com/behind-the-sofa "
                                    "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/"
                                    "Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n";

NoteSigner MakeSigner(const std::string& name) {
  StatusOr<PrivateKey> key = PrivateKey::Generate();
  EXPECT_TRUE(key.ok());
  StatusOr<NoteSigner> signer = NoteSigner::Create(name, std::move(key).value());
  EXPECT_TRUE(signer.ok()) << signer.status().ToString();
  return std::move(signer).value();
}

NoteVerifier VerifierOf(const NoteSigner& signer) {
  StatusOr<NoteVerifier> v = NoteVerifier::FromVerifierKey(signer.VerifierKey());
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return std::move(v).value();
}

NoteVerifier MustVerifier(std::string_view vkey) {
  StatusOr<NoteVerifier> v = NoteVerifier::FromVerifierKey(vkey);
  EXPECT_TRUE(v.ok()) << vkey << ": " << v.status().ToString();
  return std::move(v).value();
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

// The signature lines of a note (everything after its last blank line).
std::string SignatureLines(const std::string& note) { return note.substr(note.rfind("\n\n") + 2); }

Hash CountingHash() {
  std::string bytes;
  for (int i = 0; i < 32; ++i) bytes.push_back(static_cast<char>(i));
  return *Hash::FromBytes(bytes);
}

class CheckpointTest : public ::testing::Test {
 protected:
  const std::string origin_ = "registry.example/creg";
  NoteSigner signer_ = MakeSigner(origin_);
  NoteVerifier verifier_ = VerifierOf(signer_);
  Checkpoint cp_{origin_, 1234, Sha256("root")};
};

TEST(CheckpointBodyTest, ExactText) {
  Checkpoint cp{"example.com/log", 42, CountingHash()};
  EXPECT_EQ(CheckpointBody(cp),
            "example.com/log\n42\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n");
  cp.size = 0;
  EXPECT_EQ(CheckpointBody(cp).substr(0, 18), "example.com/log\n0\n");
}

TEST(CheckpointBodyTest, ParseRoundTrips) {
  for (uint64_t size : {uint64_t{0}, uint64_t{1}, uint64_t{20852163}, UINT64_MAX}) {
    Checkpoint cp{"o", size, Sha256(std::to_string(size))};
    StatusOr<Checkpoint> back = ParseCheckpointBody(CheckpointBody(cp));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, cp);
  }
}

TEST(CheckpointBodyTest, ParsesSpecExampleAndExtensionLines) {
  StatusOr<Checkpoint> cp = ParseCheckpointBody(kSpecCheckpointBody);
  ASSERT_TRUE(cp.ok()) << cp.status().ToString();
  EXPECT_EQ(cp->origin, "example.com/behind-the-sofa");
  EXPECT_EQ(cp->size, 20852163u);
  EXPECT_EQ(cp->root.ToBase64(), "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
  StatusOr<Checkpoint> ext = ParseCheckpointBody(std::string(kSpecCheckpointBody) + "ext one\nx\n");
  ASSERT_TRUE(ext.ok()) << ext.status().ToString();
  EXPECT_EQ(*ext, *cp);
}

TEST(CheckpointBodyTest, ParseRefusesMalformedBodies) {
  const std::string root = CountingHash().ToBase64();
  const std::string short_root = Base64Encode(std::string(31, 'r'));
  const std::string long_root = Base64Encode(std::string(33, 'r'));
  for (const std::string& bad : std::vector<std::string>{
           "",
           "o\n1\n",                                   // Missing root.
           "o\n1\n" + root,                            // No final newline.
           "\n1\n" + root + "\n",                      // Empty origin.
           "o\n\n" + root + "\n",                      // Empty size.
           "o\n01\n" + root + "\n",                    // Leading zero.
           "o\n00\n" + root + "\n",                    // Leading zero.
           "o\n+1\n" + root + "\n",                    // Sign.
           "o\n-1\n" + root + "\n",                    // Sign.
           "o\n 1\n" + root + "\n",                    // Space.
           "o\n1 \n" + root + "\n",                    // Space.
           "o\n0x10\n" + root + "\n",                  // Not decimal.
           "o\n18446744073709551616\n" + root + "\n",  // 2^64.
           "o\n99999999999999999999\n" + root + "\n",  // > 2^64.
           "o\n1\n" + short_root + "\n",               // 31-byte root.
           "o\n1\n" + long_root + "\n",                // 33-byte root.
           "o\n1\n" + root.substr(0, 43) + "\n",       // Unpadded base64.
           "o\n1\n" + CountingHash().ToHex() + "\n",   // Hex, not base64.
           "o\n1\n" + root + "\n\n",                   // Empty extension line.
           "o\n1\n" + root + "\next\n\n",              // Empty extension line.
       }) {
    StatusOr<Checkpoint> cp = ParseCheckpointBody(bad);
    EXPECT_EQ(cp.status().code(), StatusCode::kInvalidArgument) << '"' << bad << '"';
  }
}

TEST_F(CheckpointTest, SignVerifyRoundTrip) {
  std::string note = SignCheckpoint(cp_, signer_);
  EXPECT_EQ(note.rfind(CheckpointBody(cp_) + "\n" + kDash + origin_ + " ", 0), 0u) << note;
  EXPECT_EQ(note.back(), '\n');
  StatusOr<Checkpoint> back = VerifyCheckpoint(note, verifier_, origin_);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, cp_);
  StatusOr<Checkpoint> any = VerifyCheckpoint(note, verifier_, "");
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(*any, cp_);
  StatusOr<std::string> body = VerifyNote(note, verifier_);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(*body, CheckpointBody(cp_));
}

TEST_F(CheckpointTest, SignatureLineHoldsKeyIdAndSignatureOfBody) {
  std::string note = SignCheckpoint(cp_, signer_);
  std::string line = SignatureLines(note);
  std::string prefix = kDash + origin_ + " ";
  ASSERT_EQ(line.rfind(prefix, 0), 0u);
  StatusOr<std::string> blob =
      Base64Decode(line.substr(prefix.size(), line.size() - prefix.size() - 1));
  ASSERT_TRUE(blob.ok());
  ASSERT_EQ(blob->size(), 68u);
  EXPECT_EQ(ReadBigEndian32(*blob), signer_.key_id());
  EXPECT_TRUE(signer_.public_key().Verify(CheckpointBody(cp_), blob->substr(4)));
}

TEST_F(CheckpointTest, VerifierKeyFormatAndKeyIdComputedIndependently) {
  const std::string raw = signer_.public_key().raw();
  Hash h = Sha256(origin_ + "\n" + std::string(1, '\x01') + raw);
  uint32_t id = (uint32_t{h.data()[0]} << 24) | (uint32_t{h.data()[1]} << 16) |
                (uint32_t{h.data()[2]} << 8) | uint32_t{h.data()[3]};
  char hex[9];
  std::snprintf(hex, sizeof(hex), "%08x", id);
  const std::string expected = origin_ + "+" + hex + "+" + Base64Encode("\x01" + raw);
  EXPECT_EQ(signer_.key_id(), id);
  EXPECT_EQ(signer_.VerifierKey(), expected);
  EXPECT_EQ(verifier_.VerifierKey(), expected);
  EXPECT_EQ(verifier_.name(), origin_);
  EXPECT_EQ(verifier_.key_id(), id);
  EXPECT_TRUE(verifier_.key() == signer_.public_key());
  EXPECT_EQ(NoteKeyId(origin_, signer_.public_key()), id);
  StatusOr<NoteVerifier> made = NoteVerifier::Create(origin_, signer_.public_key());
  ASSERT_TRUE(made.ok());
  EXPECT_EQ(made->VerifierKey(), expected);
}

TEST(CheckpointNoteKnownAnswerTest, GoReferenceVerifierKeys) {
  NoteVerifier peter = MustVerifier(kPeterKey);
  EXPECT_EQ(peter.name(), "PeterNeumann");
  EXPECT_EQ(peter.key_id(), 0xc74f20a3u);
  EXPECT_EQ(peter.VerifierKey(), kPeterKey);
  NoteVerifier enoch = MustVerifier(kEnochKey);
  EXPECT_EQ(enoch.key_id(), 0xaf0cfe78u);
  // transparency-dev/formats note tests: the key's base64 itself holds '+'.
  NoteVerifier plus = MustVerifier("TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6");
  EXPECT_EQ(plus.name(), "TEST");
  EXPECT_EQ(plus.key_id(), 0x7997405cu);
}

TEST(CheckpointNoteKnownAnswerTest, SignsGoReferenceNoteByteForByte) {
  StatusOr<std::string> priv = Base64Decode(kPeterPrivate);
  ASSERT_TRUE(priv.ok() && priv->size() == 33 && (*priv)[0] == '\x01');
  StatusOr<PrivateKey> key = PrivateKey::FromPem(SeedToPem(priv->substr(1)));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  StatusOr<NoteSigner> signer = NoteSigner::Create("PeterNeumann", std::move(key).value());
  ASSERT_TRUE(signer.ok());
  EXPECT_EQ(signer->key_id(), 0xc74f20a3u);
  EXPECT_EQ(signer->VerifierKey(), kPeterKey);
  EXPECT_EQ(signer->Sign(kGoText), std::string(kGoText) + "\n" + kPeterSig);
}

TEST(CheckpointNoteKnownAnswerTest, OpensGoReferenceNotes) {
  NoteVerifier peter = MustVerifier(kPeterKey);
  NoteVerifier enoch = MustVerifier(kEnochKey);
  const std::string text = kGoText;
  for (const std::string& note : {text + "\n" + kPeterSig, text + "\n" + kPeterSig + kEnochSig,
                                  text + "\n" + kEnochSig + kPeterSig}) {
    StatusOr<std::string> body = VerifyNote(note, peter);
    ASSERT_TRUE(body.ok()) << body.status().ToString();
    EXPECT_EQ(*body, text);
  }
  StatusOr<std::string> by_enoch = VerifyNote(text + "\n" + kPeterSig + kEnochSig, enoch);
  ASSERT_TRUE(by_enoch.ok()) << by_enoch.status().ToString();
  EXPECT_EQ(*by_enoch, text);

  EXPECT_EQ(VerifyNote(text + "\n" + kPeterSig, enoch).status().code(),
            StatusCode::kPermissionDenied);
  std::string changed = Replace(text, "cryptography", "cryptographY") + "\n" + kPeterSig;
  EXPECT_EQ(VerifyNote(changed, peter).status().code(), StatusCode::kDataLoss);
  // A longer signature under the right key id (Go: "invalid signature").
  std::string longer = text + "\n" + kPeterSig.substr(0, 60) + "ABCD" + kPeterSig.substr(60);
  EXPECT_EQ(VerifyNote(longer, peter).status().code(), StatusCode::kDataLoss);
  // Another name, or another key id, is another key: ignored.
  std::string misnamed = text + "\n" + Replace(kPeterSig, "PeterNeumann", "CarmenSandiego");
  EXPECT_EQ(VerifyNote(misnamed, peter).status().code(), StatusCode::kPermissionDenied);
  std::string wrong_id = text + "\n" + Replace(kPeterSig, "x08g", "xxxx");
  EXPECT_EQ(VerifyNote(wrong_id, peter).status().code(), StatusCode::kPermissionDenied);
  // Valid signatures from the right key, repeated, are fine; one bad copy is not.
  std::string twice = text + "\n" + kPeterSig + kEnochSig + kPeterSig;
  EXPECT_TRUE(VerifyNote(twice, peter).ok());
  EXPECT_EQ(VerifyNote(twice + kPeterSig.substr(0, 60) + "ABCD" + kPeterSig.substr(60), peter)
                .status()
                .code(),
            StatusCode::kDataLoss);
}

TEST(CheckpointNoteKnownAnswerTest, RefusesGoMalformedNotes) {
  NoteVerifier peter = MustVerifier(kPeterKey);
  const std::string text = kGoText;
  for (const std::string& bad : std::vector<std::string>{
           text,
           text + "\n",
           text + "\n" + kPeterSig.substr(0, kPeterSig.size() - 1),
           "\x01" + text + "\n" + kPeterSig,
           "\xff" + text + "\n" + kPeterSig,
           text + "\n" + kDash +
               "Bad Name "
               "x08go/ZJkuBS9UG/"
               "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
           text + "\n" + kPeterSig + "Unexpected line.\n",
       }) {
    EXPECT_EQ(VerifyNote(bad, peter).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  std::string many = text + "\n";
  for (int i = 0; i < 101; ++i) many += kPeterSig;
  EXPECT_EQ(VerifyNote(many, peter).status().code(), StatusCode::kInvalidArgument);
}

TEST(CheckpointNoteKnownAnswerTest, SpecExamplesAreWellFormedButUnknownKeys) {
  NoteVerifier peter = MustVerifier(kPeterKey);
  EXPECT_EQ(VerifyNote(kSpecNote, peter).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(VerifyCheckpoint(kSpecCheckpoint, peter, "").status().code(),
            StatusCode::kPermissionDenied);
}

TEST(CheckpointNoteVerifierTest, RefusesMangledVerifierKeys) {
  const std::string vkey = kPeterKey;
  for (size_t i = 0; i <= vkey.size(); ++i) {
    for (size_t j = i + 1; j <= vkey.size(); ++j) {
      if (i == 0 && j == vkey.size()) continue;
      std::string part = vkey.substr(i, j - i);
      EXPECT_FALSE(NoteVerifier::FromVerifierKey(part).ok()) << part;
    }
  }
  for (size_t i = 0; i < vkey.size(); ++i) {
    std::string b = vkey;
    b[i] = static_cast<char>(b[i] + 1);
    EXPECT_FALSE(NoteVerifier::FromVerifierKey(b).ok()) << b;
  }
  for (const char* bad : {
           // Wrong length key, with adjusted key id.
           "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
           // Unknown signature type, with adjusted key id.
           "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
           // Upper-case key id.
           "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
           "",
           "PeterNeumann",
           "PeterNeumann+c74f20a3",
       }) {
    EXPECT_EQ(NoteVerifier::FromVerifierKey(bad).status().code(), StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(CheckpointNoteKeyNameTest, ValidNames) {
  for (const char* good : {"a", "example.com/log42", "PeterNeumann", "r\xc3\xa8gistre"}) {
    EXPECT_TRUE(IsValidNoteKeyName(good)) << good;
  }
  for (const char* bad : {"", "a b", "a+b", "a\tb", "a\nb", "\x01",
                          "a\xc2\xa0"
                          "b",
                          "a\xe2\x80\x83"
                          "b",
                          "a\xe3\x80\x80"
                          "b",
                          "\xff", "a\xc3"}) {
    EXPECT_FALSE(IsValidNoteKeyName(bad)) << bad;
    StatusOr<PrivateKey> key = PrivateKey::Generate();
    ASSERT_TRUE(key.ok());
    EXPECT_EQ(NoteSigner::Create(bad, std::move(key).value()).status().code(),
              StatusCode::kInvalidArgument);
  }
}

TEST_F(CheckpointTest, NoteFromAnotherKeyIsRefused) {
  NoteSigner same_name = MakeSigner(origin_);  // Same name, other key: other key id.
  NoteSigner other_name = MakeSigner("other.example/log");
  for (const NoteSigner* other : {&same_name, &other_name}) {
    std::string note = SignCheckpoint(cp_, *other);
    StatusOr<Checkpoint> cp = VerifyCheckpoint(note, verifier_, origin_);
    EXPECT_EQ(cp.status().code(), StatusCode::kPermissionDenied) << cp.status().ToString();
  }
}

TEST_F(CheckpointTest, ChangedBodyIsRefused) {
  const std::string note = SignCheckpoint(cp_, signer_);
  Checkpoint bigger = cp_;
  bigger.size = 1235;
  Checkpoint other_root = cp_;
  other_root.root = Sha256("other");
  Checkpoint other_origin = cp_;
  other_origin.origin = "registry.example/crek";
  for (const Checkpoint& changed : {bigger, other_root, other_origin}) {
    std::string forged = Replace(note, CheckpointBody(cp_), CheckpointBody(changed));
    StatusOr<Checkpoint> cp = VerifyCheckpoint(forged, verifier_, "");
    EXPECT_EQ(cp.status().code(), StatusCode::kDataLoss) << forged;
  }
  // An extra line in the body is a change too.
  std::string extended = Replace(note, CheckpointBody(cp_), CheckpointBody(cp_) + "ext\n");
  EXPECT_EQ(VerifyCheckpoint(extended, verifier_, "").status().code(), StatusCode::kDataLoss);
}

TEST_F(CheckpointTest, WrongOriginIsRefused) {
  std::string note = SignCheckpoint(cp_, signer_);
  StatusOr<Checkpoint> cp = VerifyCheckpoint(note, verifier_, "registry.example/other");
  EXPECT_EQ(cp.status().code(), StatusCode::kPermissionDenied);
}

TEST_F(CheckpointTest, MalformedNotesAreRefused) {
  const std::string body = CheckpointBody(cp_);
  const std::string note = SignCheckpoint(cp_, signer_);
  const std::string line = SignatureLines(note);
  const std::string blob = line.substr(kDash.size() + origin_.size() + 1);
  std::vector<std::string> bad = {
      "",
      body,                                                  // No signatures.
      body + "\n",                                           // No signature lines.
      body + line,                                           // No blank line.
      note.substr(0, note.size() - 1),                       // No final newline.
      note + "\n",                                           // Blank line after signatures.
      body + "\n" + "- " + origin_ + " " + blob,             // Hyphen, not em dash.
      body + "\n" + "\xe2\x80\x94" + origin_ + " " + blob,   // No space after dash.
      body + "\n" + kDash + origin_ + "\n",                  // No signature.
      body + "\n" + kDash + origin_ + " \n",                 // Empty signature.
      body + "\n" + kDash + " " + blob,                      // Empty name.
      body + "\n" + kDash + "a+b " + blob,                   // '+' in name.
      body + "\n" + kDash + origin_ + "  " + blob,           // Two spaces.
      body + "\n" + kDash + origin_ + " " + blob.substr(1),  // Bad base64.
      body + "\n" + kDash + origin_ + " " + Base64Encode("abcd") + "\n",  // Key id only.
      Replace(note, "\n1234\n", "\n12\r34\n"),                            // Control character.
      Replace(note, origin_, origin_ + "\xc3"),                           // Invalid UTF-8.
      Replace(note, origin_, origin_ + "\xc0\xaf"),                       // Overlong UTF-8.
      Replace(note, origin_, origin_ + "\xed\xa0\x80"),                   // UTF-16 surrogate.
  };
  for (const std::string& b : bad) {
    EXPECT_EQ(VerifyNote(b, verifier_).status().code(), StatusCode::kInvalidArgument) << b;
  }
}

TEST_F(CheckpointTest, ExtraSignaturesFromOtherKeysAreIgnored) {
  NoteSigner witness = MakeSigner("witness.example/w1");
  NoteSigner same_name = MakeSigner(origin_);
  std::string ours = SignCheckpoint(cp_, signer_);
  std::string theirs = SignatureLines(SignCheckpoint(cp_, witness));
  std::string imposter = SignatureLines(SignCheckpoint(cp_, same_name));
  for (const std::string& note : {ours + theirs, ours + imposter,
                                  CheckpointBody(cp_) + "\n" + theirs + SignatureLines(ours)}) {
    StatusOr<Checkpoint> cp = VerifyCheckpoint(note, verifier_, origin_);
    ASSERT_TRUE(cp.ok()) << cp.status().ToString() << "\n" << note;
    EXPECT_EQ(*cp, cp_);
  }
  // The witness can verify the same note with its own key.
  EXPECT_TRUE(VerifyCheckpoint(ours + theirs, VerifierOf(witness), origin_).ok());
  // A signature line of an unknown key that does not even verify is still ignored.
  std::string junk = kDash + "unknown.example " + Base64Encode(std::string(68, 'j')) + "\n";
  EXPECT_TRUE(VerifyCheckpoint(ours + junk, verifier_, origin_).ok());
}

TEST_F(CheckpointTest, AcceptsSixteenSignatures) {
  std::string note = SignCheckpoint(cp_, signer_);
  for (int i = 0; i < 15; ++i) {
    note += kDash + "witness" + std::to_string(i) + " " + Base64Encode(std::string(68, 'w')) + "\n";
  }
  EXPECT_TRUE(VerifyCheckpoint(note, verifier_, origin_).ok());
}

TEST_F(CheckpointTest, SignerAndVerifierAgree) {
  EXPECT_EQ(signer_.name(), origin_);
  EXPECT_EQ(signer_.key_id(), verifier_.key_id());
  EXPECT_EQ(signer_.VerifierKey(), verifier_.VerifierKey());
  // Body text may hold empty lines: the last blank line separates.
  std::string text = "line one\n\nline three\n";
  StatusOr<std::string> body = VerifyNote(signer_.Sign(text), verifier_);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(*body, text);
}

}  // namespace
}  // namespace creg
