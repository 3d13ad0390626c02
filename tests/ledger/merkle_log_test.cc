#include "ledger/merkle_log.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <random>
#include <thread>

#include "ledger/encoding.h"
#include "ledger/log_entry.h"
#include "ledger/merkle.h"
#include "ledger/tree_record.h"
#include "tests/support/log_fixture.h"

namespace creg {
namespace {

using testing::AppendEntries;
using testing::MakeEntry;
using testing::OpenLogStore;
using testing::TinyStoreOptions;

class MerkleLogTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    log_.reset();
    store_.reset();
    store_ = OpenLogStore(dir_.Sub("db"), TinyStoreOptions());
    ASSERT_NE(store_, nullptr);
    auto log = MerkleLog::Open(store_.get(), LogEntryLinkReader());
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(log).value();
  }

  // Opens the log again and returns the error, if any.
  Status ReopenStatus() {
    log_.reset();
    store_.reset();
    store_ = OpenLogStore(dir_.Sub("db"), TinyStoreOptions());
    return MerkleLog::Open(store_.get(), LogEntryLinkReader()).status();
  }

  void Corrupt(const std::string& column, uint64_t index, std::optional<std::string> value) {
    ColumnId cf = store_->Column(column).value();
    std::string key;
    AppendBigEndian64(&key, index);
    WriteBatch batch(*store_);
    if (value.has_value()) {
      batch.Put(cf, key, *value);
    } else {
      batch.Delete(cf, key);
    }
    ASSERT_TRUE(store_->Write(batch).ok());
  }

  // Appends `size` entries, flips a bit of the last one and expects
  // reopening to fail with DataLoss naming it.
  void ExpectOpenRefusesChangedLastEntry(uint64_t size) {
    AppendEntries(*log_, size);
    const uint64_t last = size - 1;
    std::string entry = log_->Entry(last).value();
    entry.back() ^= 1;
    Corrupt("log.entries", last, entry);
    Status s = ReopenStatus();
    EXPECT_EQ(s.code(), StatusCode::kDataLoss);
    EXPECT_NE(s.message().find("entry " + std::to_string(last)), std::string::npos) << s.ToString();
  }

  std::vector<Hash> LeafHashes() {
    std::vector<Hash> leaves;
    for (uint64_t i = 0; i < log_->size(); ++i)
      leaves.push_back(merkle::LeafHash(log_->Entry(i).value()));
    return leaves;
  }

  creg::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<MerkleLog> log_;
};

TEST_F(MerkleLogTest, EmptyLogHasEmptyRoot) {
  EXPECT_EQ(log_->size(), 0u);
  EXPECT_EQ(log_->head().root, merkle::EmptyRoot());
  EXPECT_EQ(log_->Entry(0).status().code(), StatusCode::kOutOfRange);
}

TEST_F(MerkleLogTest, AppendStoresBytesExactly) {
  std::string entry = MakeEntry(0, Hash(), "payload");
  ASSERT_TRUE(log_->Append({entry}).ok());
  EXPECT_EQ(log_->Entry(0).value(), entry);
  EXPECT_EQ(log_->LeafHashAt(0).value(), merkle::LeafHash(entry));
  EXPECT_EQ(log_->head().root, merkle::LeafHash(entry));
}

TEST_F(MerkleLogTest, ProofsVerifyAgainstRootsAtEverySize) {
  for (int group : {1, 2, 3, 5, 8, 13, 21, 4}) AppendEntries(*log_, group);
  const uint64_t n = log_->size();
  ASSERT_EQ(n, 57u);
  std::vector<Hash> leaves = LeafHashes();
  for (uint64_t size = 1; size <= n; ++size) {
    Hash root = log_->RootAt(size).value();
    for (uint64_t index = 0; index < size; ++index) {
      auto proof = log_->InclusionProof(index, size);
      ASSERT_TRUE(proof.ok()) << proof.status().ToString();
      EXPECT_TRUE(merkle::VerifyInclusion(index, size, leaves[index], *proof, root).ok())
          << index << "/" << size;
    }
    for (uint64_t size1 = 0; size1 <= size; ++size1) {
      Hash root1 = log_->RootAt(size1).value();
      auto proof = log_->ConsistencyProof(size1, size);
      ASSERT_TRUE(proof.ok());
      EXPECT_TRUE(merkle::VerifyConsistency(size1, size, *proof, root1, root).ok())
          << size1 << "/" << size;
    }
  }
}

