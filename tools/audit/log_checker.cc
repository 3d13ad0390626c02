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

}  // namespace

std::string Hex(const Hash& hash) { return hash.ToHex(); }

void LogChecker::Missing(uint64_t index, std::optional<std::string_view> tree_record) {
  Hash leaf;
  bool have_leaf = tree_record.has_value() &&
                   tree_record->size() == tree_record::HashCount(index | 1) * Hash::kSize;
  if (have_leaf) leaf = SlotHash(*tree_record, tree_record::Slot(0, index));
  bad_nodes_.insert({0, index});
  Append(index, leaf, tree_record, /*entry_reported=*/true);
  prev_suspect_ = !have_leaf;
}

bool LogChecker::Check(uint64_t index, std::string_view bytes,
                       std::optional<std::string_view> tree_record) {
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
  bool leaf_matches = Append(index, leaf, tree_record, reported);
  prev_leaf_ = leaf;
  prev_suspect_ = reported || !leaf_matches;
  return !reported && leaf_matches;
}

bool LogChecker::Append(uint64_t index, const Hash& leaf,
                        std::optional<std::string_view> tree_record, bool entry_reported) {
  std::vector<merkle::TreeBuilder::Node> nodes = builder_.Append(leaf);
  uint64_t size = builder_.size();
  if (std::has_single_bit(size) || size == checkpoint_size_) roots_[size] = builder_.Root();
  const uint64_t record_leaf = index | 1;
  const size_t want_bytes = tree_record::HashCount(record_leaf) * Hash::kSize;
  const bool usable = tree_record.has_value() && tree_record->size() == want_bytes;
  if (!tree_record::WritesRecord(index)) {
    // The record of the pair comes with the odd leaf: a missing or
    // malformed one is reported there (and at the end of a log of odd size
    // there is none yet). The leaf hash in it is checked now.
    if (!usable) return true;
    return CompareLeaf(index, leaf, SlotHash(*tree_record, 0), entry_reported);
  }
  const std::string where = "Merkle node record of entry " + std::to_string(index) + " (log.tree)";
  if (!usable) {
    if (!Bad(0, index) || !entry_reported) {
      findings_.Add(
          where, tree_record.has_value() ? "has the wrong length" : "is missing",
          std::to_string(want_bytes) + " bytes",
          tree_record.has_value() ? std::to_string(tree_record->size()) + " bytes" : "nothing");
    }
    for (const auto& node : nodes) bad_nodes_.insert({node.level, node.index});
    return true;  // No leaf node to hold the entry against; the next link still checks it.
  }
  bool leaf_matches = true;
  for (const auto& node : nodes) {
    Hash stored = SlotHash(*tree_record, tree_record::Slot(node.level, node.index));
    if (node.level == 0) {
      leaf_matches = CompareLeaf(index, node.hash, stored, entry_reported);
      continue;
    }
    if (stored == node.hash) continue;
    if (!Bad(node.level - 1, 2 * node.index) && !Bad(node.level - 1, 2 * node.index + 1)) {
      uint64_t first = node.index << node.level;
      uint64_t last = first + (uint64_t{1} << node.level) - 1;
      findings_.Add(where,
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
