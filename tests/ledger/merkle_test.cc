#include "ledger/merkle.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>

#include "ledger/encoding.h"
#include "ledger/json.h"
#include "tests/support/temp_dir.h"

namespace creg::merkle {
namespace {

constexpr uint64_t kMaxSize = 130;

// A Merkle tree written straight from the definitions of RFC 9162 section
// 2.1 (MTH, PATH, SUBPROOF), sharing nothing with merkle.cc but SHA-256.
class ReferenceTree {
 public:
  explicit ReferenceTree(std::vector<std::string> leaves) : leaves_(std::move(leaves)) {}

  // MTH(D[begin:end]), memoised: a range's hash depends only on its leaves.
  Hash Mth(uint64_t begin, uint64_t end) {
    auto it = memo_.find({begin, end});
    if (it != memo_.end()) return it->second;
    const uint64_t n = end - begin;
    Hash h;
    if (n == 0) {
      h = Sha256("");
    } else if (n == 1) {
      h = Sha256({std::string_view("\x00", 1), leaves_[begin]});
    } else {
      const uint64_t k = Split(n);
      h = Sha256({"\x01", Mth(begin, begin + k).view(), Mth(begin + k, end).view()});
    }
    memo_.emplace(std::make_pair(begin, end), h);
    return h;
  }

  // PATH(m, D[begin:end]).
  std::vector<Hash> Path(uint64_t m, uint64_t begin, uint64_t end) {
    const uint64_t n = end - begin;
    if (n == 1) return {};
    const uint64_t k = Split(n);
    std::vector<Hash> path;
    if (m < k) {
      path = Path(m, begin, begin + k);
      path.push_back(Mth(begin + k, end));
    } else {
      path = Path(m - k, begin + k, end);
      path.push_back(Mth(begin, begin + k));
    }
    return path;
  }

  // PROOF(m, D[n]) = SUBPROOF(m, D[n], true); empty for m = 0 and m = n.
  std::vector<Hash> Proof(uint64_t m, uint64_t n) {
    if (m == 0 || m == n) return {};
    return SubProof(m, 0, n, true);
  }

  // Serves the perfect subtrees of the first `size` leaves, counting reads.
  NodeSource Source(uint64_t size, int* reads) {
    return [this, size, reads](int level, uint64_t index) -> StatusOr<Hash> {
      if (reads != nullptr) ++*reads;
      if (level < 0 || level > 62 || ((index + 1) << level) > size) {
        ADD_FAILURE() << "asked for missing node " << level << "/" << index << " of " << size;
        return NotFoundError("no such node");
      }
      return Mth(index << level, (index + 1) << level);
    };
  }

  const std::string& leaf(uint64_t i) const { return leaves_[i]; }

 private:
  // The largest power of two smaller than n.
  static uint64_t Split(uint64_t n) {
    uint64_t k = 1;
    while (k * 2 < n) k *= 2;
    return k;
  }

  std::vector<Hash> SubProof(uint64_t m, uint64_t begin, uint64_t end, bool b) {
    const uint64_t n = end - begin;
    if (m == n) return b ? std::vector<Hash>{} : std::vector<Hash>{Mth(begin, end)};
    const uint64_t k = Split(n);
    std::vector<Hash> proof;
    if (m <= k) {
      proof = SubProof(m, begin, begin + k, b);
      proof.push_back(Mth(begin + k, end));
    } else {
      proof = SubProof(m - k, begin + k, end, false);
      proof.push_back(Mth(begin, begin + k));
    }
    return proof;
  }

