#include "tools/audit/read_ahead_cursor.h"

#include <memory>
#include <utility>

namespace creg::audit {

ReadAheadCursor::ReadAheadCursor(const Store& store, ColumnId column)
    : reader_([this, &store, column] { Read(store, column); }) {}

ReadAheadCursor::~ReadAheadCursor() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  reader_.join();
}

void ReadAheadCursor::Read(const Store& store, ColumnId column) {
  std::unique_ptr<StoreCursor> cursor = store.NewCursor(column, /*bulk=*/true);
  cursor->Seek("");
  for (;;) {
    Chunk chunk;
    chunk.bytes.reserve(kChunkBytes + 1024);
    while (cursor->Valid() && chunk.bytes.size() < kChunkBytes) {
      chunk.bytes.append(cursor->key());
      const size_t key_end = chunk.bytes.size();
      chunk.bytes.append(cursor->value());
      chunk.ends.emplace_back(key_end, chunk.bytes.size());
      cursor->Next();
    }
    if (!cursor->Valid()) {
      chunk.last = true;
      chunk.status = cursor->status();
    }
    const bool last = chunk.last;
    if (!Hand(std::move(chunk)) || last) return;
  }
}

bool ReadAheadCursor::Hand(Chunk chunk) {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [this] { return stopping_ || ready_.size() < kChunks; });
  if (stopping_) return false;
  ready_.push_back(std::move(chunk));
  lock.unlock();
  changed_.notify_all();
  return true;
}

Status ReadAheadCursor::Next() {
  if (done_) return OkStatus();
  if (started_) ++position_;
  started_ = true;
  while (position_ >= current_.ends.size()) {
    if (current_.last) {
      done_ = true;
      return current_.status;
    }
    std::unique_lock lock(mu_);
    changed_.wait(lock, [this] { return !ready_.empty(); });
    current_ = std::move(ready_.front());
    ready_.pop_front();
    lock.unlock();
    changed_.notify_all();
    position_ = 0;
  }
  return OkStatus();
}

std::string_view ReadAheadCursor::key() const {
  const size_t begin = position_ == 0 ? 0 : current_.ends[position_ - 1].second;
  return std::string_view(current_.bytes).substr(begin, current_.ends[position_].first - begin);
}

std::string_view ReadAheadCursor::value() const {
  const auto [key_end, value_end] = current_.ends[position_];
  return std::string_view(current_.bytes).substr(key_end, value_end - key_end);
}

}  // namespace creg::audit
