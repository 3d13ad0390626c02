#include "ledger/tiles.h"

#include <gtest/gtest.h>

#include <limits>

#include "ledger/log_entry.h"
#include "ledger/merkle.h"
#include "ledger/merkle_log.h"
#include "tests/support/log_fixture.h"

namespace creg::tiles {
namespace {

TEST(TilesTest, SpecExampleTreeOf70000) {
  const uint64_t size = 70'000;
  EXPECT_EQ(FullTiles(size, 0), 273u);
  EXPECT_EQ(PartialWidth(size, 0), 112u);
  EXPECT_EQ(FullTiles(size, 1), 1u);
  EXPECT_EQ(PartialWidth(size, 1), 17u);
  EXPECT_EQ(FullTiles(size, 2), 0u);
  EXPECT_EQ(PartialWidth(size, 2), 1u);
  EXPECT_EQ(FullTiles(size, 3), 0u);
  EXPECT_EQ(PartialWidth(size, 3), 0u);

  EXPECT_EQ(WidthInTree(size, 0, 272), 256u);
  EXPECT_EQ(WidthInTree(size, 0, 273), 112u);
  EXPECT_EQ(WidthInTree(size, 0, 274), 0u);
  EXPECT_EQ(WidthInTree(size, 1, 0), 256u);
  EXPECT_EQ(WidthInTree(size, 1, 1), 17u);
  EXPECT_EQ(WidthInTree(size, 2, 0), 1u);
  EXPECT_EQ(WidthInTree(size, 3, 0), 0u);
}

TEST(TilesTest, SpecExampleTreeOf256) {
  EXPECT_EQ(FullTiles(256, 0), 1u);
  EXPECT_EQ(PartialWidth(256, 0), 0u);
  EXPECT_EQ(FullTiles(256, 1), 0u);
  EXPECT_EQ(PartialWidth(256, 1), 1u);
  EXPECT_EQ(PartialWidth(256, 2), 0u);
}

TEST(TilesTest, HugeLevelsAndSizesDoNotOverflow) {
  const uint64_t max = std::numeric_limits<uint64_t>::max();
  EXPECT_EQ(HashesAtLevel(max, 7), 255u);
  EXPECT_EQ(HashesAtLevel(max, 8), 0u);
  EXPECT_EQ(FullTiles(max, 7), 0u);
  EXPECT_EQ(PartialWidth(max, 7), 255u);
  EXPECT_EQ(FullTiles(max, 63), 0u);
  EXPECT_EQ(WidthInTree(max, 63, 0), 0u);
}

TEST(TilesTest, InTreeServesFullTilesAndPartialsNoWiderThanTheTree) {
  const uint64_t size = 600;  // level 0: 2 full + 88; level 1: partial of 2
  EXPECT_TRUE(InTree({false, 0, 1, 256}, size));
  EXPECT_FALSE(InTree({false, 0, 2, 256}, size));
  EXPECT_TRUE(InTree({false, 0, 2, 88}, size));
  EXPECT_TRUE(InTree({false, 0, 2, 1}, size));  // an earlier checkpoint's tile
  EXPECT_FALSE(InTree({false, 0, 2, 89}, size));
  EXPECT_FALSE(InTree({false, 0, 3, 1}, size));
  EXPECT_TRUE(InTree({false, 0, 0, 5}, size));  // partial of a tile now full
  EXPECT_TRUE(InTree({false, 1, 0, 2}, size));
  EXPECT_FALSE(InTree({false, 1, 0, 3}, size));
  EXPECT_FALSE(InTree({false, 1, 0, 256}, size));
  EXPECT_FALSE(InTree({false, 2, 0, 1}, size));
  EXPECT_TRUE(InTree({true, 0, 2, 88}, size));
  EXPECT_FALSE(InTree({true, 1, 0, 2}, size));
  EXPECT_FALSE(InTree({false, 0, 0, 0}, size));
  EXPECT_FALSE(InTree({false, 0, 0, 257}, size));
}

TEST(TilesTest, EncodesIndexInGroupsOfThree) {
  EXPECT_EQ(EncodeIndex(0), "000");
  EXPECT_EQ(EncodeIndex(5), "005");
  EXPECT_EQ(EncodeIndex(999), "999");
  EXPECT_EQ(EncodeIndex(1000), "x001/000");
  EXPECT_EQ(EncodeIndex(1234067), "x001/x234/067");
  EXPECT_EQ(EncodeIndex(std::numeric_limits<uint64_t>::max()), "x018/x446/x744/x073/x709/x551/615");
  EXPECT_EQ(TilePath({false, 0, 1234067, 256}), "tile/0/x001/x234/067");
  EXPECT_EQ(TilePath({false, 2, 0, 1}), "tile/2/000.p/1");
  EXPECT_EQ(TilePath({true, 0, 273, 112}), "tile/entries/273.p/112");
}

TEST(TilesTest, ParsesWhatItEncodes) {
  for (uint64_t index : {uint64_t{0}, uint64_t{7}, uint64_t{999}, uint64_t{1000}, uint64_t{1234067},
                         std::numeric_limits<uint64_t>::max()}) {
    for (TileId tile : {TileId{false, 0, index, 256}, TileId{false, 63, index, 255},
                        TileId{true, 0, index, 1}, TileId{false, 10, index, 17}}) {
      const std::string path = TilePath(tile);
      StatusOr<TileId> parsed = ParseTilePath(std::string_view(path).substr(5));
      ASSERT_TRUE(parsed.ok()) << path << ": " << parsed.status().ToString();
      EXPECT_EQ(*parsed, tile) << path;
    }
  }
}

TEST(TilesTest, RefusesEverySpellingButTheCanonicalOne) {
  for (std::string_view bad : {
           "",
           "0",
           "0/",
           "00/000",                                    // level with a leading zero
           "64/000",                                    // level above 63
           "100/000",                                   //
           "-1/000",                                    //
           "a/000",                                     //
           "0/0",                                       // short group
           "0/0000",                                    // long group
           "0/x000/001",                                // leading zero group
           "0/x001",                                    // 'x' on the last group
           "0/x001/",                                   // no last group
           "0/001/002",                                 // no 'x' on a leading group
           "0/x001//002",                               //
           "0/x01/002",                                 //
           "0/000/",                                    // trailing slash
           "0/000.p/",                                  // width missing
           "0/000.p/0",                                 // width 0
           "0/000.p/256",                               // width of a full tile
           "0/000.p/01",                                // width with a leading zero
           "0/000.p/1/",                                //
           "0/000.p/1x",                                //
           "0/000.p",                                   //
           "0/000.P/1",                                 //
           "0/000junk",                                 //
           "0/../000",                                  //
           "0/x001/../000",                             //
           "entries/../0/000",                          //
           "entries/",                                  //
           "entries/0/000",                             //
           "entries//000",                              //
           "/0/000",                                    //
           " 0/000",                                    //
           "0/ 000",                                    //
           "0/+00",                                     //
           "0/x018/x446/x744/x073/x709/x551/616",       // 2^64
           "0/x001/x000/x000/x000/x000/x000/x000/000",  // 8 groups
       }) {
    StatusOr<TileId> parsed = ParseTilePath(bad);
    EXPECT_FALSE(parsed.ok()) << "'" << bad << "' parsed";
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << bad;
    }
  }
}

// Tile contents from the log's stored nodes match the spec's definition,
// MTH(D[(256 n + i) 256^l : (256 n + i + 1) 256^l]), computed from the
// leaves, and the root of the tree follows from the tiles alone.
TEST(TilesTest, LogServesTileHashesAsTheSpecDefinesThem) {
  creg::testing::TempDir dir;
  std::unique_ptr<Store> store =
      creg::testing::OpenLogStore(dir.Sub("db"), creg::testing::TinyStoreOptions());
  ASSERT_NE(store, nullptr);
  auto log = MerkleLog::Open(store.get(), LogEntryLinkReader());
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  const uint64_t size = 256 * 256 + 3 * 256 + 17;  // 66,321: three levels
  creg::testing::AppendEntries(**log, size, 8);
  ASSERT_EQ((*log)->size(), size);

  std::vector<Hash> leaves;
  for (uint64_t i = 0; i < size; ++i) leaves.push_back((*log)->LeafHashAt(i).value());
  auto nodes = [&](int level, uint64_t index) -> StatusOr<Hash> {
    // From the leaves alone: the spec's MTH of a perfect range.
    std::vector<Hash> row(leaves.begin() + static_cast<ptrdiff_t>(index << level),
                          leaves.begin() + static_cast<ptrdiff_t>((index + 1) << level));
    while (row.size() > 1) {
      std::vector<Hash> up;
      for (size_t i = 0; i < row.size(); i += 2) up.push_back(merkle::NodeHash(row[i], row[i + 1]));
      row = std::move(up);
    }
    return row[0];
  };

  for (int level = 0; level <= 2; ++level) {
    const uint64_t full = FullTiles(size, level);
    const uint32_t partial = PartialWidth(size, level);
    for (uint64_t n : {uint64_t{0}, full > 0 ? full - 1 : 0, full}) {
      const uint32_t width = WidthInTree(size, level, n);
      if (width == 0) continue;
      TileId tile{false, level, n, width};
      StatusOr<std::vector<Hash>> got =
          (*log)->SubtreeHashes(tile.tree_level(), tile.first_node(), tile.first_node() + width);
      ASSERT_TRUE(got.ok()) << TilePath(tile) << ": " << got.status().ToString();
      ASSERT_EQ(got->size(), width);
      for (uint32_t i = 0; i < width; i += (level == 2 ? 1 : 37)) {
        EXPECT_EQ((*got)[i], nodes(tile.tree_level(), tile.first_node() + i).value())
            << TilePath(tile) << " hash " << i;
      }
    }
    EXPECT_EQ(partial, WidthInTree(size, level, full));
  }
  // Past the tree: refused.
  EXPECT_EQ((*log)->SubtreeHashes(0, size, size + 1).status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ((*log)->SubtreeHashes(8, 259, 260).status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ((*log)->SubtreeHashes(16, 0, 2).status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ((*log)->SubtreeHashes(0, 5, 5).status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ((*log)->SubtreeHashes(64, 0, 1).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace creg::tiles
