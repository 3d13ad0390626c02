// A transparency log in memory for witness tests and benchmarks: leaf
// hashes derived from a seed, its Merkle tree (ledger/merkle.h) kept level
// by level, and checkpoints signed with a real Ed25519 note key. Fork()
// makes a log with the same key and the same first leaves that then
// diverges: a split view. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ledger/checkpoint.h"
#include "ledger/hash.h"

namespace creg::testing {

class SyntheticLog {
 public:
  // A new log and key named `origin`.
  explicit SyntheticLog(std::string origin, std::string seed = "main");

  // Appends `count` leaves.
  void Append(uint64_t count);
  uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }

  Hash Root(uint64_t size) const;
  std::vector<Hash> ConsistencyProof(uint64_t size1, uint64_t size2) const;
  // The checkpoint note of the first `size` leaves, signed by the log.
  std::string Note(uint64_t size) const;
  // An add-checkpoint body: old `old_size`, the proof to `size`, Note(size).
  std::string AddCheckpoint(uint64_t old_size, uint64_t size) const;

  // Same origin and key, the first `keep` leaves, later leaves from `seed`.
  SyntheticLog Fork(uint64_t keep, std::string seed) const;

  const std::string& origin() const { return origin_; }
  std::string VerifierKey() const { return signer_->VerifierKey(); }

 private:
  SyntheticLog(std::string origin, std::string seed, std::shared_ptr<const NoteSigner> signer);
  void AppendLeaf(const Hash& leaf);

  std::string origin_;
  std::string seed_;
  std::shared_ptr<const NoteSigner> signer_;
  // levels_[l][i]: the perfect subtree of 2^l leaves from i << l.
  std::vector<std::vector<Hash>> levels_;
  uint64_t next_ = 0;  // counter for leaf derivation
};

}  // namespace creg::testing
