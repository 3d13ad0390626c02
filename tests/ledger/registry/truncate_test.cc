// Registry::TruncateTo and the undo records behind it (docs/data-model.md,
// "reg.undo" and "Cutting the log back"): a cut restores exactly the state
// a replay of the kept entries gives, also inside a group; undo records
// stay out of the state digest and are pruned below the bound the caller
// sets; every refusal changes nothing. The random-history oracle is
// RegistryModelTest.TruncateToMatchesAReplayOfThePrefix.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/encoding.h"
#include "ledger/registry/registry.h"
#include "ledger/registry/transaction.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/status_assertions.h"

namespace creg {
namespace {

using testing::FailsWith;
using testing::IsAccepted;
using testing::RegistryHarness;
using testing::Serials;

std::string Be64(uint64_t v) {
  std::string s;
  AppendBigEndian64(&s, v);
  return s;
}

// The items of an undo record (docs/data-model.md, "reg.undo"), each as
// its bytes: column, sized key, presence, sized value if present.
std::vector<std::string> SplitUndoRecord(std::string_view record) {
  std::vector<std::string> items;
  while (!record.empty()) {
    size_t size = 1 + 4 + ReadBigEndian32(record.substr(1)) + 1;
    if (record[size - 1] == '\x01') size += 4 + ReadBigEndian32(record.substr(size));
    items.emplace_back(record.substr(0, size));
    record.remove_prefix(size);
  }
  return items;
}
std::string JoinItems(const std::vector<std::string>& items) {
  std::string record;
  for (const std::string& item : items) record += item;
  return record;
}
// The key an item names.
std::string_view ItemKey(std::string_view item) {
  return item.substr(5, ReadBigEndian32(item.substr(1)));
}
// The position of the item naming a key of reg.index (column 6) under
// `prefix`.
size_t IndexItem(const std::vector<std::string>& items, std::string_view prefix) {
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i][0] == '\x06' && ItemKey(items[i]).substr(0, prefix.size()) == prefix) return i;
  }
  ADD_FAILURE() << "no item under " << prefix;
  return 0;
}

// A registry that keeps no log (as an audit's replay opens one), on a new
// database in `dir`.
struct StateOnlyRegistry {
  std::unique_ptr<Store> store;
  std::unique_ptr<Registry> registry;
};
StateOnlyRegistry OpenStateOnly(const testing::TempDir& dir) {
  StoreOptions options;
  options.create_if_missing = true;
  options.sync = false;
  StateOnlyRegistry out;
  out.store = Store::Open(dir.Sub("db"), options, Registry::ColumnNames()).value();
  RegistryOptions registry_options{RegistryHarness::kOrigin};
  registry_options.store_log = false;
  out.registry = Registry::Open(out.store.get(), registry_options).value();
  return out;
}

class RegistryTruncateTest : public ::testing::Test {
 protected:
  Registry& registry() { return h_.registry(); }
  uint64_t size() { return registry().log().size(); }
  std::string Digest() { return registry().StateDigest().value().ToHex(); }
  ColumnId UndoColumn() { return h_.store().Column("reg.undo").value(); }
  bool HasUndoRecord(uint64_t entry) {
    return h_.store().Get(UndoColumn(), Be64(entry)).value().has_value();
  }
  void PutUndoRecord(uint64_t entry, const std::string& value) {
    WriteBatch batch(h_.store());
    batch.Put(UndoColumn(), Be64(entry), value);
    ASSERT_TRUE(h_.store().Write(batch).ok());
  }
  std::string UndoRecord(uint64_t entry) {
    return h_.store().Get(UndoColumn(), Be64(entry)).value().value_or("");
  }

