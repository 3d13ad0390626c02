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
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ledger/status.h"
#include "ledger/store.h"

namespace creg::internal {

using ScanVisitor = std::function<bool(std::string_view key, std::string_view value)>;

// A key of one column family.
using ColumnKey = std::pair<ColumnId, std::string>;
// Orders ColumnKeys by (column, bytes), and finds them by a
// (column, string_view) pair too, so that a lookup builds no std::string.
struct ColumnKeyLess {
  using is_transparent = void;
  using View = std::pair<ColumnId, std::string_view>;
  static View AsView(const ColumnKey& k) { return {k.first, k.second}; }
  static View AsView(const View& k) { return k; }
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return AsView(a) < AsView(b);
  }
};

// Visits what one key held before a unit of writes: its value, or nullopt
// if the key did not exist.
using PriorVisitor = std::function<void(ColumnId column, std::string_view key,
                                        const std::optional<std::string>& value)>;

class StateView {
 public:
  virtual ~StateView() = default;
  virtual StatusOr<std::optional<std::string>> Get(ColumnId column, std::string_view key) const = 0;
  // Visits keys >= start that begin with `prefix` (all if empty), in order,
  // while `visit` returns true.
  virtual Status Scan(ColumnId column, std::string_view start, std::string_view prefix,
                      const ScanVisitor& visit) const = 0;
  // Visits keys < `before` (all if empty) that begin with `prefix`, in
  // descending order, while `visit` returns true. Only the committed state
  // reads backwards (queries); other views answer FailedPrecondition.
  virtual Status ScanBackward(ColumnId column, std::string_view before, std::string_view prefix,
                              const ScanVisitor& visit) const;
};

// The committed state in the Store.
class StoreView : public StateView {
 public:
  explicit StoreView(const Store* store) : store_(store) {}
  StatusOr<std::optional<std::string>> Get(ColumnId column, std::string_view key) const override;
  Status Scan(ColumnId column, std::string_view start, std::string_view prefix,
              const ScanVisitor& visit) const override;
  Status ScanBackward(ColumnId column, std::string_view before, std::string_view prefix,
                      const ScanVisitor& visit) const override;

 private:
  const Store* store_;
};

// The committed state as one group of transactions sees it. While a group
// is applied nothing writes to the Store (one sequencer applies and commits
// groups one after the other), so the records read are kept for the next
// transactions of the group, and scans reuse one cursor per column instead
// of opening a RocksDB iterator each time, so a scan's visitor must not
// start another scan of the same column (the rules never nest scans). Must
// not outlive the group: a commit makes what it holds stale.
class GroupSnapshotView : public StateView {
 public:
  // `store` must outlive the view.
  explicit GroupSnapshotView(const Store* store) : store_(store) {}
  StatusOr<std::optional<std::string>> Get(ColumnId column, std::string_view key) const override;
  Status Scan(ColumnId column, std::string_view start, std::string_view prefix,
              const ScanVisitor& visit) const override;

 private:
  // Records kept per group at most; past it, reads go to the Store.
  static constexpr size_t kMaxKept = 4096;

  const Store* store_;
  mutable std::map<ColumnKey, std::string, ColumnKeyLess> kept_;
  mutable std::vector<std::unique_ptr<StoreCursor>> cursors_;  // by ColumnId
};

class StateOverlay : public StateView {
 public:
  // `parent` must outlive the overlay.
  explicit StateOverlay(const StateView* parent) : parent_(parent) {}

  void Put(ColumnId column, std::string_view key, std::string_view value);
  // Put of a key the caller knows the state, as this overlay shows it now,
  // does not hold (an index key made of the new entry's index, a key whose
  // absence was just checked), so that Undo::Priors need not read the
  // parent to find it absent. Checked there in builds without NDEBUG.
  void PutNew(ColumnId column, std::string_view key, std::string_view value);
  void Delete(ColumnId column, std::string_view key);

  StatusOr<std::optional<std::string>> Get(ColumnId column, std::string_view key) const override;
  Status Scan(ColumnId column, std::string_view start, std::string_view prefix,
              const ScanVisitor& visit) const override;

  // Adds every write to `batch`.
  void FlushTo(WriteBatch& batch) const;
  bool empty() const { return writes_.empty(); }

  // Makes the writes done while it lives one unit that is taken back unless
  // kept: a transaction's rules write straight into the group's overlay,
  // and a refused transaction leaves nothing behind. One at a time per
  // overlay; the overlay must outlive it.
  class Undo {
   public:
    explicit Undo(StateOverlay& overlay);
    // Takes back every write since construction unless Keep() was called.
    ~Undo();
    Undo(const Undo&) = delete;
    Undo& operator=(const Undo&) = delete;
    void Keep();
    // Visits what each key written since construction held before its
    // first write: the overlay's earlier write of it, else the parent's
    // value. Each key once, in the order first written. Errors: the
    // parent's reads.
    Status VisitPriors(const PriorVisitor& visit) const;

   private:
    StateOverlay& overlay_;
    bool kept_ = false;
  };

 private:
  using Key = ColumnKey;
  using KeyLess = ColumnKeyLess;
  using Writes = std::map<Key, std::optional<std::string>, KeyLess>;
  // What a write replaced: no write of the key at all (and, if known, no
  // record in the parent either), or the earlier one.
  struct Replaced {
    Writes::iterator at;
    bool existed = false;
    std::optional<std::string> before;
    bool known_absent = false;
  };

  // The write of `key`, added (as a deletion) if there is none yet; noted
  // for the Undo in progress. `known_absent`: the parent holds no `key`.
  std::optional<std::string>& Slot(ColumnId column, std::string_view key,
                                   bool known_absent = false);
  void TakeBack();

  const StateView* parent_;
  // nullopt marks a deletion.
  Writes writes_;
  bool recording_ = false;
  std::vector<Replaced> undo_log_;
};

}  // namespace creg::internal
