#include "ledger/merkle.h"

#include <algorithm>
#include <bit>

namespace creg::merkle {
namespace {

constexpr char kLeafPrefix[] = {0x00};
constexpr char kNodePrefix[] = {0x01};

// SHA-256(0x01 || left || right) over raw bytes, for the verifiers, which
// take proof hashes as bytes whose length has already been checked.
Hash NodeHashBytes(std::string_view left, std::string_view right) {
  return Sha256({std::string_view(kNodePrefix, 1), left, right});
}

// Largest power of two strictly below n. Precondition: n > 1.
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

std::string_view View(const std::string& s) { return s; }
std::string_view View(const Hash& h) { return h.view(); }

Status CheckHashSize(std::string_view bytes, std::string_view what) {
  if (bytes.size() != Hash::kSize) {
    return InvalidArgumentError(std::string(what) + " must be 32 bytes, got " +
                                std::to_string(bytes.size()));
  }
  return OkStatus();
}

template <typename H>
Status CheckProofHashes(std::span<const H> proof) {
  for (size_t i = 0; i < proof.size(); ++i) {
    CREG_RETURN_IF_ERROR(CheckHashSize(View(proof[i]), "proof hash " + std::to_string(i)));
  }
  return OkStatus();
}

std::string Sizes(uint64_t a, uint64_t b) { return std::to_string(a) + "/" + std::to_string(b); }

// RFC 9162 section 2.1.3.2 steps 1 to 7: the root an audit path implies.
template <typename H>
StatusOr<Hash> RootFromPath(uint64_t index, uint64_t size, std::string_view leaf_hash,
                            std::span<const H> proof) {
  CREG_RETURN_IF_ERROR(CheckHashSize(leaf_hash, "leaf hash"));
  CREG_RETURN_IF_ERROR(CheckProofHashes(proof));
  if (index >= size) {
    return InvalidArgumentError("inclusion proof for leaf " + std::to_string(index) +
                                " in a tree of " + std::to_string(size) + " leaves");
  }
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash r = *Hash::FromBytes(leaf_hash);
  for (const H& p : proof) {
    if (sn == 0) {
      return InvalidArgumentError("inclusion proof for leaf " + Sizes(index, size) +
                                  " is too long: " + std::to_string(proof.size()) + " hashes");
    }
    if ((fn & 1) == 1 || fn == sn) {
      r = NodeHashBytes(View(p), r.view());
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = NodeHashBytes(r.view(), View(p));
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return InvalidArgumentError("inclusion proof for leaf " + Sizes(index, size) +
                                " is too short: " + std::to_string(proof.size()) + " hashes");
  }
  return r;
}

template <typename H>
Status VerifyPath(uint64_t index, uint64_t size, std::string_view leaf_hash,
                  std::span<const H> proof, std::string_view root) {
  CREG_RETURN_IF_ERROR(CheckHashSize(root, "root"));
  CREG_ASSIGN_OR_RETURN(Hash computed, RootFromPath(index, size, leaf_hash, proof));
  if (computed.view() != root) {
    return DataLossError("inclusion proof for leaf " + Sizes(index, size) +
                         " does not lead to the expected root");
  }
  return OkStatus();
}

// RFC 9162 section 2.1.4.2, plus the cases it leaves to the caller: a tree
// is consistent with itself (empty proof, equal roots), and the empty tree,
// whose only root is MTH({}), is a prefix of every tree (empty proof).
template <typename H>
Status VerifyConsistencyImpl(uint64_t size1, uint64_t size2, std::span<const H> proof,
                             std::string_view root1, std::string_view root2) {
  CREG_RETURN_IF_ERROR(CheckHashSize(root1, "root1"));
  CREG_RETURN_IF_ERROR(CheckHashSize(root2, "root2"));
  CREG_RETURN_IF_ERROR(CheckProofHashes(proof));
  const std::string what = "consistency proof " + Sizes(size1, size2);
  if (size1 > size2) return InvalidArgumentError(what + ": size1 is larger than size2");
  if (size1 == size2 || size1 == 0) {
    if (!proof.empty()) {
      return InvalidArgumentError(what + " must be empty, got " + std::to_string(proof.size()) +
                                  " hashes");
    }
    if (size1 == 0 && root1 != EmptyRoot().view()) {
      return DataLossError(what + ": root1 is not the root of the empty tree");
    }
    if (size1 == size2 && root1 != root2) {
      return DataLossError(what + ": the roots of two trees of the same size differ");
    }
    return OkStatus();
  }
  if (proof.empty()) return InvalidArgumentError(what + " is empty");

  // Step 2: when size1 is a power of two, root1 is the proof's first node.
  const bool seeded = std::has_single_bit(size1);
  auto at = [&](size_t i) -> std::string_view {
    if (seeded) return i == 0 ? root1 : View(proof[i - 1]);
    return View(proof[i]);
  };
  const size_t count = proof.size() + (seeded ? 1 : 0);

  uint64_t fn = size1 - 1;
  uint64_t sn = size2 - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = *Hash::FromBytes(at(0));
  Hash sr = fr;
  for (size_t i = 1; i < count; ++i) {
    if (sn == 0) {
      return InvalidArgumentError(what + " is too long: " + std::to_string(proof.size()) +
                                  " hashes");
    }
    std::string_view c = at(i);
    if ((fn & 1) == 1 || fn == sn) {
      fr = NodeHashBytes(c, fr.view());
      sr = NodeHashBytes(c, sr.view());
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = NodeHashBytes(sr.view(), c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return InvalidArgumentError(what + " is too short: " + std::to_string(proof.size()) +
                                " hashes");
  }
  if (fr.view() != root1) return DataLossError(what + " does not lead to root1");
  if (sr.view() != root2) return DataLossError(what + " does not lead to root2");
  return OkStatus();
}

}  // namespace

Hash LeafHash(std::string_view leaf_bytes) {
  return Sha256({std::string_view(kLeafPrefix, 1), leaf_bytes});
}

Hash NodeHash(const Hash& left, const Hash& right) {
  return NodeHashBytes(left.view(), right.view());
}

Hash EmptyRoot() { return Sha256(std::string_view()); }

StatusOr<Hash> SubtreeHash(uint64_t begin, uint64_t end, const NodeSource& nodes) {
  if (end < begin) {
    return InvalidArgumentError("subtree [" + std::to_string(begin) + ", " + std::to_string(end) +
                                ") ends before it begins");
  }
  if (begin == end) {
    if (begin != 0) return InvalidArgumentError("empty subtree at " + std::to_string(begin));
    return EmptyRoot();
  }
  const uint64_t length = end - begin;
  if (begin % std::bit_floor(length) != 0) {
    return InvalidArgumentError("subtree [" + std::to_string(begin) + ", " + std::to_string(end) +
                                ") is not aligned");
  }
  // The range splits into one perfect subtree per set bit of its length,
  // largest first; MTH folds them from the right.
  std::vector<Hash> parts;
  uint64_t at = begin;
  for (int level = 63; level >= 0; --level) {
    if (((length >> level) & 1) == 0) continue;
    CREG_ASSIGN_OR_RETURN(Hash h, nodes(level, at >> level));
    parts.push_back(h);
    at += uint64_t{1} << level;
  }
  Hash root = parts.back();
  for (size_t i = parts.size() - 1; i-- > 0;) root = NodeHash(parts[i], root);
  return root;
}

StatusOr<Hash> RootAt(uint64_t size, const NodeSource& nodes) {
  return SubtreeHash(0, size, nodes);
}

// RFC 9162 section 2.1.3.1, PATH(m, D[n]), unrolled from the top: each step
// records the sibling of the half holding m. Only the first sibling taken to
// the right of the path can be an imperfect subtree, so O(log n) nodes.
StatusOr<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size, const NodeSource& nodes) {
  if (index >= size) {
    return OutOfRangeError("no leaf " + std::to_string(index) + " in a tree of " +
                           std::to_string(size) + " leaves");
  }
  std::vector<Hash> path;
  uint64_t begin = 0;
  uint64_t end = size;
  while (end - begin > 1) {
    const uint64_t split = begin + SplitPoint(end - begin);
    if (index < split) {
      CREG_ASSIGN_OR_RETURN(Hash sibling, SubtreeHash(split, end, nodes));
      path.push_back(sibling);
      end = split;
    } else {
      CREG_ASSIGN_OR_RETURN(Hash sibling, SubtreeHash(begin, split, nodes));
      path.push_back(sibling);
      begin = split;
    }
  }
  std::reverse(path.begin(), path.end());
  return path;
}

// RFC 9162 section 2.1.4.1, SUBPROOF(m, D[n], b), unrolled from the top.
StatusOr<std::vector<Hash>> ConsistencyProof(uint64_t size1, uint64_t size2,
                                             const NodeSource& nodes) {
  if (size1 > size2) {
    return OutOfRangeError("no consistency proof from " + std::to_string(size1) + " leaves to " +
                           std::to_string(size2));
  }
  std::vector<Hash> proof;
  if (size1 == 0 || size1 == size2) return proof;
  uint64_t begin = 0;
  uint64_t end = size2;
  uint64_t m = size1;  // Leaves of the old tree inside [begin, end).
  bool whole = true;   // b: [begin, begin + m) is a subtree the verifier knows.
  while (true) {
    if (m == end - begin) {
      if (!whole) {
        CREG_ASSIGN_OR_RETURN(Hash h, SubtreeHash(begin, end, nodes));
        proof.push_back(h);
      }
      break;
    }
    const uint64_t k = SplitPoint(end - begin);
    if (m <= k) {
      CREG_ASSIGN_OR_RETURN(Hash right, SubtreeHash(begin + k, end, nodes));
      proof.push_back(right);
      end = begin + k;
    } else {
      CREG_ASSIGN_OR_RETURN(Hash left, SubtreeHash(begin, begin + k, nodes));
      proof.push_back(left);
      begin += k;
      m -= k;
      whole = false;
    }
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

StatusOr<Hash> RootFromInclusionProof(uint64_t index, uint64_t size, std::string_view leaf_hash,
                                      std::span<const std::string> proof) {
  return RootFromPath(index, size, leaf_hash, proof);
}

Status VerifyInclusion(uint64_t index, uint64_t size, std::string_view leaf_hash,
                       std::span<const std::string> proof, std::string_view root) {
  return VerifyPath(index, size, leaf_hash, proof, root);
}

Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                       std::span<const Hash> proof, const Hash& root) {
  return VerifyPath(index, size, leaf_hash.view(), proof, root.view());
}

Status VerifyConsistency(uint64_t size1, uint64_t size2, std::span<const std::string> proof,
                         std::string_view root1, std::string_view root2) {
  return VerifyConsistencyImpl(size1, size2, proof, root1, root2);
}

Status VerifyConsistency(uint64_t size1, uint64_t size2, std::span<const Hash> proof,
                         const Hash& root1, const Hash& root2) {
  return VerifyConsistencyImpl(size1, size2, proof, root1.view(), root2.view());
}

StatusOr<TreeBuilder> TreeBuilder::Resume(uint64_t size, const NodeSource& nodes) {
  TreeBuilder builder;
  builder.size_ = size;
  builder.frontier_.resize(std::bit_width(size));
  for (int level = 0; level < 64; ++level) {
    if (((size >> level) & 1) == 0) continue;
    CREG_ASSIGN_OR_RETURN(builder.frontier_[level], nodes(level, (size >> level) - 1));
  }
  return builder;
}

std::span<const TreeBuilder::Node> TreeBuilder::Append(const Hash& leaf_hash) {
  completed_.clear();
  Hash carry = leaf_hash;
  int level = 0;
  completed_.push_back({0, size_, carry});
  while (level < 64 && ((size_ >> level) & 1) == 1) {
    carry = NodeHash(frontier_[level], carry);
    ++level;
    completed_.push_back({level, size_ >> level, carry});
  }
  if (frontier_.size() <= static_cast<size_t>(level)) frontier_.resize(level + 1);
  frontier_[level] = carry;
  ++size_;
  return completed_;
}

Hash TreeBuilder::Root() const {
  if (size_ == 0) return EmptyRoot();
  const int lowest = std::countr_zero(size_);
  Hash root = frontier_[lowest];
  for (int level = lowest + 1; level < 64; ++level) {
    if (((size_ >> level) & 1) == 1) root = NodeHash(frontier_[level], root);
  }
  return root;
}

}  // namespace creg::merkle
