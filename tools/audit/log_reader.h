// Reads the log's columns for the entry scan of `verify-log --data` on a
// thread of its own, so that reading RocksDB overlaps hashing: "log.entries"
// in key order, and with each run of entries the "log.tree" records whose
// keys are not past the run's last entry key (so a tile record comes no
// later than the first entry of its tile). Records are copied into chunks
// of about kChunkBytes, handed over through a queue of at most kDepth
// chunks, and recycled once the scan is done with them.
//
// Thread-safety: one consumer calls Next(); the reader thread is internal.
// The Store must outlive the LogReader; destroying it stops the thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "ledger/status.h"
#include "ledger/store.h"

namespace creg::audit {

// Records of one column, their bytes back to back.
class RecordRun {
 public:
  size_t size() const { return records_.size(); }
  std::string_view key(size_t i) const { return View(records_[i].key_at, records_[i].key_size); }
  std::string_view value(size_t i) const {
    return View(records_[i].key_at + records_[i].key_size, records_[i].value_size);
  }
  void Add(std::string_view key, std::string_view value);
  void Clear();
  size_t bytes() const { return bytes_.size(); }

 private:
  struct Record {
    size_t key_at;
    size_t key_size;
    size_t value_size;
  };
  std::string_view View(size_t at, size_t n) const { return {bytes_.data() + at, n}; }
  std::string bytes_;
  std::vector<Record> records_;
};

struct LogChunk {
  RecordRun entries;  // consecutive "log.entries" records
  RecordRun tiles;    // the "log.tree" records after the previous chunk's, up to the last entry key
  bool last = false;  // no chunk follows
  Status status;      // a read error ends the scan (then `last`)
};

class LogReader {
 public:
  static constexpr size_t kChunkBytes = 1 << 20;
  static constexpr size_t kDepth = 4;

  // Starts reading, in chunks of about `chunk_bytes` (at least one entry
  // each; tests use tiny ones). Errors: a column is missing.
  static StatusOr<std::unique_ptr<LogReader>> Start(const Store& store,
                                                    size_t chunk_bytes = kChunkBytes);
  ~LogReader();
  LogReader(const LogReader&) = delete;
  LogReader& operator=(const LogReader&) = delete;

  // The next chunk, waiting for it. After a chunk with `last`, nullptr.
  // Hand it back with Recycle once done with its records.
  std::unique_ptr<LogChunk> Next();
  void Recycle(std::unique_ptr<LogChunk> chunk);

 private:
  LogReader(std::unique_ptr<StoreCursor> entries, std::unique_ptr<StoreCursor> tree,
            size_t chunk_bytes);
  void Run();
  // Blocks until a chunk may be filled; nullptr once stopping.
  std::unique_ptr<LogChunk> TakeFree();
  void Push(std::unique_ptr<LogChunk> chunk);

  std::unique_ptr<StoreCursor> entries_;
  std::unique_ptr<StoreCursor> tree_;
  const size_t chunk_bytes_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<std::unique_ptr<LogChunk>> full_;   // guarded by mu_
  std::vector<std::unique_ptr<LogChunk>> free_;  // guarded by mu_
  size_t made_ = 0;                              // chunks allocated, guarded by mu_
  bool stopping_ = false;                        // guarded by mu_
  bool ended_ = false;                           // consumer side: the last chunk was handed out
  std::thread thread_;
};

}  // namespace creg::audit
