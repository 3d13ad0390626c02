// The layout of the Merkle node records in column "log.tree", shared by the
// log that writes them and the auditor that checks them.
//
// One record per pair of leaves (2j, 2j+1), keyed by BE64 of the odd leaf
// 2j+1 and written when that leaf is appended. It holds, 32 bytes each:
//
//   slot 0          leaf hash of entry 2j
//   slot 1          leaf hash of entry 2j+1
//   slot 1+L        for L = 1 .. countr_one(2j+1): the perfect subtree of
//                   level L that leaf 2j+1 completes
//
// So a record holds countr_one(2j+1) + 2 hashes. While the log has an odd
// size, its last leaf has no record yet; its hash is recomputed from the
// entry. Every other node of the tree has exactly one slot in one record.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

namespace creg::tree_record {

// The leaf whose record holds node (level, index): for a leaf (level 0),
// the odd leaf of its pair; above, the last leaf of the subtree.
constexpr uint64_t RecordLeaf(int level, uint64_t index) {
  return level == 0 ? (index | 1) : ((index + 1) << level) - 1;
}

// Where node (level, index) sits in its record, in hashes.
constexpr size_t Slot(int level, uint64_t index) {
  return level == 0 ? static_cast<size_t>(index & 1) : static_cast<size_t>(level) + 1;
}

// True if appending leaf `leaf` writes a record (it is the odd leaf of a pair).
constexpr bool WritesRecord(uint64_t leaf) { return (leaf & 1) == 1; }

// Number of hashes in the record keyed by the odd leaf `record_leaf`.
constexpr size_t HashCount(uint64_t record_leaf) {
  return static_cast<size_t>(std::countr_one(record_leaf)) + 2;
}

}  // namespace creg::tree_record
