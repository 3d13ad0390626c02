#include "tools/audit/log_scan.h"

#include <optional>
#include <string>
#include <utility>

#include "ledger/encoding.h"
#include "ledger/tree_record.h"
#include "tools/audit/log_reader.h"

namespace creg::audit {
namespace {

// The tile records of ascending positions, read in step with the entries
// from the chunks of a LogReader. A record the scan passes without asking
// for it is reported: every tile start is asked for in turn, so its key is
// no tile's (not BE64 of a multiple of 16).
class TileRecords {
 public:
  explicit TileRecords(Findings& findings) : findings_(findings) {}

  // The "log.tree" records that follow those of the run before.
  void SetRun(const RecordRun* run) {
    run_ = run;
    at_ = 0;
  }
  // Once every entry of the run's chunk was checked, `visited` positions
  // in all: the records left that sort no later than the last position's
  // key are no tile's. Those after it are left to the check for records
  // past the last entry (verify-log's), which starts just after that key.
  void EndRun(uint64_t visited) {
    if (run_ != nullptr && visited > 0) {
      std::string last;
      AppendBigEndian64(&last, visited - 1);
      for (; at_ < run_->size() && run_->key(at_) <= last; ++at_) ReportStray(run_->key(at_));
    }
    run_ = nullptr;
  }

  // The record stored under BE64(`start`), or nullopt; valid until the next
  // call. Starts must not descend; the same one may be asked for again.
  std::optional<std::string_view> At(uint64_t start) {
    if (have_ && current_start_ == start) return std::string_view(current_);
    for (; run_ != nullptr && at_ < run_->size(); ++at_) {
      if (run_->key(at_).size() != 8) {
        ReportStray(run_->key(at_));
        continue;
      }
      const uint64_t key = ReadBigEndian64(run_->key(at_));
      if (key < start) {
        ReportStray(run_->key(at_));
        continue;
      }
      if (key > start) break;
      // Kept across runs: a tile's entries may span two chunks.
      current_.assign(run_->value(at_));
      current_start_ = start;
      have_ = true;
      ++at_;
      return std::string_view(current_);
    }
    return std::nullopt;
  }

 private:
  void ReportStray(std::string_view key) {
    std::string found = HexEncode(key);
    if (key.size() == 8) found += " (" + std::to_string(ReadBigEndian64(key)) + ")";
    findings_.Add("log.tree", "holds a record under a key that is no tile's",
                  "keys of 8 bytes naming the first entry of a tile of " +
                      std::to_string(tree_record::kTileLeaves),
                  found);
  }

  Findings& findings_;
  const RecordRun* run_ = nullptr;
  size_t at_ = 0;
  bool have_ = false;
  uint64_t current_start_ = 0;
  std::string current_;
};

}  // namespace

StatusOr<LogScanResult> ScanLog(const Store& store, LogChecker& checker, Findings& findings,
                                ReplayPipeline* replay, Progress& progress, size_t chunk_bytes) {
  CREG_ASSIGN_OR_RETURN(std::unique_ptr<LogReader> reader, LogReader::Start(store, chunk_bytes));
  TileRecords tiles(findings);
  LogScanResult result;
  uint64_t expected = 0;
  Status failed;  // a replay error, which ends the scan
  auto tree_record = [&](uint64_t index) {
    // The record of the tile `index` belongs to (ledger/tree_record.h).
    return tiles.At(tree_record::TileStart(index));
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
  auto visit = [&](std::string_view key, std::string_view value) {
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
      for (uint64_t i = expected; i < index && failed.ok(); ++i) checker.Missing(i, tree_record(i));
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
  };
  Status scanned;      // a read error
  bool whole = false;  // every stored entry was visited
  for (bool go = true; go;) {
    std::unique_ptr<LogChunk> chunk = reader->Next();
    if (chunk == nullptr) break;
    tiles.SetRun(&chunk->tiles);
    for (size_t i = 0; go && i < chunk->entries.size(); ++i)
      go = visit(chunk->entries.key(i), chunk->entries.value(i));
    if (go) {
      findings.Hold();
      tiles.EndRun(expected);
      release();
      go = !findings.stop() && failed.ok();
    }
    if (chunk->last) {
      scanned = chunk->status;
      whole = go && scanned.ok();
      go = false;
    }
    tiles.SetRun(nullptr);
    reader->Recycle(std::move(chunk));
  }
  if (whole) {
    findings.Hold();
    checker.Finish();
    release();
  }
  findings.Release();  // if the scan ended while holding
  CREG_RETURN_IF_ERROR(scanned);
  CREG_RETURN_IF_ERROR(failed);
  return result;
}

}  // namespace creg::audit