  // Cuts back to 5 with entry 9's undo record replaced by `record`: the cut
  // must be DataLoss saying "undo record of entry 9 <message>", and leave
  // the log, the state and the records as they were. Then puts the
  // genuine record back.
  void ExpectCutRefused(const std::string& record, const std::string& message) {
    SCOPED_TRACE(message);
    const TreeHead head = registry().log().head();
    const std::string digest = Digest();
    const std::string organiser = registry().Account("organiser").value()->SerializeAsString();
    const std::string genuine = UndoRecord(9);
    PutUndoRecord(9, record);
    StatusOr<TreeHead> refused = registry().TruncateTo(5);
    EXPECT_TRUE(
        FailsWith(refused.status(), StatusCode::kDataLoss, "undo record of entry 9 " + message));
    EXPECT_EQ(size(), head.size);
    EXPECT_EQ(registry().log().head().root, head.root);
    EXPECT_EQ(Digest(), digest);
    EXPECT_EQ(registry().Account("organiser").value()->SerializeAsString(), organiser);
    EXPECT_EQ(UndoRecord(9), record);
    for (uint64_t entry = 5; entry < head.size; ++entry) EXPECT_TRUE(HasUndoRecord(entry));
    PutUndoRecord(9, genuine);
  }

  // A little of everything: accounts, a project, issuances, transfers that
  // split blocks, a label, a retirement, a cancellation, a status change.
  void MakeHistory() {
    ASSERT_TRUE(IsAccepted(h_.OpenAccount("developer")));
    ASSERT_TRUE(IsAccepted(h_.OpenAccount("organiser")));
    ASSERT_TRUE(IsAccepted(h_.RegisterProject("ke-cookstoves-001", "developer")));
    ASSERT_TRUE(IsAccepted(h_.Issue("ke-cookstoves-001", 500, "developer", "VR-1")));
    ASSERT_TRUE(IsAccepted(h_.TransferQuantity("developer", "organiser", 1, 120)));
    ASSERT_TRUE(IsAccepted(h_.AddLabel("ccp", {Serials(1, 100, 200)})));
    ASSERT_TRUE(IsAccepted(h_.RetireQuantity("organiser", 1, 30)));
    ASSERT_TRUE(IsAccepted(h_.TransferBlocks("developer", "organiser", {Serials(1, 300, 310)})));
    ASSERT_TRUE(IsAccepted(h_.CancelQuantity("developer", 1, 5)));
    ASSERT_TRUE(IsAccepted(h_.Issue("ke-cookstoves-001", 50, "organiser", "VR-2")));
    ASSERT_TRUE(IsAccepted(h_.RetireQuantity("organiser", 2, 50)));
    pb::TransactionBody suspend = h_.Body();
    suspend.mutable_set_account_status()->set_account_id("developer");
    suspend.mutable_set_account_status()->set_status(pb::ACCOUNT_SUSPENDED);
    suspend.mutable_set_account_status()->set_reason("compliance review");
    ASSERT_TRUE(IsAccepted(h_.Submit(suspend, RegistryHarness::kOperator)));
  }

  // The state digest of a fresh registry that replays `entries`.
  static std::string ReplayDigest(const std::vector<std::string>& entries) {
    testing::ReplicaRegistry replica;
    if (!entries.empty()) {
      Registry::Group group = replica.registry->BeginGroup();
      for (const std::string& entry : entries) {
        Status replayed = replica.registry->ReplayEntry(group, entry);
        EXPECT_TRUE(replayed.ok()) << replayed.ToString();
      }
      EXPECT_TRUE(replica.registry->Commit(std::move(group)).ok());
    }
    return replica.registry->StateDigest().value().ToHex();
  }

  testing::TempDir dir_;
  RegistryHarness h_{dir_};
};

TEST_F(RegistryTruncateTest, CutRestoresTheStateOfEachEarlierSize) {
  std::map<uint64_t, std::string> digest_at{{size(), Digest()}};
  MakeHistory();
  ASSERT_FALSE(HasFailure());
  const uint64_t end = size();
  // Every size the history passed through, recorded by cutting back one
  // entry at a time from the end.
  std::vector<std::string> entries = registry().log().Entries(0, end).value();
  for (uint64_t k = end; k-- > 1;) {
    std::vector<std::string> prefix(entries.begin(), entries.begin() + static_cast<long>(k));
    StatusOr<TreeHead> head = registry().TruncateTo(k);
    ASSERT_TRUE(head.ok()) << head.status().ToString();
    EXPECT_EQ(head->size, k);
    EXPECT_EQ(Digest(), ReplayDigest(prefix)) << "cut to " << k;
    EXPECT_FALSE(HasUndoRecord(k)) << "the cut entry's record goes with it";
  }
  // The retirement, the batches and the accounts are gone with their entries.
  EXPECT_FALSE(registry().Retirement("R7").value().has_value());
  EXPECT_FALSE(registry().Batch(1).value().has_value());
  EXPECT_FALSE(registry().Account("developer").value().has_value());
  EXPECT_EQ(Digest(), digest_at.at(1));
  // And the folder reopens as a registry of that one entry.
  h_.Reopen();
  EXPECT_EQ(size(), 1u);
  EXPECT_EQ(Digest(), digest_at.at(1));
}

