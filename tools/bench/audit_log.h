// A registry data folder with a log of signed transfers for the audit
// benchmark (creg-bench audit), made in process: the same transactions
// `creg-bench fill` sends a node (tools/bench/workload.h), applied to a
// Registry in groups of 1,000, with a checkpoint signed by a fresh key
// (DIR/checkpoint, DIR/verifier.key). Much faster than filling a node, and
// no node is needed.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ledger/data_dir.h"
#include "ledger/status.h"

namespace creg::bench {

// Makes `dir` (which must not hold a database yet) with a log of at least
// `entries` entries, signing on `threads` threads. Errors from the store,
// the files, or a transaction the registry refuses.
Status MakeAuditLog(const DataDir& dir, uint64_t entries, size_t threads);

}  // namespace creg::bench
