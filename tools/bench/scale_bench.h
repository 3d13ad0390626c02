// creg-bench scale: a registry of N entries built in process with a
// realistic mix (tools/bench/scale_workload.h), served by a real cregd
// that the benchmark starts on 127.0.0.1 port 0, and measured as an
// operator, an auditor and a reader would feel it; first at N/10, then,
// grown to N, again, with each figure's growth (docs/benchmarks.md, "A
// registry at scale").
#pragma once

#include <cstdint>
#include <string>

#include "cmdline/app.h"

namespace creg::bench {

struct ScaleBenchFlags {
  uint64_t entries = 1'000'000;
  std::string data;         // "": /tmp/creg-scale-<entries>
  std::string cregd;        // "": FindProgram("cregd", "node")
  std::string creg;         // "": FindProgram("creg", "tools/cli")
  uint64_t queries = 1000;  // timed requests of each kind
  uint64_t jobs = 0;        // signing threads and verify-log --jobs; 0: one per core
};

// Adds the flags above to `app` (the scale subcommand), bound to `flags`.
void AddScaleBenchFlags(CLI::App& app, ScaleBenchFlags& flags);

// Runs the benchmark; returns the exit code (0, 2 for bad flags, 3 when a
// program, folder or node cannot be had, 1 when a measure fails).
int RunScaleBench(const ScaleBenchFlags& flags);

}  // namespace creg::bench