TEST_F(RegistryTruncateTest, ReappendingTheCutEntriesGivesTheSameRegistry) {
  MakeHistory();
  ASSERT_FALSE(HasFailure());
  const TreeHead before = registry().log().head();
  const std::string digest = Digest();
  const std::vector<std::string> cut = registry().log().Entries(4, before.size).value();
  ASSERT_TRUE(registry().TruncateTo(4).ok());
  Registry::Group group = registry().BeginGroup();
  for (const std::string& entry : cut) ASSERT_TRUE(registry().ReplayEntry(group, entry).ok());
  ASSERT_TRUE(registry().Commit(std::move(group)).ok());
  EXPECT_EQ(registry().log().head().root, before.root);
  EXPECT_EQ(Digest(), digest);
  for (uint64_t entry = 4; entry < before.size; ++entry) EXPECT_TRUE(HasUndoRecord(entry));
}

// Several entries of one group write the same keys (the same block split
// again and again, the same accounts): each entry's record holds what that
// entry found, so a cut between them lands on the right state.
TEST_F(RegistryTruncateTest, CutInsideAGroupRestoresWhatTheKeptEntriesWrote) {
  ASSERT_TRUE(IsAccepted(h_.OpenAccount("developer")));
  ASSERT_TRUE(IsAccepted(h_.OpenAccount("organiser")));
  ASSERT_TRUE(IsAccepted(h_.RegisterProject("ke-cookstoves-001", "developer")));
  ASSERT_TRUE(IsAccepted(h_.Issue("ke-cookstoves-001", 500, "developer", "VR-1")));
  const uint64_t first = size();
  Registry::Group group = registry().BeginGroup();
  for (int i = 0; i < 8; ++i) {
    pb::TransactionBody body = h_.Body();
    body.mutable_transfer()->set_from_account(i % 2 == 0 ? "developer" : "organiser");
    body.mutable_transfer()->set_to_account(i % 2 == 0 ? "organiser" : "developer");
    body.mutable_transfer()->mutable_credits()->set_batch(1);
    body.mutable_transfer()->mutable_credits()->set_quantity(i % 2 == 0 ? 20 : 5);
    const std::string signer = body.transfer().from_account();
    auto tx = PrepareTransaction(SignTransaction(body, signer, h_.KeyOf(signer)));
    auto verdict = registry().Apply(group, std::get<PreparedTransaction>(std::move(tx)), 1);
    ASSERT_TRUE(verdict.ok() && IsAccepted(*verdict));
  }
  ASSERT_TRUE(registry().Commit(std::move(group)).ok());
  const std::vector<std::string> entries = registry().log().Entries(0, size()).value();
  for (uint64_t k : {first + 5, first + 3, first + 1, first}) {
    ASSERT_TRUE(registry().TruncateTo(k).ok());
    EXPECT_EQ(Digest(), ReplayDigest({entries.begin(), entries.begin() + static_cast<long>(k)}))
        << "cut to " << k;
  }
}

