#include "tools/audit/column_cursor.h"

namespace creg::audit {

Status ColumnCursor::Next() {
  if (done_) return OkStatus();
  if (started_ && at_ + 1 < chunk_.size()) {
    ++at_;
    return OkStatus();
  }
  started_ = true;
  if (exhausted_) {
    done_ = true;
    return OkStatus();
  }
  chunk_.clear();
  at_ = 0;
  CREG_RETURN_IF_ERROR(
      store_.Scan(column_, resume_, "", [&](std::string_view key, std::string_view value) {
        chunk_.emplace_back(std::string(key), std::string(value));
        return chunk_.size() < kChunk;
      }));
  exhausted_ = chunk_.size() < kChunk;
  if (chunk_.empty()) {
    done_ = true;
  } else {
    resume_ = chunk_.back().first;
    resume_.push_back('\0');  // the smallest key after the last one read
  }
  return OkStatus();
}

}  // namespace creg::audit
