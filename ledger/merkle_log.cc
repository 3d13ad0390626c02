#include "ledger/merkle_log.h"

#include <algorithm>
#include <bit>

#include "ledger/encoding.h"
#include "ledger/tree_record.h"

namespace creg {
namespace {

constexpr char kHeadKey[] = "head";

std::string IndexKey(uint64_t index) {
  std::string key;
  AppendBigEndian64(&key, index);
  return key;
}

std::string EncodeHead(const TreeHead& head) {
  std::string value;
  AppendBigEndian64(&value, head.size);
  value.append(head.root.view());
  return value;
}

StatusOr<TreeHead> DecodeHead(std::string_view value) {
  if (value.size() != 8 + Hash::kSize) {
    return DataLossError("log head record has " + std::to_string(value.size()) + " bytes, want 40");
  }
  TreeHead head;
  head.size = ReadBigEndian64(value);
  CREG_ASSIGN_OR_RETURN(head.root, Hash::FromBytes(value.substr(8)));
  return head;
}

std::string TileName(uint64_t tile_start) {
  return "Merkle node record of entries " + std::to_string(tile_start) + "-" +
         std::to_string(tile_start + tree_record::kTileLeaves - 1);
}

std::string NodeName(int level, uint64_t index) {
  return level == 0 ? "leaf hash of entry " + std::to_string(index)
                    : "Merkle node (level " + std::to_string(level) + ", index " +
                          std::to_string(index) + ")";
}

}  // namespace

const std::vector<std::string>& MerkleLog::ColumnNames() {
  static const std::vector<std::string> kNames = {"log.entries", "log.tree", "log.meta"};
  return kNames;
}

MerkleLog::MerkleLog(Store* store, EntryLinkReader link_reader, const MerkleLogOptions& options)
    : store_(store), link_reader_(std::move(link_reader)), options_(options) {}

StatusOr<std::unique_ptr<MerkleLog>> MerkleLog::Open(Store* store, EntryLinkReader link_reader,
                                                     const MerkleLogOptions& options) {
  auto log = std::unique_ptr<MerkleLog>(new MerkleLog(store, std::move(link_reader), options));
  CREG_ASSIGN_OR_RETURN(log->entries_cf_, store->Column("log.entries"));
  CREG_ASSIGN_OR_RETURN(log->tree_cf_, store->Column("log.tree"));
  CREG_ASSIGN_OR_RETURN(log->meta_cf_, store->Column("log.meta"));
  if (!options.store_entries) {
    // Nothing to resume from: the frontier of the tree is not stored.
    CREG_ASSIGN_OR_RETURN(std::optional<std::string> head, store->Get(log->meta_cf_, kHeadKey));
    bool any = head.has_value();
    for (ColumnId column : {log->entries_cf_, log->tree_cf_}) {
      CREG_RETURN_IF_ERROR(store->Scan(column, "", "", [&](std::string_view, std::string_view) {
        any = true;
        return false;
      }));
    }
    if (any) {
      return FailedPreconditionError(
          "a log that stores no entries must start empty, and this store already holds a log");
    }
    log->head_ = TreeHead{0, merkle::EmptyRoot()};
    return log;
  }
  CREG_RETURN_IF_ERROR(log->LoadAndCheckHead());
  return log;
}

Status MerkleLog::RequireStored() const {
  if (options_.store_entries) return OkStatus();
  return FailedPreconditionError("this log stores no entries or Merkle nodes");
}

Status MerkleLog::LoadAndCheckHead() {
  CREG_ASSIGN_OR_RETURN(std::optional<std::string> head_value, store_->Get(meta_cf_, kHeadKey));
  TreeHead head{0, merkle::EmptyRoot()};
  if (head_value.has_value()) {
    CREG_ASSIGN_OR_RETURN(head, DecodeHead(*head_value));
  }
  // Nothing may follow the head: a later entry means a write the head does
  // not account for.
  CREG_ASSIGN_OR_RETURN(std::optional<std::string> beyond,
                        store_->Get(entries_cf_, IndexKey(head.size)));
  if (beyond.has_value()) {
    return DataLossError("log head says " + std::to_string(head.size) + " entries but entry " +
                         std::to_string(head.size) + " is stored");
  }
  Hash last_leaf;    // zeros for an empty log
  std::string tile;  // the record of the last tile while it is not full
  if (head.size > 0) {
    uint64_t last = head.size - 1;
    CREG_ASSIGN_OR_RETURN(std::optional<std::string> entry,
                          store_->Get(entries_cf_, IndexKey(last)));
    if (!entry.has_value()) {
      return DataLossError("log head says " + std::to_string(head.size) + " entries but entry " +
                           std::to_string(last) + " is missing");
    }
    // The last tile's record must reach the last entry and no further.
    const uint64_t tile_start = tree_record::TileStart(last);
    CREG_ASSIGN_OR_RETURN(std::optional<std::string> record,
                          store_->Get(tree_cf_, IndexKey(tile_start)));
    const size_t want = tree_record::HashCount(last) * Hash::kSize;
    if (!record.has_value() || record->size() != want) {
      return DataLossError(TileName(tile_start) + " has " +
                           (record.has_value() ? std::to_string(record->size()) : "no") +
                           " bytes, but a log of " + std::to_string(head.size) + " entries needs " +
                           std::to_string(want));
    }
    last_leaf = merkle::LeafHash(*entry);
    CREG_ASSIGN_OR_RETURN(Hash stored_leaf, StoredNode(0, last));
    if (last_leaf != stored_leaf) {
      return DataLossError("entry " + std::to_string(last) +
                           " does not match its stored leaf hash");
    }
    if (!tree_record::EndsTile(last)) tile = std::move(*record);
    if (link_reader_) {
      StatusOr<EntryLink> link = link_reader_(*entry);
      if (!link.ok())
        return DataLossError("entry " + std::to_string(last) + ": " + link.status().message());
      Hash want_prev;
      if (last > 0) {
        CREG_ASSIGN_OR_RETURN(want_prev, Node(0, last - 1));
      }
      if (link->index != last || link->prev_hash != want_prev) {
        return DataLossError("entry " + std::to_string(last) + " does not link to entry " +
                             std::to_string(last - 1) + " (index or prev_hash mismatch)");
      }
    }
  }
  CREG_ASSIGN_OR_RETURN(merkle::TreeBuilder builder,
                        merkle::TreeBuilder::Resume(head.size, Nodes(false)));
  if (builder.Root() != head.root) {
    return DataLossError("root rebuilt from the stored nodes at size " + std::to_string(head.size) +
                         " does not match the stored head");
  }
  CREG_RETURN_IF_ERROR(LoadUpperNodes(head.size));
  std::lock_guard lock(head_mu_);
  head_ = head;
  builder_ = std::move(builder);
  last_leaf_hash_ = last_leaf;
  tile_ = std::move(tile);
  return OkStatus();
}

TreeHead MerkleLog::head() const {
  std::lock_guard lock(head_mu_);
  return head_;
}

StatusOr<Hash> MerkleLog::Node(int level, uint64_t index, bool cached) const {
  if (cached && level >= kCachedLevel) {
    std::shared_lock lock(upper_mu_);
    size_t row = static_cast<size_t>(level - kCachedLevel);
    if (row < upper_.size() && index < upper_[row].size()) return upper_[row][index];
  }
  return StoredNode(level, index);
}

StatusOr<Hash> MerkleLog::StoredNode(int level, uint64_t index) const {
  const uint64_t tile_start = tree_record::TileStart(tree_record::LastLeaf(level, index));
  CREG_ASSIGN_OR_RETURN(std::optional<std::string> value,
                        store_->Get(tree_cf_, IndexKey(tile_start)));
  if (!value.has_value()) {
    return DataLossError(TileName(tile_start) + " is missing (it holds the " +
                         NodeName(level, index) + ")");
  }
  const size_t offset = tree_record::Slot(level, index) * Hash::kSize;
  if (value->size() % Hash::kSize != 0 || value->size() < offset + Hash::kSize) {
    return DataLossError(TileName(tile_start) + " has " + std::to_string(value->size()) +
                         " bytes, too few for the " + NodeName(level, index));
  }
  return Hash::FromBytes(std::string_view(*value).substr(offset, Hash::kSize));
}

merkle::NodeSource MerkleLog::Nodes(bool cached) const {
  return [this, cached](int level, uint64_t index) { return Node(level, index, cached); };
}

Status MerkleLog::LoadUpperNodes(uint64_t size) {
  std::vector<std::vector<Hash>> upper;
  const uint64_t step = uint64_t{1} << kCachedLevel;
  // Leaf k completes level-L nodes for L <= countr_one(k); walking the
  // leaves that complete a level-kCachedLevel node in order visits every
  // upper node in index order.
  for (uint64_t leaf = step - 1; leaf < size; leaf += step) {
    int top = std::countr_one(leaf);
    for (int level = kCachedLevel; level <= top; ++level) {
      CREG_ASSIGN_OR_RETURN(Hash h, StoredNode(level, ((leaf + 1) >> level) - 1));
      size_t row = static_cast<size_t>(level - kCachedLevel);
      if (upper.size() <= row) upper.resize(row + 1);
      upper[row].push_back(h);
    }
  }
  std::unique_lock lock(upper_mu_);
  upper_ = std::move(upper);
  return OkStatus();
}

StatusOr<std::string> MerkleLog::Entry(uint64_t index) const {
  CREG_RETURN_IF_ERROR(RequireStored());
  uint64_t size = head().size;
  if (index >= size) {
    return OutOfRangeError("entry " + std::to_string(index) + " is past the end of the log (size " +
                           std::to_string(size) + ")");
  }
  CREG_ASSIGN_OR_RETURN(std::optional<std::string> value,
                        store_->Get(entries_cf_, IndexKey(index)));
  if (!value.has_value()) return DataLossError("entry " + std::to_string(index) + " is missing");
  return std::move(*value);
}

StatusOr<std::vector<std::string>> MerkleLog::Entries(uint64_t begin, uint64_t end,
                                                      size_t max_bytes) const {
  CREG_RETURN_IF_ERROR(RequireStored());
  uint64_t size = head().size;
  if (begin >= end || end > size) {
    return OutOfRangeError("entries [" + std::to_string(begin) + ", " + std::to_string(end) +
                           ") are not within the log (size " + std::to_string(size) + ")");
  }
  std::vector<std::string> out;
  size_t bytes = 0;
  bool hit_limit = false;
  uint64_t expected = begin;
  CREG_RETURN_IF_ERROR(store_->Scan(entries_cf_, IndexKey(begin), "",
                                    [&](std::string_view key, std::string_view value) {
                                      if (expected >= end || ReadBigEndian64(key) != expected)
                                        return false;
                                      if (!out.empty() && bytes + value.size() > max_bytes) {
                                        hit_limit = true;
                                        return false;
                                      }
                                      bytes += value.size();
                                      out.emplace_back(value);
                                      ++expected;
                                      return true;
                                    }));
  if (expected < end && !hit_limit) {
    return DataLossError("entry " + std::to_string(expected) + " is missing");
  }
  return out;
}

StatusOr<Hash> MerkleLog::LeafHashAt(uint64_t index) const {
  CREG_RETURN_IF_ERROR(RequireStored());
  uint64_t size = head().size;
  if (index >= size)
    return OutOfRangeError("entry " + std::to_string(index) + " is past the end of the log");
  return Node(0, index);
}

StatusOr<std::vector<Hash>> MerkleLog::SubtreeHashes(int level, uint64_t begin,
                                                     uint64_t end) const {
  CREG_RETURN_IF_ERROR(RequireStored());
  if (level < 0 || level > 63) {
    return InvalidArgumentError("subtree level " + std::to_string(level) + " is not 0 to 63");
  }
  const uint64_t size = head().size;
  const uint64_t available = size >> level;
  if (begin >= end || end > available) {
    return OutOfRangeError("subtrees [" + std::to_string(begin) + ", " + std::to_string(end) +
                           ") of level " + std::to_string(level) +
                           " are not within the log (size " + std::to_string(size) + ")");
  }
  std::vector<Hash> out;
  out.reserve(static_cast<size_t>(end - begin));
  // Nodes in memory first; the rest from their records, each record read
  // once (consecutive nodes share the record of their last leaf's tile).
  if (level >= kCachedLevel) {
    std::shared_lock lock(upper_mu_);
    const size_t row = static_cast<size_t>(level - kCachedLevel);
    for (uint64_t i = begin; i < end && row < upper_.size() && i < upper_[row].size(); ++i) {
      out.push_back(upper_[row][i]);
    }
  }
  uint64_t record_start = UINT64_MAX;
  std::string record;
  for (uint64_t i = begin + out.size(); i < end; ++i) {
    const uint64_t tile_start = tree_record::TileStart(tree_record::LastLeaf(level, i));
    if (tile_start != record_start) {
      CREG_ASSIGN_OR_RETURN(std::optional<std::string> value,
                            store_->Get(tree_cf_, IndexKey(tile_start)));
      if (!value.has_value()) {
        return DataLossError(TileName(tile_start) + " is missing (it holds the " +
                             NodeName(level, i) + ")");
      }
      record = std::move(*value);
      record_start = tile_start;
    }
    const size_t offset = tree_record::Slot(level, i) * Hash::kSize;
    if (record.size() % Hash::kSize != 0 || record.size() < offset + Hash::kSize) {
      return DataLossError(TileName(tile_start) + " has " + std::to_string(record.size()) +
                           " bytes, too few for the " + NodeName(level, i));
    }
    CREG_ASSIGN_OR_RETURN(Hash h,
                          Hash::FromBytes(std::string_view(record).substr(offset, Hash::kSize)));
    out.push_back(h);
  }
  return out;
}

StatusOr<Hash> MerkleLog::RootAt(uint64_t size) const {
  TreeHead current = head();
  if (size > current.size) {
    return OutOfRangeError("tree size " + std::to_string(size) + " is past the head (" +
                           std::to_string(current.size) + ")");
  }
  if (size == current.size) return current.root;
  CREG_RETURN_IF_ERROR(RequireStored());
  return merkle::RootAt(size, Nodes());
}

StatusOr<Hash> MerkleLog::RecomputeRoot(uint64_t size) const {
  CREG_RETURN_IF_ERROR(RequireStored());
  uint64_t current = head().size;
  if (size > current) {
    return OutOfRangeError("tree size " + std::to_string(size) + " is past the head (" +
                           std::to_string(current) + ")");
  }
  return merkle::RootAt(size, Nodes(/*cached=*/false));
}

StatusOr<std::vector<Hash>> MerkleLog::InclusionProof(uint64_t index, uint64_t size) const {
  CREG_RETURN_IF_ERROR(RequireStored());
  uint64_t current = head().size;
  if (size > current) {
    return OutOfRangeError("tree size " + std::to_string(size) + " is past the head (" +
                           std::to_string(current) + ")");
  }
  return merkle::InclusionProof(index, size, Nodes());
}

StatusOr<std::vector<Hash>> MerkleLog::ConsistencyProof(uint64_t size1, uint64_t size2) const {
  CREG_RETURN_IF_ERROR(RequireStored());
  uint64_t current = head().size;
  if (size2 > current) {
    return OutOfRangeError("tree size " + std::to_string(size2) + " is past the head (" +
                           std::to_string(current) + ")");
  }
  return merkle::ConsistencyProof(size1, size2, Nodes());
}

MerkleLog::PendingAppend::PendingAppend(const MerkleLog& log, merkle::TreeBuilder builder,
                                        Hash last_leaf_hash, std::string tile, WriteBatch batch)
    : log_(&log),
      base_size_(builder.size()),
      base_cuts_(log.cuts_),
      builder_(std::move(builder)),
      last_leaf_hash_(last_leaf_hash),
      tile_(std::move(tile)),
      batch_(std::move(batch)) {}

Status MerkleLog::PendingAppend::Add(std::string_view entry_bytes) {
  uint64_t index = builder_.size();
  if (log_->link_reader_) {
    StatusOr<EntryLink> link = log_->link_reader_(entry_bytes);
    if (!link.ok()) return link.status().WithContext("entry " + std::to_string(index));
    if (link->index != index) {
      return InvalidArgumentError("entry carries index " + std::to_string(link->index) +
                                  " but would be appended at " + std::to_string(index));
    }
    if (link->prev_hash != last_leaf_hash_) {
      return InvalidArgumentError("entry " + std::to_string(index) +
                                  " does not name the previous entry's leaf hash as prev_hash");
    }
  }
  Hash leaf = merkle::LeafHash(entry_bytes);
  std::span<const merkle::TreeBuilder::Node> nodes = builder_.Append(leaf);
  last_leaf_hash_ = leaf;
  ++entries_added_;
  if (!log_->options_.store_entries) return OkStatus();
  batch_.Put(log_->entries_cf_, IndexKey(index), entry_bytes);
  // The nodes this leaf completes, level 0 up, extend its tile's record,
  // which is written once the tile is full or, for the last tile, at Commit.
  if (tile_.empty()) tile_.reserve((tree_record::kTileHashes + 8) * Hash::kSize);
  for (const auto& node : nodes) {
    tile_.append(node.hash.view());
    if (node.level >= kCachedLevel) upper_nodes_.push_back(node);
  }
  if (tree_record::EndsTile(index)) {
    batch_.Put(log_->tree_cf_, IndexKey(tree_record::TileStart(index)), tile_);
    tile_.clear();
  }
  return OkStatus();
}

MerkleLog::PendingAppend MerkleLog::BeginAppend() const {
  WriteBatch batch = spare_batch_ != nullptr ? std::move(*spare_batch_) : WriteBatch(*store_);
  spare_batch_.reset();
  return PendingAppend(*this, builder_, last_leaf_hash_, tile_, std::move(batch));
}

StatusOr<TreeHead> MerkleLog::Commit(PendingAppend pending) {
  if (pending.log_ != this || pending.base_size_ != builder_.size() ||
      pending.base_cuts_ != cuts_) {
    return FailedPreconditionError("the log moved since this append began");
  }
  TreeHead new_head{pending.builder_.size(), pending.builder_.Root()};
  if (pending.entries_added_ > 0 && !pending.tile_.empty()) {
    pending.batch_.Put(tree_cf_, IndexKey(tree_record::TileStart(new_head.size - 1)),
                       pending.tile_);
  }
  pending.batch_.Put(meta_cf_, kHeadKey, EncodeHead(new_head));
  CREG_RETURN_IF_ERROR(store_->Write(pending.batch_));
  // The next group reuses the batch's buffer: groups tend to be alike, and
  // a fresh buffer would grow by doubling into newly mapped pages each time.
  if (pending.batch_.byte_size() <= kMaxSpareBatchBytes) {
    pending.batch_.Clear();
    spare_batch_ = std::make_unique<WriteBatch>(std::move(pending.batch_));
  }
  {
    std::unique_lock lock(upper_mu_);
    for (const auto& node : pending.upper_nodes_) {
      size_t row = static_cast<size_t>(node.level - kCachedLevel);
      if (upper_.size() <= row) upper_.resize(row + 1);
      upper_[row].push_back(node.hash);
    }
  }
  builder_ = std::move(pending.builder_);
  last_leaf_hash_ = pending.last_leaf_hash_;
  tile_ = std::move(pending.tile_);
  std::lock_guard lock(head_mu_);
  head_ = new_head;
  return new_head;
}

StatusOr<TreeHead> MerkleLog::Append(const std::vector<std::string>& entries) {
  PendingAppend pending = BeginAppend();
  for (const std::string& entry : entries) CREG_RETURN_IF_ERROR(pending.Add(entry));
  return Commit(std::move(pending));
}

StatusOr<TreeHead> MerkleLog::TruncateTo(uint64_t size, WriteBatch& batch) {
  CREG_RETURN_IF_ERROR(RequireStored());
  const TreeHead current = head();
  if (size > current.size) {
    return OutOfRangeError("cannot cut the log to " + std::to_string(size) + " entries: it has " +
                           std::to_string(current.size));
  }
  for (uint64_t index = size; index < current.size; ++index) {
    batch.Delete(entries_cf_, IndexKey(index));
  }
  // Records hold their tile's nodes in leaf order, so the record of the
  // new last leaf's tile, cut after that leaf's nodes, is the record a log
  // of `size` entries has; the records of later tiles go.
  std::string tile;
  Hash last_leaf;  // zeros for an empty log
  uint64_t first_dropped_tile = 0;
  if (size > 0) {
    const uint64_t last = size - 1;
    const uint64_t tile_start = tree_record::TileStart(last);
    CREG_ASSIGN_OR_RETURN(std::optional<std::string> record,
                          store_->Get(tree_cf_, IndexKey(tile_start)));
    const size_t keep = tree_record::HashCount(last) * Hash::kSize;
    if (!record.has_value() || record->size() < keep) {
      return DataLossError(TileName(tile_start) + " has " +
                           (record.has_value() ? std::to_string(record->size()) : "no") +
                           " bytes, too few for a log of " + std::to_string(size) + " entries");
    }
    if (record->size() != keep) {
      record->resize(keep);
      batch.Put(tree_cf_, IndexKey(tile_start), *record);
    }
    if (!tree_record::EndsTile(last)) tile = std::move(*record);
    CREG_ASSIGN_OR_RETURN(last_leaf, StoredNode(0, last));
    first_dropped_tile = tile_start + tree_record::kTileLeaves;
  }
  if (current.size > 0) {
    const uint64_t last_tile = tree_record::TileStart(current.size - 1);
    for (uint64_t t = first_dropped_tile; t <= last_tile; t += tree_record::kTileLeaves) {
      batch.Delete(tree_cf_, IndexKey(t));
    }
  }
  CREG_ASSIGN_OR_RETURN(merkle::TreeBuilder builder,
                        merkle::TreeBuilder::Resume(size, Nodes(/*cached=*/false)));
  const TreeHead new_head{size, builder.Root()};
  batch.Put(meta_cf_, kHeadKey, EncodeHead(new_head));
  CREG_RETURN_IF_ERROR(store_->Write(batch));
  {
    // The cached upper nodes of the prefix stay; those past it go.
    std::unique_lock lock(upper_mu_);
    for (size_t row = 0; row < upper_.size(); ++row) {
      const uint64_t kept = size >> (kCachedLevel + static_cast<int>(row));
      if (upper_[row].size() > kept) upper_[row].resize(static_cast<size_t>(kept));
    }
  }
  builder_ = std::move(builder);
  last_leaf_hash_ = last_leaf;
  tile_ = std::move(tile);
  ++cuts_;
  std::lock_guard lock(head_mu_);
  head_ = new_head;
  return new_head;
}

}  // namespace creg