TEST_F(RegistryTruncateTest, UndoRecordsAreNotRegistryState) {
  MakeHistory();
  ASSERT_FALSE(HasFailure());
  for (uint64_t entry = 0; entry < size(); ++entry) EXPECT_TRUE(HasUndoRecord(entry)) << entry;
  EXPECT_THAT(Registry::ColumnNames(), ::testing::Contains("reg.undo"));
  EXPECT_THAT(Registry::StateColumnNames(), ::testing::Not(::testing::Contains("reg.undo")));
  // A registry that keeps no log (an audit's replay) writes none, and
  // reaches the same digest.
  testing::TempDir dir;
  StateOnlyRegistry opened = OpenStateOnly(dir);
  Store* store = opened.store.get();
  Registry* state_only = opened.registry.get();
  Registry::Group group = state_only->BeginGroup();
  for (const std::string& entry : registry().log().Entries(0, size()).value()) {
    ASSERT_TRUE(state_only->ReplayEntry(group, entry).ok());
  }
  ASSERT_TRUE(state_only->Commit(std::move(group)).ok());
  EXPECT_EQ(state_only->StateDigest().value().ToHex(), Digest());
  bool any = false;
  ASSERT_TRUE(store
                  ->Scan(store->Column("reg.undo").value(), "", "",
                         [&](std::string_view, std::string_view) { return !(any = true); })
                  .ok());
  EXPECT_FALSE(any);
}

TEST_F(RegistryTruncateTest, RecordsBelowTheBoundArePrunedByLaterCommits) {
  MakeHistory();
  ASSERT_FALSE(HasFailure());
  const uint64_t bound = 6;
  registry().SetPrunableBelow(bound);
  registry().SetPrunableBelow(2);  // never lowered
  EXPECT_EQ(registry().prunable_below(), bound);
  EXPECT_TRUE(HasUndoRecord(0)) << "pruned only by a commit";
  ASSERT_TRUE(IsAccepted(h_.OpenAccount("auditor")));
  for (uint64_t entry = 0; entry < size(); ++entry) {
    EXPECT_EQ(HasUndoRecord(entry), entry >= bound) << entry;
  }
  const std::string digest = Digest();
  StatusOr<TreeHead> refused = registry().TruncateTo(bound - 1);
  EXPECT_TRUE(FailsWith(refused.status(), StatusCode::kFailedPrecondition,
                        "a published checkpoint covers the first 6 entries"));
  EXPECT_EQ(Digest(), digest);
  ASSERT_TRUE(registry().TruncateTo(bound).ok());
  EXPECT_EQ(size(), bound);
}

TEST_F(RegistryTruncateTest, PruningIsBoundedPerCommitAndGoesOn) {
  constexpr uint64_t kEntries = Registry::kMaxPrunedPerCommit + 100;
  Registry::Group group = registry().BeginGroup();
  for (uint64_t i = 0; i < kEntries; ++i) {
    auto tx = PrepareTransaction(h_.SignedOpenAccount("holder-" + std::to_string(i)));
    auto verdict = registry().Apply(group, std::get<PreparedTransaction>(std::move(tx)), 1);
    ASSERT_TRUE(verdict.ok() && IsAccepted(*verdict));
  }
  ASSERT_TRUE(registry().Commit(std::move(group)).ok());
  registry().SetPrunableBelow(size());
  ASSERT_TRUE(IsAccepted(h_.OpenAccount("auditor")));
  EXPECT_FALSE(HasUndoRecord(Registry::kMaxPrunedPerCommit - 1));
  EXPECT_TRUE(HasUndoRecord(Registry::kMaxPrunedPerCommit));
  ASSERT_TRUE(IsAccepted(h_.OpenAccount("auditor-2")));
  EXPECT_FALSE(HasUndoRecord(kEntries));
  EXPECT_TRUE(HasUndoRecord(kEntries + 1)) << "the entries past the bound keep theirs";
}

TEST_F(RegistryTruncateTest, MissingUndoRecordIsRefusedAndNothingChanges) {
  MakeHistory();
  ASSERT_FALSE(HasFailure());
  const TreeHead head = registry().log().head();
  const std::string digest = Digest();
  WriteBatch batch(h_.store());
  batch.Delete(UndoColumn(), Be64(7));
  ASSERT_TRUE(h_.store().Write(batch).ok());
  StatusOr<TreeHead> refused = registry().TruncateTo(5);
  EXPECT_TRUE(
      FailsWith(refused.status(), StatusCode::kFailedPrecondition, "entry 7 has no undo record"));
  EXPECT_EQ(registry().log().head().root, head.root);
  EXPECT_EQ(Digest(), digest);
  EXPECT_TRUE(registry().TruncateTo(8).ok()) << "a cut above the gap still works";
}

