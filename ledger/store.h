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
class WriteBatch;
}  // namespace rocksdb

namespace creg {

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
  // RocksDB memtable size. Default: 64 MiB; tests use tiny values so that
  // flush and compaction paths run.
  size_t write_buffer_size = 64 << 20;
  // Block cache for reads. Default: 256 MiB, enough to hold the Merkle
  // nodes of tens of millions of entries.
  size_t block_cache_bytes = 256 << 20;
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
  void Clear();
  size_t count() const;
  size_t byte_size() const;

 private:
  friend class Store;
  const Store* store_;
  std::unique_ptr<rocksdb::WriteBatch> rep_;
};

class Store {
 public:
  // Opens the database at `path` with the column families `columns`.
  // Errors: NotFound if absent and !create_if_missing; Unavailable if
  // another process holds it; InvalidArgument if it has column families not
  // in `columns` (a newer format); DataLoss on corruption.
  static StatusOr<std::unique_ptr<Store>> Open(const std::string& path, const StoreOptions& options,
                                               std::span<const std::string> columns);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // The id of a column family given at Open. InvalidArgument if unknown.
  StatusOr<ColumnId> Column(std::string_view name) const;

  // The value at key, or nullopt if absent. Errors: Unavailable, DataLoss.
  StatusOr<std::optional<std::string>> Get(ColumnId column, std::string_view key) const;

  // Applies the batch atomically (synced when options.sync). On error
  // nothing of the batch is visible. FailedPrecondition when read-only.
  Status Write(WriteBatch& batch);

  // Calls `visit(key, value)` for keys >= start in order, while it returns
  // true and, if `prefix` is non-empty, while keys begin with `prefix`.
  Status Scan(ColumnId column, std::string_view start, std::string_view prefix,
              const std::function<bool(std::string_view key, std::string_view value)>& visit) const;

  // Flushes memtables to SST files (used by tests and before backups).
  Status Flush();
  // Flushes and compacts every column family fully, so reads afterwards
  // see a settled tree (benchmarks; after a bulk import).
  Status CompactAll();

  const std::string& path() const { return path_; }
  bool read_only() const { return options_.read_only; }

 private:
  friend class WriteBatch;
  Store() = default;
  std::string path_;
  StoreOptions options_;
  std::vector<std::string> names_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::ColumnFamilyHandle* default_handle_ = nullptr;
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace creg
