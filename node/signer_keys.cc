#include "node/signer_keys.h"

namespace creg {

std::optional<PublicKey> SignerKeys::Get(std::string_view signer) {
  uint64_t generation;
  {
    std::lock_guard lock(mu_);
    if (auto it = kept_.find(std::string(signer)); it != kept_.end()) return it->second;
    generation = generation_;
  }
  // Read outside the lock: the workers must not wait for each other's reads.
  StatusOr<std::optional<pb::AccountRecord>> account = registry_.Account(signer);
  if (!account.ok() || !account->has_value()) return std::nullopt;
  StatusOr<PublicKey> key = PublicKey::FromRaw((*account)->public_key());
  if (!key.ok()) return std::nullopt;
  std::lock_guard lock(mu_);
  // A commit since the read may have changed the key: keep it only if not.
  if (generation == generation_) {
    if (kept_.size() >= kMaxKept) kept_.clear();
    kept_.emplace(std::string(signer), *key);
  }
  return *std::move(key);
}

void SignerKeys::Invalidate() {
  std::lock_guard lock(mu_);
  ++generation_;
  kept_.clear();
}

}  // namespace creg
