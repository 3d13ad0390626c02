// MerkleLog::TruncateTo: a log cut back to d entries is, for every reader
// and for the next append, the log that was only ever built to d: the same
// head, roots, entries, node hashes and proofs, before and after appends
// and a reopen. Cuts land inside and on the edges of 16-leaf tiles and of
// the 256-leaf subtrees the log keeps in memory.
#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "ledger/log_entry.h"
#include "ledger/merkle_log.h"
#include "tests/support/log_fixture.h"
#include "tests/support/status_assertions.h"

namespace creg {
namespace {

using testing::ExpectSameLog;
using testing::MakeEntry;
using testing::OpenLogStore;
using testing::TinyStoreOptions;

struct OpenLog {
  std::unique_ptr<Store> store;
  std::unique_ptr<MerkleLog> log;
};

class MerkleLogTruncateTest : public ::testing::Test {
 protected:
  OpenLog Open(const std::string& name) {
    StoreOptions options = TinyStoreOptions();
    options.sync = false;  // crashes are not what this tests
    OpenLog open;
    open.store = OpenLogStore(dir_.Sub(name), options);
    auto log = MerkleLog::Open(open.store.get(), LogEntryLinkReader());
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    if (log.ok()) open.log = std::move(log).value();
    return open;
  }

  // Appends entries up to `end` in groups of 1..40; `variant` tells apart
  // histories that differ after a cut.
  void Grow(MerkleLog& log, uint64_t end, char variant) {
    while (log.size() < end) {
      MerkleLog::PendingAppend pending = log.BeginAppend();
      const uint64_t stop = std::min<uint64_t>(end, log.size() + rng_() % 40 + 1);
      while (pending.next_index() < stop) {
        const uint64_t index = pending.next_index();
        const std::string payload = std::string(1, variant) + "-" + std::to_string(index);
        ASSERT_TRUE(pending.Add(MakeEntry(index, pending.last_leaf_hash(), payload)).ok());
      }
      ASSERT_TRUE(log.Commit(std::move(pending)).ok());
    }
  }

  uint64_t Below(uint64_t n) { return n == 0 ? 0 : rng_() % n; }

  // Every stored entry and node record, in order (the head is compared
  // through head(), and checked by reopening).
  static std::vector<std::string> Records(const Store& store) {
    std::vector<std::string> records;
    for (const std::string name : {"log.entries", "log.tree"}) {
      const ColumnId column = store.Column(name).value();
      EXPECT_TRUE(store
                      .Scan(column, "", "",
                            [&](std::string_view key, std::string_view value) {
                              records.push_back(name + " " + std::string(key) + " " +
                                                std::string(value));
                              return true;
                            })
                      .ok());
    }
    return records;
  }

