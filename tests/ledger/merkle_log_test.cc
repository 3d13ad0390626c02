#include "ledger/merkle_log.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bit>
#include <chrono>
#include <random>
#include <thread>

#include "ledger/encoding.h"
#include "ledger/log_entry.h"
#include "ledger/merkle.h"
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

TEST_F(MerkleLogTest, OpenRefusesChangedLastEntryOfOddSizedLog) {
  ExpectOpenRefusesChangedLastEntry(11);  // entry 10 has no node record yet
}

TEST_F(MerkleLogTest, NodeRecordsArePerPairOfLeaves) {
  AppendEntries(*log_, 7);
  AppendEntries(*log_, 6);  // 13 entries: records at 1, 3, 5, 7, 9, 11
  auto nodes_cf = store_->Column("log.tree").value();
  for (uint64_t leaf = 0; leaf < 14; ++leaf) {
    std::string key;
    AppendBigEndian64(&key, leaf);
    std::optional<std::string> record = store_->Get(nodes_cf, key).value();
    if (leaf % 2 == 0 || leaf >= 13) {
      EXPECT_FALSE(record.has_value()) << "leaf " << leaf;
      continue;
    }
    ASSERT_TRUE(record.has_value()) << "leaf " << leaf;
    // Both leaf hashes of the pair, then one node per trailing one bit.
    ASSERT_EQ(record->size(), (std::countr_one(leaf) + 2) * Hash::kSize) << "leaf " << leaf;
    EXPECT_EQ(record->substr(0, Hash::kSize), log_->LeafHashAt(leaf - 1).value().str());
    EXPECT_EQ(record->substr(Hash::kSize, Hash::kSize), log_->LeafHashAt(leaf).value().str());
    EXPECT_EQ(record->substr(Hash::kSize, Hash::kSize),
              merkle::LeafHash(log_->Entry(leaf).value()).str());
  }
  // The level-2 node over entries 4-7 sits in slot 3 of record 7.
  std::string key;
  AppendBigEndian64(&key, 7);
  std::string record = store_->Get(nodes_cf, key).value().value();
  Hash level1_left = merkle::NodeHash(log_->LeafHashAt(4).value(), log_->LeafHashAt(5).value());
  Hash level1_right = merkle::NodeHash(log_->LeafHashAt(6).value(), log_->LeafHashAt(7).value());
  EXPECT_EQ(record.substr(2 * Hash::kSize, Hash::kSize), level1_right.str());
  EXPECT_EQ(record.substr(3 * Hash::kSize, Hash::kSize),
            merkle::NodeHash(level1_left, level1_right).str());
}

TEST_F(MerkleLogTest, OpenRefusesBrokenChainLinkAtTheHead) {
  AppendEntries(*log_, 10);
  // A well-formed entry 9 whose prev_hash is wrong, with matching leaf node.
  std::string forged = MakeEntry(9, Hash(), "forged");
  Corrupt("log.entries", 9, forged);
  auto nodes_cf = store_->Column("log.tree").value();
  std::string key;
  AppendBigEndian64(&key, 9);
  std::string record = store_->Get(nodes_cf, key).value().value();
  record.replace(Hash::kSize, Hash::kSize, merkle::LeafHash(forged).view());  // slot 1: leaf 9
  Corrupt("log.tree", 9, record);
  Status s = ReopenStatus();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("entry 9"), std::string::npos) << s.ToString();
}

TEST_F(MerkleLogTest, OpenRefusesChangedMerkleNode) {
  AppendEntries(*log_, 16);
  std::string key;
  AppendBigEndian64(&key, 15);
  auto nodes_cf = store_->Column("log.tree").value();
  std::string record = store_->Get(nodes_cf, key).value().value();
  record[Hash::kSize * 5] ^= 0x40;  // slot 5: the level-4 node, which is the root
  Corrupt("log.tree", 15, record);
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
