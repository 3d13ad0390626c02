// The layout of the Merkle node records in column "log.tree", shared by the
// log that writes them and the auditor that checks them. Written down in
// docs/data-model.md ("log.tree").
//
// The leaves are grouped in tiles of kTileLeaves (16) consecutive leaves,
// tile t holding leaves 16t .. 16t+15. One record per tile, keyed by BE64 of
// its first leaf 16t, rewritten in the append batch that adds leaves to it.
// It holds, 32 bytes each, for every leaf of the tile appended so far, in
// leaf order, the perfect subtrees that leaf completes, level 0 (the leaf
// hash itself) upwards: leaf g completes levels 0 .. countr_one(g). The last
// leaf of a tile completes the tile's root (level 4) and, when it is also
// the last leaf of larger perfect subtrees, those above it.
//
// So the first m leaves of a tile contribute 2m - popcount(m) hashes
// (NodesBefore), a record reaching leaf g holds HashCount(g) hashes, and
// every node of the tree has exactly one slot in one record: the record of
// the tile of its last leaf. With tiles of two leaves this would be the former
// one-record-per-pair layout; tiles of 16 make one RocksDB record per 16
// entries instead of one per 2, which halves neither bytes nor hashes but
// saves most of the per-record cost of writing and scanning.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

namespace creg::tree_record {

inline constexpr int kTileLevel = 4;
inline constexpr uint64_t kTileLeaves = uint64_t{1} << kTileLevel;

// The first leaf of the tile holding leaf `leaf`: the key of its record.
constexpr uint64_t TileStart(uint64_t leaf) { return leaf & ~(kTileLeaves - 1); }

// True if `leaf` is the last leaf of its tile.
constexpr bool EndsTile(uint64_t leaf) { return (leaf & (kTileLeaves - 1)) == kTileLeaves - 1; }

// The last leaf of node (level, index): its record is that leaf's tile.
constexpr uint64_t LastLeaf(int level, uint64_t index) { return ((index + 1) << level) - 1; }

// Hashes the first `m` leaves of a tile contribute (m < kTileLeaves).
constexpr size_t NodesBefore(uint64_t m) {
  return static_cast<size_t>(2 * m - static_cast<uint64_t>(std::popcount(m)));
}

// Hashes of a full tile's own nodes (levels 0 .. kTileLevel), without the
// larger subtrees its last leaf may complete.
inline constexpr size_t kTileHashes = NodesBefore(kTileLeaves - 1) + kTileLevel + 1;

// Where node (level, index) sits in its record, in hashes.
constexpr size_t Slot(int level, uint64_t index) {
  return NodesBefore(LastLeaf(level, index) & (kTileLeaves - 1)) + static_cast<size_t>(level);
}

// Number of hashes in a record that reaches leaf `leaf` (holds the nodes of
// the leaves of its tile up to and including `leaf`).
constexpr size_t HashCount(uint64_t leaf) {
  return NodesBefore(leaf & (kTileLeaves - 1)) + static_cast<size_t>(std::countr_one(leaf)) + 1;
}

}  // namespace creg::tree_record
