// Black-box tests of `creg-audit verify-log`: a clean registry, and copies
// of it damaged through the Store API, one kind of damage per test.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "creg/log.pb.h"
#include "creg/state.pb.h"
#include "ledger/data_dir.h"
#include "ledger/encoding.h"
#include "ledger/registry/registry.h"
#include "ledger/registry/transaction.h"
#include "ledger/tree_record.h"
#include "tests/audit/audit_fixture.h"

namespace creg::testing {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

class VerifyLogCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    base_dir_ = new TempDir();
    base_ = new StoryData(*base_dir_);
    organiser_pem_ = new std::string(base_->harness().KeyOf("organiser").ToPem());
    base_->Close();
  }
  static void TearDownTestSuite() {
    delete organiser_pem_;
    delete base_;
    delete base_dir_;
  }

  VerifyLogCliTest() : data_(dir_.Sub("copy")) { CopyDataDir(base_->root(), data_); }

  AuditResult Verify(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"verify-log", "--data", data_};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunAudit(args);
  }
  const Story& story() const { return base_->story(); }

  static TempDir* base_dir_;
  static StoryData* base_;
  static std::string* organiser_pem_;  // the organiser's key after its rotation
  TempDir dir_;
  std::string data_;
};

// verify-log failed because the replay refused entry `index` with
// `refusal` ("MALFORMED: ...").
void ExpectRefusedOnReplay(const AuditResult& r, uint64_t index, const std::string& refusal) {
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("FAILED entry " + std::to_string(index) +
                                  ": the registry rules do not accept it as stored: stored "
                                  "transaction is refused: " +
                                  refusal));
  EXPECT_THAT(r.output, Not(HasSubstr("VERIFIED")));
}

TempDir* VerifyLogCliTest::base_dir_ = nullptr;
StoryData* VerifyLogCliTest::base_ = nullptr;
std::string* VerifyLogCliTest::organiser_pem_ = nullptr;

TEST_F(VerifyLogCliTest, NonCanonicalBodyIsReportedAtItsEntry) {
  // The multi-block retirement re-signed by its own signer as two
  // operations: protobuf reads the same retire, so the replay alone would
  // resolve the same entry.
  const uint64_t index = story().multi_retirement;
  PrivateKey key = PrivateKey::FromPem(*organiser_pem_).value();
  std::string root = dir_.Sub("non-canonical");
  RewriteLog(base_->root(), root, [&](uint64_t i, pb::LogEntry& entry) {
    if (i != index) return;
    pb::SignedTransaction tx;
    ASSERT_TRUE(tx.ParseFromString(entry.signed_transaction()));
    pb::TransactionBody body;
    ASSERT_TRUE(body.ParseFromString(tx.body()));
    std::string bytes = TwoOperationBody(body);
    tx.set_body(bytes);
    tx.set_signature(key.Sign(TransactionSigningMessage(bytes)));
    entry.set_signed_transaction(tx.SerializeAsString());
  });
  ExpectRefusedOnReplay(RunAudit({"verify-log", "--data", root, "--keep-going"}), index,
                        "MALFORMED: transaction body is not in canonical form: fields 10 "
                        "(open_account) and 16 (retire) of TransactionBody are both set");
}

