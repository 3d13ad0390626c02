// ReadAheadCursor on a real Store: the same records as a StoreCursor, in
// order, across many chunks and with records larger than a chunk; an empty
// column; a table corrupted partway through a column; and a cursor dropped
// while its reader waits for room.
#include "tools/audit/read_ahead_cursor.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "ledger/encoding.h"
#include "tests/support/temp_dir.h"

namespace creg::audit {
namespace {

const std::vector<std::string> kColumns = {"full", "empty"};

class ReadAheadCursorTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  // Opens the store at dir_/db, closing (and so flushing) the one open.
  // "full" is left uncompressed, so that a byte flipped in its table
  // lands in a data block as written.
  void Reopen() {
    store_.reset();
    StoreOptions options;
    options.create_if_missing = true;
    options.sync = false;
    options.column_tuning = {{"full", ColumnTuning{.compression = Compression::kNone}}};
    options.on_rocksdb_message = [](std::string_view) {};  // the corruption is expected
    auto store = Store::Open(dir_.Sub("db"), options, kColumns);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  // `count` records in "full": keys BE64(i), values of i % 97 bytes, and
  // every 200th a value larger than a chunk. Returns the bytes written.
  size_t Fill(uint64_t count) {
    const ColumnId full = store_->Column("full").value();
    WriteBatch batch(*store_);
    size_t bytes = 0;
    for (uint64_t i = 0; i < count; ++i) {
      std::string key;
      AppendBigEndian64(&key, i);
      std::string value(i % 200 == 199 ? ReadAheadCursor::kChunkBytes + 17 : i % 97,
                        static_cast<char>('a' + i % 26));
      bytes += key.size() + value.size();
      batch.Put(full, key, value);
    }
    EXPECT_TRUE(store_->Write(batch).ok());
    return bytes;
  }

  creg::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(ReadAheadCursorTest, ReadsWhatAPlainCursorReads) {
  const size_t bytes = Fill(5000);
  // Enough for many more chunks than are read ahead.
  ASSERT_GT(bytes, 3 * ReadAheadCursor::kChunks * ReadAheadCursor::kChunkBytes);
  const ColumnId full = store_->Column("full").value();
  ReadAheadCursor ahead(*store_, full);
  std::unique_ptr<StoreCursor> plain = store_->NewCursor(full);
  plain->Seek("");
  uint64_t records = 0;
  for (;;) {
    ASSERT_TRUE(ahead.Next().ok());
    ASSERT_EQ(ahead.done(), !plain->Valid()) << "at record " << records;
    if (ahead.done()) break;
    ASSERT_EQ(ahead.key(), plain->key()) << "at record " << records;
    ASSERT_EQ(ahead.value(), plain->value()) << "at record " << records;
    plain->Next();
    ++records;
  }
  ASSERT_TRUE(plain->status().ok());
  EXPECT_EQ(records, 5000u);
  // Past the end it stays done.
  EXPECT_TRUE(ahead.Next().ok());
  EXPECT_TRUE(ahead.done());
}

TEST_F(ReadAheadCursorTest, AnEmptyColumnIsDoneAtOnce) {
  ReadAheadCursor cursor(*store_, store_->Column("empty").value());
  ASSERT_TRUE(cursor.Next().ok());
  EXPECT_TRUE(cursor.done());
}

TEST_F(ReadAheadCursorTest, AReadErrorPartwayComesAfterTheRecordsBeforeIt) {
  Fill(5000);
  Reopen();  // the records now sit in one table file, "empty" has none
  std::vector<std::filesystem::path> tables;
  for (const auto& file : std::filesystem::directory_iterator(dir_.Sub("db"))) {
    if (file.path().extension() == ".sst") tables.push_back(file.path());
  }
  ASSERT_EQ(tables.size(), 1u);
  store_.reset();
  {
    // A byte in the middle of the file: in a data block, far from the index
    // and footer at its end, which the open reads.
    std::fstream table(tables[0], std::ios::in | std::ios::out | std::ios::binary);
    const auto middle = static_cast<std::streamoff>(std::filesystem::file_size(tables[0]) / 2);
    table.seekg(middle);
    const char byte = static_cast<char>(table.get());
    table.seekp(middle);
    table.put(static_cast<char>(byte ^ 0x5a));
    ASSERT_TRUE(table.good());
  }
  Reopen();
  ReadAheadCursor cursor(*store_, store_->Column("full").value());
  uint64_t records = 0;
  Status status = OkStatus();
  while ((status = cursor.Next()).ok() && !cursor.done()) {
    std::string want;
    AppendBigEndian64(&want, records);
    ASSERT_EQ(cursor.key(), want) << "a record out of order or skipped";
    ++records;
  }
  EXPECT_FALSE(status.ok()) << "read " << records << " records past a corrupted block";
  EXPECT_TRUE(cursor.done());
  // Every record before the damaged block came first, and none after it.
  EXPECT_GT(records, 0u);
  EXPECT_LT(records, 5000u);
  // It stays failed-and-done: no record appears after the error.
  EXPECT_TRUE(cursor.Next().ok());
  EXPECT_TRUE(cursor.done());
}

TEST_F(ReadAheadCursorTest, DroppedWhileItsReaderWaitsForRoom) {
  Fill(5000);
  const ColumnId full = store_->Column("full").value();
  for (int taken : {0, 1, 2500}) {
    ReadAheadCursor cursor(*store_, full);
    for (int i = 0; i < taken; ++i) ASSERT_TRUE(cursor.Next().ok());
    if (taken > 0) {
      ASSERT_FALSE(cursor.done());
      std::string want;
      AppendBigEndian64(&want, static_cast<uint64_t>(taken - 1));
      EXPECT_EQ(cursor.key(), want);
    }
    // The destructor stops and joins the reader, which waits for room
    // (or is still reading); the test ends rather than hangs.
  }
}

}  // namespace
}  // namespace creg::audit
