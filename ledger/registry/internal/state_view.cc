#include "ledger/registry/internal/state_view.h"

#include <algorithm>
#include <array>
#include <unordered_set>

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

Status StateView::ScanBackward(ColumnId, std::string_view, std::string_view,
                               const ScanVisitor&) const {
  return FailedPreconditionError("this state view does not scan backwards");
}

Status StoreView::ScanBackward(ColumnId column, std::string_view before, std::string_view prefix,
                               const ScanVisitor& visit) const {
  return store_->ScanBackward(column, before, prefix, visit);
}

std::optional<std::string>& StateOverlay::Slot(ColumnId column, std::string_view key,
                                               bool known_absent) {
  const KeyLess::View wanted(column, key);
  auto it = writes_.lower_bound(wanted);
  if (it != writes_.end() && !writes_.key_comp()(wanted, it->first)) {
    if (recording_) undo_log_.push_back(Replaced{it, true, it->second});
    return it->second;
  }
  it = writes_.emplace_hint(it, Key(column, std::string(key)), std::nullopt);
  if (recording_) undo_log_.push_back(Replaced{it, false, std::nullopt, known_absent});
  return it->second;
}

StatusOr<std::optional<std::string>> GroupSnapshotView::Get(ColumnId column,
                                                            std::string_view key) const {
  const ColumnKeyLess::View wanted(column, key);
  auto kept = kept_.lower_bound(wanted);
  if (kept != kept_.end() && !kept_.key_comp()(wanted, kept->first)) {
    return std::optional<std::string>(kept->second);
  }
  CREG_ASSIGN_OR_RETURN(std::optional<std::string> value, store_->Get(column, key));
  // Only records that exist are kept: the keys looked up in vain are those
  // of new transactions and nonces, never read twice.
  if (value.has_value() && kept_.size() < kMaxKept) {
    kept_.emplace_hint(kept, ColumnKey(column, std::string(key)), *value);
  }
  return value;
}

Status GroupSnapshotView::Scan(ColumnId column, std::string_view start, std::string_view prefix,
                               const ScanVisitor& visit) const {
  const size_t slot = static_cast<size_t>(column);
  if (cursors_.size() <= slot) cursors_.resize(slot + 1);
  if (cursors_[slot] == nullptr) cursors_[slot] = store_->NewCursor(column);
  StoreCursor& cursor = *cursors_[slot];
  cursor.Seek(start < prefix ? prefix : start);
  for (; cursor.Valid(); cursor.Next()) {
    std::string_view key = cursor.key();
    if (!HasPrefix(key, prefix) || !visit(key, cursor.value())) return OkStatus();
  }
  return cursor.status();
}

void StateOverlay::Put(ColumnId column, std::string_view key, std::string_view value) {
  Slot(column, key).emplace(value);
}

void StateOverlay::PutNew(ColumnId column, std::string_view key, std::string_view value) {
  Slot(column, key, /*known_absent=*/true).emplace(value);
}

void StateOverlay::Delete(ColumnId column, std::string_view key) { Slot(column, key).reset(); }

StatusOr<std::optional<std::string>> StateOverlay::Get(ColumnId column,
                                                       std::string_view key) const {
  auto it = writes_.find(KeyLess::View(column, key));
  if (it != writes_.end()) return it->second;
  return parent_->Get(column, key);
}

Status StateOverlay::Scan(ColumnId column, std::string_view start, std::string_view prefix,
                          const ScanVisitor& visit) const {
  std::string seek(start);
  if (seek < prefix) seek = std::string(prefix);
  auto mine = writes_.lower_bound(KeyLess::View(column, seek));
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

StateOverlay::Undo::Undo(StateOverlay& overlay) : overlay_(overlay) {
  overlay_.undo_log_.clear();
  overlay_.recording_ = true;
}

StateOverlay::Undo::~Undo() {
  if (!kept_) overlay_.TakeBack();
  overlay_.recording_ = false;
  overlay_.undo_log_.clear();
}

void StateOverlay::Undo::Keep() { kept_ = true; }

Status StateOverlay::Undo::VisitPriors(const PriorVisitor& visit) const {
  // The first note of a key tells what it held before the unit; later
  // notes of it only what the unit itself wrote. A transaction writes a
  // handful of keys: those seen are looked for in a small array first.
  constexpr size_t kSmall = 64;
  std::array<const Writes::value_type*, kSmall> small_seen;
  size_t small_count = 0;
  std::unordered_set<const Writes::value_type*> seen;
  const bool small = overlay_.undo_log_.size() <= kSmall;
  static const std::optional<std::string> kAbsent;
  for (const Replaced& r : overlay_.undo_log_) {
    const Writes::value_type* write = &*r.at;
    if (small) {
      const auto end = small_seen.begin() + static_cast<std::ptrdiff_t>(small_count);
      if (std::find(small_seen.begin(), end, write) != end) continue;
      small_seen[small_count++] = write;
    } else if (!seen.insert(write).second) {
      continue;
    }
    const auto& [column, key] = write->first;
    if (r.existed) {
      visit(column, key, r.before);
      continue;
    }
#ifdef NDEBUG
    if (r.known_absent) {
      visit(column, key, kAbsent);
      continue;
    }
#endif
    CREG_ASSIGN_OR_RETURN(std::optional<std::string> value, overlay_.parent_->Get(column, key));
    if (r.known_absent && value.has_value()) {
      return InternalError("a write of a key said to be new found it stored (column " +
                           std::to_string(column) + ")");
    }
    visit(column, key, value);
  }
  return OkStatus();
}

void StateOverlay::TakeBack() {
  // Newest first, so a key written twice ends at its value from before both.
  for (auto r = undo_log_.rbegin(); r != undo_log_.rend(); ++r) {
    if (r->existed) {
      r->at->second = std::move(r->before);
    } else {
      writes_.erase(r->at);
    }
  }
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
