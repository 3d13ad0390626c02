#include "tests/support/synthetic_log.h"

#include "ledger/merkle.h"
#include "ledger/witness_protocol.h"

namespace creg::testing {

SyntheticLog::SyntheticLog(std::string origin, std::string seed)
    : SyntheticLog(origin, std::move(seed),
                   std::make_shared<const NoteSigner>(
                       NoteSigner::Create(origin, PrivateKey::Generate().value()).value())) {}

SyntheticLog::SyntheticLog(std::string origin, std::string seed,
                           std::shared_ptr<const NoteSigner> signer)
    : origin_(std::move(origin)), seed_(std::move(seed)), signer_(std::move(signer)) {}

void SyntheticLog::AppendLeaf(const Hash& leaf) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(leaf);
  // Complete every perfect subtree the new leaf closes.
  for (size_t l = 0; levels_[l].size() % 2 == 0; ++l) {
    if (levels_.size() == l + 1) levels_.emplace_back();
    const std::vector<Hash>& below = levels_[l];
    levels_[l + 1].push_back(merkle::NodeHash(below[below.size() - 2], below.back()));
  }
}

void SyntheticLog::Append(uint64_t count) {
  for (uint64_t i = 0; i < count; ++i) {
    AppendLeaf(merkle::LeafHash(seed_ + "/" + std::to_string(next_++)));
  }
}

namespace {

merkle::NodeSource Nodes(const std::vector<std::vector<Hash>>& levels) {
  return [&levels](int level, uint64_t index) -> StatusOr<Hash> {
    if (static_cast<size_t>(level) >= levels.size() || index >= levels[level].size()) {
      return OutOfRangeError("no such subtree");
    }
    return levels[level][index];
  };
}

}  // namespace

Hash SyntheticLog::Root(uint64_t size) const {
  return merkle::RootAt(size, Nodes(levels_)).value();
}

std::vector<Hash> SyntheticLog::ConsistencyProof(uint64_t size1, uint64_t size2) const {
  return merkle::ConsistencyProof(size1, size2, Nodes(levels_)).value();
}

std::string SyntheticLog::Note(uint64_t size) const {
  return SignCheckpoint(Checkpoint{origin_, size, Root(size)}, *signer_);
}

std::string SyntheticLog::AddCheckpoint(uint64_t old_size, uint64_t size) const {
  return AddCheckpointBody(old_size, ConsistencyProof(old_size, size), Note(size));
}

SyntheticLog SyntheticLog::Fork(uint64_t keep, std::string seed) const {
  SyntheticLog fork(origin_, std::move(seed), signer_);
  for (uint64_t i = 0; i < keep; ++i) fork.AppendLeaf(levels_[0][i]);
  return fork;
}

}  // namespace creg::testing
