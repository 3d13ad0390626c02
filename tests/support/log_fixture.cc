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

}  // namespace creg::testing