TEST_F(RegistryTruncateTest, DamagedUndoRecordIsDataLossAndNothingChanges) {
  MakeHistory();
  ASSERT_FALSE(HasFailure());
  const std::string digest = Digest();
  // reg.index (6), a key of 8 bytes that the record says holds 9.
  const std::string valid =
      std::string("\x06\0\0\0\x08", 5) + Be64(1) + '\x01' + std::string("\0\0\0\x01", 4) + "v";
  for (const auto& [record, message] : std::vector<std::pair<std::string, std::string>>{
           {valid.substr(0, 10), "undo record of entry 9 is cut short"},
           {valid.substr(0, 18), "undo record of entry 9 is malformed"},
           {valid.substr(0, 13) + '\x02' + valid.substr(14), "undo record of entry 9 is malformed"},
           {'\x08' + valid.substr(1), "names column 8, which is not registry state"}}) {
    PutUndoRecord(9, record);
    StatusOr<TreeHead> refused = registry().TruncateTo(5);
    EXPECT_TRUE(FailsWith(refused.status(), StatusCode::kDataLoss, message));
  }
  EXPECT_EQ(size(), 13u);
  EXPECT_EQ(Digest(), digest);
  EXPECT_TRUE(registry().log().Entry(0).ok());
}

// Hostile undo records, as a damaged disk may give them back: a record
// cut short, one naming a key of the wrong kind, one of another entry, an
// empty one. Each is DataLoss naming its entry, and the cut changes nothing.
TEST_F(RegistryTruncateTest, TruncatedUndoRecordIsDataLossAndNothingChanges) {
  MakeHistory();
  ASSERT_FALSE(HasFailure());
  const std::string record = UndoRecord(9);
  const std::vector<std::string> items = SplitUndoRecord(record);
  ASSERT_EQ(JoinItems(items), record);
  ASSERT_GE(items.size(), 4u);
  ExpectCutRefused(record.substr(0, 1), "is cut short");
  ExpectCutRefused(record.substr(0, 3), "is cut short");
  ExpectCutRefused(record.substr(0, 7), "is cut short");
  ExpectCutRefused(record.substr(0, record.size() - 1), "is cut short");
  // Cut between two keys: before its transaction id, or before its nonce.
  const size_t tx = IndexItem(items, "tx/");
  const size_t nonce = IndexItem(items, "nonce/");
  ASSERT_LT(tx, nonce);
  ExpectCutRefused(JoinItems({items.begin(), items.begin() + static_cast<long>(tx)}),
                   "names no transaction id");
  ExpectCutRefused(JoinItems({items.begin(), items.begin() + static_cast<long>(nonce)}),
                   "names no nonce");
  EXPECT_TRUE(registry().TruncateTo(5).ok()) << "the genuine record is back";
}

TEST_F(RegistryTruncateTest, UndoRecordNamingAKeyOfTheWrongKindIsDataLossAndNothingChanges) {
  MakeHistory();
  ASSERT_FALSE(HasFailure());
  const std::string record = UndoRecord(9);
  std::vector<std::string> items = SplitUndoRecord(record);
  // The transaction id's key said to be in reg.batches (2), whose keys are
  // 8 bytes; in reg.meta (7), whose keys are "next_batch" and "term".
  const size_t tx = IndexItem(items, "tx/");
  for (const auto& [column, name] :
       std::vector<std::pair<char, std::string>>{{'\x02', "reg.batches"}, {'\x07', "reg.meta"}}) {
    std::vector<std::string> moved = items;
    moved[tx][0] = column;
    ExpectCutRefused(JoinItems(moved), "names a key of 35 bytes in " + name);
  }
  // reg.meta's origin and format are written when the store is made, never
  // by an entry: a record that would take them back is refused.
  for (const std::string key : {"origin", "format"}) {
    std::string item = std::string(1, '\x07') + std::string("\0\0\0", 3) +
                       static_cast<char>(key.size()) + key + '\x01' + std::string("\0\0\0\x05", 4) +
                       "other";
    ExpectCutRefused(record + item, "names a key of 6 bytes in reg.meta that no entry writes");
  }
  // A key named twice.
  ExpectCutRefused(record + items.front(), "names a key twice");
  EXPECT_TRUE(registry().TruncateTo(5).ok()) << "the genuine record is back";
}

