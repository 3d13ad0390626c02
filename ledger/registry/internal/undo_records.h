// Undo records (docs/data-model.md, "reg.undo"): for each committed entry
// not yet covered by a published checkpoint, what its transaction found
// under every state key it wrote, so that the log can be cut back before
// the entry (Registry::TruncateTo) without replaying it.
//
// Column reg.undo: key BE64(entry index); value, for each key the entry
// wrote, once, in the order it first wrote it:
//   column (1 byte: its position in Registry::StateColumnNames(), from 0)
//   || BE32(key length) || key
//   || 0x00 (the key did not exist) or 0x01 || BE32(value length) || value
// It is not registry state: it is left out of the state digest and of what
// an audit compares, and a replay of the same log may hold other records.
//
// Thread-safe once resolved (no mutable state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/registry/internal/state_view.h"
#include "ledger/status.h"
#include "ledger/store.h"

namespace creg::internal {

inline constexpr char kUndoColumn[] = "reg.undo";

class UndoRecords {
 public:
  // Resolves reg.undo and the registry state columns of `store`.
  // FailedPrecondition if the store lacks reg.undo (Store::Column).
  static StatusOr<UndoRecords> Resolve(const Store& store);

  ColumnId column() const { return column_; }
  static std::string Key(uint64_t entry);

  // The record of an entry whose transaction's writes (in state columns
  // only) `undo` noted. Errors: reading what the keys held
  // (StateOverlay::Undo::VisitPriors).
  StatusOr<std::string> Record(const StateOverlay::Undo& undo) const;
  // Writes what the record `bytes` of entry `entry` says its transaction
  // found back into `overlay`. DataLoss naming the entry if the record is
  // malformed or names a column that is not registry state.
  Status Restore(uint64_t entry, std::string_view bytes, StateOverlay& overlay) const;

  // The index of the oldest record in `store`; nullopt if there is none.
  StatusOr<std::optional<uint64_t>> Oldest(const Store& store) const;

 private:
  ColumnId column_ = 0;
  std::vector<ColumnId> state_columns_;  // by position in StateColumnNames()
  std::vector<char> position_of_;        // by ColumnId: position, as one byte
};

}  // namespace creg::internal
