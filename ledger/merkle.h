// The Merkle tree of RFC 9162 section 2.1, over opaque leaf bytes.
//
//   leaf_hash(d)    = SHA-256(0x00 || d)
//   node_hash(l, r) = SHA-256(0x01 || l || r)
//   MTH({})         = SHA-256("")
//
// Proof generation is written against a NodeSource: a function returning the
// hash of a *perfect* subtree, that is the 2^level leaves starting at leaf
// index * 2^level. The Merkle log serves these from stored nodes; tests
// serve them from a brute-force tree. Every proof reads O(log n) nodes.
//
// Verification needs nothing but the proof and follows RFC 9162 sections
// 2.1.3.2 and 2.1.4.2, including the cases the RFC leaves to the caller
// (size1 = 0, size1 = size2). Proof hashes and roots are passed as raw bytes
// so that a hash that is not 32 bytes is refused (InvalidArgument) instead of
// being silently truncated.
//
// Verdicts:
//   - a proof of the wrong shape is InvalidArgument: wrong length, index >=
//     size, size1 > size2, a non-empty proof where it must be empty;
//   - hashes that do not match are DataLoss: the computed root differs;
//   - size1 = 0 verifies only with an empty proof and root1 = MTH({});
//     size1 = size2 only with an empty proof and root1 = root2 (for size 0,
//     both the empty root).
// A proof is tied to its root, not its size: check it against the root of
// the tree size it claims.
//
// All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/hash.h"
#include "ledger/status.h"

namespace creg::merkle {

Hash LeafHash(std::string_view leaf_bytes);
Hash NodeHash(const Hash& left, const Hash& right);
Hash EmptyRoot();

// Hash of the perfect subtree of 2^level leaves starting at leaf
// index << level. Must only be asked for subtrees that exist.
using NodeSource = std::function<StatusOr<Hash>(int level, uint64_t index)>;

// MTH of leaves [begin, end) where the range is one that RFC 9162's
// recursion produces (begin is a multiple of the largest power of two
// not exceeding end - begin, or 0). Reads O(log n) nodes.
StatusOr<Hash> SubtreeHash(uint64_t begin, uint64_t end, const NodeSource& nodes);

// Root of the tree of the first `size` leaves.
StatusOr<Hash> RootAt(uint64_t size, const NodeSource& nodes);

// Audit path for leaf `index` in the tree of the first `size` leaves.
// OutOfRange unless index < size.
StatusOr<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size, const NodeSource& nodes);

// Consistency proof between the trees of the first size1 and size2 leaves.
// Empty when size1 = 0 or size1 = size2. OutOfRange when size1 > size2.
StatusOr<std::vector<Hash>> ConsistencyProof(uint64_t size1, uint64_t size2,
                                             const NodeSource& nodes);

// Root implied by an inclusion proof (RFC 9162 2.1.3.2 steps 1-7).
StatusOr<Hash> RootFromInclusionProof(uint64_t index, uint64_t size, std::string_view leaf_hash,
                                      std::span<const std::string> proof);

Status VerifyInclusion(uint64_t index, uint64_t size, std::string_view leaf_hash,
                       std::span<const std::string> proof, std::string_view root);
Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                       std::span<const Hash> proof, const Hash& root);

Status VerifyConsistency(uint64_t size1, uint64_t size2, std::span<const std::string> proof,
                         std::string_view root1, std::string_view root2);
Status VerifyConsistency(uint64_t size1, uint64_t size2, std::span<const Hash> proof,
                         const Hash& root1, const Hash& root2);

// Incrementally builds the perfect-subtree hashes as leaves are appended.
// Holds the right edge ("frontier") of the tree: at most one completed
// subtree per level. Not thread-safe.
class TreeBuilder {
 public:
  // A newly completed perfect subtree.
  struct Node {
    int level;
    uint64_t index;
    Hash hash;
  };

  TreeBuilder() = default;
  // Resumes a tree of `size` leaves; `nodes` must serve its subtrees.
  static StatusOr<TreeBuilder> Resume(uint64_t size, const NodeSource& nodes);

  uint64_t size() const { return size_; }
  // Appends one leaf hash and returns every perfect subtree it completes,
  // from level 0 (the leaf itself) upwards. The nodes are the builder's
  // own (no allocation per leaf): valid until the builder is next appended
  // to, assigned or destroyed.
  std::span<const Node> Append(const Hash& leaf_hash);
  // Root of the current tree, from the frontier alone.
  Hash Root() const;

 private:
  uint64_t size_ = 0;
  // frontier_[level] is the completed subtree at that level on the right
  // edge, valid when bit `level` of size_ is set.
  std::vector<Hash> frontier_;
  std::vector<Node> completed_;  // what the last Append returned
};

}  // namespace creg::merkle
