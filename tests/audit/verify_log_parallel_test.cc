// Black-box tests of `creg-audit verify-log --jobs`: signatures checked on
// worker threads ahead of the replay, on logs long enough to span many
// windows. A key rotation mid-log is honoured, and a bad signature deep in
// the log is reported at its entry, in log order with the other checks'
// problems, exactly as with one job.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "creg/log.pb.h"
#include "ledger/registry/transaction.h"
#include "ledger/tree_record.h"
#include "tests/audit/audit_fixture.h"

namespace creg::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr uint64_t kTransfers = 1500;   // about six windows of signatures
constexpr uint64_t kRotateAfter = 700;  // transfers before the holder rotates its key

std::string BadSignature(uint64_t index, const std::string& account) {
  return "FAILED entry " + std::to_string(index) +
         ": the registry rules do not accept it as stored: stored transaction is refused: "
         "BAD_SIGNATURE: signature does not verify with the current key of account '" +
         account + "'";
}

class VerifyLogParallelTest : public ::testing::Test {
 protected:
  // A log of the transfers of one credit from "holder" to "receiver", with
  // "holder" rotating its key after kRotateAfter of them.
  static void SetUpTestSuite() {
    base_dir_ = new TempDir();
    base_root_ = new std::string(base_dir_->Sub("data"));
    std::filesystem::create_directories(*base_root_);
    RegistryHarness h(*base_dir_, "data/db");
    ASSERT_TRUE(IsAccepted(h.OpenAccount("holder")));
    ASSERT_TRUE(IsAccepted(h.OpenAccount("receiver")));
    ASSERT_TRUE(IsAccepted(h.RegisterProject("ke-cookstoves-001", "holder")));
    ASSERT_TRUE(IsAccepted(h.Issue("ke-cookstoves-001", 10'000, "holder", "VR-1")));
    for (uint64_t i = 0; i < kTransfers; ++i) {
      if (i == kRotateAfter) {
        old_key_pem_ = new std::string(h.KeyOf("holder").ToPem());
        PrivateKey old_key = PrivateKey::FromPem(*old_key_pem_).value();
        const PrivateKey& fresh = h.NewKeyFor("holder");
        pb::TransactionBody rotate = h.Body();
        rotate.mutable_rotate_key()->set_account_id("holder");
        rotate.mutable_rotate_key()->set_new_public_key(fresh.public_key().raw());
        Verdict v = h.SubmitSigned(SignTransaction(rotate, "holder", old_key));
        ASSERT_TRUE(IsAccepted(v)) << Describe(v);
        rotation_ = AcceptedOf(v).entry_index;
        new_key_pem_ = new std::string(fresh.ToPem());
      }
      Verdict v = h.TransferQuantity("holder", "receiver", 1, 1);
      ASSERT_TRUE(IsAccepted(v)) << Describe(v);
    }
    size_ = h.registry().log().size();
  }
  static void TearDownTestSuite() {
    delete old_key_pem_;
    delete new_key_pem_;
    delete base_root_;
    delete base_dir_;
  }

  AuditResult Verify(const std::string& root, std::vector<std::string> extra) {
    std::vector<std::string> args = {"verify-log", "--data", root};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunAudit(args);
  }

  // A rewritten log in which entry `index` is signed by `key` instead.
  std::string ResignedAt(uint64_t index, const PrivateKey& key) {
    std::string root = dir_.Sub("resigned");
    RewriteLog(*base_root_, root, [&](uint64_t i, pb::LogEntry& entry) {
      if (i != index) return;
      pb::SignedTransaction tx;
      ASSERT_TRUE(tx.ParseFromString(entry.signed_transaction()));
      pb::TransactionBody body;
      ASSERT_TRUE(body.ParseFromString(tx.body()));
      entry.set_signed_transaction(SignTransaction(body, tx.signer(), key));
    });
    return root;
  }

  static TempDir* base_dir_;
  static std::string* base_root_;
  static std::string* old_key_pem_;
  static std::string* new_key_pem_;
  static uint64_t rotation_;
  static uint64_t size_;
  TempDir dir_;
};

TempDir* VerifyLogParallelTest::base_dir_ = nullptr;
std::string* VerifyLogParallelTest::base_root_ = nullptr;
std::string* VerifyLogParallelTest::old_key_pem_ = nullptr;
std::string* VerifyLogParallelTest::new_key_pem_ = nullptr;
uint64_t VerifyLogParallelTest::rotation_ = 0;
uint64_t VerifyLogParallelTest::size_ = 0;

TEST_F(VerifyLogParallelTest, KeyRotatedMidLogIsHonoured) {
  for (const char* jobs : {"1", "2", "3"}) {
    AuditResult r = Verify(*base_root_, {"--jobs", jobs});
    EXPECT_EQ(r.exit_code, 0) << "--jobs " << jobs << "\n" << r.output;
    EXPECT_THAT(r.output, HasSubstr("replayed:     " + std::to_string(size_) + " entries"));
    EXPECT_THAT(r.output, HasSubstr("(stored = replayed)"));
  }
}

TEST_F(VerifyLogParallelTest, ForgedSignatureDeepInTheLogIsReportedAtItsEntry) {
  const uint64_t forged = size_ - 300;
  std::string root = ResignedAt(forged, PrivateKey::Generate().value());
  for (const char* jobs : {"1", "2"}) {
    AuditResult r = Verify(root, {"--jobs", jobs});
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_THAT(r.output, HasSubstr(BadSignature(forged, "holder")));
    EXPECT_THAT(r.output, HasSubstr("FAILED: 1 problem (stopped at the first"));
  }
}

TEST_F(VerifyLogParallelTest, OldKeyAfterTheRotationIsRefused) {
  const uint64_t forged = rotation_ + 200;
  std::string root = ResignedAt(forged, PrivateKey::FromPem(*old_key_pem_).value());
  AuditResult r = Verify(root, {"--jobs", "2", "--keep-going"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr(BadSignature(forged, "holder")));
  EXPECT_THAT(r.output, HasSubstr("the replay stopped at entry " + std::to_string(forged)));
}

TEST_F(VerifyLogParallelTest, NewKeyBeforeTheRotationIsRefused) {
  // Signed with the key the holder only gets at the rotation.
  const uint64_t forged = rotation_ - 100;
  std::string root = ResignedAt(forged, PrivateKey::FromPem(*new_key_pem_).value());
  AuditResult r = Verify(root, {"--jobs", "2"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr(BadSignature(forged, "holder")));
}

TEST_F(VerifyLogParallelTest, ProblemsAreReportedInLogOrder) {
  // A forged signature, and a damaged Merkle node shortly after it, which
  // the entry scan reaches long before the replay reaches the signature.
  const uint64_t forged = size_ - 400;
  const uint64_t damaged = forged + 101;  // odd: it completes a level-1 node
  const uint64_t tile = tree_record::TileStart(damaged);
  std::string root = ResignedAt(forged, PrivateKey::Generate().value());
  EditRecord(root, "log.tree", IndexKey(tile), [&](std::string& record) {
    // The level-1 node over damaged-1 and damaged (ledger/tree_record.h).
    const size_t slot = tree_record::Slot(1, damaged / 2);
    ASSERT_GE(record.size(), (slot + 1) * 32);
    record[slot * 32 + 3] ^= 0x01;
  });
  std::string node_problem = "FAILED Merkle node record of entries " + std::to_string(tile) + "-" +
                             std::to_string(tile + 15) + " (log.tree)";

  AuditResult first = Verify(root, {"--jobs", "2"});
  EXPECT_EQ(first.exit_code, 1) << first.output;
  EXPECT_THAT(first.output, HasSubstr(BadSignature(forged, "holder")));
  EXPECT_THAT(first.output, Not(HasSubstr(node_problem)));
  EXPECT_THAT(first.output, HasSubstr("FAILED: 1 problem"));

  AuditResult all = Verify(root, {"--jobs", "2", "--keep-going"});
  EXPECT_EQ(all.exit_code, 1) << all.output;
  size_t signature_at = all.output.find(BadSignature(forged, "holder"));
  size_t node_at = all.output.find(node_problem);
  ASSERT_NE(signature_at, std::string::npos) << all.output;
  ASSERT_NE(node_at, std::string::npos) << all.output;
  EXPECT_LT(signature_at, node_at) << all.output;
}

TEST_F(VerifyLogParallelTest, JobsMustBeAPositiveNumber) {
  EXPECT_EQ(Verify(*base_root_, {"--jobs", "0"}).exit_code, 2);
  EXPECT_EQ(Verify(*base_root_, {"--jobs", "many"}).exit_code, 2);
  EXPECT_EQ(Verify(*base_root_, {"--jobs"}).exit_code, 2);
}

}  // namespace
}  // namespace creg::testing
