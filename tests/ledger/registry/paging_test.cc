// Paged listings (Registry::*Page): a holder of many blocks is read page by
// page, each page within its limits, the pages partitioning the listing
// exactly; cursors survive writes between pages.
#include <gtest/gtest.h>

#include <set>

#include "creg/wire.pb.h"
#include "tests/support/registry_fixture.h"

namespace creg {
namespace {

using testing::AcceptedOf;
using testing::Describe;
using testing::IsAccepted;
using testing::RegistryHarness;
using testing::Serials;

// Blocks sent to the holder: every other serial, so that none touch.
constexpr uint64_t kBlocks = 3000;

class PagingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(IsAccepted(h_.OpenAccount("developer")));
    ASSERT_TRUE(IsAccepted(h_.OpenAccount("holder")));
    ASSERT_TRUE(IsAccepted(h_.RegisterProject("cookstoves-01", "developer")));
    ASSERT_TRUE(IsAccepted(h_.Issue("cookstoves-01", 2 * kBlocks, "developer", "VR-1")));
    ASSERT_TRUE(IsAccepted(h_.Issue("cookstoves-01", 100, "developer", "VR-2")));
    SendOddSerials(1, 1, 2 * kBlocks);
    SendOddSerials(2, 1, 100);
  }

  // Transfers serials first, first+2, ... <= last of `batch` from the
  // developer to the holder, 1,000 blocks a transaction.
  void SendOddSerials(uint64_t batch, uint64_t first, uint64_t last) {
    std::vector<pb::SerialBlock> blocks;
    for (uint64_t s = first; s <= last; s += 2) {
      blocks.push_back(Serials(batch, s, s));
      if (blocks.size() == 1000 || s + 2 > last) {
        Verdict v = h_.TransferBlocks("developer", "holder", blocks);
        ASSERT_TRUE(IsAccepted(v)) << Describe(v);
        blocks.clear();
      }
    }
  }

  // The holdings page as the node puts it in a response.
  static pb::HoldingsResponse AsResponse(const Registry::Page<Registry::BatchHolding>& page) {
    pb::HoldingsResponse out;
    for (const Registry::BatchHolding& h : page.items) {
      auto* b = out.add_batches();
      *b->mutable_batch() = h.batch;
      *b->mutable_project() = h.project;
      for (const auto& block : h.blocks) *b->add_blocks() = block;
      for (const auto& s : h.serials) b->add_serials(s);
      b->set_quantity(h.quantity);
    }
    return out;
  }

  // (batch, first, last) of every block, page after page.
  using Key = std::tuple<uint64_t, uint64_t, uint64_t>;
  std::vector<Key> ReadAllPages(const Registry::PageLimits& limits, size_t* pages) {
    std::vector<Key> seen;
    std::string cursor;
    *pages = 0;
    do {
      auto page = h_.registry().HoldingsPage("holder", cursor, limits);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      ++*pages;
      size_t items = 0;
      for (const auto& h : page->items) {
        EXPECT_EQ(h.blocks.size(), h.serials.size());
        uint64_t quantity = 0;
        for (const auto& b : h.blocks) {
          seen.emplace_back(b.batch(), b.first(), b.last());
          quantity += b.last() - b.first() + 1;
          ++items;
        }
        EXPECT_EQ(h.quantity, quantity);
      }
      EXPECT_LE(items, limits.max_items);
      EXPECT_GE(items, 1u);
      EXPECT_LE(AsResponse(*page).ByteSizeLong(), limits.max_bytes) << "page " << *pages;
      EXPECT_NE(page->next_cursor, cursor);
      cursor = page->next_cursor;
    } while (!cursor.empty());
    return seen;
  }

  std::vector<Key> Whole() {
    std::vector<Key> out;
    for (const auto& h : h_.registry().Holdings("holder").value()) {
      for (const auto& b : h.blocks) out.emplace_back(b.batch(), b.first(), b.last());
    }
    return out;
  }

  testing::TempDir dir_;
  RegistryHarness h_{dir_};
};

