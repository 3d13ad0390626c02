// Black-box tests of `creg-audit verify-cert`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ledger/data_dir.h"
#include "ledger/json.h"
#include "ledger/log_entry.h"
#include "ledger/registry/certificate.h"
#include "ledger/registry/transaction.h"
#include "tests/audit/audit_fixture.h"

namespace creg::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// One story registry for the suite; each test gets its own certificate file.
class VerifyCertCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    base_dir_ = new TempDir();
    base_ = new StoryData(*base_dir_);
    const Story& story = base_->story();
    cert_ = new std::string(BuildRetirementCertificate(base_->harness().registry(),
                                                       "R" + std::to_string(story.retirement),
                                                       base_->Note(story.size), story.size)
                                .value());
    // The multi-block retirement re-signed as a non-canonical body.
    const uint64_t index = story.multi_retirement;
    std::string stored = base_->harness().registry().log().Entry(index).value();
    auto tx = PrepareTransaction(DecodeLogEntry(stored).value().signed_transaction());
    std::string body = TwoOperationBody(std::get<PreparedTransaction>(tx).body);
    non_canonical_cert_ = new std::string(CertificateWithEntry(
        *base_, index, WithSignedBody(stored, body, base_->harness().KeyOf("organiser"))));
    base_->Close();
  }
  static void TearDownTestSuite() {
    delete non_canonical_cert_;
    delete cert_;
    delete base_;
    delete base_dir_;
  }
  VerifyCertCliTest() : cert_path_(dir_.Sub("cert.json")) { WriteText(cert_path_, *cert_); }

  static TempDir* base_dir_;
  static StoryData* base_;
  static std::string* cert_;
  static std::string* non_canonical_cert_;
  StoryData& data_ = *base_;
  TempDir dir_;
  std::string cert_path_;
};

TempDir* VerifyCertCliTest::base_dir_ = nullptr;
StoryData* VerifyCertCliTest::base_ = nullptr;
std::string* VerifyCertCliTest::cert_ = nullptr;
std::string* VerifyCertCliTest::non_canonical_cert_ = nullptr;

TEST_F(VerifyCertCliTest, PrintsWhatTheCertificateProves) {
  AuditResult r = RunAudit({"verify-cert", cert_path_, "--key", data_.VerifierKey()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output,
              HasSubstr("VERIFIED retirement R" + std::to_string(data_.story().retirement)));
  EXPECT_THAT(r.output, HasSubstr("organiser retired 120 t CO2e"));
  EXPECT_THAT(r.output, HasSubstr(Story::kBeneficiary));
  EXPECT_THAT(r.output, HasSubstr("vintage 2025-01-01 to 2025-12-31"));
  EXPECT_THAT(r.output, HasSubstr("project ke-cookstoves-001"));
  EXPECT_THAT(r.output,
              HasSubstr("in the log of " + std::to_string(data_.story().size) + " entries"));
  EXPECT_THAT(r.output, HasSubstr(RegistryHarness::kOrigin));
}

TEST_F(VerifyCertCliTest, ReadsStandardInputAndKeyFiles) {
  AuditResult r =
      RunAudit({"verify-cert", "-", "--key", data_.root() + "/verifier.key"}, cert_path_);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("VERIFIED"));
}

TEST_F(VerifyCertCliTest, NamesTheFailedCheck) {
  json::Value doc = json::Parse(ReadFile(cert_path_).value()).value();
  doc.Find("retirement")->Set("beneficiary", "Someone Else");
  WriteText(cert_path_, json::Serialize(doc));
  AuditResult r = RunAudit({"verify-cert", cert_path_, "--key", data_.VerifierKey()});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("FAILED check 'summary'"));
  EXPECT_THAT(r.output, HasSubstr("retirement.beneficiary"));
  EXPECT_THAT(r.output, HasSubstr("Someone Else"));
}

TEST_F(VerifyCertCliTest, NonCanonicalEntryIsNotVerified) {
  // Every proof and signature checks; protobuf alone would read the retire.
  WriteText(cert_path_, *non_canonical_cert_);
  AuditResult r = RunAudit({"verify-cert", cert_path_, "--key", data_.VerifierKey()});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, Not(HasSubstr("VERIFIED")));
  EXPECT_THAT(r.output, HasSubstr("FAILED check 'entry'"));
  EXPECT_THAT(r.output, HasSubstr("entry " + std::to_string(data_.story().multi_retirement) +
                                  ": MALFORMED: transaction body is not in canonical form"));
}

TEST_F(VerifyCertCliTest, RefusesAnotherRegistrysKey) {
  NoteSigner other = NoteSigner::Create("other-log", PrivateKey::Generate().value()).value();
  AuditResult r = RunAudit({"verify-cert", cert_path_, "--key", other.VerifierKey()});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("FAILED check 'checkpoint'"));
}

TEST_F(VerifyCertCliTest, ExitCodesForUsageAndUnreadableInput) {
  EXPECT_EQ(RunAudit({}).exit_code, 2);
  EXPECT_EQ(RunAudit({"no-such-command"}).exit_code, 2);
  EXPECT_EQ(RunAudit({"--help"}).exit_code, 0);
  EXPECT_EQ(RunAudit({"verify-cert", "--help"}).exit_code, 0);
  EXPECT_EQ(RunAudit({"verify-cert", cert_path_}).exit_code, 2);  // no --key
  EXPECT_EQ(RunAudit({"verify-cert", cert_path_, "--key", "bad+key+x"}).exit_code, 2);
  EXPECT_EQ(
      RunAudit({"verify-cert", cert_path_, "--key", data_.VerifierKey(), "--bogus", "1"}).exit_code,
      2);
  AuditResult missing =
      RunAudit({"verify-cert", dir_.Sub("missing.json"), "--key", data_.VerifierKey()});
  EXPECT_EQ(missing.exit_code, 3) << missing.output;
  EXPECT_EQ(RunAudit({"verify-cert", cert_path_, "--key", dir_.Sub("missing.key")}).exit_code, 3);
}

}  // namespace
}  // namespace creg::testing