TEST_F(VerifyLogCliTest, CleanRegistryVerifiesAndReconciles) {
  AuditResult r = Verify({"--key", base_->VerifierKey()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("VERIFIED"));
  // The scratch registry the replay makes is new: no storage noise.
  EXPECT_THAT(r.output, Not(HasSubstr("rocksdb")));
  EXPECT_THAT(r.output, HasSubstr("entries:      " + std::to_string(story().size)));
  EXPECT_THAT(r.output, HasSubstr("checkpoint:   size " + std::to_string(story().size)));
  // The digest computed while comparing the states is the registry's own.
  {
    StoreOptions options;
    options.read_only = true;
    auto store = Store::Open(DataDir(data_).db_path(), options, Registry::ColumnNames());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto registry = Registry::Open(store->get(), {});
    ASSERT_TRUE(registry.ok()) << registry.status().ToString();
    EXPECT_THAT(r.output, HasSubstr("state digest: " + (*registry)->StateDigest().value().ToHex() +
                                    " (stored = replayed)"));
  }
  // issued, retired, cancelled, outstanding
  EXPECT_THAT(r.output,
              ContainsRegex("ke-cookstoves-001 +2025-01-01..2025-12-31 +1000 +130 +10 +860"));
  EXPECT_THAT(r.output, ContainsRegex("cn-wind-002 +2025-01-01..2025-12-31 +500 +5 +0 +495"));
  EXPECT_THAT(r.output, ContainsRegex("total +1500 +135 +10 +1355"));
}

TEST_F(VerifyLogCliTest, LabelledRunsAlteredInAMoveAreFoundOnReplay) {
  // The story labels batch 1 serials 1-125 ccp before the organiser
  // retires 1-120: that retirement's entry records the labelled run. An
  // entry that claims another label, re-chained so every hash checks out,
  // is not what replaying the log resolves.
  const uint64_t index = story().retirement;
  std::string root = dir_.Sub("relabelled");
  RewriteLog(base_->root(), root, [&](uint64_t i, pb::LogEntry& entry) {
    if (i != index) return;
    ASSERT_EQ(entry.effects().attributed_size(), 1);
    entry.mutable_effects()->mutable_attributed(0)->mutable_attributes()->set_labels(0, "ccb");
  });
  AuditResult r = RunAudit({"verify-log", "--data", root, "--keep-going"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("FAILED entry " + std::to_string(index) + ": "));
  EXPECT_THAT(r.output, HasSubstr("different effects"));
  EXPECT_THAT(r.output, Not(HasSubstr("VERIFIED")));
}

TEST_F(VerifyLogCliTest, Article6RunsAlteredInAMoveAreFoundOnReplay) {
  // The story's second retirement uses credits Ghana authorised for ndc and
  // oimp: its entry records them with their adjustment status. An entry
  // that claims them applied already, re-chained so every hash checks out,
  // is not what replaying the log resolves.
  const uint64_t index = story().multi_retirement;
  std::string root = dir_.Sub("adjusted");
  RewriteLog(base_->root(), root, [&](uint64_t i, pb::LogEntry& entry) {
    if (i != index) return;
    ASSERT_GT(entry.effects().attributed_size(), 0);
    ASSERT_TRUE(entry.effects().attributed(0).attributes().has_authorization());
    entry.mutable_effects()->mutable_attributed(0)->mutable_attributes()->set_adjustment(
        pb::ADJUSTMENT_APPLIED);
  });
  AuditResult r = RunAudit({"verify-log", "--data", root, "--keep-going"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("FAILED entry " + std::to_string(index) + ": "));
  EXPECT_THAT(r.output, HasSubstr("different effects"));
  EXPECT_THAT(r.output, Not(HasSubstr("VERIFIED")));
}

// The story's leader term is signed by the registry's checkpoint key:
// CleanRegistryVerifiesAndReconciles passes with it; without the key the
// term cannot be checked, and one signed by another key is found.
TEST_F(VerifyLogCliTest, LeaderTermsNeedTheRegistrysKey) {
  std::filesystem::remove(DataDir(data_).verifier_key_path());
  ExpectRefusedOnReplay(Verify(), story().term,
                        "BAD_SIGNATURE: the signature of a leader term (signer @registry) cannot "
                        "be checked without the registry's key");
}

TEST_F(VerifyLogCliTest, ALeaderTermSignedByAnotherKeyIsFound) {
  const uint64_t index = story().term;
  const PrivateKey forger = PrivateKey::Generate().value();
  std::string root = dir_.Sub("forged-term");
  RewriteLog(base_->root(), root, [&](uint64_t i, pb::LogEntry& entry) {
    if (i == index) entry.set_signed_transaction(Resigned(entry.signed_transaction(), forger));
  });
  ExpectRefusedOnReplay(
      RunAudit({"verify-log", "--data", root, "--key", base_->VerifierKey(), "--keep-going"}),
      index,
      "BAD_SIGNATURE: the signature of the leader term (signer @registry) does not verify with "
      "the registry's key");
}

TEST_F(VerifyLogCliTest, UsesTheDataFoldersKeyWhenNoneIsGiven) {
  AuditResult r = Verify();
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("the data folder's own copy"));
}

TEST_F(VerifyLogCliTest, CheckpointOfAnotherKeyFails) {
  NoteSigner other = NoteSigner::Create("other-log", PrivateKey::Generate().value()).value();
  AuditResult r = Verify({"--key", other.VerifierKey()});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("FAILED checkpoint"));
}

TEST_F(VerifyLogCliTest, ChangedEntryByteIsLocated) {
  const uint64_t index = 5;
  EditRecord(data_, "log.entries", IndexKey(index), [](std::string& bytes) {
    pb::LogEntry entry;
    ASSERT_TRUE(entry.ParseFromString(bytes));
    pb::SignedTransaction tx;
    ASSERT_TRUE(tx.ParseFromString(entry.signed_transaction()));
    size_t at = bytes.find(tx.signature());
    ASSERT_NE(at, std::string::npos);
    bytes[at + 10] ^= 0x40;  // Still decodes; no longer the bytes that were hashed.
  });
  AuditResult r = Verify();
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("FAILED entry 5: the leaf hash of the stored entry bytes"));
  EXPECT_THAT(r.output, HasSubstr("expected: "));
  EXPECT_THAT(r.output, Not(HasSubstr("VERIFIED")));
}

