// creg-audit against logs written before keys of small order were refused:
// the story's log rewritten so that the organiser's account was opened with
// such a key and everything the organiser signed with it is a forgery made
// without any secret. verify-log must name the entry that set the key, and
// verify-cert must not call the forged retirement VERIFIED.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "creg/log.pb.h"
#include "ledger/encoding.h"
#include "ledger/hash.h"
#include "ledger/json.h"
#include "ledger/log_entry.h"
#include "ledger/merkle_log.h"
#include "ledger/registry/certificate.h"
#include "ledger/registry/registry.h"
#include "ledger/registry/transaction.h"
#include "ledger/store.h"
#include "tests/audit/audit_fixture.h"
#include "tests/support/ed25519_forgery.h"

namespace creg::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kVictim = "organiser";

class WeakKeyAuditTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    base_dir_ = new TempDir();
    base_ = new StoryData(*base_dir_);
    const Story& story = base_->story();
    operator_pem_ = new std::string(base_->harness().KeyOf(RegistryHarness::kOperator).ToPem());
    cert_ = new std::string(BuildRetirementCertificate(base_->harness().registry(),
                                                       "R" + std::to_string(story.retirement),
                                                       base_->Note(story.size), story.size)
                                .value());
    base_->Close();
  }
  static void TearDownTestSuite() {
    delete cert_;
    delete operator_pem_;
    delete base_;
    delete base_dir_;
  }

  // The story's log with the victim's account opened with `key` (signed by
  // the operator, as a registry that did not check keys would have taken
  // it) and each transaction the victim signed before its key rotation
  // (its retirement and the rotation itself) forged under `key`. An empty
  // `key` leaves the log as it is. Sets open_index_.
  std::string RewrittenLog(const std::string& key) {
    std::string root = dir_.Sub("rewritten");
    const PrivateKey operator_key = PrivateKey::FromPem(*operator_pem_).value();
    bool rotated = false;
    RewriteLog(base_->root(), root, [&](uint64_t i, pb::LogEntry& entry) {
      pb::SignedTransaction tx;
      ASSERT_TRUE(tx.ParseFromString(entry.signed_transaction()));
      pb::TransactionBody body;
      ASSERT_TRUE(body.ParseFromString(tx.body()));
      if (body.has_open_account() && body.open_account().account_id() == kVictim) {
        open_index_ = i;
        if (key.empty()) return;
        body.mutable_open_account()->set_public_key(key);
        entry.set_signed_transaction(SignTransaction(body, tx.signer(), operator_key));
        pb::SignedTransaction resigned;
        ASSERT_TRUE(resigned.ParseFromString(entry.signed_transaction()));
        entry.mutable_effects()->set_tx_id(Sha256(resigned.body()).str());
      } else if (tx.signer() == kVictim && !rotated && !key.empty()) {
        tx.set_signature(ForgeUnderSmallOrderKey(key, TransactionSigningMessage(tx.body())));
        ASSERT_EQ(tx.signature().size(), 64u);
        entry.set_signed_transaction(tx.SerializeAsString());
        rotated = body.has_rotate_key();
      }
    });
    return root;
  }

  // The story's certificate of the first retirement with every entry and
  // proof taken from the log at `root` instead, under a checkpoint of that
  // log signed with the registry's key.
  std::string CertificateFrom(const std::string& root) {
    StoreOptions options;
    std::unique_ptr<Store> store =
        Store::Open(root + "/db", options, Registry::ColumnNames()).value();
    std::unique_ptr<MerkleLog> log = MerkleLog::Open(store.get(), LogEntryLinkReader()).value();
    const uint64_t size = log->head().size;
    auto reprove = [&](json::Value& item) {
      const uint64_t index = item.GetUint("entry_index").value();
      item.Set("entry", Base64Encode(log->Entry(index).value()));
      json::Array hashes;
      for (const Hash& h : log->InclusionProof(index, size).value()) {
        hashes.emplace_back(h.ToBase64());
      }
      item.Set("inclusion_proof", std::move(hashes));
    };
    json::Value doc = json::Parse(*cert_).value();
    reprove(doc);
    for (const char* list : {"accounts", "issuances", "projects"}) {
      for (json::Value& item : doc.Find(list)->as_array()) reprove(item);
    }
    doc.Set("checkpoint", base_->SignedNote(Checkpoint{RegistryHarness::kOrigin, size,
                                                       log->RootAt(size).value()}));
    std::string path = dir_.Sub("cert.json");
    WriteText(path, json::Serialize(doc));
    return path;
  }

  static TempDir* base_dir_;
  static StoryData* base_;
  static std::string* operator_pem_;
  static std::string* cert_;
  TempDir dir_;
  uint64_t open_index_ = 0;
};

TempDir* WeakKeyAuditTest::base_dir_ = nullptr;
StoryData* WeakKeyAuditTest::base_ = nullptr;
std::string* WeakKeyAuditTest::operator_pem_ = nullptr;
std::string* WeakKeyAuditTest::cert_ = nullptr;

TEST_F(WeakKeyAuditTest, VerifyLogNamesTheEntryThatSetASmallOrderKey) {
  // The identity point and a point of order 8.
  for (const std::string& key : {SmallOrderPoints()[0], SmallOrderPoints()[4]}) {
    SCOPED_TRACE(HexEncode(key));
    std::string root = RewrittenLog(key);
    AuditResult r = RunAudit({"verify-log", "--data", root});
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_THAT(r.output, HasSubstr("FAILED entry " + std::to_string(open_index_) + ":"));
    EXPECT_THAT(r.output, HasSubstr("INVALID_KEY"));
    EXPECT_THAT(r.output, HasSubstr("public key of account '" + std::string(kVictim) +
                                    "' is refused: the key is a point of small order"));
    std::filesystem::remove_all(root);
  }
}

// The rebuilt certificate of an untouched log verifies: what the next test
// finds is the key, not the way the certificate was put together.
TEST_F(WeakKeyAuditTest, CertificateRebuiltFromTheSameLogVerifies) {
  std::string cert = CertificateFrom(RewrittenLog(""));
  AuditResult r = RunAudit({"verify-cert", cert, "--key", base_->VerifierKey()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("VERIFIED retirement"));
}

TEST_F(WeakKeyAuditTest, VerifyCertDoesNotVerifyARetirementForgedUnderASmallOrderKey) {
  for (const std::string& key : {SmallOrderPoints()[0], SmallOrderPoints()[6]}) {
    SCOPED_TRACE(HexEncode(key));
    std::string root = RewrittenLog(key);
    AuditResult r = RunAudit({"verify-cert", CertificateFrom(root), "--key", base_->VerifierKey()});
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_THAT(r.output, Not(HasSubstr("VERIFIED")));
    EXPECT_THAT(r.output, HasSubstr("FAILED check 'accounts'"));
    EXPECT_THAT(r.output, HasSubstr("entry " + std::to_string(open_index_) +
                                    ": sets a public key that is refused"));
    EXPECT_THAT(r.output, HasSubstr("small order"));
    std::filesystem::remove_all(root);
  }
}

}  // namespace
}  // namespace creg::testing
