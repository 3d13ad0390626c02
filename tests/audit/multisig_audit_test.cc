// creg-audit over a log with multi-signature accounts: verify-log replays
// every threshold (on one thread and several), a stored transaction whose
// signatures no longer meet the threshold is reported at its entry, and the
// certificate of a retirement signed 2-of-3 after a key change verifies.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "creg/log.pb.h"
#include "ledger/canonical_proto.h"
#include "ledger/registry/certificate.h"
#include "ledger/registry/registry.h"
#include "ledger/registry/transaction.h"
#include "tests/audit/audit_fixture.h"

namespace creg::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Entries of the multi-signature part of the log.
struct MultisigStory {
  uint64_t keyed_transfer = 0;    // treasury 2-of-3 (keys 0, 2) pays the organiser
  uint64_t key_change = 0;        // treasury becomes 2-of-2 of keys 3, 4 (signed by 0, 1)
  uint64_t keyed_retirement = 0;  // treasury retires, signed by 3 and 4
};

class MultisigAuditTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    keys_ = new std::vector<PrivateKey>();
    for (int i = 0; i < 5; ++i) keys_->push_back(PrivateKey::Generate().value());
    data_ = new StoryData(*dir_);
    RegistryHarness& h = data_->harness();
    pb::TransactionBody open = h.Body();
    auto* op = open.mutable_open_account();
    op->set_account_id("treasury");
    op->set_role(pb::ROLE_HOLDER);
    op->set_public_key(Raw(0));
    op->add_additional_keys(Raw(1));
    op->add_additional_keys(Raw(2));
    op->set_threshold(2);
    ASSERT_TRUE(IsAccepted(h.Submit(open, RegistryHarness::kOperator)));
    ASSERT_TRUE(IsAccepted(h.TransferQuantity("developer", "treasury", 1, 100)));
    pb::TransactionBody pay = h.Body();
    pay.mutable_transfer()->set_from_account("treasury");
    pay.mutable_transfer()->set_to_account("organiser");
    pay.mutable_transfer()->mutable_credits()->set_batch(1);
    pay.mutable_transfer()->mutable_credits()->set_quantity(10);
    story_.keyed_transfer =
        Index(h.SubmitSigned(SignTransactionKeyed(pay, "treasury", {K(0), K(2)})));
    pb::TransactionBody change = h.Body();
    change.mutable_set_account_keys()->set_account_id("treasury");
    change.mutable_set_account_keys()->add_public_keys(Raw(3));
    change.mutable_set_account_keys()->add_public_keys(Raw(4));
    change.mutable_set_account_keys()->set_threshold(2);
    story_.key_change =
        Index(h.SubmitSigned(SignTransactionKeyed(change, "treasury", {K(0), K(1)})));
    pb::TransactionBody retire = h.Body();
    retire.mutable_retire()->set_account("treasury");
    retire.mutable_retire()->mutable_credits()->set_batch(1);
    retire.mutable_retire()->mutable_credits()->set_quantity(25);
    retire.mutable_retire()->set_beneficiary("Belt and Road Green Development Forum 2026");
    retire.mutable_retire()->set_reason(pb::VOLUNTARY_EVENT_OFFSET);
    story_.keyed_retirement =
        Index(h.SubmitSigned(SignTransactionKeyed(retire, "treasury", {K(3), K(4)})));
    const MerkleLog& log = h.registry().log();
    const Checkpoint head{RegistryHarness::kOrigin, log.size(), log.RootAt(log.size()).value()};
    note_ = new std::string(data_->SignedNote(head));
    WriteText(data_->root() + "/checkpoint", *note_);
    cert_ = new std::string(
        BuildRetirementCertificate(h.registry(), "R" + std::to_string(story_.keyed_retirement),
                                   *note_, log.size())
            .value());
    data_->Close();
  }
  static void TearDownTestSuite() {
    delete cert_;
    delete note_;
    delete data_;
    delete keys_;
    delete dir_;
  }

  static std::string Raw(size_t i) { return keys_->at(i).public_key().raw(); }
  static const PrivateKey* K(size_t i) { return &keys_->at(i); }
  static uint64_t Index(const Verdict& v) {
    EXPECT_TRUE(IsAccepted(v)) << Describe(v);
    return IsAccepted(v) ? AcceptedOf(v).entry_index : 0;
  }

  // A copy of the log with the treasury's transaction at `index` signed
  // by `keys` instead (re-chained, so that only the rules can object).
  std::string Resigned(uint64_t index, std::vector<const PrivateKey*> keys) {
    std::string to = dir_here_.Sub("resigned");
    RewriteLog(data_->root(), to, [&](uint64_t i, pb::LogEntry& entry) {
      if (i != index) return;
      pb::SignedTransaction envelope;
      ASSERT_TRUE(envelope.ParseFromString(entry.signed_transaction()));
      envelope.clear_signatures();
      for (const PrivateKey* key : keys) AddKeyedSignature(envelope, *key);
      entry.set_signed_transaction(SerializeCanonical(envelope));
    });
    return to;
  }

  static TempDir* dir_;
  static std::vector<PrivateKey>* keys_;
  static StoryData* data_;
  static std::string* note_;
  static std::string* cert_;
  static MultisigStory story_;
  TempDir dir_here_;
};

TempDir* MultisigAuditTest::dir_ = nullptr;
std::vector<PrivateKey>* MultisigAuditTest::keys_ = nullptr;
StoryData* MultisigAuditTest::data_ = nullptr;
std::string* MultisigAuditTest::note_ = nullptr;
std::string* MultisigAuditTest::cert_ = nullptr;
MultisigStory MultisigAuditTest::story_;

TEST_F(MultisigAuditTest, VerifyLogReplaysThresholdsOnOneThreadAndSeveral) {
  for (const char* jobs : {"1", "2"}) {
    SCOPED_TRACE(jobs);
    AuditResult r = RunAudit({"verify-log", "--data", data_->root(), "--jobs", jobs});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_THAT(r.output, Not(HasSubstr("FAIL")));
  }
}

TEST_F(MultisigAuditTest, VerifyLogReportsTooFewSignaturesAtTheirEntry) {
  for (const char* jobs : {"1", "2"}) {
    SCOPED_TRACE(jobs);
    std::string root = Resigned(story_.keyed_transfer, {K(2)});
    AuditResult r = RunAudit({"verify-log", "--data", root, "--jobs", jobs});
    EXPECT_NE(r.exit_code, 0) << r.output;
    EXPECT_THAT(r.output, HasSubstr("entry " + std::to_string(story_.keyed_transfer)));
    EXPECT_THAT(r.output, HasSubstr("THRESHOLD_NOT_MET"));
    std::filesystem::remove_all(root);
  }
}

TEST_F(MultisigAuditTest, VerifyLogReportsKeysReplacedByTheThresholdChange) {
  // The retirement signed, validly, by two keys the account held before
  // its key change.
  std::string root = Resigned(story_.keyed_retirement, {K(0), K(1)});
  AuditResult r = RunAudit({"verify-log", "--data", root, "--jobs", "2"});
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("entry " + std::to_string(story_.keyed_retirement)));
  EXPECT_THAT(r.output, HasSubstr("KEY_NOT_ON_ACCOUNT"));
}

TEST_F(MultisigAuditTest, CertificateOfAKeyedRetirementAfterAKeyChangeVerifies) {
  std::string path = dir_here_.Sub("cert.json");
  WriteText(path, *cert_);
  AuditResult r = RunAudit({"verify-cert", path, "--key", data_->VerifierKey()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("VERIFIED retirement"));
}

}  // namespace
}  // namespace creg::testing
