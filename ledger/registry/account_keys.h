// The keys of an account and the signatures a transaction needs from them
// (docs/rules.md, "Multi-signature accounts"; the envelope layout is in
// proto/creg/transaction.proto and docs/protocol.md).
//
// An account holds 1 to kMaxAccountKeys distinct Ed25519 keys and a
// threshold M. A transaction is signed for it when either
//  - the account holds one key and the envelope's single `signature`
//    verifies with it (the original form), or
//  - the envelope's keyed `signatures` (1 to kMaxSignatures, distinct keys in
//    ascending byte order, each over the same domain-separated message) all
//    verify with the keys they name, every named key is a current key of the
//    account, and there are at least M of them.
//
// Every place that checks transaction signatures (the registry, the node's
// verify workers, the audit's replay and chain checks, certificate checks)
// goes through these functions. Pure functions, thread-safe for distinct
// transactions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "creg/state.pb.h"
#include "creg/transaction.pb.h"
#include "ledger/keys.h"
#include "ledger/registry/rule_code.h"
#include "ledger/registry/transaction.h"

namespace creg {

inline constexpr size_t kMaxAccountKeys = 10;
inline constexpr size_t kMaxSignatures = 10;

struct AccountKeys {
  std::vector<std::string> keys;  // raw 32-byte keys; keys[0] is AccountRecord.public_key
  uint32_t threshold = 1;

  friend bool operator==(const AccountKeys&, const AccountKeys&) = default;
};

// The keys an account record, an opening or a key change gives. A
// threshold written as 0 means 1 where the account has one key only (the
// form of every account opened before multi-signature accounts existed)
// and stays 0, which CheckKeySet refuses, otherwise.
AccountKeys KeysOfAccount(const pb::AccountRecord& account);
AccountKeys KeysOfOpening(const pb::OpenAccount& op);
AccountKeys KeysOfSetting(const pb::SetAccountKeys& op);

// Writes `keys` into `record`: the first key as public_key, the others as
// additional_keys, and the threshold only for accounts of several keys, so
// a single-key account's record is what it always was.
void StoreKeys(const AccountKeys& keys, pb::AccountRecord& record);

// Checks a key set an account is to hold: 1 to kMaxAccountKeys keys
// (TOO_MANY_KEYS), each acceptable to CheckPublicKey (INVALID_KEY, e.g. a
// key of small order), none twice (DUPLICATE_KEY), and a threshold from 1
// to the number of keys (INVALID_THRESHOLD). `account` names the account
// in the messages.
std::optional<Rejection> CheckKeySet(const AccountKeys& keys, std::string_view account);

// The stateless checks of the keyed form, for PrepareTransaction: nullopt
// for an envelope in the single form. Otherwise at most kMaxSignatures
// signatures (TOO_MANY_KEYS), keys of 32 and signatures of 64 bytes
// (MALFORMED), no key twice (DUPLICATE_SIGNATURE), keys in strictly
// ascending byte order (MALFORMED), so that one set of signatures has one
// envelope.
std::optional<Rejection> CheckSignatureForm(const pb::SignedTransaction& envelope);

// Checks what can be checked before the signer's keys are known, as the
// verify workers do: the keyed signatures against the keys they name
// (recording success in tx.keyed_signatures_verified), or the single
// signature against `signer_key` when given (recording it in
// tx.verified_with_key). A failure records nothing; CheckSignedFor then
// checks again and names the problem.
void PreverifySignatures(PreparedTransaction& tx, const PublicKey* signer_key);

// Whether `tx` is signed for an account holding `keys` (its account id is
// tx.envelope.signer()). Trusts what tx records as already verified and
// checks the rest. nullopt if signed; else SEVERAL_KEYS (the single form
// for an account of several keys), KEY_NOT_ON_ACCOUNT, BAD_SIGNATURE or
// THRESHOLD_NOT_MET.
std::optional<Rejection> CheckSignedFor(PreparedTransaction& tx, const AccountKeys& keys);

// A short name of a raw key for messages: its first 8 bytes in hex.
std::string KeyLabel(std::string_view raw);

// A key set as one string, for files that keep keys as one value per
// account (creg-audit watch's state): a single-key set of threshold 1 is
// its raw key (32 bytes, the form those files always had); any other is
// one threshold byte followed by the 32-byte keys. DecodeAccountKeys
// refuses anything else (nullopt); it checks the layout, not the keys.
std::string EncodeAccountKeys(const AccountKeys& keys);
std::optional<AccountKeys> DecodeAccountKeys(std::string_view encoded);

}  // namespace creg
