// LogSummary: what the registry has done in total and per UTC day (credits
// issued, retired and cancelled; projects, batches and retirements),
// kept in memory by following the committed log, for the JSON API's
// /api/v1/status (docs/http.md). Entries of other kinds (accounts, labels,
// Article 6, leader terms) are read and count nothing.
//
// A follower thread reads the log from entry 0 once when started, then
// each entry as it is committed (Wake, called after every commit, tells it
// the log grew). Reading the existing log costs one pass over every entry
// at start (about a second per 100,000 entries on one core, see
// docs/http.md); until that pass reaches the size the log had at start,
// Json() is Unavailable. Memory: a few numbers and one row per day with
// activity.
//
// Thread-safe: Json and Wake from any thread; Start and Stop once each.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string_view>
#include <thread>

#include "ledger/json.h"
#include "ledger/merkle_log.h"
#include "ledger/status.h"

namespace creg {

class LogSummary {
 public:
  // The most days the timeline lists: the latest days with activity.
  static constexpr size_t kTimelineDays = 366;

  // `log` must outlive the summary.
  explicit LogSummary(const MerkleLog& log);
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

 private:
  struct Day {
    uint64_t issued = 0, retired = 0, cancelled = 0;
  };
  void Follow();

  const MerkleLog& log_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool woken_ = false;
  uint64_t ready_at_ = 0;  // the log size at Start
  uint64_t read_ = 0;      // entries counted
  Status failed_;
  Day totals_;
  uint64_t projects_ = 0, batches_ = 0, retirements_ = 0;
  std::map<int64_t, Day> days_;  // by days since 1970-01-01
  std::thread thread_;
};

}  // namespace creg
