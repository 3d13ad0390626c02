#include "node/http/tile_cache.h"

#include <gtest/gtest.h>

#include <string>

namespace creg::http {
namespace {

TEST(TileCacheTest, GivesBackWhatWasPutUnderItsKey) {
  TileCache cache(100);
  EXPECT_FALSE(cache.Get("0/000").has_value());
  cache.Put("0/000", "first");
  cache.Put("0/001", "second");
  EXPECT_EQ(cache.Get("0/000"), "first");
  EXPECT_EQ(cache.Get("0/001"), "second");
  EXPECT_FALSE(cache.Get("0/002").has_value());
  // A key already there keeps its body.
  cache.Put("0/000", "other");
  EXPECT_EQ(cache.Get("0/000"), "first");
  EXPECT_EQ(cache.bytes(), 11u);
}

TEST(TileCacheTest, DropsTheLeastRecentlyUsedToStayWithinItsBytes) {
  TileCache cache(30);
  const std::string ten(10, 'x');
  cache.Put("a", ten);
  cache.Put("b", ten);
  cache.Put("c", ten);
  ASSERT_TRUE(cache.Get("a").has_value());  // now b is the least recent
  cache.Put("d", ten);
  EXPECT_FALSE(cache.Get("b").has_value());
  EXPECT_TRUE(cache.Get("a").has_value());
  EXPECT_TRUE(cache.Get("c").has_value());
  EXPECT_TRUE(cache.Get("d").has_value());
  EXPECT_EQ(cache.bytes(), 30u);
  // One body as large as the cache empties it.
  cache.Put("e", std::string(30, 'y'));
  EXPECT_EQ(cache.bytes(), 30u);
  EXPECT_EQ(cache.Get("e"), std::string(30, 'y'));
  EXPECT_FALSE(cache.Get("a").has_value());
}

TEST(TileCacheTest, ABodyOverTheBoundIsNotStored) {
  TileCache cache(30);
  cache.Put("a", "kept");
  cache.Put("big", std::string(31, 'z'));
  EXPECT_FALSE(cache.Get("big").has_value());
  EXPECT_EQ(cache.Get("a"), "kept");
  TileCache none(0);
  none.Put("a", "x");
  EXPECT_FALSE(none.Get("a").has_value());
  EXPECT_EQ(none.bytes(), 0u);
}

}  // namespace
}  // namespace creg::http
