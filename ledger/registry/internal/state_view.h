// Reading registry state through layers of uncommitted writes.
//
// The sequencer applies transaction after transaction into one group that
// is committed in a single WriteBatch; each transaction must see the writes
// of those before it. A StateOverlay holds writes in memory on top of a
// parent view (the Store, or the group's overlay); a transaction works in
// its own overlay, merged into the group's only if it is accepted, so a
// refused transaction leaves nothing behind.
//
// Not thread-safe: owned by the single sequencer thread.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "ledger/status.h"
#include "ledger/store.h"

namespace creg::internal {

using ScanVisitor = std::function<bool(std::string_view key, std::string_view value)>;

class StateView {
 public:
  virtual ~StateView() = default;
  virtual StatusOr<std::optional<std::string>> Get(ColumnId column, std::string_view key) const = 0;
  // Visits keys >= start that begin with `prefix` (all if empty), in order,
  // while `visit` returns true.
  virtual Status Scan(ColumnId column, std::string_view start, std::string_view prefix,
                      const ScanVisitor& visit) const = 0;
};

// The committed state in the Store.
class StoreView : public StateView {
 public:
  explicit StoreView(const Store* store) : store_(store) {}
  StatusOr<std::optional<std::string>> Get(ColumnId column, std::string_view key) const override;
  Status Scan(ColumnId column, std::string_view start, std::string_view prefix,
              const ScanVisitor& visit) const override;

 private:
  const Store* store_;
};

class StateOverlay : public StateView {
 public:
  // `parent` must outlive the overlay.
  explicit StateOverlay(const StateView* parent) : parent_(parent) {}

  void Put(ColumnId column, std::string_view key, std::string_view value);
  void Delete(ColumnId column, std::string_view key);

  StatusOr<std::optional<std::string>> Get(ColumnId column, std::string_view key) const override;
  Status Scan(ColumnId column, std::string_view start, std::string_view prefix,
              const ScanVisitor& visit) const override;

  // Moves every write into `target` (an overlay on the same parent chain).
  void MergeInto(StateOverlay& target);
  // Adds every write to `batch`.
  void FlushTo(WriteBatch& batch) const;
  bool empty() const { return writes_.empty(); }

 private:
  using Key = std::pair<ColumnId, std::string>;
  const StateView* parent_;
  // nullopt marks a deletion.
  std::map<Key, std::optional<std::string>> writes_;
};

}  // namespace creg::internal
