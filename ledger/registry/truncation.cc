// Registry: undo records and cutting the log back (registry.h, "Cutting
// back"; docs/data-model.md, "reg.undo").
#include <algorithm>

#include "ledger/registry/internal/state_view.h"
#include "ledger/registry/internal/undo_records.h"
#include "ledger/registry/registry.h"

namespace creg {

using internal::StateOverlay;
using internal::UndoRecords;

void Registry::SetPrunableBelow(uint64_t size) {
  uint64_t bound = prunable_below_.load();
  while (bound < size && !prunable_below_.compare_exchange_weak(bound, size)) {
  }
}

uint64_t Registry::AddUndoWrites(const std::vector<std::pair<uint64_t, std::string>>& records,
                                 WriteBatch& batch) const {
  if (undo_ == nullptr) return undo_from_;
  for (const auto& [entry, record] : records) {
    batch.Put(undo_->column(), UndoRecords::Key(entry), record);
  }
  // Never past the committed log: the write that adds records does not
  // also delete them.
  const uint64_t end =
      std::min({prunable_below_.load(), log_->size(), undo_from_ + kMaxPrunedPerCommit});
  uint64_t from = undo_from_;
  for (; from < end; ++from) batch.Delete(undo_->column(), UndoRecords::Key(from));
  return from;
}

StatusOr<TreeHead> Registry::TruncateTo(uint64_t size) {
  const uint64_t end = log_->size();
  const std::string cut = "cannot cut the log back to " + std::to_string(size) + " entries";
  if (undo_ == nullptr) {
    return FailedPreconditionError(cut + ": this registry keeps no log, so no undo records");
  }
  if (size > end) {
    return OutOfRangeError(cut + ": it has " + std::to_string(end));
  }
  if (size == end) return log_->head();
  const uint64_t bound = prunable_below_.load();
  if (size < bound) {
    return FailedPreconditionError(cut + ": a published checkpoint covers the first " +
                                   std::to_string(bound) +
                                   " entries, and those are never taken back");
  }
  // Newest first, so a key several entries wrote ends with what the oldest
  // of them found.
  StateOverlay restored(committed_.get());
  for (uint64_t entry = end; entry-- > size;) {
    CREG_ASSIGN_OR_RETURN(std::optional<std::string> record,
                          store_->Get(undo_->column(), UndoRecords::Key(entry)));
    if (!record.has_value()) {
      return FailedPreconditionError(
          cut + ": entry " + std::to_string(entry) +
          " has no undo record (records go once a published checkpoint covers "
          "their entry)");
    }
    CREG_RETURN_IF_ERROR(undo_->Restore(entry, *record, restored));
  }
  WriteBatch batch(*store_);
  restored.FlushTo(batch);
  for (uint64_t entry = size; entry < end; ++entry) {
    batch.Delete(undo_->column(), UndoRecords::Key(entry));
  }
  CREG_ASSIGN_OR_RETURN(TreeHead head, log_->TruncateTo(size, batch));
  undo_from_ = std::min(undo_from_, size);
  return head;
}

}  // namespace creg