TEST_F(PagingTest, HoldingsPagesPartitionTheHoldingsWithinTheirBudget) {
  std::vector<Key> whole = Whole();
  ASSERT_EQ(whole.size(), kBlocks + 50);
  // By bytes: each block costs about 70 bytes with its serial string.
  Registry::PageLimits by_bytes{1000, 8 << 10};
  size_t pages = 0;
  EXPECT_EQ(ReadAllPages(by_bytes, &pages), whole);
  EXPECT_GT(pages, 20u);
  // By items: 97 a page, the two batches cut in the middle of a page.
  Registry::PageLimits by_items{97, 1 << 20};
  EXPECT_EQ(ReadAllPages(by_items, &pages), whole);
  EXPECT_EQ(pages, (whole.size() + 96) / 97);
  // A budget smaller than one item still moves: one item a page.
  Registry::PageLimits tiny{1000, 1};
  auto first = h_.registry().HoldingsPage("holder", "", tiny).value();
  ASSERT_EQ(first.items.size(), 1u);
  EXPECT_EQ(first.items[0].blocks.size(), 1u);
  EXPECT_FALSE(first.next_cursor.empty());
}

TEST_F(PagingTest, ABatchCutAcrossPagesContinuesOnTheNext) {
  Registry::PageLimits limits{kBlocks - 10, 1 << 20};
  auto first = h_.registry().HoldingsPage("holder", "", limits).value();
  ASSERT_EQ(first.items.size(), 1u);
  EXPECT_EQ(first.items[0].quantity, kBlocks - 10);
  auto second = h_.registry().HoldingsPage("holder", first.next_cursor, limits).value();
  ASSERT_EQ(second.items.size(), 2u);
  EXPECT_EQ(second.items[0].batch.batch(), 1u);  // batch 1 continues
  EXPECT_EQ(second.items[0].blocks.front().first(), 2 * (kBlocks - 10) + 1);
  EXPECT_EQ(second.items[0].quantity, 10u);
  EXPECT_EQ(second.items[1].batch.batch(), 2u);
  EXPECT_EQ(second.items[1].project.project_id(), "cookstoves-01");
  EXPECT_TRUE(second.next_cursor.empty());
}

TEST_F(PagingTest, ACursorStaysValidAcrossWrites) {
  Registry::PageLimits limits{100, 1 << 20};
  auto first = h_.registry().HoldingsPage("holder", "", limits).value();
  const uint64_t last_seen = first.items.back().blocks.back().last();  // serial 199
  // Between pages: the holder gives away the last block it was shown and
  // one not shown yet (serial 401), and receives serial 402, after the
  // cursor, and serial 2, before it.
  ASSERT_TRUE(
      IsAccepted(h_.TransferBlocks("holder", "developer", {Serials(1, last_seen, last_seen)})));
  ASSERT_TRUE(IsAccepted(h_.TransferBlocks("holder", "developer", {Serials(1, 401, 401)})));
  ASSERT_TRUE(IsAccepted(h_.TransferBlocks("developer", "holder", {Serials(1, 402, 402)})));
  ASSERT_TRUE(IsAccepted(h_.TransferBlocks("developer", "holder", {Serials(1, 2, 2)})));
  auto second = h_.registry()
                    .HoldingsPage("holder", first.next_cursor, Registry::PageLimits{150, 1 << 20})
                    .value();
  ASSERT_FALSE(second.items.empty());
  // The page resumes right after the cursor's key (a block gone since) and
  // shows the state as it is now: 201, 203, ..., 399, 402, 403, ...
  std::vector<uint64_t> firsts;
  for (const auto& b : second.items[0].blocks) firsts.push_back(b.first());
  ASSERT_EQ(firsts.size(), 150u);
  EXPECT_EQ(firsts[0], last_seen + 2);
  EXPECT_EQ(firsts[99], 399u);
  EXPECT_EQ(firsts[100], 402u);
  EXPECT_EQ(firsts[101], 403u);
  for (uint64_t f : firsts) EXPECT_GT(f, last_seen);  // nothing before the cursor again
  EXPECT_EQ(std::count(firsts.begin(), firsts.end(), 401u), 0);
}

