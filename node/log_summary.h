// LogSummary: what the registry has done in total and per UTC day (credits
// issued, retired and cancelled; projects, batches and retirements),
// kept in memory by following the committed log, for the JSON API's
// /api/v1/status (docs/http.md). Entries of other kinds (accounts, labels,
// Article 6, leader terms) are read and count nothing.
//
// A follower thread reads the log once when started, from entry 0 or from
// the saved counts (below), then each entry as it is committed (Wake,
// called after every commit, tells it the log grew). Reading the whole log
// costs one pass over every entry (about 8 s per 1,000,000 entries, see
// docs/http.md); until that pass reaches the size the log had at start,
// Json() is Unavailable. Memory: a few numbers and one row per day with
// activity.
//
// With a snapshot path (DIR/summary.json, node/summary_snapshot.h), the
// counts are written there once the first pass is done, every
// kSnapshotEvery entries after that, and at Stop; Start continues from
// the file instead of entry 0 when the log's root at the file's size is
// the root it recorded. A file that is missing, does not decode, or is of
// another history (a log cut or replaced since) is logged and ignored.
//
// Thread-safe: Json and Wake from any thread; Start and Stop once each.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "ledger/json.h"
#include "ledger/merkle_log.h"
#include "ledger/status.h"
#include "node/summary_snapshot.h"

namespace creg {

class LogSummary {
 public:
  // The most days the timeline lists: the latest days with activity.
  static constexpr size_t kTimelineDays = 366;
  // Entries counted between two snapshots once the first pass is done.
  static constexpr uint64_t kSnapshotEvery = 250'000;

  // `log` must outlive the summary. `snapshot_path`: "" for none.
  explicit LogSummary(const MerkleLog& log, std::string snapshot_path = "");
  ~LogSummary();  // Stops.
  LogSummary(const LogSummary&) = delete;
  LogSummary& operator=(const LogSummary&) = delete;

  void Start();
  void Stop();
  // The log may have grown.
  void Wake();

  // {"totals": {"issued", "retired", "cancelled", "projects", "batches",
  //  "retirements"}, "timeline": [{"date", "issued", "retired",
  //  "cancelled"}, ...]} as of the entries read so far; Unavailable while
  // the log that existed at Start is still being read; the error that
  // stopped the follower (DataLoss for an entry that does not decode).
  StatusOr<json::Value> Json() const;

  // Counts one stored entry (for the follower, and for tests without a
  // thread). InvalidArgument if it does not decode.
  Status Add(std::string_view entry_bytes);

  // Entries taken from the snapshot at Start rather than read (0 when it
  // read the log from the beginning).
  uint64_t resumed_at() const;

 private:
  void Resume();
  void Follow();
  // Writes the counts so far; a failure is logged.
  void SaveSnapshot();

  const MerkleLog& log_;
  const std::string snapshot_path_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool woken_ = false;
  uint64_t ready_at_ = 0;  // the log size at Start
  uint64_t read_ = 0;      // entries counted
  uint64_t resumed_at_ = 0;
  uint64_t saved_at_ = 0;  // read_ when the snapshot was last written
  Status failed_;
  SummaryCounts counts_;
  std::thread thread_;
};

}  // namespace creg