  creg::testing::TempDir dir_;
  std::mt19937 rng_{20260214};
  int logs_ = 0;
};

TEST_F(MerkleLogTruncateTest, CutLogIsTheLogBuiltToTheCut) {
  struct Case {
    uint64_t size, cut;
  };
  std::vector<Case> cases = {{1, 0},     {16, 15},   {17, 16},   {17, 1},    {40, 0},
                             {40, 31},   {40, 32},   {40, 33},   {600, 255}, {600, 256},
                             {600, 257}, {600, 511}, {600, 512}, {600, 599}, {600, 100}};
  for (int i = 0; i < 5; ++i) {
    const uint64_t size = Below(700) + 1;
    cases.push_back({size, Below(size)});
  }
  for (const Case& c : cases) {
    SCOPED_TRACE("log of " + std::to_string(c.size) + " cut to " + std::to_string(c.cut));
    const std::string name = "log-" + std::to_string(++logs_);
    OpenLog cut = Open(name);
    OpenLog built = Open("built-" + std::to_string(logs_));
    Grow(*cut.log, c.size, 'a');
    Grow(*built.log, c.cut, 'a');
    WriteBatch batch(*cut.store);
    StatusOr<TreeHead> head = cut.log->TruncateTo(c.cut, batch);
    ASSERT_TRUE(head.ok()) << head.status().ToString();
    EXPECT_EQ(head->size, c.cut);
    EXPECT_EQ(head->root, built.log->head().root);
    ExpectSameLog(*cut.log, *built.log, rng_);
    // What is stored is that log too, record for record, and it opens.
    EXPECT_EQ(Records(*cut.store), Records(*built.store));
    cut.log.reset();
    cut.store.reset();
    cut = Open(name);
    ASSERT_NE(cut.log, nullptr);
    ExpectSameLog(*cut.log, *built.log, rng_);

    // Appends go on from the cut exactly as they go on from the built log.
    const uint64_t longer = c.cut + Below(300) + 1;
    Grow(*cut.log, longer, 'b');
    Grow(*built.log, longer, 'b');
    ExpectSameLog(*cut.log, *built.log, rng_);
    if (HasFailure()) return;
  }
}

TEST_F(MerkleLogTruncateTest, CutThatRemovesNothingOrEverything) {
  OpenLog open = Open("log");
  Grow(*open.log, 20, 'a');
  const TreeHead before = open.log->head();
  WriteBatch same(*open.store);
  EXPECT_EQ(open.log->TruncateTo(20, same).value().root, before.root);
  WriteBatch all(*open.store);
  StatusOr<TreeHead> empty = open.log->TruncateTo(0, all);
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(empty->size, 0u);
  EXPECT_EQ(empty->root, merkle::EmptyRoot());
  Grow(*open.log, 20, 'a');
  EXPECT_EQ(open.log->head().root, before.root);
}

TEST_F(MerkleLogTruncateTest, RefusesCutPastTheHeadAndChangesNothing) {
  OpenLog open = Open("log");
  Grow(*open.log, 10, 'a');
  const TreeHead before = open.log->head();
  WriteBatch batch(*open.store);
  EXPECT_TRUE(testing::FailsWith(open.log->TruncateTo(11, batch).status(), StatusCode::kOutOfRange,
                                 "it has 10"));
  EXPECT_EQ(open.log->head().root, before.root);
  EXPECT_TRUE(open.log->Entry(9).ok());
}

TEST_F(MerkleLogTruncateTest, AppendBegunBeforeACutIsRefused) {
  OpenLog open = Open("log");
  Grow(*open.log, 10, 'a');
  // Begun at size 4 after a first cut, committed after a second cut and
  // regrowth back to 4: the size matches, the log does not.
  WriteBatch first(*open.store);
  ASSERT_TRUE(open.log->TruncateTo(4, first).ok());
  MerkleLog::PendingAppend stale = open.log->BeginAppend();
  ASSERT_TRUE(stale.Add(MakeEntry(4, stale.last_leaf_hash(), "stale")).ok());
  WriteBatch second(*open.store);
  ASSERT_TRUE(open.log->TruncateTo(2, second).ok());
  Grow(*open.log, 4, 'b');
  EXPECT_TRUE(testing::FailsWith(open.log->Commit(std::move(stale)).status(),
                                 StatusCode::kFailedPrecondition, "the log moved"));
  EXPECT_EQ(open.log->size(), 4u);
}

TEST_F(MerkleLogTruncateTest, FailedWriteLeavesTheLogAsItWas) {
  OpenLog open = Open("log");
  Grow(*open.log, 30, 'a');
  const TreeHead before = open.log->head();
  open.store->SetWriteFault([] { return UnavailableError("disk full"); });
  WriteBatch batch(*open.store);
  EXPECT_EQ(open.log->TruncateTo(5, batch).status().code(), StatusCode::kUnavailable);
  open.store->SetWriteFault(nullptr);
  EXPECT_EQ(open.log->size(), 30u);
  EXPECT_EQ(open.log->head().root, before.root);
  Grow(*open.log, 31, 'a');  // and it still appends where it was
  EXPECT_EQ(open.log->size(), 31u);
}

TEST_F(MerkleLogTruncateTest, LogThatStoresNoEntriesCannotBeCut) {
  OpenLog open;
  StoreOptions options = TinyStoreOptions();
  open.store = OpenLogStore(dir_.Sub("scratch"), options);
  MerkleLogOptions log_options;
  log_options.store_entries = false;
  auto log = MerkleLog::Open(open.store.get(), LogEntryLinkReader(), log_options);
  ASSERT_TRUE(log.ok());
  Grow(**log, 3, 'a');
  WriteBatch batch(*open.store);
  EXPECT_TRUE(testing::FailsWith((*log)->TruncateTo(1, batch).status(),
                                 StatusCode::kFailedPrecondition, "stores no entries"));
}

}  // namespace
}  // namespace creg