TEST_F(VerifyLogCliTest, ChangedMerkleNodeIsLocated) {
  // The record of tile 0-15 holds the nodes its leaves complete, in the
  // order they complete (ledger/tree_record.h); damage level 2 (entries 4-7).
  EditRecord(data_, "log.tree", IndexKey(0), [](std::string& record) {
    ASSERT_GE(record.size(), (tree_record::Slot(2, 1) + 1) * 32);
    record[tree_record::Slot(2, 1) * 32 + 5] ^= 0x01;
  });
  AuditResult r = Verify();
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("FAILED Merkle node record of entries 0-15 (log.tree): the "
                                  "node at level 2 (entries 4-7)"));
}

TEST_F(VerifyLogCliTest, ChangedLeafNodeIsLocated) {
  EditRecord(data_, "log.tree", IndexKey(0),
             [](std::string& record) { record[tree_record::Slot(0, 4) * 32 + 7] ^= 0x01; });
  AuditResult r = Verify();
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("FAILED entry 4: the leaf hash of the stored entry bytes"));
  EXPECT_THAT(r.output, Not(HasSubstr("entry 5")));
}

TEST_F(VerifyLogCliTest, MissingTileRecordIsLocated) {
  WriteRecord(data_, "log.tree", IndexKey(0), std::nullopt);
  AuditResult r = Verify();
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("FAILED Merkle node record of entries 0-15 (log.tree): is "
                                  "missing"));
}

TEST_F(VerifyLogCliTest, ShortTileRecordIsLocated) {
  // Cut after entry 9's nodes: a well-formed record that stops too early.
  EditRecord(data_, "log.tree", IndexKey(0), [](std::string& record) {
    ASSERT_GT(record.size(), tree_record::HashCount(9) * 32);
    record.resize(tree_record::HashCount(9) * 32);
  });
  AuditResult r = Verify();
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("FAILED Merkle node record of entries 0-15 (log.tree): ends "
                                  "before the nodes of entry 10"));
}

TEST_F(VerifyLogCliTest, TileRecordOfTheWrongLengthIsLocated) {
  EditRecord(data_, "log.tree", IndexKey(0), [](std::string& record) { record.push_back('x'); });
  AuditResult r = Verify();
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("FAILED Merkle node record of entries 0-15 (log.tree): has the "
                                  "wrong length"));
}

TEST_F(VerifyLogCliTest, LastTileRecordReachingPastTheLogIsLocated) {
  // The last tile's record made as long as if one more entry were there.
  const uint64_t last = story().size - 1;
  ASSERT_FALSE(tree_record::EndsTile(last)) << "the story must end inside a tile";
  const uint64_t start = tree_record::TileStart(last);
  EditRecord(data_, "log.tree", IndexKey(start), [&](std::string& record) {
    ASSERT_EQ(record.size(), tree_record::HashCount(last) * 32);
    record.resize(tree_record::HashCount(last + 1) * 32, 'x');
  });
  AuditResult r = Verify();
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("FAILED Merkle node record of entries " + std::to_string(start) +
                                  "-" + std::to_string(start + 15) +
                                  " (log.tree): holds nodes of entries past the last one (" +
                                  std::to_string(last) + ")"));
}

TEST_F(VerifyLogCliTest, TreeRecordsUnderKeysOfNoTileAreLocated) {
  // One inside the first tile, one sorting just after the last entry's key
  // (the scan reports the first, the check past the end the second).
  const uint64_t last = story().size - 1;
  WriteRecord(data_, "log.tree", IndexKey(1), std::string(32, 'a'));
  WriteRecord(data_, "log.tree", IndexKey(last) + "x", std::string(32, 'b'));
  AuditResult r = Verify({"--keep-going"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("FAILED log.tree: holds a record under a key that is no tile's"));
  EXPECT_THAT(r.output, HasSubstr("found:    " + HexEncode(IndexKey(1)) + " (1)\n"));
  EXPECT_THAT(r.output,
              HasSubstr("FAILED log.tree: holds a Merkle node record past the last entry"));
  EXPECT_THAT(r.output, HasSubstr("found:    " + HexEncode(IndexKey(last) + "x") + "\n"));
}

TEST_F(VerifyLogCliTest, ChangedStateRecordIsLocated) {
  std::vector<std::string> keys = ColumnKeys(data_, "reg.blocks");
  ASSERT_FALSE(keys.empty());
  EditRecord(data_, "reg.blocks", keys[0], [](std::string& value) {
    pb::BlockRecord block;
    ASSERT_TRUE(block.ParseFromString(value));
    block.set_owner("mallory");
    value = block.SerializeAsString();
  });
  AuditResult r = Verify();
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output,
              HasSubstr("FAILED state record reg.blocks[batch 1, block ending at serial"));
  EXPECT_THAT(r.output, HasSubstr("owner: \"mallory\""));
}

