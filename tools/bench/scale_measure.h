// The measures of creg-bench scale on one data folder (docs/benchmarks.md,
// "A registry at scale"). Each figure carries the formula it was computed
// with, printed beside it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/data_dir.h"
#include "ledger/status.h"
#include "tools/bench/scale_registry.h"
#include "tools/bench/scale_workload.h"

namespace creg::bench {

struct Figure {
  std::string name;  // what, e.g. "query holdings p99"
  double value = 0;
  std::string unit;     // "ms", "bytes", "rows/s"...
  std::string formula;  // how it was computed
};

struct MeasureSetup {
  std::string cregd;
  std::string creg;
  std::string log_path;  // the node's log
  uint64_t queries = 1000;
  size_t jobs = 1;
};

// Measures the registry in `dir` (built by ScaleRegistry, closed) with
// `plan` at the state the registry was built to, printing each figure as
// it comes; `fill` is what building it took. Serves it with cregd
// (--read-policy public-log, so that every query kind is answered to a
// reader who does not sign in), submits a few account events before a
// kill -9, and leaves it stopped cleanly and compacted.
StatusOr<std::vector<Figure>> MeasureRegistry(const DataDir& dir, const ScalePlan& plan,
                                              const FillReport& fill, const MeasureSetup& setup);

}  // namespace creg::bench
