#include "tools/audit/column_cursor.h"

namespace creg::audit {

Status ColumnCursor::Next() {
  if (done_) return OkStatus();
  if (!started_) {
    cursor_->Seek(start_);
    started_ = true;
  } else {
    cursor_->Next();
  }
  if (!cursor_->Valid()) {
    done_ = true;
    return cursor_->status();
  }
  return OkStatus();
}

}  // namespace creg::audit
