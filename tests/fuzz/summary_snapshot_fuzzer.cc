// Fuzzes reading back the counts a node keeps in DIR/summary.json
// (DecodeSummarySnapshot, node/summary_snapshot.h) for its HTTP API's
// totals, on a disk that may have damaged them.
//
// Input: the file's text.
//
// Checks, besides "never crashes":
//  - the answer is a snapshot or InvalidArgument;
//  - a snapshot has at most kMaxSummaryDays days, each with some activity
//    and a date (SummaryDate), and its totals are the sums of its days;
//  - a snapshot encodes back to exactly the input (one text per snapshot).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "node/summary_snapshot.h"

namespace {

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "summary_snapshot_fuzzer: %s\n", what.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  creg::StatusOr<creg::SummarySnapshot> s = creg::DecodeSummarySnapshot(text);
  if (!s.ok()) {
    if (s.status().code() != creg::StatusCode::kInvalidArgument) {
      Fail("not InvalidArgument: " + s.status().ToString());
    }
    return 0;
  }
  if (s->counts.days.size() > creg::kMaxSummaryDays) Fail("too many days");
  creg::SummaryDay sum;
  for (const auto& [day, counts] : s->counts.days) {
    if (counts == creg::SummaryDay{}) Fail("a day without activity");
    // Every decoded day renders as /api/v1/status shows it.
    if (creg::SummaryDate(day).empty()) Fail("a day without a date");
    // Decode refused sums past 2^64, so these do not wrap.
    sum.issued += counts.issued;
    sum.retired += counts.retired;
    sum.cancelled += counts.cancelled;
  }
  if (sum != s->counts.totals) Fail("totals that are not the sums of the days");
  if (creg::EncodeSummarySnapshot(*s) != text) Fail("a snapshot that encodes otherwise");
  return 0;
}
