// The entry scan of `verify-log --data`: reads log.entries in index order
// and the Merkle node record of each entry's tile (log.tree), on a reader
// thread of its own (LogReader), runs every position through a LogChecker
// (hash chain, nodes), and hands each sound entry to the replay. A missing position is reported and
// lined up with its stored leaf node; a gap over kMaxGap ends the scan.
//
// The replay lags behind the scan (signatures are checked on other
// threads), so the checker's problems are held (Findings::Hold) until the
// replay has caught up with the entry they concern: every problem is
// printed in log order, and without --keep-going only the first one.
#pragma once

#include <cstdint>

#include "ledger/status.h"
#include "ledger/store.h"
#include "tools/audit/findings.h"
#include "tools/audit/log_checker.h"
#include "tools/audit/log_reader.h"
#include "tools/audit/progress.h"
#include "tools/audit/replay_pipeline.h"

namespace creg::audit {

// Missing entries the tree is lined up across; a larger gap ends the scan.
inline constexpr uint64_t kMaxGap = uint64_t{1} << 20;

struct LogScanResult {
  bool gave_up = false;  // a gap too large to line up across ended the scan
};

// Scans every stored entry of `store` (columns "log.entries" and
// "log.tree") through `checker`, reporting to `findings` (the one
// `checker` reports to). Sound entries are fed to `replay` unless it is
// null (the hash-and-tree checks alone). Stops early when findings.stop().
// Errors: failures to read the store or of the scratch registry.
// `chunk_bytes`: how much the reader thread hands over at a time
// (LogReader); tests make it tiny so that tiles span chunks.
StatusOr<LogScanResult> ScanLog(const Store& store, LogChecker& checker, Findings& findings,
                                ReplayPipeline* replay, Progress& progress,
                                size_t chunk_bytes = LogReader::kChunkBytes);

}  // namespace creg::audit
