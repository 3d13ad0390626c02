// Store: the RocksDB database behind a registry node, with named column
// families. Every write goes through a WriteBatch so that a log entry and
// all the state it changes land atomically.
//
// Durability: with StoreOptions::sync (the default) Write() returns only
// after the batch is in the WAL and the WAL is fsynced.
//
// Thread-safety: a Store is safe for concurrent use from several threads
// (reads in parallel with one writer). A WriteBatch is not thread-safe.
//
// The on-disk layout of each column family is in docs/data-model.md.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/status.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class Iterator;
class WriteBatch;
}  // namespace rocksdb

namespace creg {

// How a column's SST blocks are compressed.
enum class Compression {
  kNone,
  // LZ4 at every level: fast to decompress, for blocks read at random.
  kLz4,
  // LZ4 in the upper levels, which are written and rewritten often, and
  // zstd in the bottommost level, where nearly all the data ends up.
  kLz4ThenZstd,
};

// Storage settings of one column family.
struct ColumnTuning {
  // Default: kLz4ThenZstd.
  Compression compression = Compression::kLz4ThenZstd;
  // Uncompressed bytes of one SST data block, the unit compressed and
  // cached. Default: 4 KiB (RocksDB's).
  size_t block_bytes = 4 << 10;
  // Keys are mostly written in ascending order: a memtable insert starts
  // its search where the column's previous insert ended instead of at the
  // top of the skip list. Default: false.
  bool ascending_keys = false;
};

// The tuning of the Merkle log's columns (docs/data-model.md), measured
// with creg-bench scale (docs/benchmarks.md):
//   log.entries  LZ4 in 4 KiB blocks: entries repeat the registry's origin
//                and account and project names, and LZ4 takes them from 254
//                to 199 bytes an entry. zstd in 16 KiB blocks takes them to
//                180, but at 10,000,000 entries it made a provenance page,
//                which reads entries at random, 2.5 times slower (p50 0.66
//                to 1.62 ms); ascending keys;
//   log.tree     not compressed (hashes do not compress), ascending keys.
std::map<std::string, ColumnTuning, std::less<>> LogColumnTuning();

struct StoreOptions {
  // Create the database and missing column families if absent.
  // Default: false, so a mistyped data folder is an error, not a new registry.
  bool create_if_missing = false;
  // Open without write access. Safe while another process writes (the
  // reader sees the state as of opening). Default: false.
  bool read_only = false;
  // fsync the WAL on every Write(). Default: true; the durability contract
  // of the node depends on it. Only benchmarks of raw speed turn it off.
  bool sync = true;
  // Write to RocksDB's write-ahead log. Default: true. Only a scratch
  // database that is thrown away after a crash (the audit's replay) turns
  // it off: writes then reach disk only when memtables are flushed, and
  // `sync` is ignored.
  bool write_ahead_log = true;
  // Flush the memtables when the Store is destroyed. Default: true, so that
  // a clean stop reopens without replaying the write-ahead log, and a store
  // without one keeps its last writes. Only a scratch database that is
  // deleted right after closing (the audit's replay) turns it off: closing
  // then stops any compaction at once, and what the memtables hold is lost
  // unless a write-ahead log holds it too (the next Open replays that).
  bool flush_on_close = true;
  // RocksDB memtable size. Default: 64 MiB; tests use tiny values so that
  // flush and compaction paths run.
  size_t write_buffer_size = 64 << 20;
  // The write-ahead logs' total size at which RocksDB flushes the column
  // families that keep the oldest log alive. Without a bound, a family
  // written rarely (an index, the meta records) holds every log written
  // since its last flush. Default: 128 MiB, two memtables' worth.
  uint64_t max_wal_bytes = 128 << 20;
  // Block cache for reads. Default: 256 MiB, enough to hold the Merkle
  // nodes of tens of millions of entries.
  size_t block_cache_bytes = 256 << 20;
  // Where RocksDB's own warnings and errors go (it keeps no LOG file in
  // the database folder). Default: standard error, one line each, prefixed
  // "rocksdb ". Must be thread-safe: RocksDB logs from its own threads.
  std::function<void(std::string_view message)> on_rocksdb_message;
  // How particular columns are stored; the others get ColumnTuning's
  // defaults. Default: LogColumnTuning(), for the Merkle log's columns.
  std::map<std::string, ColumnTuning, std::less<>> column_tuning = LogColumnTuning();
};

using ColumnId = int;

class Store;

// A set of puts and deletes applied atomically by Store::Write. Bound to the
// Store it was made for, which must outlive it.
class WriteBatch {
 public:
  explicit WriteBatch(const Store& store);
  ~WriteBatch();
  WriteBatch(WriteBatch&&) noexcept;
  WriteBatch& operator=(WriteBatch&&) noexcept;
  WriteBatch(const WriteBatch&) = delete;
  WriteBatch& operator=(const WriteBatch&) = delete;

  void Put(ColumnId column, std::string_view key, std::string_view value);
  void Delete(ColumnId column, std::string_view key);
  // Empties the batch; its buffer is kept for the next puts.
  void Clear();
  size_t count() const;
  size_t byte_size() const;

