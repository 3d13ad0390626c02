#include "tools/audit/log_checker.h"

#include <bit>

#include "ledger/encoding.h"
#include "ledger/log_entry.h"
#include "ledger/tree_record.h"

namespace creg::audit {
namespace {

std::string Entry(uint64_t index) { return "entry " + std::to_string(index); }

Hash SlotHash(std::string_view record, size_t slot) {
  return Hash::FromBytes(record.substr(slot * Hash::kSize, Hash::kSize)).value();
}

std::string TileName(uint64_t start) {
  return "Merkle node record of entries " + std::to_string(start) + "-" +
         std::to_string(start + tree_record::kTileLeaves - 1) + " (log.tree)";
}

std::string Bytes(size_t n) { return std::to_string(n) + " bytes"; }

// True if a record of `bytes` bytes reaches one of the leaves of the tile
// starting at `start`.
bool WellFormed(uint64_t start, size_t bytes) {
  if (bytes % Hash::kSize != 0) return false;
  for (uint64_t leaf = start; leaf < start + tree_record::kTileLeaves; ++leaf) {
    if (tree_record::HashCount(leaf) * Hash::kSize == bytes) return true;
  }
  return false;
}

}  // namespace

std::string Hex(const Hash& hash) { return hash.ToHex(); }

void LogChecker::Missing(uint64_t index, std::optional<std::string_view> tile_record) {
  EnterTile(index, tile_record);
  Hash leaf;
  const size_t slot = tree_record::Slot(0, index);
  bool have_leaf = tile_.well_formed && tile_.bytes >= (slot + 1) * Hash::kSize;
  if (have_leaf) leaf = SlotHash(*tile_record, slot);
  bad_nodes_.insert({0, index});
  Append(index, leaf, tile_record, /*entry_reported=*/true);
  // The next entry's prev_hash is checked against the stored leaf.
  prev_leaf_ = leaf;
  prev_suspect_ = !have_leaf;
}

void LogChecker::EnterTile(uint64_t index, std::optional<std::string_view> tile_record) {
  const uint64_t start = tree_record::TileStart(index);
  if (start == tile_.start) return;
  tile_ = Tile{};
  tile_.start = start;
  tile_.present = tile_record.has_value();
  tile_.bytes = tile_.present ? tile_record->size() : 0;
  tile_.well_formed = tile_.present && WellFormed(start, tile_.bytes);
}

void LogChecker::ReportTile(const std::string& what, const std::string& expected,
                            const std::string& found) {
  if (tile_.reported) return;
  tile_.reported = true;
  findings_.Add(TileName(tile_.start), what, expected, found);
}

void LogChecker::Finish() {
  if (size() == 0 || !tile_.well_formed) return;
  const size_t want = tree_record::HashCount(size() - 1) * Hash::kSize;
  if (tile_.bytes > want) {
    ReportTile("holds nodes of entries past the last one (" + std::to_string(size() - 1) + ")",
               Bytes(want), Bytes(tile_.bytes));
  }
}

bool LogChecker::Check(uint64_t index, std::string_view bytes,
                       std::optional<std::string_view> tile_record) {
  EnterTile(index, tile_record);
  const Hash leaf = merkle::LeafHash(bytes);
  bool reported = true;
  StatusOr<EntryLink> link = ReadEntryLink(bytes);
  if (!link.ok()) {
    findings_.Add(Entry(index), "stored bytes do not decode: " + link.status().message());
  } else if (link->index != index) {
    findings_.Add(Entry(index),
                  "the entry stored at position " + std::to_string(index) + " carries index " +
                      std::to_string(link->index) + " (entries moved, swapped or rewritten)",
                  std::to_string(index), std::to_string(link->index));
  } else if (!prev_suspect_ && link->prev_hash != prev_leaf_) {
    findings_.Add(Entry(index),
                  index == 0 ? "prev_hash of the first entry is not 32 zero bytes"
                             : "prev_hash does not name the leaf hash of entry " +
                                   std::to_string(index - 1) + " (the hash chain is broken)",
                  Hex(prev_leaf_), Hex(link->prev_hash));
  } else {
    reported = false;
  }
  if (reported) bad_nodes_.insert({0, index});
  bool leaf_matches = Append(index, leaf, tile_record, reported);
  prev_leaf_ = leaf;
  prev_suspect_ = reported || !leaf_matches;
  return !reported && leaf_matches;
}

bool LogChecker::Append(uint64_t index, const Hash& leaf,
                        std::optional<std::string_view> tile_record, bool entry_reported) {
  std::span<const merkle::TreeBuilder::Node> nodes = builder_.Append(leaf);
  uint64_t size = builder_.size();
  if (std::has_single_bit(size) || size == checkpoint_size_) roots_[size] = builder_.Root();
  const size_t want_bytes = tree_record::HashCount(index) * Hash::kSize;
  if (!tile_.well_formed || tile_.bytes < want_bytes) {
    // An entry already reported as missing does not also report its
    // record; the next position of the tile that is stored does.
    if (!Bad(0, index) || !entry_reported) {
      if (!tile_.present) {
        ReportTile("is missing", "a record of at least " + Bytes(want_bytes), "nothing");
      } else if (!tile_.well_formed) {
        ReportTile("has the wrong length", "a record reaching one of its entries",
                   Bytes(tile_.bytes));
      } else {
        ReportTile("ends before the nodes of entry " + std::to_string(index),
                   "at least " + Bytes(want_bytes), Bytes(tile_.bytes));
      }
    }
    for (const auto& node : nodes) bad_nodes_.insert({node.level, node.index});
    return true;  // No leaf node to hold the entry against; the next link still checks it.
  }
  bool leaf_matches = true;
  for (const auto& node : nodes) {
    Hash stored = SlotHash(*tile_record, tree_record::Slot(node.level, node.index));
    if (node.level == 0) {
      leaf_matches = CompareLeaf(index, node.hash, stored, entry_reported);
      continue;
    }
    if (stored == node.hash) continue;
    if (!Bad(node.level - 1, 2 * node.index) && !Bad(node.level - 1, 2 * node.index + 1)) {
      uint64_t first = node.index << node.level;
      uint64_t last = first + (uint64_t{1} << node.level) - 1;
      findings_.Add(TileName(tile_.start),
                    "the node at level " + std::to_string(node.level) + " (entries " +
                        std::to_string(first) + "-" + std::to_string(last) +
                        ") differs from the hash of the nodes below it",
                    Hex(node.hash), Hex(stored));
    }
    bad_nodes_.insert({node.level, node.index});
  }
  return leaf_matches;
}

bool LogChecker::CompareLeaf(uint64_t index, const Hash& leaf, const Hash& stored,
                             bool entry_reported) {
  if (stored == leaf) return true;
  if (!entry_reported) {
    findings_.Add(Entry(index),
                  "the leaf hash of the stored entry bytes differs from the leaf node stored "
                  "for it in log.tree (the entry or its node was changed)",
                  Hex(leaf), Hex(stored));
  }
  bad_nodes_.insert({0, index});
  return false;
}

}  // namespace creg::audit
