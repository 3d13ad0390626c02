#include "tools/audit/key_tracker.h"

#include "ledger/registry/leader_term.h"
#include "ledger/status.h"

namespace creg::audit {
namespace {

std::optional<PublicKey> Parse(const std::string& raw) {
  StatusOr<PublicKey> key = PublicKey::FromRaw(raw);
  return key.ok() ? std::optional<PublicKey>(*key) : std::nullopt;
}

}  // namespace

std::optional<PublicKey> KeyTracker::KeyBefore(const PreparedTransaction& tx) const {
  const std::string& signer = tx.envelope.signer();
  if (signer == kRegistrySigner) return registry_key_;
  if (auto it = keys_.find(signer); it != keys_.end()) return it->second;
  // The registry's first entry: the operator opens its own account.
  if (keys_.empty() && tx.body.has_open_account() &&
      tx.body.open_account().account_id() == signer) {
    return Parse(tx.body.open_account().public_key());
  }
  return std::nullopt;
}

void KeyTracker::Record(const PreparedTransaction& tx) {
  if (tx.body.has_open_account()) {
    const pb::OpenAccount& op = tx.body.open_account();
    keys_.try_emplace(op.account_id(), Parse(op.public_key()));
  } else if (tx.body.has_rotate_key()) {
    const pb::RotateKey& op = tx.body.rotate_key();
    keys_[op.account_id()] = Parse(op.new_public_key());
  } else if (tx.body.has_set_account_keys()) {
    // Only single-key accounts sign in the single form this key is for;
    // keyed signatures name their own keys.
    const pb::SetAccountKeys& op = tx.body.set_account_keys();
    keys_[op.account_id()] = op.public_keys_size() == 1 ? Parse(op.public_keys(0)) : std::nullopt;
  }
}

}  // namespace creg::audit
