// Helpers for tests that need a real MerkleLog on RocksDB in a temporary
// folder, with tiny memtables so that flush and compaction paths run.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ledger/merkle_log.h"
#include "ledger/store.h"
#include "tests/support/temp_dir.h"

namespace creg::testing {

// StoreOptions for tests: create if missing, 64 KiB memtables, small cache.
StoreOptions TinyStoreOptions();

// Opens a Store at `path` with the log's column families.
std::unique_ptr<Store> OpenLogStore(const std::string& path, const StoreOptions& options);

// Builds LogEntry bytes that continue a log at `index` after `prev_hash`,
// carrying `payload` as the signed transaction.
std::string MakeEntry(uint64_t index, const Hash& prev_hash, const std::string& payload);

// Appends `count` entries of about `payload_size` bytes in one group.
TreeHead AppendEntries(MerkleLog& log, size_t count, size_t payload_size = 100);

}  // namespace creg::testing