TEST_F(RegistryTruncateTest, UndoRecordOfAnotherEntryIsDataLossAndNothingChanges) {
  MakeHistory();
  ASSERT_FALSE(HasFailure());
  ExpectCutRefused(UndoRecord(8), "names the transaction of entry 8");
  ExpectCutRefused(UndoRecord(4), "names the transaction of entry 4");
  // Entry 9's transaction id with the nonce of entry 8's transaction.
  std::vector<std::string> items = SplitUndoRecord(UndoRecord(9));
  const std::vector<std::string> other = SplitUndoRecord(UndoRecord(8));
  items[IndexItem(items, "nonce/")] = other[IndexItem(other, "nonce/")];
  ExpectCutRefused(JoinItems(items), "names a nonce that its transaction did not use");
  // The transaction id said to have existed before the entry.
  items = SplitUndoRecord(UndoRecord(9));
  std::string& tx = items[IndexItem(items, "tx/")];
  tx.back() = '\x01';
  tx += std::string("\0\0\0\x08", 4) + Be64(9);
  ExpectCutRefused(JoinItems(items), "says its transaction id existed before the entry");
  EXPECT_TRUE(registry().TruncateTo(5).ok()) << "the genuine record is back";
}

TEST_F(RegistryTruncateTest, EmptyUndoRecordIsDataLossAndNothingChanges) {
  MakeHistory();
  ASSERT_FALSE(HasFailure());
  ExpectCutRefused("", "is empty");
  EXPECT_TRUE(registry().TruncateTo(5).ok()) << "the genuine record is back";
}

TEST_F(RegistryTruncateTest, FailedWriteChangesNothing) {
  MakeHistory();
  ASSERT_FALSE(HasFailure());
  const std::string digest = Digest();
  h_.store().SetWriteFault([] { return UnavailableError("disk full"); });
  EXPECT_EQ(registry().TruncateTo(3).status().code(), StatusCode::kUnavailable);
  h_.store().SetWriteFault(nullptr);
  EXPECT_EQ(size(), 13u);
  EXPECT_EQ(Digest(), digest);
  EXPECT_TRUE(HasUndoRecord(3));
  EXPECT_TRUE(registry().TruncateTo(3).ok());
}

TEST_F(RegistryTruncateTest, CutPastTheLogIsOutOfRangeAndACutToTheSizeDoesNothing) {
  MakeHistory();
  ASSERT_FALSE(HasFailure());
  EXPECT_TRUE(FailsWith(registry().TruncateTo(size() + 1).status(), StatusCode::kOutOfRange,
                        "it has " + std::to_string(size())));
  const std::string digest = Digest();
  EXPECT_EQ(registry().TruncateTo(size()).value().root, registry().log().head().root);
  EXPECT_EQ(Digest(), digest);
}

TEST_F(RegistryTruncateTest, GroupBegunBeforeACutCannotBeCommitted) {
  MakeHistory();
  ASSERT_FALSE(HasFailure());
  Registry::Group group = registry().BeginGroup();
  auto tx = PrepareTransaction(h_.SignedOpenAccount("late"));
  ASSERT_TRUE(registry().Apply(group, std::get<PreparedTransaction>(std::move(tx)), 1).ok());
  ASSERT_TRUE(registry().TruncateTo(5).ok());
  const std::string digest = Digest();
  EXPECT_TRUE(FailsWith(registry().Commit(std::move(group)).status(),
                        StatusCode::kFailedPrecondition, "the log moved since this append began"));
  EXPECT_EQ(size(), 5u);
  EXPECT_EQ(Digest(), digest);
}

TEST(RegistryTruncateStateOnlyTest, RegistryThatKeepsNoLogCannotBeCut) {
  testing::TempDir dir;
  StatusOr<TreeHead> refused = OpenStateOnly(dir).registry->TruncateTo(0);
  EXPECT_TRUE(FailsWith(refused.status(), StatusCode::kFailedPrecondition, "keeps no log"));
}

}  // namespace
}  // namespace creg
