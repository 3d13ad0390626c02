// Reads one column of a Store in key order, a chunk of records per range
// scan: the cheap way to walk a column, or two in step (a point read per
// record costs several times more). Not thread-safe; the Store must
// outlive the cursor.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ledger/status.h"
#include "ledger/store.h"

namespace creg::audit {

class ColumnCursor {
 public:
  // A cursor before the first record with a key >= `start`; call Next()
  // to reach it.
  ColumnCursor(const Store& store, ColumnId column, std::string start = "")
      : store_(store), column_(column), resume_(std::move(start)) {}

  // Moves to the next record. Errors: those of Store::Scan.
  Status Next();
  // True once Next() went past the last record.
  bool done() const { return done_; }
  // The current record. Precondition: Next() returned OK and !done().
  std::string_view key() const { return chunk_[at_].first; }
  std::string_view value() const { return chunk_[at_].second; }

 private:
  static constexpr size_t kChunk = 4096;

  const Store& store_;
  ColumnId column_;
  std::string resume_;      // the next chunk starts at this key
  bool exhausted_ = false;  // the last chunk read reached the end of the column
  bool started_ = false;
  bool done_ = false;
  std::vector<std::pair<std::string, std::string>> chunk_;
  size_t at_ = 0;
};

}  // namespace creg::audit
