// Tile arithmetic of C2SP tlog-tiles (https://c2sp.org/tlog-tiles), the
// static HTTP form of a Merkle log: docs/http.md shows how cregd serves it.
//
// A tile at level L, index N holds up to 256 consecutive hashes of the
// tree: hash i is the Merkle Tree Hash of the 256^L leaves starting at leaf
// (256 N + i) 256^L, which is the perfect subtree at tree level 8L with
// index 256 N + i (merkle.h's NodeSource numbering). A full tile holds 256
// hashes; the rightmost tile of a level may be partial, holding W of them
// (1 <= W <= 255), and is named with a ".p/<W>" suffix. The entry bundle N
// holds the entries whose leaf hashes are the level-0 tile N.
//
// Paths, relative to the log's prefix:
//   tile/<L>/<N>[.p/<W>]        L: 0..63, decimal, no leading zeros
//   tile/entries/<N>[.p/<W>]    W: 1..255, decimal, no leading zeros
// N is written in groups of three decimal digits, zero-padded, every group
// but the last prefixed by 'x': 1234067 is "x001/x234/067", 5 is "005".
// There is exactly one spelling of each path; the parser refuses every
// other (extra zeros, empty or extra groups, '..', a trailing slash).
//
// Everything here is pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/status.h"

namespace creg::tiles {

// Hashes in a full tile, and tree levels one tile spans.
inline constexpr uint32_t kTileWidth = 256;
inline constexpr int kTileHeight = 8;
// Highest tile level a path may name.
inline constexpr int kMaxLevel = 63;

// A tile (or, with entries set, an entry bundle) and its width.
struct TileId {
  bool entries = false;  // an entry bundle; level is then 0
  int level = 0;
  uint64_t index = 0;
  uint32_t width = kTileWidth;  // 1..256; 256 is a full tile

  bool partial() const { return width < kTileWidth; }
  // The tree level of the hashes this tile holds: 8 * level.
  int tree_level() const { return kTileHeight * level; }
  // Index (at tree_level()) of the tile's first hash: 256 * index.
  uint64_t first_node() const { return index * kTileWidth; }
  bool operator==(const TileId&) const = default;
};

// floor(size / 256^level): hashes the tree of `size` leaves has at tile
// level `level` (perfect subtrees of 256^level leaves). 0 when 256^level
// exceeds any size.
uint64_t HashesAtLevel(uint64_t size, int level);
// Full tiles at `level` in a tree of `size` leaves: floor(size / 256^(level+1)).
uint64_t FullTiles(uint64_t size, int level);
// Width of the partial tile at `level`: floor(size / 256^level) mod 256;
// 0 when that level has no partial tile.
uint32_t PartialWidth(uint64_t size, int level);
// Hashes tile (level, index) holds in a tree of `size` leaves: 256 when it
// is full, the partial width when it is the rightmost, partial one, and 0
// when the tree does not reach it.
uint32_t WidthInTree(uint64_t size, int level, uint64_t index);
// True if `tile` (a tile or an entry bundle, with its width) can be served
// from a tree of `size` leaves: a full tile the tree holds, or a partial
// one no wider than what the tree has at that index. A partial tile of a
// smaller tree stays servable as the tree grows (its hashes never change),
// so a client that read an older checkpoint still finds its tiles.
bool InTree(const TileId& tile, uint64_t size);

// "x001/x234/067" for 1234067; "000" for 0.
std::string EncodeIndex(uint64_t index);
// "tile/<L>/<N>[.p/<W>]" or "tile/entries/<N>[.p/<W>]".
std::string TilePath(const TileId& tile);

// Parses what follows "tile/" in a path: "<L>/<N>[.p/<W>]" or
// "entries/<N>[.p/<W>]". InvalidArgument naming what is wrong unless it is
// exactly the canonical spelling: a level above 63, a width outside
// 1..255, an index over 2^64 - 1, leading zeros, missing or extra
// characters anywhere.
StatusOr<TileId> ParseTilePath(std::string_view after_tile);

}  // namespace creg::tiles