 private:
  friend class Store;
  const Store* store_;
  std::unique_ptr<rocksdb::WriteBatch> rep_;
};

// Reads one column in key order. key() and value() point into RocksDB's
// buffers and stay valid only until the next Next() or Seek(): copy what
// must outlive them. Made by Store::NewCursor; the Store must outlive it.
// Not thread-safe (one cursor per thread).
class StoreCursor {
 public:
  ~StoreCursor();
  StoreCursor(const StoreCursor&) = delete;
  StoreCursor& operator=(const StoreCursor&) = delete;

  // Moves to the first record with a key >= `start`.
  void Seek(std::string_view start);
  // True while the cursor is on a record; false at the end or on an error.
  bool Valid() const;
  // Moves to the next record. Precondition: Valid().
  void Next();
  std::string_view key() const;
  std::string_view value() const;
  // Once !Valid(): OK at the end of the column, else the read error
  // (Unavailable, DataLoss).
  Status status() const;

 private:
  friend class Store;
  StoreCursor(std::unique_ptr<rocksdb::Iterator> it, std::string column);
  std::unique_ptr<rocksdb::Iterator> it_;
  std::string column_;
};

class Store {
 public:
  // Opens the database at `path` with the column families `columns`. A new
  // database gets all of them; an existing one that lacks some (made by an
  // older build) is opened without them and is not changed: Column() names
  // each such family as missing, so a caller can first read what says
  // which format the database is in.
  // Errors: NotFound if absent and !create_if_missing; Unavailable if
  // another process holds it; InvalidArgument if it has column families not
  // in `columns` (a newer format); DataLoss on corruption.
  static StatusOr<std::unique_ptr<Store>> Open(const std::string& path, const StoreOptions& options,
                                               std::span<const std::string> columns);
  // Closes the database. A writable store first flushes its memtables
  // (unless StoreOptions::flush_on_close is off), so the next Open replays
  // no write-ahead log (a clean stop reopens fast; a crash still loses
  // nothing written, only takes longer to reopen).
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // The id of a column family given at Open. InvalidArgument if unknown;
  // FailedPrecondition if the database lacks it (see Open).
  StatusOr<ColumnId> Column(std::string_view name) const;

  // The value at key, or nullopt if absent. Errors: Unavailable, DataLoss.
  StatusOr<std::optional<std::string>> Get(ColumnId column, std::string_view key) const;

  // Applies the batch atomically (synced when options.sync). On error
  // nothing of the batch is visible. FailedPrecondition when read-only.
  Status Write(WriteBatch& batch);

  // A store that fails on demand, for tests of what sits above it: every
  // Write() first calls `fault` (on the writing thread) and, if it returns
  // an error, returns that error and writes nothing. The hook may also block
  // to hold a writer inside Write. Set it while no Write runs (it is not
  // synchronized with Write); the hook itself must be thread-safe.
  // Default: none. Reads are unaffected.
  void SetWriteFault(std::function<Status()> fault) { write_fault_ = std::move(fault); }

  // Calls `visit(key, value)` for keys >= start in order, while it returns
  // true and, if `prefix` is non-empty, while keys begin with `prefix`.
  Status Scan(ColumnId column, std::string_view start, std::string_view prefix,
              const std::function<bool(std::string_view key, std::string_view value)>& visit) const;

  // Calls `visit(key, value)` for keys < `before` (every key if `before`
  // is empty) that begin with `prefix`, in descending order, while it
  // returns true.
  Status ScanBackward(
      ColumnId column, std::string_view before, std::string_view prefix,
      const std::function<bool(std::string_view key, std::string_view value)>& visit) const;

  // A cursor over `column`, not yet positioned (call Seek). With `bulk`,
  // for one pass over much of a column: reads ahead and does not fill the
  // block cache with what the pass will not read again.
  std::unique_ptr<StoreCursor> NewCursor(ColumnId column, bool bulk = false) const;

  // Flushes memtables to SST files (used by tests).
  Status Flush();
  // Writes a consistent copy of the database, as of one moment, to the new
  // folder `destination` (its parent must exist; it must not). Writes may
  // go on meanwhile. Files are hard-linked when `destination` is on the
  // same file system, else copied; the copy opens as a database of its own.
  // Errors: AlreadyExists; Unavailable on an I/O error (a partial
  // destination is then removed by RocksDB).
  Status CopyTo(const std::string& destination) const;
  // Flushes and compacts every column family fully, the bottommost level
  // included, so reads afterwards see a settled tree and every file has
  // its column's present settings (benchmarks; after a bulk import).
  Status CompactAll();

  const std::string& path() const { return path_; }
  bool read_only() const { return options_.read_only; }

 private:
  friend class WriteBatch;
  Store() = default;
  // The handles of the column families the database has (not the default).
  std::vector<rocksdb::ColumnFamilyHandle*> OpenHandles() const;
  std::string path_;
  StoreOptions options_;
  std::vector<std::string> names_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::ColumnFamilyHandle* default_handle_ = nullptr;
  std::unique_ptr<rocksdb::DB> db_;
  std::function<Status()> write_fault_;
};

}  // namespace creg