TEST_F(PagingTest, ACursorOfTheWrongShapeIsRefused) {
  Registry::PageLimits limits;
  auto bad = h_.registry().HoldingsPage("holder", "short", limits);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(h_.registry().BatchBlocksPage(1, "123456789", limits).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(h_.registry().AccountHistoryPage("holder", "x", limits).status().code(),
            StatusCode::kInvalidArgument);
  // A cursor past every key is the end of the listing, not an error.
  auto past = h_.registry().HoldingsPage("holder", std::string(16, '\xff'), limits).value();
  EXPECT_TRUE(past.items.empty());
  EXPECT_TRUE(past.next_cursor.empty());
}

TEST_F(PagingTest, BatchBlocksHistoryAndRetirementsPage) {
  Registry::PageLimits limits{64, 1 << 20};
  // Batch 1's partition: the holder's odd serials and the developer's even ones.
  std::vector<pb::BlockRecord> blocks;
  std::string cursor;
  size_t pages = 0;
  do {
    auto page = h_.registry().BatchBlocksPage(1, cursor, limits).value();
    EXPECT_LE(page.items.size(), 64u);
    blocks.insert(blocks.end(), page.items.begin(), page.items.end());
    cursor = page.next_cursor;
    ++pages;
  } while (!cursor.empty());
  ASSERT_EQ(blocks.size(), 2 * kBlocks);
  for (size_t i = 0; i < blocks.size(); ++i) EXPECT_EQ(blocks[i].first(), i + 1);
  EXPECT_EQ(pages, (2 * kBlocks + 63) / 64);

  std::vector<uint64_t> history;
  cursor.clear();
  do {
    auto page =
        h_.registry().AccountHistoryPage("holder", cursor, Registry::PageLimits{2, 1024}).value();
    history.insert(history.end(), page.items.begin(), page.items.end());
    cursor = page.next_cursor;
  } while (!cursor.empty());
  EXPECT_EQ(history, h_.registry().AccountHistory("holder", 1'000'000).value());
  EXPECT_EQ(history.size(), 1 + kBlocks / 1000 + 1);  // opened, transfers

  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(IsAccepted(h_.RetireQuantity("holder", 2, 1, "Forum")));
  }
  std::vector<std::string> ids;
  cursor.clear();
  do {
    auto page = h_.registry()
                    .RetirementsOfBeneficiaryPage("Forum", cursor, Registry::PageLimits{2, 1024})
                    .value();
    EXPECT_LE(page.items.size(), 2u);
    for (const auto& r : page.items) ids.push_back(r.retirement_id());
    cursor = page.next_cursor;
  } while (!cursor.empty());
  ASSERT_EQ(ids.size(), 5u);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 5u);
  auto by_account =
      h_.registry().RetirementsOfAccountPage("holder", "", Registry::PageLimits{3, 1024}).value();
  EXPECT_EQ(by_account.items.size(), 3u);
  EXPECT_FALSE(by_account.next_cursor.empty());
}

