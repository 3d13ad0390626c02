// Checks the stored log column by column, independently of MerkleLog:
// every entry's position, index and prev_hash link, and every Merkle node
// record (column "log.tree", layout in ledger/tree_record.h) against a tree
// rebuilt from the entry bytes.
//
// The caller feeds the positions 0, 1, 2, ... in order, from a scan of
// "log.entries". Each problem is reported once, where it is: a changed
// entry is reported at that entry, and the stored nodes above it (which are
// then bound to differ) and the next entry's prev_hash are not reported
// again. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "ledger/hash.h"
#include "ledger/merkle.h"
#include "tools/audit/findings.h"

namespace creg::audit {

class LogChecker {
 public:
  // Roots are recorded at every power of two and at `checkpoint_size`.
  LogChecker(Findings& findings, uint64_t checkpoint_size)
      : findings_(findings), checkpoint_size_(checkpoint_size) {}

  // In both calls, `tree_record` is the "log.tree" record holding the leaf
  // hash of position `index`: the record of its pair, keyed by `index | 1`
  // (ledger/tree_record.h), or nullopt if there is none. It is only read
  // during the call.

  // Position `index` has no entry (already reported by the caller). Its
  // stored leaf node, if any, stands in for it so later checks still line up.
  void Missing(uint64_t index, std::optional<std::string_view> tree_record);

  // Checks the entry stored at position `index` and its stored leaf hash,
  // and, at an odd position, the rest of the node record. Returns false
  // (after reporting) if the entry itself is unsound: it does not decode,
  // carries another index, does not link to the entry before, or does not
  // match its stored leaf node.
  bool Check(uint64_t index, std::string_view bytes, std::optional<std::string_view> tree_record);

  uint64_t size() const { return builder_.size(); }
  // Root of the tree rebuilt from the entry bytes.
  Hash root() const { return builder_.Root(); }
  // Roots of the rebuilt tree at power-of-two sizes and the checkpoint size.
  const std::map<uint64_t, Hash>& roots() const { return roots_; }
  // True if any stored node disagreed with the rebuilt tree.
  bool tree_damaged() const { return !bad_nodes_.empty(); }

 private:
  // Appends `leaf`, compares the completed nodes with `tree_record`, and
  // returns false if the stored leaf node differs.
  bool Append(uint64_t index, const Hash& leaf, std::optional<std::string_view> tree_record,
              bool entry_reported);
  // Reports a stored leaf node that is not the entry's leaf hash (unless
  // the entry was already reported) and returns whether they match.
  bool CompareLeaf(uint64_t index, const Hash& leaf, const Hash& stored, bool entry_reported);
  bool Bad(int level, uint64_t index) const { return bad_nodes_.contains({level, index}); }

  Findings& findings_;
  uint64_t checkpoint_size_;
  merkle::TreeBuilder builder_;
  Hash prev_leaf_;             // leaf hash of the previous position
  bool prev_suspect_ = false;  // the previous entry was reported; skip the link check
  std::set<std::pair<int, uint64_t>> bad_nodes_;  // (level, index) known to differ
  std::map<uint64_t, Hash> roots_;
};

// Lower-case hex of a hash, for messages.
std::string Hex(const Hash& hash);

}  // namespace creg::audit