TEST_F(VerifyLogCliTest, ChangedHeadIsLocated) {
  EditRecord(data_, "log.meta", "head", [](std::string& head) {
    head[20] ^= 0x01;  // a byte of the root
  });
  AuditResult r = Verify();
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("FAILED head (log.meta): root is not the root"));
}

TEST_F(VerifyLogCliTest, DeletedEntryIsLocated) {
  WriteRecord(data_, "log.entries", IndexKey(4), std::nullopt);
  AuditResult r = Verify();
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("FAILED entry 4: missing from log.entries"));
}

TEST_F(VerifyLogCliTest, SwappedEntriesAreLocated) {
  std::optional<std::string> third = ReadRecord(data_, "log.entries", IndexKey(3));
  std::optional<std::string> fourth = ReadRecord(data_, "log.entries", IndexKey(4));
  ASSERT_TRUE(third.has_value() && fourth.has_value());
  WriteRecord(data_, "log.entries", IndexKey(3), fourth);
  WriteRecord(data_, "log.entries", IndexKey(4), third);
  AuditResult r = Verify({"--keep-going"});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output,
              HasSubstr("FAILED entry 3: the entry stored at position 3 carries index 4"));
  EXPECT_THAT(r.output,
              HasSubstr("FAILED entry 4: the entry stored at position 4 carries index 3"));
}

TEST_F(VerifyLogCliTest, KeepGoingListsEveryProblem) {
  EditRecord(data_, "log.entries", IndexKey(2), [](std::string& bytes) { bytes.back() ^= 0x01; });
  EditRecord(data_, "log.tree", IndexKey(0), [](std::string& record) {
    record[tree_record::Slot(1, 5) * 32 + 1] ^= 0x01;  // level 1: entries 10-11
  });
  AuditResult first = Verify();
  EXPECT_EQ(first.exit_code, 1) << first.output;
  EXPECT_THAT(first.output, HasSubstr("FAILED entry 2"));
  EXPECT_THAT(first.output, Not(HasSubstr("entry 11")));
  EXPECT_THAT(first.output, HasSubstr("stopped at the first"));

  AuditResult all = Verify({"--keep-going"});
  EXPECT_EQ(all.exit_code, 1) << all.output;
  EXPECT_THAT(all.output, HasSubstr("FAILED entry 2"));
  EXPECT_THAT(all.output, HasSubstr("FAILED Merkle node record of entries 0-15 (log.tree)"));
  EXPECT_THAT(all.output, HasSubstr("the log was rewritten after it was signed"));
  EXPECT_THAT(all.output, HasSubstr("the replay stopped at entry 2"));
}

TEST_F(VerifyLogCliTest, CheckpointBeyondTheLogMeansItShrank) {
  Checkpoint later{RegistryHarness::kOrigin, story().size + 3, base_->RootAt(story().size)};
  WriteText(data_ + "/checkpoint", base_->SignedNote(later));
  AuditResult r = Verify();
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("the log shrank or was truncated"));
}

TEST_F(VerifyLogCliTest, CheckpointOfAnotherHistoryMeansRewritten) {
  Checkpoint other{RegistryHarness::kOrigin, story().size, base_->RootAt(story().size - 1)};
  WriteText(data_ + "/checkpoint", base_->SignedNote(other));
  AuditResult r = Verify();
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("FAILED checkpoint: the root of the first"));
}

TEST_F(VerifyLogCliTest, UsageAndUnreadableFolder) {
  EXPECT_EQ(RunAudit({"verify-log"}).exit_code, 2);
  EXPECT_EQ(RunAudit({"verify-log", "--data", data_, "extra"}).exit_code, 2);
  EXPECT_EQ(RunAudit({"verify-log", "--data", dir_.Sub("nothing-here")}).exit_code, 3);
}

}  // namespace
}  // namespace creg::testing
