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

  // In both calls, `tile_record` is the "log.tree" record of the tile
  // holding position `index`, keyed by its first leaf TileStart(index)
  // (ledger/tree_record.h), or nullopt if there is none: the same record
  // for every position of a tile. It is only read during the call.

  // Position `index` has no entry (already reported by the caller). Its
  // stored leaf node, if any, stands in for it so later checks still line up.
  void Missing(uint64_t index, std::optional<std::string_view> tile_record);

  // Checks the entry stored at position `index`, its stored leaf hash and
  // the other nodes it completes. Returns false (after reporting) if the
  // entry itself is unsound: it does not decode, carries another index,
  // does not link to the entry before, or does not match its stored leaf
  // node.
  bool Check(uint64_t index, std::string_view bytes, std::optional<std::string_view> tile_record);

  // After the last position: reports a last tile record that holds nodes
  // past it (a tile record is checked against the positions it covers as
  // they come; only the end of the log says where the last one must end).
  void Finish();

  uint64_t size() const { return builder_.size(); }
  // Root of the tree rebuilt from the entry bytes.
  Hash root() const { return builder_.Root(); }
  // Roots of the rebuilt tree at power-of-two sizes and the checkpoint size.
  const std::map<uint64_t, Hash>& roots() const { return roots_; }
  // True if any stored node disagreed with the rebuilt tree.
  bool tree_damaged() const { return !bad_nodes_.empty(); }

 private:
  // What is known of the record of the tile of the last position.
  struct Tile {
    uint64_t start = ~uint64_t{0};
    bool present = false;
    bool well_formed = false;  // its length is that of a record reaching one of its leaves
    size_t bytes = 0;
    bool reported = false;  // a problem of the record itself was reported
  };
  // Moves to the tile of `index` if it is another one.
  void EnterTile(uint64_t index, std::optional<std::string_view> tile_record);
  // Reports a problem of the current tile's record once.
  void ReportTile(const std::string& what, const std::string& expected, const std::string& found);
  // Appends `leaf`, compares the completed nodes with `tile_record`, and
  // returns false if the stored leaf node differs.
  bool Append(uint64_t index, const Hash& leaf, std::optional<std::string_view> tile_record,
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
  Tile tile_;
};

// Lower-case hex of a hash, for messages.
std::string Hex(const Hash& hash);

}  // namespace creg::audit
