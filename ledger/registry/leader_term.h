// Leader-term entries: the entry a node writes as the first of its term
// when it becomes the writer of a cluster (docs/rules.md, "Leader terms";
// the message is LeaderTerm in proto/creg/transaction.proto).
//
// A leader-term transaction is signed by kRegistrySigner, which is no
// account (account ids cannot start with '@'), in the single-key form, by
// the registry's checkpoint key over the signing message of every
// transaction (TransactionSigningMessage). A canonical body starts with the
// byte 0x0a, a checkpoint note's second line with a digit, so the one key
// signing both never signs a message that reads as the other.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "creg/transaction.pb.h"
#include "ledger/keys.h"
#include "ledger/registry/rule_code.h"
#include "ledger/registry/transaction.h"

namespace creg {

// The signer of leader-term entries.
inline constexpr std::string_view kRegistrySigner = "@registry";

// The nonce of the leader-term entry of `etcd_revision`: "term-<revision>".
std::string LeaderTermNonce(int64_t etcd_revision);

// The SignedTransaction bytes of `term` for the registry `origin`, signed as
// kRegistrySigner with `registry_key`, made at `created_micros`.
std::string SignLeaderTerm(std::string_view origin, const pb::LeaderTerm& term,
                           const PrivateKey& registry_key, int64_t created_micros);

// Whether `tx`, signed as kRegistrySigner, is signed the way the registry
// signs: a leader term, in the single-key form, by `registry_key` (trusting
// tx.verified_with_key when it is that key, and recording it there on
// success). nullopt if so; else NOT_AUTHORIZED (not a leader term),
// BAD_SIGNATURE (no key given, or the signature does not verify with it)
// or MALFORMED (keyed signatures). The registry, the audit's chain check
// and its replay all check leader terms here.
std::optional<Rejection> CheckSignedByRegistry(PreparedTransaction& tx,
                                               const std::optional<PublicKey>& registry_key);

// True for a transaction of the registry's own: signed as kRegistrySigner
// or carrying a LeaderTerm. No client may submit one.
bool IsRegistryTransaction(const PreparedTransaction& tx);

}  // namespace creg
