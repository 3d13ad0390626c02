#include "tools/audit/log_scan.h"

#include <optional>
#include <string>
#include <utility>

#include "ledger/encoding.h"
#include "tools/audit/column_cursor.h"

namespace creg::audit {
namespace {

// The node records of ascending positions, read in step with the entries.
class TreeRecords {
 public:
  TreeRecords(const Store& store, ColumnId column) : cursor_(store, column) {}

  // The record stored at `index`, or nullopt; valid until the next call.
  // Indexes must not descend; the same one may be asked for again.
  StatusOr<std::optional<std::string_view>> At(uint64_t index) {
    if (!started_) {
      CREG_RETURN_IF_ERROR(cursor_.Next());
      started_ = true;
    }
    // Keys of another length are no node records and are never asked for.
    while (!cursor_.done() &&
           (cursor_.key().size() != 8 || ReadBigEndian64(cursor_.key()) < index)) {
      CREG_RETURN_IF_ERROR(cursor_.Next());
    }
    if (cursor_.done() || ReadBigEndian64(cursor_.key()) != index)
      return std::optional<std::string_view>();
    return std::optional<std::string_view>(cursor_.value());
  }

 private:
  ColumnCursor cursor_;
  bool started_ = false;
};

}  // namespace

StatusOr<LogScanResult> ScanLog(const Store& store, LogChecker& checker, Findings& findings,
                                ReplayPipeline* replay, Progress& progress) {
  CREG_ASSIGN_OR_RETURN(ColumnId entries_cf, store.Column("log.entries"));
  CREG_ASSIGN_OR_RETURN(ColumnId tree_cf, store.Column("log.tree"));
  TreeRecords tree(store, tree_cf);
  LogScanResult result;
  uint64_t expected = 0;
  Status failed;  // a read or replay error, which ends the scan
  auto tree_record = [&](uint64_t index) -> std::optional<std::string_view> {
    // The record of the pair of leaves `index` belongs to (ledger/tree_record.h).
    StatusOr<std::optional<std::string_view>> record = tree.At(index | 1);
    if (!record.ok()) failed = record.status();
    return record.ok() ? *record : std::nullopt;
  };
  // Replays everything before the entry a held problem concerns, then
  // prints the problem.
  auto release = [&] {
    findings.StopHolding();
    if (findings.holds_any() && replay != nullptr && failed.ok()) failed = replay->Drain();
    findings.Release();
  };
  auto stop_replay_at = [&](uint64_t index) {
    if (replay != nullptr && failed.ok()) failed = replay->StopAt(index);
  };
  Status scanned =
      store.Scan(entries_cf, "", "", [&](std::string_view key, std::string_view value) {
        if (key.size() != 8) {
          findings.Hold();
          findings.Add("log.entries", "holds a key that is not an 8-byte index", "8 bytes",
                       HexEncode(key));
          release();
          return !findings.stop() && failed.ok();
        }
        uint64_t index = ReadBigEndian64(key);
        if (index > expected) {
          stop_replay_at(expected);
          if (findings.stop() || !failed.ok()) return false;
          findings.Add(
              index - expected == 1
                  ? "entry " + std::to_string(expected)
                  : "entries " + std::to_string(expected) + "-" + std::to_string(index - 1),
              "missing from log.entries (the next stored entry is " + std::to_string(index) + ")");
          if (index - expected > kMaxGap) {
            findings.Note("the gap is too large to line the tree up across; the scan stops here");
            result.gave_up = true;
            return false;
          }
          for (uint64_t i = expected; i < index && failed.ok(); ++i)
            checker.Missing(i, tree_record(i));
          if (findings.stop() || !failed.ok()) return false;
        }
        findings.Hold();
        bool sound = checker.Check(index, value, tree_record(index));
        release();
        if (!sound) {
          stop_replay_at(index);
        } else if (replay != nullptr && failed.ok()) {
          failed = replay->Feed(index, value);
        }
        expected = index + 1;
        progress.Tick(expected);
        return !findings.stop() && failed.ok();
      });
  findings.Release();  // if the scan ended while holding
  CREG_RETURN_IF_ERROR(scanned);
  CREG_RETURN_IF_ERROR(failed);
  return result;
}

}  // namespace creg::audit
