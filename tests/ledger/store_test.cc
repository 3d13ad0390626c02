// Store: what a clean close leaves behind (with and without a flush), the bound on the write-ahead
// log while a rarely written column family stays unflushed, and which columns are compressed.
#include "ledger/store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/support/status_assertions.h"
#include "tests/support/temp_dir.h"

namespace creg {
namespace {

const std::vector<std::string> kColumns = {"busy", "quiet"};

// Bytes in the write-ahead log files (*.log) of the database at `path`.
uint64_t WalBytes(const std::string& path) {
  // RocksDB deletes obsolete logs on its own threads: a file listed here
  // may be gone when its size is asked for, and then counts for nothing.
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& file : std::filesystem::directory_iterator(path, ec)) {
    if (file.path().extension() != ".log") continue;
    uintmax_t size = std::filesystem::file_size(file.path(), ec);
    if (!ec) total += size;
  }
  return total;
}

class StoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> Open(StoreOptions options = {}) {
    options.create_if_missing = true;
    options.on_rocksdb_message = [](std::string_view) {};  // write stalls are expected here
    auto store = Store::Open(path_, options, kColumns);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return std::move(store).value();
  }

  // Writes `count` records of 1 KiB to `column`, one batch each.
  static void Fill(Store& store, const std::string& column, int count) {
    ColumnId id = store.Column(column).value();
    const std::string value(1024, 'v');
    for (int i = 0; i < count; ++i) {
      WriteBatch batch(store);
      batch.Put(id, column + std::to_string(i), value);
      ASSERT_TRUE(store.Write(batch).ok());
    }
  }

  creg::testing::TempDir dir_;
  std::string path_ = dir_.Sub("db");
};

// Bytes of the table files (*.sst) of the database at `path`.
uint64_t TableBytes(const std::string& path) {
  uint64_t total = 0;
  for (const auto& file : std::filesystem::directory_iterator(path)) {
    if (file.path().extension() == ".sst") total += std::filesystem::file_size(file.path());
  }
  return total;
}

// Writes 4 MiB of text that compresses well (a record format repeated with
// a counter) to both columns and compacts; the bytes of the tables.
uint64_t CompactedBytesOfText(const std::string& path, StoreOptions options) {
  options.create_if_missing = true;
  options.sync = false;
  options.column_tuning = {{"quiet", ColumnTuning{.compression = Compression::kNone}}};
  auto store = Store::Open(path, options, kColumns);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  for (const char* column : {"busy", "quiet"}) {
    const ColumnId id = (*store)->Column(column).value();
    WriteBatch batch(**store);
    for (int i = 0; i < 8192; ++i) {
      std::string value;
      while (value.size() < 256)
        value += "retired to Forum Organising Committee #" + std::to_string(i) + ";";
      batch.Put(id, std::string(column) + std::to_string(i), value);
    }
    EXPECT_TRUE((*store)->Write(batch).ok());
  }
  EXPECT_TRUE((*store)->CompactAll().ok());
  return TableBytes(path);
}

TEST_F(StoreTest, ColumnsAreCompressedUnlessTunedOtherwise) {
  const double raw = 2 * 8192 * 256;
  const double compressed = static_cast<double>(CompactedBytesOfText(dir_.Sub("a"), {}));
  // "busy" (the default tuning) shrinks to a small part of its half,
  // "quiet" (kNone) stays whole.
  EXPECT_LT(compressed, raw * 0.65) << compressed;
  EXPECT_GT(compressed, raw * 0.5) << compressed;
}

TEST_F(StoreTest, CleanCloseLeavesNoLogToReplay) {
  StoreOptions options;
  options.sync = false;  // the bytes written are what matters here
  {
    std::unique_ptr<Store> store = Open(options);
    Fill(*store, "busy", 2000);
    ASSERT_GT(WalBytes(path_), 2000u * 1024);
  }
  // Everything is in table files; the log that remains holds nothing.
  EXPECT_LT(WalBytes(path_), 64u * 1024);
  std::unique_ptr<Store> store = Open(options);
  auto value = store->Get(store->Column("busy").value(), "busy1999");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(value->value_or("").size(), 1024u);
}

// Without a write-ahead log, what the memtables hold reaches disk only by a
// flush: the close makes one unless flush_on_close is off.
TEST_F(StoreTest, CloseFlushesWritesNoLogHoldsUnlessTurnedOff) {
  for (bool flush_on_close : {true, false}) {
    SCOPED_TRACE(flush_on_close ? "flush on close" : "no flush on close");
    std::filesystem::remove_all(path_);
    StoreOptions options;
    options.write_ahead_log = false;
    options.flush_on_close = flush_on_close;
    {
      std::unique_ptr<Store> store = Open(options);
      Fill(*store, "busy", 10);
    }
    std::unique_ptr<Store> store = Open();
    auto value = store->Get(store->Column("busy").value(), "busy9");
    ASSERT_TRUE(value.ok()) << value.status().ToString();
    EXPECT_EQ(value->has_value(), flush_on_close);
  }
}

TEST_F(StoreTest, QuietColumnDoesNotPinTheWriteAheadLog) {
  StoreOptions options;
  options.sync = false;
  options.write_buffer_size = 1 << 20;
  options.max_wal_bytes = 4 << 20;
  std::unique_ptr<Store> store = Open(options);
  Fill(*store, "quiet", 1);  // never fills its memtable
  uint64_t peak = 0;
  for (int round = 0; round < 32; ++round) {
    Fill(*store, "busy", 512);  // 512 KiB a round, 16 MiB in all
    peak = std::max(peak, WalBytes(path_));
  }
  // Without the bound the quiet column keeps all 16 MiB of logs alive.
  EXPECT_LT(peak, 8u << 20) << "peak write-ahead log " << peak << " bytes";
  auto value = store->Get(store->Column("quiet").value(), "quiet0");
  ASSERT_TRUE(value.ok());
  EXPECT_TRUE(value->has_value());
}

// A database made by a build with fewer column families: opened with more,
// it opens without the missing one, names it when asked for, writes and
// flushes the others, and gains nothing, so the first build still opens it.
TEST_F(StoreTest, MissingColumnFamilyIsNamedAndNotAdded) {
  const std::vector<std::string> older = {"busy"};
  StoreOptions options;
  options.create_if_missing = true;
  {
    auto store = Store::Open(path_, options, older);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    Fill(**store, "busy", 1);
  }
  for (bool read_only : {false, true}) {
    options.read_only = read_only;
    auto store = Store::Open(path_, options, kColumns);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto quiet = (*store)->Column("quiet");
    EXPECT_TRUE(testing::FailsWith(quiet.status(), StatusCode::kFailedPrecondition,
                                   "has no column family 'quiet'"));
    auto value = (*store)->Get((*store)->Column("busy").value(), "busy0");
    ASSERT_TRUE(value.ok());
    EXPECT_TRUE(value->has_value());
    if (!read_only) {
      Fill(**store, "busy", 2);
      EXPECT_TRUE((*store)->CompactAll().ok());
    }
  }
  options.read_only = false;
  auto as_before = Store::Open(path_, options, older);
  EXPECT_TRUE(as_before.ok()) << as_before.status().ToString();
}

}  // namespace
}  // namespace creg
