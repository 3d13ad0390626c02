// The per-transaction block cap (TOO_MANY_BLOCKS): a move takes credits from
// at most 10,000 stored serial blocks, whether it names a quantity or
// blocks. A holding fragmented into single-serial blocks by other accounts
// cannot make one transaction cost more, or its entry grow larger, than
// that.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "tests/support/registry_fixture.h"

namespace creg {
namespace {

using testing::AcceptedOf;
using testing::Describe;
using ::testing::HasSubstr;
using testing::IsAccepted;
using testing::RegistryHarness;
using testing::RejectionCode;
using testing::Serials;

constexpr uint64_t kCap = 10'000;  // kMaxBlocksPerTransaction

// The largest entry a move can make (docs/protocol.md, "Limits and
// timeouts"): 10,000 effect blocks of at most 27 bytes each (tag, length,
// three tagged varints: a batch number of up to 10 bytes, serials up to
// 10^12 in 6), a 256 KiB transaction with its tag and length, and under
// 200 bytes of other fields.
constexpr size_t kLargestEntryBytes = kCap * 27 + 256 * 1024 + 4 + 200;

class BlockCapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(IsAccepted(h_.OpenAccount("developer")));
    ASSERT_TRUE(IsAccepted(h_.OpenAccount("holder")));
    ASSERT_TRUE(IsAccepted(h_.RegisterProject("ke-cookstoves-001", "developer")));
    // Batch 1: 2 * (kCap + 1) credits; the holder gets every odd serial,
    // kCap + 1 blocks of 1 t that no two touch.
    ASSERT_TRUE(IsAccepted(h_.Issue("ke-cookstoves-001", 2 * (kCap + 1), "developer", "VR-1")));
    Send(1, kCap + 1, 2);
  }

  // Sends `count` single-serial blocks of `batch` (serials 1, 1 + step,
  // ...) from the developer to the holder, kCap blocks a transaction.
  void Send(uint64_t batch, uint64_t count, uint64_t step) {
    std::vector<pb::SerialBlock> blocks;
    for (uint64_t i = 0; i < count; ++i) {
      uint64_t s = 1 + i * step;
      blocks.push_back(Serials(batch, s, s));
      if (blocks.size() == kCap || i + 1 == count) {
        Verdict v = h_.TransferBlocks("developer", "holder", blocks);
        ASSERT_TRUE(IsAccepted(v)) << Describe(v);
        blocks.clear();
      }
    }
  }

  // Expects `run` to be refused with TOO_MANY_BLOCKS and to write nothing.
  void ExpectCapped(const std::function<Verdict()>& run, const std::string& says) {
    Hash digest = h_.registry().StateDigest().value();
    TreeHead head = h_.registry().log().head();
    Verdict v = run();
    ASSERT_EQ(RejectionCode(v), RuleCode::kTooManyBlocks) << Describe(v);
    EXPECT_THAT(std::get<Rejection>(v).message, HasSubstr(says));
    EXPECT_EQ(std::get<Rejection>(v).ToStatus().code(), StatusCode::kFailedPrecondition);
    EXPECT_EQ(h_.registry().StateDigest().value(), digest);
    EXPECT_EQ(h_.registry().log().head().size, head.size);
    EXPECT_EQ(h_.registry().log().head().root, head.root);
  }

  testing::TempDir dir_;
  RegistryHarness h_{dir_};
};

TEST_F(BlockCapTest, QuantityNeedingOneBlockTooManyIsRefusedAndWritesNothing) {
  const std::string says =
      "moving 10,001 t of batch 1 from account 'holder' would take more than 10,000 serial "
      "blocks (its 10,000 lowest blocks of the batch hold 10,000 t); at most 10,000 per "
      "transaction: move at most 10,000 t";
  ExpectCapped([&] { return h_.TransferQuantity("holder", "developer", 1, kCap + 1); }, says);
  ExpectCapped([&] { return h_.RetireQuantity("holder", 1, kCap + 1); }, says);
  ExpectCapped([&] { return h_.CancelQuantity("holder", 1, kCap + 1); }, says);
  // Asking for more than the holder has at all is refused by the cap too:
  // finding out would mean reading past it.
  ExpectCapped([&] { return h_.TransferQuantity("holder", "developer", 1, 5 * kCap); },
               "moving 50,000 t of batch 1");
}

TEST_F(BlockCapTest, QuantityNeedingExactlyTheCapIsAccepted) {
  Verdict v = h_.RetireQuantity("holder", 1, kCap);
  ASSERT_TRUE(IsAccepted(v)) << Describe(v);
  const Accepted& accepted = AcceptedOf(v);
  EXPECT_EQ(accepted.effects.quantity(), kCap);
  ASSERT_EQ(accepted.effects.blocks_size(), static_cast<int>(kCap));
  EXPECT_EQ(accepted.effects.blocks(static_cast<int>(kCap) - 1).first(), 2 * kCap - 1);
  // Its entry, with the most effect blocks an entry can have, is within the
  // documented bound, itself far under the 3 MiB entry page.
  std::string entry = h_.registry().log().Entry(accepted.entry_index).value();
  EXPECT_LE(entry.size(), kLargestEntryBytes);
  EXPECT_LT(kLargestEntryBytes, size_t{3} << 20);
  // The one block left moves on its own.
  v = h_.TransferQuantity("holder", "developer", 1, 1);
  ASSERT_TRUE(IsAccepted(v)) << Describe(v);
  EXPECT_EQ(AcceptedOf(v).effects.blocks(0).first(), 2 * kCap + 1);
}

TEST_F(BlockCapTest, NamedSerialsSpanningTooManyStoredBlocksAreRefused) {
  // Batch 2: the holder gets serials 1..kCap+1 as separate blocks that
  // touch; a move of them all records one merged block but would still
  // split kCap + 1 stored ones.
  ASSERT_TRUE(IsAccepted(h_.Issue("ke-cookstoves-001", kCap + 1, "developer", "VR-2")));
  Send(2, kCap + 1, 1);
  ExpectCapped(
      [&] { return h_.TransferBlocks("holder", "developer", {Serials(2, 1, kCap + 1)}); },
      "the serials named lie in more than 10,000 serial blocks (serials 10001-10001 of batch 2 "
      "would be block 10,001)");
  ExpectCapped([&] { return h_.TransferQuantity("holder", "developer", 2, kCap + 1); },
               "moving 10,001 t of batch 2");

  Verdict v = h_.TransferBlocks("holder", "developer", {Serials(2, 1, kCap)});
  ASSERT_TRUE(IsAccepted(v)) << Describe(v);
  ASSERT_EQ(AcceptedOf(v).effects.blocks_size(), 1);
  EXPECT_EQ(AcceptedOf(v).effects.blocks(0).last(), kCap);
}

TEST_F(BlockCapTest, NamingMoreThanTheCapIsStillInvalidSerials) {
  std::vector<pb::SerialBlock> blocks;
  for (uint64_t i = 0; i <= kCap; ++i) blocks.push_back(Serials(1, 1 + 2 * i, 1 + 2 * i));
  Verdict v = h_.TransferBlocks("holder", "developer", blocks);
  EXPECT_EQ(RejectionCode(v), RuleCode::kInvalidSerials) << Describe(v);
  EXPECT_THAT(Describe(v), HasSubstr("at most 10,000 serial blocks per transaction, 10,001 named"));
}

}  // namespace
}  // namespace creg
