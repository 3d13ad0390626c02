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
// Every entry writes its transaction id ("tx/" in reg.index, holding the
// entry's index) and its signer's nonce (holding the transaction id), both
// new, so every record names both as absent: that is how Restore tells a
// record from an empty one or from another entry's.
//
// Thread-safe once resolved (no mutable state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/registry/internal/state_view.h"
#include "ledger/registry/internal/tables.h"
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
  // found back into `overlay`, which shows the state with the entries
  // after `entry` already taken back. DataLoss naming the entry, and
  // nothing written, if the record is empty or cut short, malformed, names
  // a column that is not registry state, a key that no entry writes
  // (Tables::IsEntryKey) or a key twice, or is not this entry's: it must
  // name exactly one transaction id and one nonce, both absent before the
  // entry, the transaction id being the one `overlay` says entry `entry`
  // holds and the nonce one that transaction used. A record cut exactly
  // between two keys after those two is not told from a whole one.
  // Errors of `overlay`'s reads otherwise.
  Status Restore(uint64_t entry, std::string_view bytes, StateOverlay& overlay) const;

  // The index of the oldest record in `store`; nullopt if there is none.
  StatusOr<std::optional<uint64_t>> Oldest(const Store& store) const;

 private:
  // One key of a record, pointing into the record's bytes.
  struct Item {
    size_t position = 0;  // in RegistryColumnNames()
    ColumnId column = 0;
    std::string_view key;
    bool present = false;
    std::string_view value;  // if present
  };
  // DataLoss unless `items`, the record of `entry`, name each key once,
  // and that entry's transaction id and nonce as `state` holds them.
  Status CheckOwnEntry(uint64_t entry, const std::string& what, const std::vector<Item>& items,
                       const StateView& state) const;

  Tables tables_;
  ColumnId column_ = 0;
  std::vector<ColumnId> state_columns_;  // by position in StateColumnNames()
  std::vector<char> position_of_;        // by ColumnId: position, as one byte
};

}  // namespace creg::internal
