#include "tools/audit/log_reader.h"

#include <pthread.h>

#include <utility>

namespace creg::audit {

void RecordRun::Add(std::string_view key, std::string_view value) {
  records_.push_back(Record{bytes_.size(), key.size(), value.size()});
  bytes_.append(key);
  bytes_.append(value);
}

void RecordRun::Clear() {
  bytes_.clear();
  records_.clear();
}

StatusOr<std::unique_ptr<LogReader>> LogReader::Start(const Store& store, size_t chunk_bytes) {
  CREG_ASSIGN_OR_RETURN(ColumnId entries_cf, store.Column("log.entries"));
  CREG_ASSIGN_OR_RETURN(ColumnId tree_cf, store.Column("log.tree"));
  auto reader = std::unique_ptr<LogReader>(new LogReader(
      store.NewCursor(entries_cf, true), store.NewCursor(tree_cf, true), chunk_bytes));
  reader->thread_ = std::thread([r = reader.get()] {
    pthread_setname_np(pthread_self(), "creg-logread");  // for top and perf; may fail harmlessly
    r->Run();
  });
  return reader;
}

LogReader::LogReader(std::unique_ptr<StoreCursor> entries, std::unique_ptr<StoreCursor> tree,
                     size_t chunk_bytes)
    : entries_(std::move(entries)), tree_(std::move(tree)), chunk_bytes_(chunk_bytes) {}

LogReader::~LogReader() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::unique_ptr<LogChunk> LogReader::TakeFree() {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [&] { return stopping_ || !free_.empty() || made_ < kDepth; });
  if (stopping_) return nullptr;
  if (free_.empty()) {
    ++made_;
    return std::make_unique<LogChunk>();
  }
  std::unique_ptr<LogChunk> chunk = std::move(free_.back());
  free_.pop_back();
  return chunk;
}

void LogReader::Push(std::unique_ptr<LogChunk> chunk) {
  {
    std::lock_guard lock(mu_);
    full_.push_back(std::move(chunk));
  }
  changed_.notify_all();
}

void LogReader::Run() {
  entries_->Seek("");
  tree_->Seek("");
  for (;;) {
    std::unique_ptr<LogChunk> chunk = TakeFree();
    if (chunk == nullptr) return;
    chunk->entries.Clear();
    chunk->tiles.Clear();
    while (entries_->Valid() &&
           (chunk->entries.size() == 0 || chunk->entries.bytes() < chunk_bytes_)) {
      chunk->entries.Add(entries_->key(), entries_->value());
      entries_->Next();
    }
    // Bytewise key order is the order of the scan: a record keyed no later
    // than the last entry of the chunk is asked for no later than that entry.
    if (chunk->entries.size() > 0) {
      std::string_view until = chunk->entries.key(chunk->entries.size() - 1);
      while (tree_->Valid() && tree_->key() <= until) {
        chunk->tiles.Add(tree_->key(), tree_->value());
        tree_->Next();
      }
    }
    if (!entries_->Valid()) {
      chunk->last = true;
      chunk->status = entries_->status();
      if (chunk->status.ok() && !tree_->Valid()) chunk->status = tree_->status();
    } else if (!tree_->Valid() && !tree_->status().ok()) {
      chunk->last = true;
      chunk->status = tree_->status();
    }
    const bool last = chunk->last;
    Push(std::move(chunk));
    if (last) return;
  }
}

std::unique_ptr<LogChunk> LogReader::Next() {
  if (ended_) return nullptr;
  std::unique_lock lock(mu_);
  changed_.wait(lock, [&] { return !full_.empty(); });
  std::unique_ptr<LogChunk> chunk = std::move(full_.front());
  full_.pop_front();
  ended_ = chunk->last;
  return chunk;
}

void LogReader::Recycle(std::unique_ptr<LogChunk> chunk) {
  {
    std::lock_guard lock(mu_);
    free_.push_back(std::move(chunk));
  }
  changed_.notify_all();
}

}  // namespace creg::audit
