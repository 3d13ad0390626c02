// MerkleLog: the append-only, hash-chained log of DESIGN.md on a Store.
//
// The log stores and hashes opaque entry bytes; it knows nothing of credits.
// The one thing it reads inside an entry is its chain link (the entry's own
// index and the leaf hash of the entry before it), through an EntryLinkReader
// supplied by the layer above, so that the prev_hash chain is checked on
// every append and on open.
//
// Column families (layout in docs/data-model.md):
//   log.entries  key BE64(index)      value: the entry bytes as stored
//   log.tree     key BE64(16t)        value: the nodes (leaf hashes and
//                                     perfect subtrees) completed by the
//                                     leaves of tile t, 16t .. 16t+15,
//                                     appended so far (ledger/tree_record.h)
//   log.meta     key "head"           value: BE64(size) || root (32 bytes)
//
// Appends: a PendingAppend collects entries (and any state changes the layer
// above adds to its batch); Commit writes entries, nodes, head and state in
// one synced WriteBatch. Nothing is visible to readers before that write
// returns, and a failed write leaves the log exactly as it was.
//
// Truncation: TruncateTo cuts the log back to a prefix in one synced write
// (docs/data-model.md, "Cutting the log back"), for entries that must be
// moved aside because no checkpoint ever covered them.
//
// Thread-safety: readers (Entry, proofs, roots, size) may run on any thread
// concurrently with one writer. BeginAppend/Commit must come from a single
// writer thread, one PendingAppend at a time. TruncateTo needs the log to
// itself: no reader and no PendingAppend.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/hash.h"
#include "ledger/merkle.h"
#include "ledger/status.h"
#include "ledger/store.h"

namespace creg {

struct EntryLink {
  uint64_t index = 0;
  Hash prev_hash;
};
// Reads the chain link of an entry. InvalidArgument if the bytes do not
// decode.
using EntryLinkReader = std::function<StatusOr<EntryLink>(std::string_view entry_bytes)>;

struct MerkleLogOptions {
  // False: the log checks every appended entry's chain link and keeps its
  // head (size and root), but stores neither the entries nor the tree
  // nodes. For a scratch replay of a log that is stored and checked
  // elsewhere (an audit's), where writing a second copy would only cost
  // time and disk. Such a log must be opened empty and cannot be reopened;
  // reading its entries, nodes, earlier roots or proofs is
  // FailedPrecondition.
  bool store_entries = true;
};

// The signed state of the log: its size and root hash.
struct TreeHead {
  uint64_t size = 0;
  Hash root;
};

class MerkleLog {
 public:
  // The column families the log needs in its Store.
  static const std::vector<std::string>& ColumnNames();

  // Opens the log in `store` (which must outlive it), creating an empty log
  // if the store has none. Checks that the head matches the stored entries:
  // the last entry exists and nothing follows it, its chain link and leaf
  // hash agree with the stored nodes, and the root rebuilt from stored
  // nodes equals the head's. DataLoss naming the index otherwise.
  // With store_entries false: FailedPrecondition if the store already holds
  // a log (a head, entries or nodes).
  static StatusOr<std::unique_ptr<MerkleLog>> Open(Store* store, EntryLinkReader link_reader,
                                                   const MerkleLogOptions& options = {});

  MerkleLog(const MerkleLog&) = delete;
  MerkleLog& operator=(const MerkleLog&) = delete;

  // The committed head. Thread-safe.
  TreeHead head() const;
  uint64_t size() const { return head().size; }
  // False for a log opened with store_entries = false.
  bool stores_entries() const { return options_.store_entries; }

  // Entry bytes exactly as stored. OutOfRange past the end.
  StatusOr<std::string> Entry(uint64_t index) const;
  // Entries [begin, end), at most `max_bytes` of them in total (at least
  // one). OutOfRange unless begin < end <= size().
  StatusOr<std::vector<std::string>> Entries(uint64_t begin, uint64_t end,
                                             size_t max_bytes = 64 << 20) const;
  StatusOr<Hash> LeafHashAt(uint64_t index) const;
  // Hashes of the perfect subtrees of 2^level leaves with indexes [begin,
  // end) at that level (merkle.h's NodeSource numbering), from stored nodes:
  // level 0 gives leaf hashes, level 8 the roots of 256-leaf subtrees (what
  // tlog tiles hold, ledger/tiles.h). Reads each stored record once.
  // OutOfRange unless begin < end and the head covers all of them
  // ((end << level) <= size()); InvalidArgument for a level outside 0..63.
  StatusOr<std::vector<Hash>> SubtreeHashes(int level, uint64_t begin, uint64_t end) const;

