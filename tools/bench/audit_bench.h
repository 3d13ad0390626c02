// creg-bench audit: the speed of `creg-audit verify-log --data` on a log of
// N entries, beside the raw cost of its parts measured in the same run
// (docs/benchmarks.md):
//   - Ed25519 verifications per second on one core and on all of them
//     (libsodium under creg's rule, what verify-log runs; OpenSSL beside it
//     for comparison), in process;
//   - SHA-256 leaf hashes of the stored entry bytes per second;
//   - the hash-and-tree checks alone (the LogChecker pass over the stored
//     entries and Merkle node records, no replay), in entries per second;
//   - verify-log end to end (in process, --jobs J), in entries per second,
//     and its ratio to J cores' signature checks alone.
// Each is repeated and the median printed. With --tree-only, only the
// SHA-256 and hash-and-tree figures.
#pragma once

#include <cstdint>
#include <string>

#include "cmdline/app.h"

namespace creg::bench {

struct AuditBenchFlags {
  uint64_t entries = 1'000'000;  // or CREG_BENCH_AUDIT_ENTRIES
  std::string data;              // "": /tmp/creg-audit-bench-<entries>
  uint64_t jobs;                 // verify-log --jobs; default one per core
  uint64_t repetitions = 3;
  bool tree_only = false;
  AuditBenchFlags();
};

// Adds the flags above to `app` (the audit subcommand), bound to `flags`.
void AddAuditBenchFlags(CLI::App& app, AuditBenchFlags& flags);

// Runs the benchmark; returns the exit code.
int RunAuditBench(const AuditBenchFlags& flags);

}  // namespace creg::bench
