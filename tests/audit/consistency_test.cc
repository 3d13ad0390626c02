// Black-box tests of `creg-audit consistency`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/audit/audit_fixture.h"

namespace creg::testing {
namespace {

using ::testing::HasSubstr;

// One closed story registry for the suite; each test writes its own notes.
class ConsistencyCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    base_dir_ = new TempDir();
    base_ = new StoryData(*base_dir_);
    base_->Close();
  }
  static void TearDownTestSuite() {
    delete base_;
    delete base_dir_;
  }
  ConsistencyCliTest() : old_(dir_.Sub("old.checkpoint")), new_(dir_.Sub("new.checkpoint")) {
    WriteText(old_, data_.Note(5));
    WriteText(new_, data_.Note(data_.story().size));
  }
  AuditResult Check(const std::string& old_path, const std::string& new_path) {
    return RunAudit(
        {"consistency", old_path, new_path, "--data", data_.root(), "--key", data_.VerifierKey()});
  }

  static TempDir* base_dir_;
  static StoryData* base_;
  StoryData& data_ = *base_;
  TempDir dir_;
  std::string old_, new_;
};

TempDir* ConsistencyCliTest::base_dir_ = nullptr;
StoryData* ConsistencyCliTest::base_ = nullptr;

TEST_F(ConsistencyCliTest, GrownLogIsConsistent) {
  AuditResult r = Check(old_, new_);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("only grew from OLD to NEW"));
  EXPECT_EQ(Check(new_, new_).exit_code, 0);
}

TEST_F(ConsistencyCliTest, ForkedOldCheckpointIsReported) {
  // A signed tree of size 5 that is not the log's: another history.
  WriteText(old_, data_.SignedNote(Checkpoint{RegistryHarness::kOrigin, 5, data_.RootAt(4)}));
  AuditResult r = Check(old_, new_);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("is not a prefix of NEW"));
}

TEST_F(ConsistencyCliTest, SameSizeDifferentRootsIsAFork) {
  uint64_t size = data_.story().size;
  WriteText(old_, data_.SignedNote(Checkpoint{RegistryHarness::kOrigin, size, data_.RootAt(3)}));
  AuditResult r = Check(old_, new_);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("fork"));
}

TEST_F(ConsistencyCliTest, ShrunkOrRewrittenLogIsReported) {
  AuditResult swapped = Check(new_, old_);
  EXPECT_EQ(swapped.exit_code, 1) << swapped.output;
  EXPECT_THAT(swapped.output, HasSubstr("smaller than OLD"));

  uint64_t size = data_.story().size;
  WriteText(new_,
            data_.SignedNote(Checkpoint{RegistryHarness::kOrigin, size + 2, data_.RootAt(size)}));
  AuditResult shrank = Check(old_, new_);
  EXPECT_EQ(shrank.exit_code, 1) << shrank.output;
  EXPECT_THAT(shrank.output, HasSubstr("the log shrank"));

  WriteText(new_, data_.SignedNote(Checkpoint{RegistryHarness::kOrigin, size, data_.RootAt(2)}));
  AuditResult rewritten = Check(old_, new_);
  EXPECT_EQ(rewritten.exit_code, 1) << rewritten.output;
  EXPECT_THAT(rewritten.output, HasSubstr("does not match NEW"));
}

TEST_F(ConsistencyCliTest, UnsignedCheckpointIsRefused) {
  NoteSigner other = NoteSigner::Create("other-log", PrivateKey::Generate().value()).value();
  WriteText(new_, SignCheckpoint(Checkpoint{RegistryHarness::kOrigin, data_.story().size,
                                            data_.RootAt(data_.story().size)},
                                 other));
  AuditResult r = Check(old_, new_);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("NEW checkpoint"));
  EXPECT_EQ(Check(old_, dir_.Sub("missing")).exit_code, 3);
  EXPECT_EQ(RunAudit({"consistency", old_, new_, "--data", data_.root()}).exit_code, 2);
}

}  // namespace
}  // namespace creg::testing
