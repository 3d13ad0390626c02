#include "ledger/registry/internal/state_view.h"

#include <gtest/gtest.h>

#include <map>

#include "tests/support/temp_dir.h"

namespace creg::internal {
namespace {

class StateViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions options;
    options.create_if_missing = true;
    options.sync = false;
    std::vector<std::string> columns = {"a", "b"};
    store_ = std::move(Store::Open(dir_.Sub("db"), options, columns)).value();
    WriteBatch batch(*store_);
    for (const char* key : {"k1", "k3", "k5", "x1"}) batch.Put(0, key, std::string("store-") + key);
    batch.Put(1, "k2", "other column");
    ASSERT_TRUE(store_->Write(batch).ok());
  }

  static std::map<std::string, std::string> ScanAll(const StateView& view, std::string_view start,
                                                    std::string_view prefix, size_t limit = 100) {
    std::map<std::string, std::string> out;
    std::string last;
    Status s = view.Scan(0, start, prefix, [&](std::string_view k, std::string_view v) {
      EXPECT_GT(std::string(k), last) << "keys out of order";
      last = std::string(k);
      out.emplace(k, v);
      return out.size() < limit;
    });
    EXPECT_TRUE(s.ok());
    return out;
  }

  creg::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StateViewTest, OverlayShadowsDeletesAndAddsInOrder) {
  StoreView base(store_.get());
  StateOverlay group(&base);
  group.Put(0, "k2", "group-k2");
  group.Delete(0, "k3");
  StateOverlay tx(&group);
  tx.Put(0, "k5", "tx-k5");
  tx.Put(0, "k6", "tx-k6");
  tx.Put(1, "k4", "tx other column");

  std::map<std::string, std::string> want = {
      {"k1", "store-k1"}, {"k2", "group-k2"}, {"k5", "tx-k5"}, {"k6", "tx-k6"}};
  EXPECT_EQ(ScanAll(tx, "", "k"), want);
  EXPECT_EQ(tx.Get(0, "k3").value(), std::nullopt);
  EXPECT_EQ(tx.Get(0, "k2").value(), "group-k2");
  EXPECT_EQ(tx.Get(0, "k1").value(), "store-k1");
  EXPECT_EQ(tx.Get(1, "k2").value(), "other column");

  // Start key and early stop.
  std::map<std::string, std::string> from_k4 = {{"k5", "tx-k5"}, {"k6", "tx-k6"}};
  EXPECT_EQ(ScanAll(tx, "k4", "k"), from_k4);
  EXPECT_EQ(ScanAll(tx, "", "k", 2).size(), 2u);
  // Without a prefix the scan runs into other keys of the column.
  EXPECT_EQ(ScanAll(tx, "", "").count("x1"), 1u);
}

TEST_F(StateViewTest, UndoTakesBackRefusedWritesAndKeepsAccepted) {
  StoreView base(store_.get());
  StateOverlay group(&base);
  group.Put(0, "k2", "group-k2");
  group.Delete(0, "k3");
  {
    StateOverlay::Undo refused(group);
    group.Put(0, "k9", "never");
    group.Put(0, "k2", "changed once");
    group.Put(0, "k2", "changed twice");
    group.Put(0, "k3", "revived");
    group.Delete(0, "k1");
    // Dropped without Keep(): the group is as before.
  }
  EXPECT_EQ(group.Get(0, "k9").value(), std::nullopt);
  EXPECT_EQ(group.Get(0, "k2").value(), "group-k2");
  EXPECT_EQ(group.Get(0, "k3").value(), std::nullopt);
  EXPECT_EQ(group.Get(0, "k1").value(), "store-k1");
  std::map<std::string, std::string> before = {
      {"k1", "store-k1"}, {"k2", "group-k2"}, {"k5", "store-k5"}};
  EXPECT_EQ(ScanAll(group, "", "k"), before);
  {
    StateOverlay::Undo accepted(group);
    group.Put(0, "k7", "kept");
    group.Delete(0, "k1");
    accepted.Keep();
  }
  WriteBatch batch(*store_);
  group.FlushTo(batch);
  ASSERT_TRUE(store_->Write(batch).ok());
  EXPECT_EQ(store_->Get(0, "k7").value(), "kept");
  EXPECT_EQ(store_->Get(0, "k1").value(), std::nullopt);
  EXPECT_EQ(store_->Get(0, "k2").value(), "group-k2");
  EXPECT_EQ(store_->Get(0, "k3").value(), std::nullopt);
  EXPECT_EQ(store_->Get(0, "k9").value(), std::nullopt);
}

// The group's view of the committed state keeps what it read and reuses
// one cursor per column; it must answer exactly as the Store does.
TEST_F(StateViewTest, GroupSnapshotAnswersAsTheStore) {
  GroupSnapshotView snapshot(store_.get());
  StoreView direct(store_.get());
  for (int round = 0; round < 2; ++round) {  // the second round is served from what was kept
    for (const char* key : {"k1", "k2", "k3", "k4", "x1"}) {
      EXPECT_EQ(snapshot.Get(0, key).value(), direct.Get(0, key).value()) << key;
    }
    EXPECT_EQ(snapshot.Get(1, "k2").value(), "other column");
    EXPECT_EQ(snapshot.Get(1, "k1").value(), std::nullopt);
    for (std::string_view start : {"", "k2", "k3", "k6", "x"}) {
      for (std::string_view prefix : {"", "k", "x", "z"}) {
        if (start < prefix) continue;  // the rules always start inside the prefix
        EXPECT_EQ(ScanAll(snapshot, start, prefix), ScanAll(direct, start, prefix))
            << "start '" << start << "' prefix '" << prefix << "'";
        EXPECT_EQ(ScanAll(snapshot, start, prefix, 1), ScanAll(direct, start, prefix, 1));
      }
    }
  }
  // An overlay on the snapshot sees its own writes first.
  StateOverlay group(&snapshot);
  group.Put(0, "k4", "group-k4");
  group.Delete(0, "k5");
  std::map<std::string, std::string> want = {
      {"k1", "store-k1"}, {"k3", "store-k3"}, {"k4", "group-k4"}};
  EXPECT_EQ(ScanAll(group, "", "k"), want);
}

}  // namespace
}  // namespace creg::internal
