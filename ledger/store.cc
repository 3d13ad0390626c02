#include "ledger/store.h"

#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "ledger/internal/rocksdb_logger.h"
#include "ledger/internal/rocksdb_status.h"

namespace creg {

using internal::FromRocksDb;

std::map<std::string, ColumnTuning, std::less<>> LogColumnTuning() {
  return {{"log.entries", ColumnTuning{.compression = Compression::kLz4, .ascending_keys = true}},
          {"log.tree", ColumnTuning{.compression = Compression::kNone, .ascending_keys = true}}};
}

namespace {

// `base` with `tuning` applied; `table` is the block-based table options
// every column shares (block cache, filter), given its own block size.
rocksdb::ColumnFamilyOptions Tuned(const rocksdb::ColumnFamilyOptions& base,
                                   rocksdb::BlockBasedTableOptions table,
                                   const ColumnTuning& tuning) {
  rocksdb::ColumnFamilyOptions column = base;
  if (tuning.compression == Compression::kLz4ThenZstd) {
    column.compression = rocksdb::kLZ4Compression;
    column.bottommost_compression = rocksdb::kZSTD;
  } else if (tuning.compression == Compression::kLz4) {
    column.compression = rocksdb::kLZ4Compression;
    column.bottommost_compression = rocksdb::kLZ4Compression;
  } else {
    column.compression = rocksdb::kNoCompression;
    column.bottommost_compression = rocksdb::kNoCompression;
  }
  table.block_size = tuning.block_bytes;
  if (tuning.ascending_keys) {
    // Read by index, for keys that exist: a Bloom filter, in the memtable
    // or in the tables, would only cost a hash per insert and memory.
    table.filter_policy.reset();
    column.memtable_prefix_bloom_size_ratio = 0;
    column.memtable_whole_key_filtering = false;
    // Keys are BE64 indexes: their first byte is a prefix all of a
    // column's recent keys share, so one insert hint serves the column.
    column.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(1));
  }
  column.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return column;
}

}  // namespace

WriteBatch::WriteBatch(const Store& store)
    : store_(&store), rep_(std::make_unique<rocksdb::WriteBatch>()) {}
WriteBatch::~WriteBatch() = default;
WriteBatch::WriteBatch(WriteBatch&&) noexcept = default;
WriteBatch& WriteBatch::operator=(WriteBatch&&) noexcept = default;

void WriteBatch::Put(ColumnId column, std::string_view key, std::string_view value) {
  rep_->Put(store_->handles_.at(column), rocksdb::Slice(key.data(), key.size()),
            rocksdb::Slice(value.data(), value.size()))
      .PermitUncheckedError();  // In-memory append; fails only on size overflow.
}

void WriteBatch::Delete(ColumnId column, std::string_view key) {
  rep_->Delete(store_->handles_.at(column), rocksdb::Slice(key.data(), key.size()))
      .PermitUncheckedError();
}

void WriteBatch::Clear() { rep_->Clear(); }
size_t WriteBatch::count() const { return rep_->Count(); }
size_t WriteBatch::byte_size() const { return rep_->GetDataSize(); }

StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& path, const StoreOptions& options,
                                             std::span<const std::string> columns) {
  const bool exists = std::filesystem::exists(std::filesystem::path(path) / "CURRENT");
  if (!options.create_if_missing && !exists) {
    return NotFoundError("no registry database at " + path);
  }
  if (options.create_if_missing) {
    // RocksDB creates a missing folder itself, but first logs an ERROR for
    // the folder it could not list; creating it here keeps a new
    // registry's first run free of alarming lines.
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) return UnavailableError("cannot create " + path + ": " + ec.message());
  }
  rocksdb::Options db_options;
  db_options.create_if_missing = options.create_if_missing;
  // Column families are made with a new database only: one a database
  // lacks is left out, never added behind its format's back.
  db_options.create_missing_column_families = !exists;
  db_options.write_buffer_size = options.write_buffer_size;
  db_options.max_total_wal_size = options.max_wal_bytes;
  db_options.paranoid_checks = true;
  db_options.info_log = internal::NewRocksDbLogger(
      options.on_rocksdb_message ? options.on_rocksdb_message : [](std::string_view message) {
        std::fprintf(stderr, "rocksdb %.*s\n", static_cast<int>(message.size()), message.data());
      });
  // Group commit happens above RocksDB; these let concurrent writers (and
  // the WAL fsync) overlap where they can.
  db_options.enable_pipelined_write = true;
  // RocksDB itself flushes at close what no write-ahead log holds.
  db_options.avoid_flush_during_shutdown = !options.flush_on_close;

  rocksdb::BlockBasedTableOptions table_options;
  table_options.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  table_options.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  rocksdb::ColumnFamilyOptions cf_options(db_options);
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table_options));
  cf_options.write_buffer_size = options.write_buffer_size;
  // A whole-key Bloom filter on each memtable: most point reads of new
  // keys (a transaction id, a nonce) find nothing, and without it each such
  // miss walks the memtable's skip list.
  cf_options.memtable_prefix_bloom_size_ratio = 0.02;
  cf_options.memtable_whole_key_filtering = true;
  // The columns to open: all of them in a new database, those it has in
  // an existing one.
  std::vector<bool> present(columns.size(), !exists);
  if (exists) {
    std::vector<std::string> existing;
    CREG_RETURN_IF_ERROR(FromRocksDb(rocksdb::DB::ListColumnFamilies(db_options, path, &existing),
                                     "list column families of " + path));
    for (const std::string& name : existing) {
      auto wanted = std::find(columns.begin(), columns.end(), name);
      if (wanted != columns.end()) {
        present[static_cast<size_t>(wanted - columns.begin())] = true;
      } else if (name != rocksdb::kDefaultColumnFamilyName) {
        return InvalidArgumentError("database at " + path + " has an unknown column family '" +
                                    name + "' (written by a newer creg?)");
      }
    }
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, cf_options);
  for (size_t i = 0; i < columns.size(); ++i) {
    if (!present[i]) continue;
    auto tuning = options.column_tuning.find(columns[i]);
    descriptors.emplace_back(
        columns[i], Tuned(cf_options, table_options,
                          tuning == options.column_tuning.end() ? ColumnTuning{} : tuning->second));
  }

  auto store = std::unique_ptr<Store>(new Store());
  store->path_ = path;
  store->options_ = options;
  store->names_.assign(columns.begin(), columns.end());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s;
  if (options.read_only) {
    s = rocksdb::DB::OpenForReadOnly(db_options, path, descriptors, &handles, &db);
  } else {
    s = rocksdb::DB::Open(db_options, path, descriptors, &handles, &db);
  }
  if (!s.ok()) {
    if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
      return UnavailableError("registry database at " + path + " is in use by another process (" +
                              s.ToString() + ")");
    }
    return FromRocksDb(s, "open " + path);
  }
  store->db_.reset(db);
  // handles[0] is the default family, which creg does not use; a column
  // the database lacks has no handle.
  store->default_handle_ = handles[0];
  auto opened = handles.begin() + 1;
  for (size_t i = 0; i < columns.size(); ++i) {
    store->handles_.push_back(present[i] ? *opened++ : nullptr);
  }
  return store;
}

Store::~Store() {
  if (db_ == nullptr) return;
  if (options_.read_only) {
    // Nothing to flush.
  } else if (!options_.flush_on_close) {
    // Work on a database about to be deleted is wasted.
    rocksdb::CancelAllBackgroundWork(db_.get(), /*wait=*/true);
  } else {
    // Nothing to do about a failed flush on teardown: the WAL still holds
    // every write, and the next Open replays it.
    rocksdb::FlushOptions flush;
    flush.allow_write_stall = true;
    std::vector<rocksdb::ColumnFamilyHandle*> all = OpenHandles();
    all.push_back(default_handle_);
    db_->Flush(flush, all).PermitUncheckedError();
  }
  for (rocksdb::ColumnFamilyHandle* h : OpenHandles())
    db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  db_->DestroyColumnFamilyHandle(default_handle_).PermitUncheckedError();
  db_->Close().PermitUncheckedError();  // Nothing to do about a close error on teardown.
}

std::vector<rocksdb::ColumnFamilyHandle*> Store::OpenHandles() const {
  std::vector<rocksdb::ColumnFamilyHandle*> open;
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    if (h != nullptr) open.push_back(h);
  }
  return open;
}

StatusOr<ColumnId> Store::Column(std::string_view name) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] != name) continue;
    if (handles_[i] == nullptr) {
      return FailedPreconditionError("the database at " + path_ + " has no column family '" +
                                     std::string(name) +
                                     "': it was made by an older creg, in an earlier data format "
                                     "(docs/operations.md, \"Upgrading\")");
    }
    return static_cast<ColumnId>(i);
  }
  return InvalidArgumentError("unknown column family '" + std::string(name) + "'");
}

StatusOr<std::optional<std::string>> Store::Get(ColumnId column, std::string_view key) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handles_.at(column),
                               rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  CREG_RETURN_IF_ERROR(FromRocksDb(s, "read from " + names_[column]));
  return std::optional<std::string>(std::move(value));
}

Status Store::Write(WriteBatch& batch) {
  if (options_.read_only)
    return FailedPreconditionError("database " + path_ + " is open read-only");
  if (write_fault_) CREG_RETURN_IF_ERROR(write_fault_());
  rocksdb::WriteOptions write_options;
  write_options.disableWAL = !options_.write_ahead_log;
  write_options.sync = options_.sync && options_.write_ahead_log;
  return FromRocksDb(db_->Write(write_options, batch.rep_.get()), "write batch");
}

namespace {

// The smallest key greater than every key that starts with `prefix`, or ""
// if there is none (a prefix of 0xff bytes).
std::string PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    if (static_cast<unsigned char>(end.back()) != 0xff) {
      end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
      return end;
    }
    end.pop_back();
  }
  return end;
}

}  // namespace

