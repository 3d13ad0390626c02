// The entry scan of `verify-log --data` (tools/audit/log_scan.h) on a real
// MerkleLog: its reader thread hands the columns over in chunks, and a
// tile's record must line up with its entries even when they span chunks.
#include "tools/audit/log_scan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "ledger/encoding.h"
#include "ledger/log_entry.h"
#include "ledger/tree_record.h"
#include "tests/support/log_fixture.h"

namespace creg::audit {
namespace {

using ::testing::HasSubstr;

class LogScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::OpenLogStore(dir_.Sub("db"), testing::TinyStoreOptions());
    ASSERT_NE(store_, nullptr);
    log_ = MerkleLog::Open(store_.get(), LogEntryLinkReader()).value();
    // Groups that end inside tiles; 87 entries, the last tile part-filled.
    for (int n : {5, 30, 12, 40}) testing::AppendEntries(*log_, n);
    ASSERT_EQ(log_->size(), 87u);
  }

  struct Result {
    std::string report;
    size_t problems = 0;
    uint64_t size = 0;
    Hash root;
  };

  Result Scan(size_t chunk_bytes) {
    std::ostringstream out;
    Findings findings(out, /*keep_going=*/true);
    LogChecker checker(findings, 0);
    Progress progress(0);
    StatusOr<LogScanResult> scanned =
        ScanLog(*store_, checker, findings, nullptr, progress, chunk_bytes);
    EXPECT_TRUE(scanned.ok()) << scanned.status().ToString();
    return Result{out.str(), findings.count(), checker.size(), checker.root()};
  }

  std::string Key(uint64_t index) {
    std::string key;
    AppendBigEndian64(&key, index);
    return key;
  }

  void Put(const std::string& column, uint64_t index, std::optional<std::string> value) {
    WriteBatch batch(*store_);
    ColumnId cf = store_->Column(column).value();
    if (value.has_value()) {
      batch.Put(cf, Key(index), *value);
    } else {
      batch.Delete(cf, Key(index));
    }
    ASSERT_TRUE(store_->Write(batch).ok());
  }

  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<MerkleLog> log_;
};

TEST_F(LogScanTest, CleanLogPassesWhateverTheChunkSize) {
  // 1 byte: one entry per chunk, so every tile spans 16 chunks.
  for (size_t chunk_bytes : {size_t{1}, size_t{700}, size_t{5000}, LogReader::kChunkBytes}) {
    Result r = Scan(chunk_bytes);
    EXPECT_EQ(r.problems, 0u) << "chunks of " << chunk_bytes << ":\n" << r.report;
    EXPECT_EQ(r.size, log_->size());
    EXPECT_EQ(r.root, log_->head().root);
  }
}

TEST_F(LogScanTest, DamagedNodeOfATileSpanningChunksIsLocated) {
  std::string record = store_->Get(store_->Column("log.tree").value(), Key(16)).value().value();
  record[tree_record::Slot(2, 6) * Hash::kSize] ^= 0x01;  // level 2: entries 24-27
  Put("log.tree", 16, record);
  Result r = Scan(1);
  EXPECT_EQ(r.problems, 1u) << r.report;
  EXPECT_THAT(r.report, HasSubstr("FAILED Merkle node record of entries 16-31 (log.tree): the node "
                                  "at level 2 (entries 24-27) differs"));
}

TEST_F(LogScanTest, MissingEntryIsLinedUpWithItsStoredLeaf) {
  Put("log.entries", 20, std::nullopt);
  Result r = Scan(1);
  // Only the gap: entry 21 links to the stored leaf hash of entry 20, and
  // the tree rebuilt with that leaf has the log's root.
  EXPECT_EQ(r.problems, 1u) << r.report;
  EXPECT_THAT(r.report, HasSubstr("FAILED entry 20: missing from log.entries"));
  EXPECT_EQ(r.root, log_->head().root);
}

TEST_F(LogScanTest, LastTileRecordPastTheLastEntryIsReported) {
  // Tile 80-95 holds entries 80-86; make its record reach entry 87.
  std::string record = store_->Get(store_->Column("log.tree").value(), Key(80)).value().value();
  record.resize(tree_record::HashCount(87) * Hash::kSize, 'x');
  Put("log.tree", 80, record);
  Result r = Scan(LogReader::kChunkBytes);
  EXPECT_EQ(r.problems, 1u) << r.report;
  EXPECT_THAT(r.report, HasSubstr("entries 80-95 (log.tree): holds nodes of entries past the last "
                                  "one (86)"));
}

TEST_F(LogScanTest, RecordsUnderKeysThatAreNoTilesAreReported) {
  // Inside the log (one in the middle of a tile, one after the last tile's
  // start) and a key of another length that sorts among them (keys past
  // the last entry are verify-log's to report); the scan reports each
  // once, however the chunks fall.
  Put("log.tree", 21, std::string(32, 'a'));
  Put("log.tree", 83, std::string(32, 'b'));
  WriteBatch batch(*store_);
  const std::string short_key(1, '\0');
  batch.Put(store_->Column("log.tree").value(), short_key, "c");
  ASSERT_TRUE(store_->Write(batch).ok());
  for (size_t chunk_bytes : {size_t{1}, size_t{700}, LogReader::kChunkBytes}) {
    Result r = Scan(chunk_bytes);
    EXPECT_EQ(r.problems, 3u) << "chunks of " << chunk_bytes << ":\n" << r.report;
    for (std::string found :
         {HexEncode(Key(21)) + " (21)", HexEncode(Key(83)) + " (83)", HexEncode(short_key)}) {
      EXPECT_THAT(r.report, HasSubstr("holds a record under a key that is no tile's"));
      EXPECT_THAT(r.report, HasSubstr("found:    " + found + "\n")) << "chunks of " << chunk_bytes;
    }
    EXPECT_EQ(r.root, log_->head().root);
  }
}

}  // namespace
}  // namespace creg::audit
