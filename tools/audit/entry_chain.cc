#include "tools/audit/entry_chain.h"

#include <bit>
#include <utility>
#include <variant>

#include "ledger/encoding.h"
#include "ledger/log_entry.h"
#include "ledger/registry/leader_term.h"
#include "ledger/registry/transaction.h"

namespace creg::audit {
namespace {

Status Problem(uint64_t index, const std::string& what) {
  return DataLossError("entry " + std::to_string(index) + ": " + what);
}

std::string Quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

}  // namespace

StatusOr<Hash> ChainState::Root() const {
  if (frontier.size() != static_cast<size_t>(std::popcount(size))) {
    return InvalidArgumentError("a tree of " + std::to_string(size) + " entries has " +
                                std::to_string(std::popcount(size)) + " frontier hashes, not " +
                                std::to_string(frontier.size()));
  }
  if (size == 0) return merkle::EmptyRoot();
  Hash root = frontier.back();
  for (size_t i = frontier.size() - 1; i-- > 0;) root = merkle::NodeHash(frontier[i], root);
  return root;
}

EntryChain::EntryChain(std::string origin, bool check_signatures,
                       std::optional<PublicKey> registry_key)
    : origin_(std::move(origin)),
      check_signatures_(check_signatures),
      registry_key_(std::move(registry_key)) {}

StatusOr<EntryChain> EntryChain::Resume(std::string origin, bool check_signatures,
                                        const ChainState& state,
                                        std::optional<PublicKey> registry_key) {
  CREG_RETURN_IF_ERROR(state.Root().status());
  EntryChain chain(std::move(origin), check_signatures, std::move(registry_key));
  chain.edge_.resize(std::bit_width(state.size));
  size_t next = 0;
  for (int level = static_cast<int>(chain.edge_.size()) - 1; level >= 0; --level) {
    if (((state.size >> level) & 1) == 1) chain.edge_[level] = state.frontier[next++];
  }
  merkle::NodeSource nodes = [&](int level, uint64_t) -> StatusOr<Hash> {
    return chain.edge_[static_cast<size_t>(level)];
  };
  CREG_ASSIGN_OR_RETURN(chain.builder_, merkle::TreeBuilder::Resume(state.size, nodes));
  chain.prev_leaf_ = state.last_leaf;
  for (const auto& [account, encoded] : state.keys) {
    std::optional<AccountKeys> keys = DecodeAccountKeys(encoded);
    if (!keys.has_value()) {
      return InvalidArgumentError("the keys of account " + Quoted(account) + " are " +
                                  std::to_string(encoded.size()) +
                                  " bytes, which is no key set's encoding");
    }
    chain.SetKeys(account, std::move(*keys));
  }
  return chain;
}

ChainState EntryChain::state() const {
  ChainState state;
  state.size = size();
  state.last_leaf = prev_leaf_;
  for (int level = static_cast<int>(edge_.size()) - 1; level >= 0; --level) {
    if (((state.size >> level) & 1) == 1) state.frontier.push_back(edge_[level]);
  }
  for (const auto& [account, keys] : keys_) state.keys.emplace(account, EncodeAccountKeys(keys));
  return state;
}

void EntryChain::SetKeys(const std::string& account, AccountKeys keys) {
  keys_[account] = std::move(keys);
}

Status EntryChain::Append(std::string_view entry_bytes) {
  const uint64_t index = size();
  const Hash leaf = merkle::LeafHash(entry_bytes);
  Status problem;
  StatusOr<pb::LogEntry> entry = DecodeLogEntry(entry_bytes);
  if (!entry.ok()) {
    problem = Problem(index, "does not decode: " + entry.status().message());
  } else if (entry->index() != index) {
    problem = Problem(index, "carries index " + std::to_string(entry->index()) +
                                 " (entries moved, swapped or rewritten)");
  } else if (entry->prev_hash() != prev_leaf_.view()) {
    problem = Problem(index, (index == 0 ? std::string("prev_hash is not 32 zero bytes")
                                         : "prev_hash does not name the leaf hash of entry " +
                                               std::to_string(index - 1)) +
                                 " (expected " + prev_leaf_.ToHex() + ", found " +
                                 HexEncode(entry->prev_hash()) + ")");
  } else {
    problem = CheckSignature(index, entry->signed_transaction());
  }
  std::span<const merkle::TreeBuilder::Node> nodes = builder_.Append(leaf);
  const merkle::TreeBuilder::Node& top = nodes.back();
  if (edge_.size() <= static_cast<size_t>(top.level)) edge_.resize(top.level + 1);
  edge_[top.level] = top.hash;
  prev_leaf_ = leaf;
  return problem;
}

Status EntryChain::CheckSignature(uint64_t index, std::string_view signed_transaction) {
  auto prepared = PrepareTransaction(signed_transaction);
  if (auto* refused = std::get_if<Rejection>(&prepared)) {
    // Includes signed bytes that decode but not in canonical form: they
    // have more than one meaning, so no reading of them is trusted.
    return Problem(index, "its transaction is refused: " + refused->ToString());
  }
  PreparedTransaction& tx = std::get<PreparedTransaction>(prepared);
  if (tx.body.origin() != origin_) {
    return Problem(index, "its transaction is for registry " + Quoted(tx.body.origin()) + ", not " +
                              Quoted(origin_));
  }
  if (!check_signatures_) return OkStatus();
  const std::string& signer = tx.envelope.signer();
  if (signer == kRegistrySigner) {
    if (std::optional<Rejection> refused = CheckSignedByRegistry(tx, registry_key_)) {
      return Problem(index,
                     "its leader term is not signed by the registry's key: " + refused->ToString());
    }
    return OkStatus();
  }
  AccountKeys keys;
  auto it = keys_.find(signer);
  if (it != keys_.end()) {
    keys = it->second;
  } else if (keys_.empty() && tx.body.has_open_account() &&
             tx.body.open_account().account_id() == signer) {
    // The registry's first entry: the operator opens its own account.
    keys = KeysOfOpening(tx.body.open_account());
  } else {
    return Problem(index, "signed by account " + Quoted(signer) + ", which the log has not opened");
  }
  if (std::optional<Rejection> refused = CheckSignedFor(tx, keys)) {
    if (refused->code == RuleCode::kBadSignature) {
      return Problem(index, "its signature does not verify with the key the log gives account " +
                                Quoted(signer));
    }
    return Problem(index, "its signatures do not meet the keys the log gives account " +
                              Quoted(signer) + ": " + refused->ToString());
  }
  if (tx.body.has_open_account()) {
    const pb::OpenAccount& op = tx.body.open_account();
    if (keys_.contains(op.account_id())) {
      return Problem(index, "opens account " + Quoted(op.account_id()) + " a second time");
    }
    SetKeys(op.account_id(), KeysOfOpening(op));
  } else if (tx.body.has_rotate_key() || tx.body.has_set_account_keys()) {
    const bool rotate = tx.body.has_rotate_key();
    const std::string& account =
        rotate ? tx.body.rotate_key().account_id() : tx.body.set_account_keys().account_id();
    if (!keys_.contains(account)) {
      return Problem(index, "changes the keys of account " + Quoted(account) +
                                ", which the log has not opened");
    }
    AccountKeys changed;
    if (rotate) {
      changed.keys.push_back(tx.body.rotate_key().new_public_key());
    } else {
      changed = KeysOfSetting(tx.body.set_account_keys());
    }
    SetKeys(account, std::move(changed));
  }
  return OkStatus();
}

}  // namespace creg::audit