  std::vector<std::string> leaves_;
  std::map<std::pair<uint64_t, uint64_t>, Hash> memo_;
};

std::vector<std::string> MakeLeaves(uint64_t n) {
  std::vector<std::string> leaves;
  for (uint64_t i = 0; i < n; ++i) leaves.push_back("leaf " + std::to_string(i));
  return leaves;
}

Hash FlipBit(Hash h, int bit) {
  h.data()[(bit / 8) % Hash::kSize] ^= static_cast<uint8_t>(1u << (bit % 8));
  return h;
}

std::vector<std::string> AsBytes(const std::vector<Hash>& hashes) {
  std::vector<std::string> out;
  for (const Hash& h : hashes) out.push_back(h.str());
  return out;
}

class MerkleTest : public ::testing::Test {
 protected:
  // Twice kMaxSize and one, so that wrong sizes up to 2n have roots too.
  ReferenceTree ref_{MakeLeaves(2 * kMaxSize + 1)};
};

TEST_F(MerkleTest, Rfc6962ReferenceRoots) {
  // The leaves and roots of the RFC 6962 test vectors used by
  // certificate-transparency and transparency-dev/merkle.
  const char* leaves_hex[] = {"",
                              "00",
                              "10",
                              "2021",
                              "3031",
                              "40414243",
                              "5051525354555657",
                              "606162636465666768696a6b6c6d6e6f"};
  const char* roots_hex[] = {"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                             "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                             "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
                             "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
                             "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                             "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
                             "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
                             "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
                             "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
  std::vector<std::string> leaves;
  for (const char* hex : leaves_hex) leaves.push_back(HexDecode(hex).value());
  ReferenceTree tree(leaves);
  EXPECT_EQ(EmptyRoot().ToHex(), roots_hex[0]);
  EXPECT_EQ(LeafHash("").ToHex(), roots_hex[1]);
  TreeBuilder builder;
  for (uint64_t size = 0; size <= 8; ++size) {
    SCOPED_TRACE(size);
    EXPECT_EQ(tree.Mth(0, size).ToHex(), roots_hex[size]);
    StatusOr<Hash> root = RootAt(size, tree.Source(size, nullptr));
    ASSERT_TRUE(root.ok()) << root.status().ToString();
    EXPECT_EQ(root->ToHex(), roots_hex[size]);
    EXPECT_EQ(builder.Root().ToHex(), roots_hex[size]);
    if (size < 8) builder.Append(LeafHash(leaves[size]));
  }
}

TEST_F(MerkleTest, SubtreeHashReadsOneNodePerSetBit) {
  for (uint64_t end = 1; end <= kMaxSize; ++end) {
    for (uint64_t begin = 0; begin < end; ++begin) {
      const uint64_t length = end - begin;
      if (begin % std::bit_floor(length) != 0) {
        EXPECT_EQ(SubtreeHash(begin, end, ref_.Source(end, nullptr)).status().code(),
                  StatusCode::kInvalidArgument)
            << begin << ", " << end;
        continue;
      }
      int reads = 0;
      StatusOr<Hash> h = SubtreeHash(begin, end, ref_.Source(end, &reads));
      ASSERT_TRUE(h.ok()) << h.status().ToString();
      EXPECT_EQ(*h, ref_.Mth(begin, end)) << begin << ", " << end;
      EXPECT_EQ(reads, std::popcount(length));
    }
  }
  EXPECT_EQ(SubtreeHash(0, 0, ref_.Source(0, nullptr)).value(), EmptyRoot());
  EXPECT_EQ(SubtreeHash(4, 3, ref_.Source(4, nullptr)).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(MerkleTest, InclusionProofsMatchReferenceAtEverySize) {
  for (uint64_t size = 1; size <= kMaxSize; ++size) {
    const Hash root = ref_.Mth(0, size);
    for (uint64_t index = 0; index < size; ++index) {
      SCOPED_TRACE(std::to_string(index) + "/" + std::to_string(size));
      int reads = 0;
      StatusOr<std::vector<Hash>> proof = InclusionProof(index, size, ref_.Source(size, &reads));
      ASSERT_TRUE(proof.ok()) << proof.status().ToString();
      ASSERT_EQ(*proof, ref_.Path(index, 0, size));
      EXPECT_LE(reads, 2 * std::bit_width(size));
      const Hash leaf = LeafHash(ref_.leaf(index));
      EXPECT_TRUE(VerifyInclusion(index, size, leaf, *proof, root).ok());
      const std::vector<std::string> bytes = AsBytes(*proof);
      EXPECT_TRUE(VerifyInclusion(index, size, leaf.view(), bytes, root.view()).ok());
      EXPECT_EQ(RootFromInclusionProof(index, size, leaf.view(), bytes).value(), root);
    }
  }
}

TEST_F(MerkleTest, ConsistencyProofsMatchReferenceAtEverySize) {
  for (uint64_t size2 = 0; size2 <= kMaxSize; ++size2) {
    const Hash root2 = ref_.Mth(0, size2);
    for (uint64_t size1 = 0; size1 <= size2; ++size1) {
      SCOPED_TRACE(std::to_string(size1) + "/" + std::to_string(size2));
      int reads = 0;
      StatusOr<std::vector<Hash>> proof =
          ConsistencyProof(size1, size2, ref_.Source(size2, &reads));
      ASSERT_TRUE(proof.ok()) << proof.status().ToString();
      ASSERT_EQ(*proof, ref_.Proof(size1, size2));
      EXPECT_LE(reads, 2 * std::bit_width(size2));
      const Hash root1 = ref_.Mth(0, size1);
      EXPECT_TRUE(VerifyConsistency(size1, size2, *proof, root1, root2).ok());
      const std::vector<std::string> bytes = AsBytes(*proof);
      EXPECT_TRUE(VerifyConsistency(size1, size2, bytes, root1.view(), root2.view()).ok());
    }
  }
}

TEST_F(MerkleTest, TamperedInclusionProofsAreRefused) {
  for (uint64_t size = 1; size <= kMaxSize; ++size) {
    const Hash root = ref_.Mth(0, size);
    for (uint64_t index = 0; index < size; ++index) {
      SCOPED_TRACE(std::to_string(index) + "/" + std::to_string(size));
      const std::vector<Hash> proof = ref_.Path(index, 0, size);
      const Hash leaf = LeafHash(ref_.leaf(index));
      auto verify = [&](uint64_t i, uint64_t n, const Hash& l, const std::vector<Hash>& p,
                        const Hash& r) { return VerifyInclusion(i, n, l, p, r).code(); };
      for (size_t k = 0; k < proof.size(); ++k) {
        std::vector<Hash> bad = proof;
        bad[k] = FlipBit(bad[k], static_cast<int>(k * 37 + index));
        EXPECT_EQ(verify(index, size, leaf, bad, root), StatusCode::kDataLoss) << k;
      }
      EXPECT_EQ(verify(index, size, FlipBit(leaf, 3), proof, root), StatusCode::kDataLoss);
      EXPECT_EQ(verify(index, size, leaf, proof, FlipBit(root, 200)), StatusCode::kDataLoss);
      std::vector<Hash> longer = proof;
      longer.push_back(root);
      EXPECT_EQ(verify(index, size, leaf, longer, root), StatusCode::kInvalidArgument);
      longer.insert(longer.begin(), leaf);
      longer.pop_back();
      EXPECT_EQ(verify(index, size, leaf, longer, root), StatusCode::kInvalidArgument);
      if (!proof.empty()) {
        std::vector<Hash> shorter(proof.begin(), proof.end() - 1);
        EXPECT_EQ(verify(index, size, leaf, shorter, root), StatusCode::kInvalidArgument);
        shorter.assign(proof.begin() + 1, proof.end());
        EXPECT_EQ(verify(index, size, leaf, shorter, root), StatusCode::kInvalidArgument);
      }
      // Another index claims another position for this leaf: always false.
      for (uint64_t other : {index ^ 1, index + 1, index - 1, size - 1 - index}) {
        if (other >= size || other == index) continue;
        EXPECT_FALSE(VerifyInclusion(other, size, leaf, proof, root).ok()) << other;
      }
      EXPECT_EQ(verify(size, size, leaf, proof, root), StatusCode::kInvalidArgument);
      // Another size, checked against that tree's root. (Against the old
      // root some sizes of the same proof shape do verify, as they must: an
      // audit path binds the root, not the size.)
      for (uint64_t other : {size - 1, size + 1, size * 2}) {
        if (other <= index || other == size) continue;
        EXPECT_FALSE(VerifyInclusion(index, other, leaf, proof, ref_.Mth(0, other)).ok()) << other;
      }
      // Hashes of the wrong length.
      std::vector<std::string> bytes = AsBytes(proof);
      EXPECT_EQ(VerifyInclusion(index, size, leaf.view().substr(1), bytes, root.view()).code(),
                StatusCode::kInvalidArgument);
      EXPECT_EQ(VerifyInclusion(index, size, leaf.view(), bytes, root.str() + "x").code(),
                StatusCode::kInvalidArgument);
      if (!bytes.empty()) {
        bytes.back().pop_back();
        EXPECT_EQ(VerifyInclusion(index, size, leaf.view(), bytes, root.view()).code(),
                  StatusCode::kInvalidArgument);
      }
    }
  }
}

TEST_F(MerkleTest, TamperedConsistencyProofsAreRefused) {
  for (uint64_t size2 = 2; size2 <= kMaxSize; ++size2) {
    const Hash root2 = ref_.Mth(0, size2);
    for (uint64_t size1 = 1; size1 < size2; ++size1) {
      SCOPED_TRACE(std::to_string(size1) + "/" + std::to_string(size2));
      const Hash root1 = ref_.Mth(0, size1);
      const std::vector<Hash> proof = ref_.Proof(size1, size2);
      auto verify = [&](uint64_t m, uint64_t n, const std::vector<Hash>& p, const Hash& r1,
                        const Hash& r2) { return VerifyConsistency(m, n, p, r1, r2).code(); };
      for (size_t k = 0; k < proof.size(); ++k) {
        std::vector<Hash> bad = proof;
        bad[k] = FlipBit(bad[k], static_cast<int>(k * 41 + size1));
        EXPECT_EQ(verify(size1, size2, bad, root1, root2), StatusCode::kDataLoss) << k;
      }
      EXPECT_EQ(verify(size1, size2, proof, FlipBit(root1, 9), root2), StatusCode::kDataLoss);
      EXPECT_EQ(verify(size1, size2, proof, root1, FlipBit(root2, 9)), StatusCode::kDataLoss);
      std::vector<Hash> longer = proof;
      longer.push_back(root2);
      EXPECT_EQ(verify(size1, size2, longer, root1, root2), StatusCode::kInvalidArgument);
      longer.pop_back();
      longer.insert(longer.begin(), root1);
      EXPECT_EQ(verify(size1, size2, longer, root1, root2), StatusCode::kInvalidArgument);
      std::vector<Hash> shorter(proof.begin(), proof.end() - 1);
      EXPECT_EQ(verify(size1, size2, shorter, root1, root2), StatusCode::kInvalidArgument);
      shorter.assign(proof.begin() + 1, proof.end());
      EXPECT_EQ(verify(size1, size2, shorter, root1, root2), StatusCode::kInvalidArgument);
      // Other sizes with their true roots verify only if this very proof is
      // also the reference proof between them.
      const std::pair<uint64_t, uint64_t> others[] = {{size1 - 1, size2}, {size1 + 1, size2},
                                                      {size1, size2 - 1}, {size1, size2 + 1},
                                                      {size1 ^ 1, size2}, {size1, size2 * 2}};
      for (auto [m, n] : others) {
        const bool genuine = m <= n && ref_.Proof(m, n) == proof;
        EXPECT_EQ(VerifyConsistency(m, n, proof, ref_.Mth(0, m), ref_.Mth(0, n)).ok(), genuine)
            << m << "/" << n;
        EXPECT_FALSE(genuine) << m << "/" << n;
      }
      EXPECT_EQ(verify(size2, size1, proof, root2, root1), StatusCode::kInvalidArgument);
      EXPECT_EQ(verify(size1, size1, proof, root1, root1), StatusCode::kInvalidArgument);
      EXPECT_EQ(verify(0, size2, proof, EmptyRoot(), root2), StatusCode::kInvalidArgument);
      std::vector<std::string> bytes = AsBytes(proof);
      bytes.front().push_back('\0');
      EXPECT_EQ(VerifyConsistency(size1, size2, bytes, root1.view(), root2.view()).code(),
                StatusCode::kInvalidArgument);
    }
  }
}

TEST_F(MerkleTest, ConsistencyEdgeCases) {
  const Hash empty = EmptyRoot();
  const Hash root5 = ref_.Mth(0, 5);
  const std::vector<Hash> none;
  EXPECT_TRUE(VerifyConsistency(0, 0, none, empty, empty).ok());
  EXPECT_TRUE(VerifyConsistency(0, 5, none, empty, root5).ok());
  EXPECT_TRUE(VerifyConsistency(5, 5, none, root5, root5).ok());
  EXPECT_EQ(VerifyConsistency(0, 0, none, root5, root5).code(), StatusCode::kDataLoss);
  EXPECT_EQ(VerifyConsistency(0, 5, none, root5, root5).code(), StatusCode::kDataLoss);
  EXPECT_EQ(VerifyConsistency(5, 5, none, root5, empty).code(), StatusCode::kDataLoss);
  EXPECT_EQ(VerifyConsistency(0, 5, std::vector<Hash>{root5}, empty, root5).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyConsistency(5, 5, std::vector<Hash>{root5}, root5, root5).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyConsistency(6, 5, none, root5, root5).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyConsistency(3, 5, none, ref_.Mth(0, 3), root5).code(),
            StatusCode::kInvalidArgument);
  const std::vector<std::string> no_bytes;
  EXPECT_EQ(VerifyConsistency(5, 5, no_bytes, "short", "short").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyInclusion(0, 0, LeafHash("x"), none, empty).code(), StatusCode::kInvalidArgument);
}

TEST_F(MerkleTest, GenerationRefusesBadRangesAndPassesSourceErrors) {
  EXPECT_EQ(InclusionProof(5, 5, ref_.Source(5, nullptr)).status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(ConsistencyProof(6, 5, ref_.Source(5, nullptr)).status().code(),
            StatusCode::kOutOfRange);
  NodeSource broken = [](int, uint64_t) -> StatusOr<Hash> { return UnavailableError("disk"); };
  EXPECT_EQ(InclusionProof(2, 7, broken).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(ConsistencyProof(3, 7, broken).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(RootAt(7, broken).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(TreeBuilder::Resume(7, broken).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(RootAt(0, broken).value(), EmptyRoot());
}

TEST_F(MerkleTest, TreeBuilderMatchesReference) {
  TreeBuilder builder;
  for (uint64_t size = 0; size <= kMaxSize; ++size) {
    SCOPED_TRACE(size);
    ASSERT_EQ(builder.size(), size);
    EXPECT_EQ(builder.Root(), ref_.Mth(0, size));
    int reads = 0;
    StatusOr<TreeBuilder> resumed = TreeBuilder::Resume(size, ref_.Source(size, &reads));
    ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
    EXPECT_EQ(reads, std::popcount(size));
    EXPECT_EQ(resumed->size(), size);
    EXPECT_EQ(resumed->Root(), builder.Root());
    // The resumed builder goes on exactly like the original.
    TreeBuilder copy = builder;
    for (uint64_t more = size; more < std::min(size + 9, kMaxSize); ++more) {
      const Hash leaf = LeafHash(ref_.leaf(more));
      std::span<const TreeBuilder::Node> a = resumed->Append(leaf);
      std::span<const TreeBuilder::Node> b = copy.Append(leaf);
      ASSERT_EQ(a.size(), b.size());
      for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].hash, b[i].hash);
      EXPECT_EQ(resumed->Root(), ref_.Mth(0, more + 1));
    }
    if (size == kMaxSize) break;
    // Appending leaf `size` completes one perfect subtree per trailing one
    // bit of `size`, plus the leaf itself.
    std::span<const TreeBuilder::Node> nodes = builder.Append(LeafHash(ref_.leaf(size)));
    ASSERT_EQ(nodes.size(), static_cast<size_t>(std::countr_one(size)) + 1);
    for (size_t level = 0; level < nodes.size(); ++level) {
      const uint64_t index = size >> level;
      EXPECT_EQ(nodes[level].level, static_cast<int>(level));
      EXPECT_EQ(nodes[level].index, index);
      EXPECT_EQ(nodes[level].hash, ref_.Mth(index << level, (index + 1) << level));
    }
  }
}

// The transparency-dev/merkle vectors in tests/testdata/merkle.
class MerkleVectorTest : public ::testing::Test {
 protected:
  static std::string Bytes(const json::Value& doc, std::string_view key) {
    StatusOr<std::string> b64 = doc.GetString(key);
    EXPECT_TRUE(b64.ok()) << b64.status().ToString();
    StatusOr<std::string> bytes = Base64Decode(b64.ok() ? *b64 : "");
    EXPECT_TRUE(bytes.ok()) << key << ": " << bytes.status().ToString();
    return bytes.ok() ? *bytes : "";
  }

  static std::vector<std::string> Proof(const json::Value& doc) {
    std::vector<std::string> proof;
    const json::Value* p = doc.Find("proof");
    if (p == nullptr || p->is_null()) return proof;  // Go writes an empty proof as null.
    for (const json::Value& h : p->as_array()) {
      StatusOr<std::string> bytes = Base64Decode(h.as_string());
      EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
      proof.push_back(bytes.ok() ? *bytes : "");
    }
    return proof;
  }
};

TEST_F(MerkleVectorTest, EveryCaseGivesItsVerdict) {
  const std::filesystem::path dir = creg::testing::SourcePath("tests/testdata/merkle");
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << "test vectors missing: " << dir;
  // Vectors we refuse although they say wantErr=false, because they carry a
  // "root" that is not 32 bytes; merkle.h (and the README beside the
  // vectors) requires such hashes to be refused.
  std::map<std::string, bool> refused_short_roots = {
      {"consistency/additional/sizes-are-equal-one-and-proof-is-empty.json", false}};
  int inclusion = 0, consistency = 0;
  for (const auto& file : std::filesystem::recursive_directory_iterator(dir)) {
    if (file.path().extension() != ".json") continue;
    const std::string name = file.path().lexically_relative(dir).generic_string();
    SCOPED_TRACE(name);
    std::ifstream in(file.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    StatusOr<json::Value> doc = json::Parse(text.str());
    ASSERT_TRUE(doc.ok()) << doc.status().ToString();
    StatusOr<bool> want = doc->GetBool("wantErr");
    ASSERT_TRUE(want.ok()) << want.status().ToString();
    const bool want_err = *want;
    const std::vector<std::string> proof = Proof(*doc);
    Status got;
    std::vector<std::string> hashes = proof;
    if (name.starts_with("inclusion/")) {
      ++inclusion;
      const std::string leaf = Bytes(*doc, "leafHash"), root = Bytes(*doc, "root");
      hashes.insert(hashes.end(), {leaf, root});
      got = VerifyInclusion(doc->GetUint("leafIdx").value(), doc->GetUint("treeSize").value(), leaf,
                            proof, root);
    } else {
      ++consistency;
      const std::string root1 = Bytes(*doc, "root1"), root2 = Bytes(*doc, "root2");
      hashes.insert(hashes.end(), {root1, root2});
      got = VerifyConsistency(doc->GetUint("size1").value(), doc->GetUint("size2").value(), proof,
                              root1, root2);
    }
    const bool any_bad_length = std::any_of(hashes.begin(), hashes.end(),
                                            [](const auto& h) { return h.size() != Hash::kSize; });
    if (auto it = refused_short_roots.find(name); it != refused_short_roots.end()) {
      it->second = true;
      ASSERT_FALSE(want_err) << "the vector changed; drop it from the exceptions";
      EXPECT_EQ(got.code(), StatusCode::kInvalidArgument) << got.ToString();
      continue;
    }
    EXPECT_EQ(!got.ok(), want_err) << got.ToString();
    if (any_bad_length) {
      EXPECT_EQ(got.code(), StatusCode::kInvalidArgument) << got.ToString();
    }
  }
  EXPECT_GT(inclusion, 0) << "no inclusion vectors found under " << dir;
  EXPECT_GT(consistency, 0) << "no consistency vectors found under " << dir;
  for (const auto& [name, seen] : refused_short_roots) EXPECT_TRUE(seen) << name << " not found";
}

}  // namespace
}  // namespace creg::merkle
