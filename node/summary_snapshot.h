// What node/log_summary.h has counted, as a node keeps it between runs in
// DIR/summary.json (ledger/data_dir.h), so that a restarted node reads only
// the entries committed since it was written rather than the whole log.
//
// The file is the node's own, but it is read as hostile bytes: Decode
// accepts exactly what Encode writes (one line of JSON, the members below,
// every count an unsigned integer, days strictly ascending and within the
// days a timestamp can name, the root 64 hex digits, at most
// kMaxSummaryDays days, totals the sums of the days; then a line with the
// SHA-256 of the first, so that damage to a count is caught) and refuses
// anything else with InvalidArgument naming what is wrong. It is only an
// optimisation: the summary checks that the log's root at `size` is still
// `root` before it uses one, and reads the whole log when it cannot.
//
// The format name ("creg-log-summary/1") must change whenever what
// LogSummary counts changes, so that a file counted by other rules is not
// taken.
//
// Thread-safe: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "ledger/hash.h"
#include "ledger/status.h"

namespace creg {

struct SummaryDay {
  uint64_t issued = 0, retired = 0, cancelled = 0;
  friend bool operator==(const SummaryDay&, const SummaryDay&) = default;
};

// Credits and records counted over entries [0, size).
struct SummaryCounts {
  SummaryDay totals;
  uint64_t projects = 0, batches = 0, retirements = 0;
  // Keyed by days since 1970-01-01 (UTC); only days with activity.
  std::map<int64_t, SummaryDay> days;
  friend bool operator==(const SummaryCounts&, const SummaryCounts&) = default;
};

struct SummarySnapshot {
  uint64_t size = 0;  // entries counted
  Hash root;          // the log's Merkle root at `size`
  SummaryCounts counts;
  friend bool operator==(const SummarySnapshot&, const SummarySnapshot&) = default;
};

// Days a snapshot may hold: more than 2,700 years of daily activity.
inline constexpr size_t kMaxSummaryDays = 1'000'000;
// The largest file ReadSummarySnapshot reads (a full kMaxSummaryDays file
// is about 60 MiB).
inline constexpr size_t kMaxSummarySnapshotBytes = 64 << 20;

// The UTC day of a timestamp in microseconds since 1970-01-01, as days
// since then (negative before), rounding down.
int64_t SummaryDayOf(int64_t micros);
// "YYYY-MM-DD" of a day SummaryDayOf can return, the year as strftime's
// %Y writes it (up to six digits, a minus sign before year 0).
std::string SummaryDate(int64_t day);

std::string EncodeSummarySnapshot(const SummarySnapshot& snapshot);
StatusOr<SummarySnapshot> DecodeSummarySnapshot(std::string_view text);

// Reads and decodes the file at `path`: NotFound if there is none;
// InvalidArgument naming the path for one over kMaxSummarySnapshotBytes or
// one that does not decode; Unavailable if it cannot be read.
StatusOr<SummarySnapshot> ReadSummarySnapshot(const std::string& path);
// Writes it atomically and durably (WriteFileAtomically).
Status WriteSummarySnapshot(const std::string& path, const SummarySnapshot& snapshot);

}  // namespace creg
