#include "tests/support/log_fixture.h"

#include <gtest/gtest.h>

#include "ledger/log_entry.h"

namespace creg::testing {

StoreOptions TinyStoreOptions() {
  StoreOptions options;
  options.create_if_missing = true;
  options.write_buffer_size = 64 << 10;
  options.block_cache_bytes = 1 << 20;
  return options;
}

std::unique_ptr<Store> OpenLogStore(const std::string& path, const StoreOptions& options) {
  StatusOr<std::unique_ptr<Store>> store = Store::Open(path, options, MerkleLog::ColumnNames());
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

std::string MakeEntry(uint64_t index, const Hash& prev_hash, const std::string& payload) {
  pb::LogEntry entry;
  entry.set_index(index);
  entry.set_timestamp_micros(1'700'000'000'000'000 + static_cast<int64_t>(index));
  entry.set_prev_hash(prev_hash.str());
  entry.set_signed_transaction(payload);
  return EncodeLogEntry(entry);
}

TreeHead AppendEntries(MerkleLog& log, size_t count, size_t payload_size) {
  MerkleLog::PendingAppend pending = log.BeginAppend();
  for (size_t i = 0; i < count; ++i) {
    uint64_t index = pending.next_index();
    std::string payload = "tx-" + std::to_string(index);
    payload.resize(payload_size, '.');
    Status added = pending.Add(MakeEntry(index, pending.last_leaf_hash(), payload));
    EXPECT_TRUE(added.ok()) << added.ToString();
  }
  StatusOr<TreeHead> head = log.Commit(std::move(pending));
  EXPECT_TRUE(head.ok()) << head.status().ToString();
  return head.ok() ? *head : TreeHead{};
}

void ExpectSameLog(const MerkleLog& got, const MerkleLog& want, std::mt19937& rng, int samples) {
  const uint64_t size = want.size();
  ASSERT_EQ(got.size(), size);
  EXPECT_EQ(got.head().root, want.head().root);
  EXPECT_EQ(got.RecomputeRoot(size).value(), want.head().root);
  EXPECT_EQ(got.Entry(size).status().code(), StatusCode::kOutOfRange);
  if (size == 0) return;
  EXPECT_EQ(got.Entries(0, size).value(), want.Entries(0, size).value());
  for (uint64_t k = 0; k <= size; ++k) {
    ASSERT_EQ(got.RootAt(k).value(), want.RootAt(k).value()) << "root at " << k;
  }
  for (int level : {0, 4, 8}) {
    const uint64_t nodes = size >> level;
    if (nodes == 0) continue;
    EXPECT_EQ(got.SubtreeHashes(level, 0, nodes).value(),
              want.SubtreeHashes(level, 0, nodes).value())
        << "level " << level;
  }
  auto below = [&](uint64_t n) { return n == 0 ? 0 : rng() % n; };
  for (int i = 0; i < samples; ++i) {
    const uint64_t k = i == 0 ? size : below(size) + 1;
    const uint64_t index = below(k);
    EXPECT_EQ(got.InclusionProof(index, k).value(), want.InclusionProof(index, k).value())
        << index << " in " << k;
    const uint64_t k1 = below(k + 1);
    EXPECT_EQ(got.ConsistencyProof(k1, k).value(), want.ConsistencyProof(k1, k).value())
        << k1 << " to " << k;
  }
}

}  // namespace creg::testing