TEST_F(PagingTest, RetirementsNewestFirstProjectsAndProjectBatches) {
  // Retirements across two beneficiaries, newest first page after page.
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(IsAccepted(h_.RetireQuantity("holder", 2, 1, i % 2 == 0 ? "Forum" : "Other")));
  }
  const std::vector<pb::RetirementRecord> oldest_first =
      h_.registry().RetirementsOfBeneficiary("Forum").value();
  ASSERT_EQ(oldest_first.size(), 4u);
  std::vector<std::string> ids;
  std::string cursor;
  do {
    auto page =
        h_.registry()
            .RetirementsOfBeneficiaryPage("Forum", cursor, Registry::PageLimits{3, 1024}, true)
            .value();
    EXPECT_LE(page.items.size(), 3u);
    for (const auto& r : page.items) ids.push_back(r.retirement_id());
    cursor = page.next_cursor;
  } while (!cursor.empty());
  ASSERT_EQ(ids.size(), 4u);
  for (size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(ids[i], oldest_first[oldest_first.size() - 1 - i].retirement_id());
  }
  auto newest = h_.registry()
                    .RetirementsOfAccountPage("holder", "", Registry::PageLimits{1, 1024}, true)
                    .value();
  ASSERT_EQ(newest.items.size(), 1u);
  EXPECT_EQ(newest.items[0].retirement_id(), ids[0]);  // the 7th was for Forum
  EXPECT_EQ(h_.registry()
                .RetirementsOfBeneficiaryPage("Forum", "short", Registry::PageLimits{}, true)
                .status()
                .code(),
            StatusCode::kInvalidArgument);

  // Projects in id order, a page of one at a time.
  ASSERT_TRUE(IsAccepted(h_.RegisterProject("aa-first-01", "developer")));
  ASSERT_TRUE(IsAccepted(h_.Issue("aa-first-01", 10, "developer", "VR-3")));
  std::vector<std::string> projects;
  cursor.clear();
  do {
    auto page = h_.registry().ProjectsPage(cursor, Registry::PageLimits{1, 1024}).value();
    EXPECT_EQ(page.items.size(), 1u);
    for (const auto& p : page.items) projects.push_back(p.project_id());
    cursor = page.next_cursor;
  } while (!cursor.empty());
  EXPECT_EQ(projects, (std::vector<std::string>{"aa-first-01", "cookstoves-01"}));

  // A project's batches, read through its own index: every page of one
  // holds one of its batches, never another project's (batch 3, between
  // its batches 2 and 4, is aa-first-01's).
  ASSERT_TRUE(IsAccepted(h_.Issue("cookstoves-01", 10, "developer", "VR-4")));
  std::vector<uint64_t> batches;
  cursor.clear();
  do {
    auto page = h_.registry()
                    .ProjectBatchesPage("cookstoves-01", cursor, Registry::PageLimits{1, 1024})
                    .value();
    EXPECT_EQ(page.items.size(), 1u);
    for (const auto& b : page.items) {
      EXPECT_EQ(b.project_id(), "cookstoves-01");
      batches.push_back(b.batch());
    }
    cursor = page.next_cursor;
  } while (!cursor.empty());
  EXPECT_EQ(batches, (std::vector<uint64_t>{1, 2, 4}));
  EXPECT_TRUE(h_.registry()
                  .ProjectBatchesPage("no-such-project", "", Registry::PageLimits{})
                  ->items.empty());
  EXPECT_EQ(h_.registry()
                .ProjectBatchesPage("cookstoves-01", "short", Registry::PageLimits{})
                .status()
                .code(),
            StatusCode::kInvalidArgument);

  // A page of blocks from the block holding a serial.
  auto from =
      h_.registry()
          .BatchBlocksPage(1, Registry::BatchBlocksCursorAt(7), Registry::PageLimits{1, 1024})
          .value();
  ASSERT_EQ(from.items.size(), 1u);
  EXPECT_LE(from.items[0].first(), 7u);
  EXPECT_GE(from.items[0].last(), 7u);
}

TEST_F(PagingTest, ProvenancePagesBoundTheEntriesRead) {
  // Serial 2 of batch 1 was issued and never moved; every transfer of the
  // batch is read to find that out. One entry read a page: pages of the
  // transfers come back empty with a cursor.
  Registry::PageLimits limits{1, 1 << 20};
  std::vector<uint64_t> found;
  size_t pages = 0, empty_pages = 0;
  std::string cursor;
  do {
    auto page = h_.registry().ProvenancePage(1, 2, cursor, limits).value();
    ++pages;
    if (page.items.empty()) ++empty_pages;
    found.insert(found.end(), page.items.begin(), page.items.end());
    cursor = page.next_cursor;
  } while (!cursor.empty());
  EXPECT_EQ(found, h_.registry().Provenance(1, 2).value());
  ASSERT_EQ(found.size(), 1u);  // the issuance
  EXPECT_EQ(pages, 1 + kBlocks / 1000);
  EXPECT_EQ(empty_pages, kBlocks / 1000);
}

}  // namespace
}  // namespace creg