  // Root of the tree of the first `size` entries; OutOfRange past the head.
  StatusOr<Hash> RootAt(uint64_t size) const;
  // Root of the first `size` entries rebuilt from the stored nodes, never
  // from the cached head: what a node checks before signing a checkpoint.
  StatusOr<Hash> RecomputeRoot(uint64_t size) const;
  // RFC 9162 proofs from stored nodes (O(log n) reads). OutOfRange when the
  // sizes or index lie past the committed head.
  StatusOr<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size) const;
  StatusOr<std::vector<Hash>> ConsistencyProof(uint64_t size1, uint64_t size2) const;

  // A group of entries that becomes durable in one synced write.
  class PendingAppend {
   public:
    // Index the next added entry must carry.
    uint64_t next_index() const { return builder_.size(); }
    // Leaf hash the next added entry must name as prev_hash.
    const Hash& last_leaf_hash() const { return last_leaf_hash_; }
    // Root of the tree of the committed entries and those added so far
    // (next_index() leaves).
    Hash root() const { return builder_.Root(); }
    size_t entry_count() const { return entries_added_; }

    // Adds one entry. InvalidArgument if its link does not read or does not
    // continue the chain (wrong index or prev_hash); nothing is added then.
    Status Add(std::string_view entry_bytes);

    // The batch the entries go into; the layer above adds its state
    // changes here so they commit atomically with the entries.
    WriteBatch& batch() { return batch_; }

   private:
    friend class MerkleLog;
    PendingAppend(const MerkleLog& log, merkle::TreeBuilder builder, Hash last_leaf_hash,
                  std::string tile, WriteBatch batch);
    const MerkleLog* log_;
    uint64_t base_size_;
    uint64_t base_cuts_;                                  // the log's cuts_ when the append began
    std::vector<merkle::TreeBuilder::Node> upper_nodes_;  // completed, level >= kCachedLevel
    merkle::TreeBuilder builder_;
    Hash last_leaf_hash_;
    std::string tile_;  // the record of the tile of the last leaf, unless that tile is full
    size_t entries_added_ = 0;
    WriteBatch batch_;
  };

  // Starts a group on top of the committed head.
  PendingAppend BeginAppend() const;
  // Writes the group (synced) and moves the head. On error nothing is
  // written and the head is unchanged. FailedPrecondition if the head moved
  // since BeginAppend. Returns the new head.
  StatusOr<TreeHead> Commit(PendingAppend pending);

  // Convenience: BeginAppend, Add each entry, Commit.
  StatusOr<TreeHead> Append(const std::vector<std::string>& entries);

  // Cuts the log to its first `size` entries: adds to `batch` (which may
  // already hold the layer above's changes, committed with the cut) the
  // deletion of entries [size, this->size()) and of their Merkle nodes and
  // the new head, then writes it synced. The head, root and every proof
  // afterwards are those of a log that only ever held the first `size`
  // entries, and appends continue from there. Costs one write of
  // this->size() - size entry deletions and O(1) node records per 16
  // entries cut. On error nothing was written and the log is unchanged.
  // OutOfRange past the head; FailedPrecondition for a log that stores no
  // entries; DataLoss if the stored nodes of the prefix are damaged.
  // Precondition: nothing else uses the log meanwhile (no reader, no
  // PendingAppend; one begun before is refused by Commit afterwards).
  StatusOr<TreeHead> TruncateTo(uint64_t size, WriteBatch& batch);

 private:
  MerkleLog(Store* store, EntryLinkReader link_reader, const MerkleLogOptions& options);
  // FailedPrecondition unless the log stores its entries and nodes.
  Status RequireStored() const;
  Status LoadAndCheckHead();
  Status LoadUpperNodes(uint64_t size);
  // Stored nodes; with `cached`, the upper levels come from memory.
  merkle::NodeSource Nodes(bool cached = true) const;
  StatusOr<Hash> Node(int level, uint64_t index, bool cached = true) const;
  StatusOr<Hash> StoredNode(int level, uint64_t index) const;

  Store* store_;
  EntryLinkReader link_reader_;
  MerkleLogOptions options_;
  ColumnId entries_cf_ = 0;
  ColumnId tree_cf_ = 0;
  ColumnId meta_cf_ = 0;

  // Nodes of level kCachedLevel and up are also kept in memory (about 250
  // bytes per 1,000 entries), so a proof reads few stored nodes.
  static constexpr int kCachedLevel = 8;
  mutable std::shared_mutex upper_mu_;
  std::vector<std::vector<Hash>> upper_;  // [level - kCachedLevel][index], guarded by upper_mu_

  mutable std::mutex head_mu_;
  TreeHead head_;                // guarded by head_mu_
  merkle::TreeBuilder builder_;  // writer only
  Hash last_leaf_hash_;          // writer only
  std::string tile_;             // writer only: the last tile's record while it is not full
  uint64_t cuts_ = 0;            // writer only: TruncateTo calls, so stale appends are refused
  // The last group's batch, cleared, for the next group (writer only).
  static constexpr size_t kMaxSpareBatchBytes = 16 << 20;
  mutable std::unique_ptr<WriteBatch> spare_batch_;
};

}  // namespace creg
