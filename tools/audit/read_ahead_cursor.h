// Reads one column of a Store in key order, in one pass (read-ahead that
// leaves the block cache alone), with a thread of its own that reads up to
// kChunks chunks of records ahead: a walk of two columns in step (the
// stored and the replayed state) then reads both on other cores while the
// caller compares.
//
// The records are copied into chunks of about kChunkBytes (a chunk closes
// at the first record that takes it past that); at most kChunks + 2 chunks
// exist at once: those queued, the one being filled and the consumer's.
// Not thread-safe: one thread calls Next() and reads the record. The Store
// must outlive the cursor.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "ledger/status.h"
#include "ledger/store.h"

namespace creg::audit {

class ReadAheadCursor {
 public:
  // Chunks read ahead at most, and the bytes of keys and values a chunk
  // gathers before it is handed over.
  static constexpr size_t kChunks = 4;
  static constexpr size_t kChunkBytes = 256 << 10;

  // Starts reading `column` from its first record; call Next() to reach it.
  ReadAheadCursor(const Store& store, ColumnId column);
  // Stops the reader (what it read ahead is dropped) and joins it.
  ~ReadAheadCursor();
  ReadAheadCursor(const ReadAheadCursor&) = delete;
  ReadAheadCursor& operator=(const ReadAheadCursor&) = delete;

  // Moves to the next record, waiting for the reader if it has not read it
  // yet. Errors: those of StoreCursor::status(), reported once every
  // record read before the failure was passed.
  Status Next();
  // True once Next() went past the last record (or failed).
  bool done() const { return done_; }
  // The current record, valid until the next call of Next(). Precondition:
  // Next() returned OK and !done().
  std::string_view key() const;
  std::string_view value() const;

 private:
  struct Chunk {
    // Keys and values, one after the other, record by record.
    std::string bytes;
    // Where each record's key ends and its value ends, in `bytes`.
    std::vector<std::pair<size_t, size_t>> ends;
    // The last chunk: the column ended, or reading failed with `status`.
    bool last = false;
    Status status;
  };

  // The reader thread: fills chunks and queues them until the column ends,
  // reading fails or the cursor is destroyed.
  void Read(const Store& store, ColumnId column);
  // Queues `chunk`, waiting while kChunks are queued. False if stopping.
  bool Hand(Chunk chunk);

  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Chunk> ready_;  // guarded by mu_
  bool stopping_ = false;    // guarded by mu_

  // The consumer's side.
  Chunk current_;
  size_t position_ = 0;  // records of current_ passed
  bool started_ = false;
  bool done_ = false;

  // Declared last: started once the members it uses exist.
  std::thread reader_;
};

}  // namespace creg::audit
