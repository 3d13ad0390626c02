// Signed transactions: building and signing them (clients), and decoding and
// checking their signature (the node). The byte layout is in
// proto/creg/transaction.proto and docs/data-model.md.
//
// The signature covers a domain-separated message,
//   "creg-transaction/v1\n" || body bytes,
// so it can never be mistaken for a signature over a checkpoint; the body
// names the registry's origin, so it cannot be replayed on another registry.
// The transaction id is SHA-256(body bytes).
//
// All functions are pure and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "creg/transaction.pb.h"
#include "ledger/hash.h"
#include "ledger/keys.h"
#include "ledger/registry/rule_code.h"

namespace creg {

// The bytes an Ed25519 signature of a transaction covers.
std::string TransactionSigningMessage(std::string_view body_bytes);

// Serializes `body`, signs it as `signer` with `key`, and returns the bytes of
// the SignedTransaction to submit. Both the body and the envelope are in
// canonical form (ledger/canonical_proto.h) as long as `body`'s enum fields
// hold declared values.
std::string SignTransaction(const pb::TransactionBody& body, std::string_view signer,
                            const PrivateKey& key);

// The same in the keyed form (docs/protocol.md, "Signed transactions"):
// each key signs, and the signatures are put in ascending order of public
// key. For accounts of several keys; `keys` holds 1 to 10 distinct keys.
std::string SignTransactionKeyed(const pb::TransactionBody& body, std::string_view signer,
                                 const std::vector<const PrivateKey*>& keys);

// Adds `key`'s signature over `envelope.body()` to the keyed signatures of
// `envelope`, in its place in key order (replacing an earlier signature by
// the same key), and clears the single `signature`.
void AddKeyedSignature(pb::SignedTransaction& envelope, const PrivateKey& key);

// A decoded transaction, ready for the registry rules.
struct PreparedTransaction {
  std::string bytes;               // the SignedTransaction exactly as received
  pb::SignedTransaction envelope;  // decoded from bytes
  pb::TransactionBody body;        // decoded from envelope.body()
  Hash tx_id;                      // SHA-256(envelope.body())
  // Set when a worker thread already checked the signature with this key;
  // the registry re-checks only if the signer's key has changed since.
  std::optional<std::string> verified_with_key;
  // Keyed form (account_keys.h): set once every signature was checked
  // against the key it names. Which keys count for the signer is checked
  // by the registry against its current keys.
  bool keyed_signatures_verified = false;
};

// The largest SignedTransaction accepted: 256 KiB, room for the 10,000
// explicit serial blocks one transaction may name (kMaxBlocksPerTransaction
// in internal/credit_moves.h), and a bound on what anyone can make the log
// store for ever.
inline constexpr size_t kMaxTransactionBytes = 256 * 1024;

// Decodes the envelope and body. Rejection kMalformed naming what is wrong
// (including a transaction over kMaxTransactionBytes, and an envelope or
// body not in canonical form: "transaction body is not in canonical form:
// field 1 (origin) of TransactionBody appears twice"), or the signature
// form checks of CheckSignatureForm (account_keys.h), so that the signed
// bytes of every transaction accepted have exactly one meaning. This is the
// one decoder of signed transactions; the node, the replay, the audit and
// the certificate checks all use it.
std::variant<PreparedTransaction, Rejection> PrepareTransaction(std::string_view bytes);

// Checks the signature against `public_key`; on success records the key in
// `tx.verified_with_key`. Safe to run on many threads for different txs.
bool VerifyTransactionSignature(PreparedTransaction& tx, const PublicKey& public_key);

}  // namespace creg
