// Helpers for tests that need a real MerkleLog on RocksDB in a temporary
// folder, with tiny memtables so that flush and compaction paths run.
#pragma once

#include <memory>
#include <random>
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

// Expects everything a reader sees of `got` to be what it sees of `want`:
// size, head, the root rebuilt from stored nodes, every entry, the root at
// every size, node hashes of levels 0, 4 and 8, and `samples` inclusion and
// consistency proofs at sizes and indexes drawn with `rng`.
void ExpectSameLog(const MerkleLog& got, const MerkleLog& want, std::mt19937& rng,
                   int samples = 30);

}  // namespace creg::testing