TEST_F(MerkleLogTest, RefusesRequestsPastTheHead) {
  AppendEntries(*log_, 4);
  EXPECT_EQ(log_->RootAt(5).status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(log_->InclusionProof(0, 5).status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(log_->InclusionProof(4, 4).status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(log_->ConsistencyProof(2, 5).status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(log_->Entries(2, 5).status().code(), StatusCode::kOutOfRange);
}

TEST_F(MerkleLogTest, EntriesRangeHonoursByteLimit) {
  AppendEntries(*log_, 10, 200);
  EXPECT_EQ(log_->Entries(0, 10).value().size(), 10u);
  EXPECT_EQ(log_->Entries(3, 7).value().size(), 4u);
  auto limited = log_->Entries(0, 10, 500);
  ASSERT_TRUE(limited.ok());
  EXPECT_GE(limited->size(), 1u);
  EXPECT_LT(limited->size(), 10u);
  EXPECT_EQ((*limited)[0], log_->Entry(0).value());
}

TEST_F(MerkleLogTest, RefusesEntryThatBreaksTheChain) {
  AppendEntries(*log_, 3);
  MerkleLog::PendingAppend pending = log_->BeginAppend();
  EXPECT_EQ(pending.Add(MakeEntry(4, pending.last_leaf_hash(), "x")).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(pending.Add(MakeEntry(3, Hash(), "x")).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(pending.Add("not a protobuf \xff\xff").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(pending.entry_count(), 0u);
  EXPECT_TRUE(pending.Add(MakeEntry(3, pending.last_leaf_hash(), "x")).ok());
  ASSERT_TRUE(log_->Commit(std::move(pending)).ok());
  EXPECT_EQ(log_->size(), 4u);
}

TEST_F(MerkleLogTest, LogThatStoresNoEntriesKeepsTheSameHeadAndWritesNoEntriesOrNodes) {
  std::unique_ptr<Store> store = OpenLogStore(dir_.Sub("unstored"), TinyStoreOptions());
  ASSERT_NE(store, nullptr);
  MerkleLogOptions options;
  options.store_entries = false;
  std::unique_ptr<MerkleLog> unstored =
      MerkleLog::Open(store.get(), LogEntryLinkReader(), options).value();
  EXPECT_FALSE(unstored->stores_entries());
  EXPECT_EQ(unstored->head().root, log_->head().root);  // the empty tree's
  for (size_t group : {1, 15, 16, 40}) {
    EXPECT_EQ(AppendEntries(*unstored, group).root, AppendEntries(*log_, group).root);
  }
  EXPECT_EQ(unstored->size(), 72u);

  // The chain is still checked.
  MerkleLog::PendingAppend pending = unstored->BeginAppend();
  EXPECT_EQ(pending.Add(MakeEntry(72, Hash(), "x")).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(pending.Add(MakeEntry(73, pending.last_leaf_hash(), "x")).code(),
            StatusCode::kInvalidArgument);

  for (const char* column : {"log.entries", "log.tree"}) {
    size_t records = 0;
    ASSERT_TRUE(store
                    ->Scan(store->Column(column).value(), "", "",
                           [&](std::string_view, std::string_view) { return ++records, true; })
                    .ok());
    EXPECT_EQ(records, 0u) << column;
  }
  EXPECT_EQ(unstored->Entry(0).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(unstored->InclusionProof(0, 72).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(unstored->ConsistencyProof(1, 72).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(unstored->RootAt(10).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(unstored->RootAt(72).value(), log_->head().root);

  // Without its tree it cannot go on after a restart, nor take over a
  // stored log.
  unstored.reset();
  EXPECT_EQ(MerkleLog::Open(store.get(), LogEntryLinkReader(), options).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(MerkleLog::Open(store_.get(), LogEntryLinkReader(), options).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(MerkleLogTest, UncommittedAppendIsInvisibleAndStaleCommitRefused) {
  AppendEntries(*log_, 2);
  MerkleLog::PendingAppend stale = log_->BeginAppend();
  ASSERT_TRUE(stale.Add(MakeEntry(2, stale.last_leaf_hash(), "a")).ok());
  EXPECT_EQ(log_->size(), 2u);
  AppendEntries(*log_, 1);
  EXPECT_EQ(log_->Commit(std::move(stale)).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(log_->size(), 3u);
}

TEST_F(MerkleLogTest, ReopenKeepsEverything) {
  for (int i = 0; i < 20; ++i) AppendEntries(*log_, 37, 300);
  TreeHead before = log_->head();
  std::vector<Hash> leaves = LeafHashes();
  ASSERT_TRUE(store_->Flush().ok());
  Reopen();
  EXPECT_EQ(log_->head().size, before.size);
  EXPECT_EQ(log_->head().root, before.root);
  EXPECT_EQ(LeafHashes(), leaves);
  // Appends continue the chain after reopening.
  TreeHead after = AppendEntries(*log_, 5);
  EXPECT_EQ(after.size, before.size + 5);
  EXPECT_TRUE(merkle::VerifyConsistency(before.size, after.size,
                                        log_->ConsistencyProof(before.size, after.size).value(),
                                        before.root, after.root)
                  .ok());
}

TEST_F(MerkleLogTest, OpenRefusesHeadWithMissingLastEntry) {
  AppendEntries(*log_, 10);
  Corrupt("log.entries", 9, std::nullopt);
  Status s = ReopenStatus();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("entry 9"), std::string::npos) << s.ToString();
}

TEST_F(MerkleLogTest, OpenRefusesEntryBeyondTheHead) {
  AppendEntries(*log_, 10);
  Corrupt("log.entries", 10, MakeEntry(10, Hash(), "ghost"));
  Status s = ReopenStatus();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("entry 10"), std::string::npos) << s.ToString();
}

TEST_F(MerkleLogTest, OpenRefusesChangedLastEntry) { ExpectOpenRefusesChangedLastEntry(10); }

TEST_F(MerkleLogTest, OpenRefusesChangedLastEntryOfPartlyFilledTile) {
  ExpectOpenRefusesChangedLastEntry(11);  // the record of tile 0-15 holds 11 leaves
}

TEST_F(MerkleLogTest, NodeRecordsArePerTileOfSixteenLeaves) {
  // Batches that end inside tiles and cross tile ends: 7, 13, 33, 40.
  for (int n : {7, 6, 20, 7}) AppendEntries(*log_, n);
  const uint64_t size = log_->size();
  ASSERT_EQ(size, 40u);
  auto nodes_cf = store_->Column("log.tree").value();
  // One record per tile, keyed by its first leaf, and nothing else.
  std::vector<uint64_t> keys;
  ASSERT_TRUE(store_
                  ->Scan(nodes_cf, "", "",
                         [&](std::string_view key, std::string_view) {
                           keys.push_back(ReadBigEndian64(key));
                           return true;
                         })
                  .ok());
  EXPECT_EQ(keys, (std::vector<uint64_t>{0, 16, 32}));
  for (uint64_t start : keys) {
    std::string key;
    AppendBigEndian64(&key, start);
    std::string record = store_->Get(nodes_cf, key).value().value();
    const uint64_t last = std::min(start + 15, size - 1);
    ASSERT_EQ(record.size(), tree_record::HashCount(last) * Hash::kSize) << "tile " << start;
    for (uint64_t leaf = start; leaf <= last; ++leaf) {
      EXPECT_EQ(record.substr(tree_record::Slot(0, leaf) * Hash::kSize, Hash::kSize),
                merkle::LeafHash(log_->Entry(leaf).value()).str())
          << "leaf " << leaf;
    }
  }
  // Tile 0 in completion order: leaf 0, leaf 1, node 0-1, leaf 2, leaf 3,
  // node 2-3, node 0-3, leaf 4, ...; the node over 4-7 is in slot 13.
  std::string key;
  AppendBigEndian64(&key, 0);
  std::string tile0 = store_->Get(nodes_cf, key).value().value();
  auto leaf = [&](uint64_t i) { return log_->LeafHashAt(i).value(); };
  Hash n01 = merkle::NodeHash(leaf(0), leaf(1)), n23 = merkle::NodeHash(leaf(2), leaf(3));
  EXPECT_EQ(tile0.substr(2 * Hash::kSize, Hash::kSize), n01.str());
  EXPECT_EQ(tile0.substr(6 * Hash::kSize, Hash::kSize), merkle::NodeHash(n01, n23).str());
  Hash n45 = merkle::NodeHash(leaf(4), leaf(5)), n67 = merkle::NodeHash(leaf(6), leaf(7));
  EXPECT_EQ(tree_record::Slot(2, 1), 13u);
  EXPECT_EQ(tile0.substr(13 * Hash::kSize, Hash::kSize), merkle::NodeHash(n45, n67).str());
  // The tile's own root (level 4) ends record 0; the node over 0-31
  // (level 5) ends record 16.
  EXPECT_EQ(tile0.substr(tile0.size() - Hash::kSize), log_->RootAt(16).value().str());
  key.clear();
  AppendBigEndian64(&key, 16);
  std::string tile16 = store_->Get(nodes_cf, key).value().value();
  EXPECT_EQ(tile16.substr(tile16.size() - Hash::kSize), log_->RootAt(32).value().str());
}

TEST_F(MerkleLogTest, OpenRefusesLastTileRecordOfAnotherLength) {
  AppendEntries(*log_, 13);
  auto nodes_cf = store_->Column("log.tree").value();
  std::string key;
  AppendBigEndian64(&key, 0);
  std::string record = store_->Get(nodes_cf, key).value().value();
  // A record that reaches only entry 11, then one with an extra hash.
  Corrupt("log.tree", 0, record.substr(0, tree_record::HashCount(11) * Hash::kSize));
  Status s = ReopenStatus();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("entries 0-15"), std::string::npos) << s.ToString();
  Corrupt("log.tree", 0, record + std::string(Hash::kSize, 'x'));
  EXPECT_EQ(ReopenStatus().code(), StatusCode::kDataLoss);
  Corrupt("log.tree", 0, record);
  EXPECT_TRUE(ReopenStatus().ok());
}

TEST_F(MerkleLogTest, OpenRefusesBrokenChainLinkAtTheHead) {
  AppendEntries(*log_, 10);
  // A well-formed entry 9 whose prev_hash is wrong, with matching leaf node.
  std::string forged = MakeEntry(9, Hash(), "forged");
  Corrupt("log.entries", 9, forged);
  auto nodes_cf = store_->Column("log.tree").value();
  std::string key;
  AppendBigEndian64(&key, 0);  // the tile of entries 0-15
  std::string record = store_->Get(nodes_cf, key).value().value();
  record.replace(tree_record::Slot(0, 9) * Hash::kSize, Hash::kSize,
                 merkle::LeafHash(forged).view());
  Corrupt("log.tree", 0, record);
  Status s = ReopenStatus();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("entry 9"), std::string::npos) << s.ToString();
}

TEST_F(MerkleLogTest, OpenRefusesChangedMerkleNode) {
  AppendEntries(*log_, 16);
  std::string key;
  AppendBigEndian64(&key, 0);
  auto nodes_cf = store_->Column("log.tree").value();
  std::string record = store_->Get(nodes_cf, key).value().value();
  record[Hash::kSize * tree_record::Slot(4, 0)] ^= 0x40;  // the level-4 node, which is the root
  Corrupt("log.tree", 0, record);
  EXPECT_EQ(ReopenStatus().code(), StatusCode::kDataLoss);
}

// A real crash: a child process appends batches of kBatch entries and
// reports each acknowledged commit through a pipe; the parent kills it with
// SIGKILL at a random moment and reopens. Every acknowledged batch must be
// there, and no batch may be partly there.
TEST_F(MerkleLogTest, KillDuringAppendsLosesNoAcknowledgedBatch) {
  constexpr int kBatch = 50;
  const int cycles = 3;
  log_.reset();
  store_.reset();
  std::mt19937 rng(12345);
  uint64_t acknowledged = 0;
  for (int cycle = 0; cycle < cycles; ++cycle) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(fds[0]);
      auto store = Store::Open(dir_.Sub("db"), TinyStoreOptions(), MerkleLog::ColumnNames());
      if (!store.ok()) _exit(2);
      auto log = MerkleLog::Open(store->get(), LogEntryLinkReader());
      if (!log.ok()) _exit(3);
      for (;;) {
        MerkleLog::PendingAppend pending = (*log)->BeginAppend();
        for (int i = 0; i < kBatch; ++i) {
          if (!pending
                   .Add(MakeEntry(pending.next_index(), pending.last_leaf_hash(),
                                  std::string(300, 'c')))
                   .ok())
            _exit(4);
        }
        auto head = (*log)->Commit(std::move(pending));
        if (!head.ok()) _exit(5);
        uint64_t size = head->size;
        if (write(fds[1], &size, sizeof size) != sizeof size) _exit(6);
      }
    }
    close(fds[1]);
    // Wait for the first acknowledgement (slow under sanitizers), then kill
    // at a random moment.
    uint64_t size = 0;
    if (read(fds[0], &size, sizeof size) == sizeof size) acknowledged = size;
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 200));
    kill(child, SIGKILL);
    while (read(fds[0], &size, sizeof size) == sizeof size) acknowledged = size;
    close(fds[0]);
    int wstatus = 0;
    waitpid(child, &wstatus, 0);
    ASSERT_TRUE(WIFSIGNALED(wstatus)) << "child exited early with " << WEXITSTATUS(wstatus);

    Reopen();
    uint64_t recovered = log_->size();
    EXPECT_GE(recovered, acknowledged) << "cycle " << cycle;
    EXPECT_EQ(recovered % kBatch, 0u) << "a partial batch is visible after the crash";
    // Every entry present links to its predecessor.
    Hash prev;
    for (uint64_t i = 0; i < recovered; ++i) {
      std::string bytes = log_->Entry(i).value();
      auto entry = DecodeLogEntry(bytes);
      ASSERT_TRUE(entry.ok());
      ASSERT_EQ(entry->index(), i);
      ASSERT_EQ(entry->prev_hash(), prev.str());
      prev = merkle::LeafHash(bytes);
    }
    acknowledged = recovered;
    log_.reset();
    store_.reset();
  }
  EXPECT_GT(acknowledged, 0u);
}

}  // namespace
}  // namespace creg
