// Checks log entries fetched from a node, in order, without the rest of the
// log: each entry decodes, carries its position as index, names the
// registry's origin, and links by prev_hash to the leaf hash of the entry
// before; its leaf hash is appended to the Merkle tree's right edge (the
// "frontier": one perfect-subtree hash per set bit of the size), whose root
// the caller compares with a signed checkpoint.
//
// With signature checks on, every transaction's signature is checked
// against the key its signer holds according to the log so far: keys come
// from open_account entries (the first one, the operator opening its own
// account, is checked against the keys it carries) and change with
// rotate_key and set_account_keys entries; keyed signatures must meet the
// account's threshold (ledger/registry/account_keys.h); leader terms (signer
// "@registry") must be signed by the registry's key (ledger/registry/leader_term.h).
// The registry's other rules are not checked here; a replay
// (tools/audit/replayer.h) does that.
//
// Everything a later run needs to go on from where this one ended fits in a
// ChainState, so `creg-audit watch` resumes without the old entries. Not
// thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/hash.h"
#include "ledger/keys.h"
#include "ledger/merkle.h"
#include "ledger/registry/account_keys.h"
#include "ledger/status.h"

namespace creg::audit {

struct ChainState {
  uint64_t size = 0;
  Hash last_leaf;              // leaf hash of entry size-1; zeros when size = 0
  std::vector<Hash> frontier;  // one per set bit of size, highest level first
  // account id -> its keys, EncodeAccountKeys (ledger/registry/account_keys.h):
  // the raw public key of a single-key account
  std::map<std::string, std::string> keys;

  // The root of the tree of `size` leaves, from the frontier alone.
  // InvalidArgument if the frontier does not fit the size.
  StatusOr<Hash> Root() const;
};

class EntryChain {
 public:
  // An empty log of `origin`. `registry_key`: the registry's checkpoint
  // key, which signs leader terms; without it a leader term fails the
  // signature check.
  EntryChain(std::string origin, bool check_signatures,
             std::optional<PublicKey> registry_key = std::nullopt);
  // Goes on from `state`. InvalidArgument if its frontier does not fit its
  // size or a key is malformed.
  static StatusOr<EntryChain> Resume(std::string origin, bool check_signatures,
                                     const ChainState& state,
                                     std::optional<PublicKey> registry_key = std::nullopt);

  // Checks the entry at position size() and appends its leaf hash (also
  // when it fails a check, so later entries still line up). DataLoss
  // "entry <i>: <what is wrong>" for the first problem found.
  Status Append(std::string_view entry_bytes);

  uint64_t size() const { return builder_.size(); }
  Hash root() const { return builder_.Root(); }
  ChainState state() const;

 private:
  Status CheckSignature(uint64_t index, std::string_view signed_transaction);

  void SetKeys(const std::string& account, AccountKeys keys);

  std::string origin_;
  bool check_signatures_;
  std::optional<PublicKey> registry_key_;
  merkle::TreeBuilder builder_;
  std::vector<Hash> edge_;  // edge_[level]: the frontier subtree at that level
  Hash prev_leaf_;
  std::map<std::string, AccountKeys> keys_;
};

}  // namespace creg::audit
