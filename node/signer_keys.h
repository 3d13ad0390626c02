// SignerKeys: the committed public key of each signer, for the verify
// workers, which check every signature before the sequencer sees it.
//
// Reading an account record and decoding its key for every transaction
// costs the workers, the node's busiest threads, several microseconds each;
// a signer usually sends many. Keys read are kept until a commit rotates
// a key (Invalidate()), so a rotated key is picked up after the group that
// rotated it. A stale key is harmless: the sequencer checks the signature
// again whenever the key it was verified with is not the signer's key at
// that point (Registry::Apply), so it costs a second check, never a false
// acceptance.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ledger/keys.h"
#include "ledger/registry/registry.h"

namespace creg {

class SignerKeys {
 public:
  // `registry` must outlive this.
  explicit SignerKeys(const Registry& registry) : registry_(registry) {}

  // The key of `signer` as committed, at the latest as of the last
  // Invalidate(), or nullopt if the account does not exist, its key does
  // not decode, or it cannot be read.
  std::optional<PublicKey> Get(std::string_view signer);
  // Forgets every key kept (call after a commit that rotated a key).
  void Invalidate();

 private:
  // Signers kept at most; past it the cache starts again empty.
  static constexpr size_t kMaxKept = 100'000;

  const Registry& registry_;
  std::mutex mu_;
  uint64_t generation_ = 0;                          // guarded by mu_
  std::unordered_map<std::string, PublicKey> kept_;  // guarded by mu_
};

}  // namespace creg
