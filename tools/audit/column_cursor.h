// Reads one column of a Store in key order, in one pass (a StoreCursor with
// read-ahead that leaves the block cache alone): the cheap way to walk a
// column, or two in step (a point read per record costs several times
// more). Not thread-safe; the Store must outlive the cursor.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "ledger/status.h"
#include "ledger/store.h"

namespace creg::audit {

class ColumnCursor {
 public:
  // A cursor before the first record with a key >= `start`; call Next()
  // to reach it.
  ColumnCursor(const Store& store, ColumnId column, std::string start = "")
      : cursor_(store.NewCursor(column, /*bulk=*/true)), start_(std::move(start)) {}

  // Moves to the next record. Errors: those of StoreCursor::status().
  Status Next();
  // True once Next() went past the last record (or failed).
  bool done() const { return done_; }
  // The current record, valid until the next call of Next(). Precondition:
  // Next() returned OK and !done().
  std::string_view key() const { return cursor_->key(); }
  std::string_view value() const { return cursor_->value(); }

 private:
  std::unique_ptr<StoreCursor> cursor_;
  std::string start_;
  bool started_ = false;
  bool done_ = false;
};

}  // namespace creg::audit