Status Store::Scan(ColumnId column, std::string_view start, std::string_view prefix,
                   const std::function<bool(std::string_view, std::string_view)>& visit) const {
  // An upper bound lets RocksDB skip files and blocks past the prefix and
  // stop at deleted keys there instead of walking over them.
  rocksdb::ReadOptions read_options;
  std::string upper = PrefixEnd(prefix);
  rocksdb::Slice upper_slice(upper);
  if (!upper.empty()) read_options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options, handles_.at(column)));
  for (it->Seek(rocksdb::Slice(start.data(), start.size())); it->Valid(); it->Next()) {
    std::string_view key(it->key().data(), it->key().size());
    if (!prefix.empty() && key.substr(0, prefix.size()) != prefix) break;
    if (!visit(key, std::string_view(it->value().data(), it->value().size()))) break;
  }
  return FromRocksDb(it->status(), "scan " + names_[column]);
}

Status Store::ScanBackward(
    ColumnId column, std::string_view before, std::string_view prefix,
    const std::function<bool(std::string_view, std::string_view)>& visit) const {
  // Both bounds: the iterator starts at the last key below the upper one
  // and stops at the prefix, never walking into the keys around it.
  rocksdb::ReadOptions read_options;
  std::string upper = PrefixEnd(prefix);
  if (!before.empty() && (upper.empty() || before < upper)) upper.assign(before);
  std::string lower(prefix);
  rocksdb::Slice upper_slice(upper);
  rocksdb::Slice lower_slice(lower);
  if (!upper.empty()) read_options.iterate_upper_bound = &upper_slice;
  if (!lower.empty()) read_options.iterate_lower_bound = &lower_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options, handles_.at(column)));
  for (it->SeekToLast(); it->Valid(); it->Prev()) {
    std::string_view key(it->key().data(), it->key().size());
    if (!prefix.empty() && key.substr(0, prefix.size()) != prefix) break;
    if (!upper.empty() && key >= std::string_view(upper)) continue;
    if (!visit(key, std::string_view(it->value().data(), it->value().size()))) break;
  }
  return FromRocksDb(it->status(), "scan " + names_[column]);
}

StoreCursor::StoreCursor(std::unique_ptr<rocksdb::Iterator> it, std::string column)
    : it_(std::move(it)), column_(std::move(column)) {}
StoreCursor::~StoreCursor() = default;

void StoreCursor::Seek(std::string_view start) {
  it_->Seek(rocksdb::Slice(start.data(), start.size()));
}
bool StoreCursor::Valid() const { return it_->Valid(); }
void StoreCursor::Next() { it_->Next(); }
std::string_view StoreCursor::key() const { return {it_->key().data(), it_->key().size()}; }
std::string_view StoreCursor::value() const { return {it_->value().data(), it_->value().size()}; }
Status StoreCursor::status() const { return FromRocksDb(it_->status(), "scan " + column_); }

std::unique_ptr<StoreCursor> Store::NewCursor(ColumnId column, bool bulk) const {
  rocksdb::ReadOptions read_options;
  if (bulk) {
    // A pass over a whole column reads each block once: keep the cache for
    // the blocks that are read again, and read files ahead in large steps.
    read_options.fill_cache = false;
    read_options.readahead_size = 4 << 20;
  }
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options, handles_.at(column)));
  return std::unique_ptr<StoreCursor>(new StoreCursor(std::move(it), names_.at(column)));
}

Status Store::CompactAll() {
  CREG_RETURN_IF_ERROR(Flush());
  rocksdb::CompactRangeOptions options;
  // The bottommost files too, so that each is written with the column's
  // present settings (its compression, its block size).
  options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
  for (rocksdb::ColumnFamilyHandle* handle : OpenHandles()) {
    CREG_RETURN_IF_ERROR(
        FromRocksDb(db_->CompactRange(options, handle, nullptr, nullptr), "compact"));
  }
  return OkStatus();
}

Status Store::Flush() {
  if (options_.read_only) return OkStatus();
  return FromRocksDb(db_->Flush(rocksdb::FlushOptions(), OpenHandles()), "flush");
}

Status Store::CopyTo(const std::string& destination) const {
  std::error_code error;
  if (std::filesystem::exists(destination, error)) {
    return AlreadyExistsError("cannot copy the database to " + destination + ": it exists");
  }
  rocksdb::Checkpoint* raw = nullptr;
  CREG_RETURN_IF_ERROR(FromRocksDb(rocksdb::Checkpoint::Create(db_.get(), &raw), "copy " + path_));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // log_size_for_flush 0: flush the memtables first, so the copy is whole
  // SST files and opens without replaying a write-ahead log.
  return FromRocksDb(checkpoint->CreateCheckpoint(destination, /*log_size_for_flush=*/0),
                     "copy " + path_ + " to " + destination);
}

}  // namespace creg
