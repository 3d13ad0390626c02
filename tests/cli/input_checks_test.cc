// What creg tells a person about input the hardened registry refuses:
// --reason other without --details is a usage error before the node is
// asked; a key file holding a small-order or non-canonical key is named with
// the reason; free text the registry refuses comes back with a hint. (A bulk
// row with reason other and no details: bulk_rows_unit_test.cc.)
#include <string>

#include "ledger/encoding.h"
#include "tests/cli/cli_fixture.h"
#include "tests/support/ed25519_forgery.h"
#include "tests/support/loopback_port.h"

namespace creg::testing {
namespace {

using json::Value;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// "-----BEGIN PUBLIC KEY-----" around the SubjectPublicKeyInfo of the raw
// 32-byte Ed25519 key `raw` (RFC 8410: 30 2a 30 05 06 03 2b 65 70 03 21 00).
std::string PublicKeyPem(const std::string& raw) {
  StatusOr<std::string> prefix = HexDecode("302a300506032b6570032100");
  std::string der = prefix.value() + raw;
  return "-----BEGIN PUBLIC KEY-----\n" + Base64Encode(der) + "\n-----END PUBLIC KEY-----\n";
}

// A field of a JSON object, "" (or 0) if it is missing or of another type.
std::string Str(const Value& object, const char* key) {
  StatusOr<std::string> v = object.GetString(key);
  return v.ok() ? *v : "";
}
uint64_t Num(const Value& object, const char* key) {
  StatusOr<uint64_t> v = object.GetUint(key);
  return v.ok() ? *v : 0;
}

std::string IdentityPoint() { return std::string(1, '\x01') + std::string(31, '\0'); }

class InputChecksTest : public CliTest {
 protected:
  // The "error" object of a --json run; expects `exit_code`.
  Value ErrorOf(const RunResult& r, int exit_code) {
    EXPECT_EQ(r.exit_code, exit_code) << r.out << r.err;
    StatusOr<Value> doc = json::Parse(r.out);
    if (!doc.ok() || doc->Find("error") == nullptr) {
      ADD_FAILURE() << "no JSON error object in: " << r.out << r.err;
      return Value::EmptyObject();
    }
    return *doc->Find("error");
  }
};

TEST_F(InputChecksTest, RetireWithReasonOtherNeedsDetailsBeforeTheNodeIsAsked) {
  ASSERT_NO_FATAL_FAILURE(SetUpStory());
  const std::vector<std::string> retire =
      Join({"retire", "--batch", "1", "--quantity", "5", "--beneficiary", "Forum", "--reason",
            "other", "--json"},
           As("organiser"));
  RunResult r = Creg(retire);
  Value error = ErrorOf(r, 2);
  EXPECT_EQ(Str(error, "code"), "USAGE");
  EXPECT_TRUE(Contains(Str(error, "message"), "--details")) << Str(error, "message");
  EXPECT_TRUE(Contains(r.err, "--details")) << r.err;
  // An empty --details is no details either.
  EXPECT_EQ(Creg(Join(retire, {"--details", ""})).exit_code, 2);

  // Refused before any connection: against a port where no node listens it
  // is still the usage error, not "cannot reach the node" (3).
  ClosedPort closed;
  RunResult offline = RunProgram(Join(Join({CregBin()}, retire), {"--node", closed.address()}));
  EXPECT_EQ(offline.exit_code, 2) << offline.out << offline.err;
  EXPECT_TRUE(Contains(offline.err, "--details")) << offline.err;

  EXPECT_EQ(Total("organiser"), 500u);
  // With details it goes through.
  RunResult ok = Creg(Join(retire, {"--details", "staff travel offset"}));
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_EQ(Total("organiser"), 495u);
}

TEST_F(InputChecksTest, RetireHelpSaysReasonOtherNeedsDetails) {
  RunResult help = RunProgram({CregBin(), "retire", "--help"});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  EXPECT_TRUE(Contains(help.out + help.err, "--reason other needs --details")) << help.out;
}

TEST_F(InputChecksTest, SmallOrderKeyFileIsNamedWithTheReason) {
  const std::string pem = Path("identity.pub");
  WriteText(pem, PublicKeyPem(IdentityPoint()));
  RunResult open =
      Creg(Join({"account", "open", "mallory", "--public-key", pem, "--json"}, AsOperator()));
  Value error = ErrorOf(open, 2);
  std::string message = Str(error, "message");
  EXPECT_TRUE(Contains(message, pem)) << message;
  EXPECT_TRUE(Contains(message, "small order")) << message;
  EXPECT_TRUE(Contains(message, "forge")) << message;
  EXPECT_FALSE(Contains(message, "holds neither")) << message;
  EXPECT_FALSE(Str(error, "hint").empty());
  // Nothing was opened.
  EXPECT_NE(Creg({"account", "show", "mallory"}).exit_code, 0);

  // rotate-key reads the new key the same way.
  ASSERT_NO_FATAL_FAILURE(OpenHolder("developer"));
  RunResult rotate = Creg(Join({"account", "rotate-key", "--new-key", pem}, As("developer")));
  EXPECT_EQ(rotate.exit_code, 2) << rotate.out << rotate.err;
  EXPECT_TRUE(Contains(rotate.err, "small order")) << rotate.err;
  EXPECT_TRUE(Contains(rotate.err, pem)) << rotate.err;
}

TEST_F(InputChecksTest, EverySmallOrderAndNonCanonicalKeyFileIsRefusedWithItsReason) {
  struct Case {
    std::string raw;
    const char* reason;
  };
  std::vector<Case> cases;
  for (const std::string& p : SmallOrderPoints()) cases.push_back({p, "small order"});
  for (const std::string& p : NonCanonicalSmallOrderPoints()) cases.push_back({p, "canonical"});
  int n = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(HexEncode(c.raw));
    const std::string pem = Path("weak-" + std::to_string(n++) + ".pub");
    WriteText(pem, PublicKeyPem(c.raw));
    RunResult open = Creg(
        Join({"account", "open", "weak-" + std::to_string(n), "--public-key", pem}, AsOperator()));
    EXPECT_EQ(open.exit_code, 2) << open.out << open.err;
    EXPECT_TRUE(Contains(open.err, c.reason)) << open.err;
    EXPECT_TRUE(Contains(open.err, pem)) << open.err;
  }
}

TEST_F(InputChecksTest, AFileWithNoKeyStillSaysSo) {
  const std::string path = Path("notes.txt");
  WriteText(path, "not a key\n");
  RunResult open = Creg(Join({"account", "open", "someone", "--public-key", path}, AsOperator()));
  EXPECT_EQ(open.exit_code, 2) << open.out << open.err;
  EXPECT_TRUE(Contains(open.err, "holds neither an Ed25519 public key nor a private key"))
      << open.err;
}

TEST_F(InputChecksTest, RefusedFreeTextComesWithAHint) {
  ASSERT_NO_FATAL_FAILURE(SetUpStory());
  // U+202E RIGHT-TO-LEFT OVERRIDE in the beneficiary.
  RunResult r = Creg(Join({"retire", "--batch", "1", "--quantity", "5", "--beneficiary",
                           "ACME \xE2\x80\xAELTD", "--reason", "voluntary-individual", "--json"},
                          As("organiser")));
  Value error = ErrorOf(r, 1);
  EXPECT_EQ(Str(error, "code"), "INVALID_TEXT");
  EXPECT_EQ(Num(error, "code_number"), 29u);
  std::string hint = Str(error, "hint");
  EXPECT_TRUE(Contains(hint, "bidirectional")) << hint;
  EXPECT_EQ(Total("organiser"), 500u);
}

}  // namespace
}  // namespace creg::testing
