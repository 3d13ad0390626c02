#include "ledger/registry/internal/state_view.h"

namespace creg::internal {
namespace {

bool HasPrefix(std::string_view key, std::string_view prefix) {
  return key.substr(0, prefix.size()) == prefix;
}

}  // namespace

StatusOr<std::optional<std::string>> StoreView::Get(ColumnId column, std::string_view key) const {
  return store_->Get(column, key);
}

Status StoreView::Scan(ColumnId column, std::string_view start, std::string_view prefix,
                       const ScanVisitor& visit) const {
  return store_->Scan(column, start, prefix, visit);
}

void StateOverlay::Put(ColumnId column, std::string_view key, std::string_view value) {
  writes_[Key(column, std::string(key))] = std::string(value);
}

void StateOverlay::Delete(ColumnId column, std::string_view key) {
  writes_[Key(column, std::string(key))] = std::nullopt;
}

StatusOr<std::optional<std::string>> StateOverlay::Get(ColumnId column,
                                                       std::string_view key) const {
  auto it = writes_.find(Key(column, std::string(key)));
  if (it != writes_.end()) return it->second;
  return parent_->Get(column, key);
}

Status StateOverlay::Scan(ColumnId column, std::string_view start, std::string_view prefix,
                          const ScanVisitor& visit) const {
  std::string seek(start);
  if (seek < prefix) seek = std::string(prefix);
  auto mine = writes_.lower_bound(Key(column, seek));
  auto mine_valid = [&] {
    return mine != writes_.end() && mine->first.first == column &&
           HasPrefix(mine->first.second, prefix);
  };
  bool stopped = false;
  // Emits our writes that sort before `key` (skipping deletions); false if
  // the visitor asked to stop.
  auto emit_mine_before = [&](std::string_view key, bool until_end) {
    while (mine_valid() && (until_end || mine->first.second < key)) {
      if (mine->second.has_value() && !visit(mine->first.second, *mine->second)) return false;
      ++mine;
    }
    return true;
  };
  Status status =
      parent_->Scan(column, seek, prefix, [&](std::string_view key, std::string_view value) {
        if (!emit_mine_before(key, false)) {
          stopped = true;
          return false;
        }
        if (mine_valid() && mine->first.second == key) {
          const std::optional<std::string>& overridden = mine->second;
          ++mine;
          if (!overridden.has_value()) return true;  // deleted here
          if (!visit(key, *overridden)) {
            stopped = true;
            return false;
          }
          return true;
        }
        if (!visit(key, value)) {
          stopped = true;
          return false;
        }
        return true;
      });
  CREG_RETURN_IF_ERROR(status);
  if (!stopped) emit_mine_before("", true);
  return OkStatus();
}

void StateOverlay::MergeInto(StateOverlay& target) {
  for (auto& [key, value] : writes_) target.writes_[key] = std::move(value);
  writes_.clear();
}

void StateOverlay::FlushTo(WriteBatch& batch) const {
  for (const auto& [key, value] : writes_) {
    if (value.has_value()) {
      batch.Put(key.first, key.second, *value);
    } else {
      batch.Delete(key.first, key.second);
    }
  }
}

}  // namespace creg::internal
