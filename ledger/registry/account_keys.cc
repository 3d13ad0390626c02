#include "ledger/registry/account_keys.h"

#include <algorithm>

#include "ledger/encoding.h"

namespace creg {
namespace {

std::string Quoted(std::string_view s) { return "'" + std::string(s) + "'"; }
std::string N(size_t n) { return std::to_string(n); }

Rejection Refuse(RuleCode code, std::string message) { return Rejection{code, std::move(message)}; }

bool Holds(const AccountKeys& keys, const std::string& raw) {
  return std::find(keys.keys.begin(), keys.keys.end(), raw) != keys.keys.end();
}

}  // namespace

std::string KeyLabel(std::string_view raw) { return HexEncode(raw.substr(0, 8)); }

AccountKeys KeysOfAccount(const pb::AccountRecord& account) {
  AccountKeys keys;
  keys.keys.push_back(account.public_key());
  keys.keys.insert(keys.keys.end(), account.additional_keys().begin(),
                   account.additional_keys().end());
  keys.threshold = account.threshold();
  if (keys.threshold == 0 && keys.keys.size() == 1) keys.threshold = 1;
  return keys;
}

AccountKeys KeysOfOpening(const pb::OpenAccount& op) {
  AccountKeys keys;
  keys.keys.push_back(op.public_key());
  keys.keys.insert(keys.keys.end(), op.additional_keys().begin(), op.additional_keys().end());
  keys.threshold = op.threshold();
  if (keys.threshold == 0 && keys.keys.size() == 1) keys.threshold = 1;
  return keys;
}

AccountKeys KeysOfSetting(const pb::SetAccountKeys& op) {
  AccountKeys keys;
  keys.keys.assign(op.public_keys().begin(), op.public_keys().end());
  keys.threshold = op.threshold();
  return keys;
}

void StoreKeys(const AccountKeys& keys, pb::AccountRecord& record) {
  record.clear_public_key();
  record.clear_additional_keys();
  record.clear_threshold();
  if (keys.keys.empty()) return;
  record.set_public_key(keys.keys.front());
  for (size_t i = 1; i < keys.keys.size(); ++i) record.add_additional_keys(keys.keys[i]);
  if (keys.keys.size() > 1) record.set_threshold(keys.threshold);
}

std::optional<Rejection> CheckKeySet(const AccountKeys& keys, std::string_view account) {
  const size_t n = keys.keys.size();
  if (n == 0) {
    return Refuse(RuleCode::kInvalidKey, "account " + Quoted(account) + " would hold no key");
  }
  if (n > kMaxAccountKeys) {
    return Refuse(RuleCode::kTooManyKeys, "account " + Quoted(account) + " would hold " + N(n) +
                                              " keys; an account holds at most " +
                                              N(kMaxAccountKeys));
  }
  for (size_t i = 0; i < n; ++i) {
    if (Status key = CheckPublicKey(keys.keys[i]); !key.ok()) {
      std::string which = n == 1 ? "the public key" : "key " + N(i + 1) + " of " + N(n);
      return Refuse(RuleCode::kInvalidKey,
                    which + " of account " + Quoted(account) + " is refused: " + key.message());
    }
    for (size_t j = 0; j < i; ++j) {
      if (keys.keys[j] == keys.keys[i]) {
        return Refuse(RuleCode::kDuplicateKey, "key " + KeyLabel(keys.keys[i]) +
                                                   " is given twice (keys " + N(j + 1) + " and " +
                                                   N(i + 1) + ") for account " + Quoted(account));
      }
    }
  }
  if (keys.threshold == 0 || keys.threshold > n) {
    return Refuse(RuleCode::kInvalidThreshold,
                  "threshold " + N(keys.threshold) + " for account " + Quoted(account) + " with " +
                      N(n) + (n == 1 ? " key" : " keys") + "; it must be 1 to " + N(n));
  }
  return std::nullopt;
}

std::optional<Rejection> CheckSignatureForm(const pb::SignedTransaction& envelope) {
  const int n = envelope.signatures_size();
  if (n == 0) return std::nullopt;
  if (static_cast<size_t>(n) > kMaxSignatures) {
    return Refuse(RuleCode::kTooManyKeys, "transaction carries " + N(static_cast<size_t>(n)) +
                                              " signatures; at most " + N(kMaxSignatures));
  }
  for (int i = 0; i < n; ++i) {
    const pb::KeySignature& s = envelope.signatures(i);
    const std::string at = "signature " + N(static_cast<size_t>(i) + 1) + ": ";
    if (s.public_key().size() != PublicKey::kSize) {
      return Refuse(RuleCode::kMalformed,
                    at + "public key must be 32 bytes, got " + N(s.public_key().size()));
    }
    if (s.signature().size() != PublicKey::kSignatureSize) {
      return Refuse(RuleCode::kMalformed,
                    at + "signature must be 64 bytes, got " + N(s.signature().size()));
    }
    if (i == 0) continue;
    const std::string& before = envelope.signatures(i - 1).public_key();
    if (before == s.public_key()) {
      return Refuse(RuleCode::kDuplicateSignature,
                    "key " + KeyLabel(s.public_key()) + " signs the transaction twice");
    }
    if (before > s.public_key()) {
      return Refuse(RuleCode::kMalformed,
                    at + "signatures must be in ascending order of their public keys");
    }
  }
  return std::nullopt;
}

void PreverifySignatures(PreparedTransaction& tx, const PublicKey* signer_key) {
  if (tx.envelope.signatures_size() == 0) {
    if (signer_key != nullptr) static_cast<void>(VerifyTransactionSignature(tx, *signer_key));
    return;
  }
  const std::string message = TransactionSigningMessage(tx.envelope.body());
  for (const pb::KeySignature& s : tx.envelope.signatures()) {
    StatusOr<PublicKey> key = PublicKey::FromRaw(s.public_key());
    if (!key.ok() || !key->Verify(message, s.signature())) return;
  }
  tx.keyed_signatures_verified = true;
}

std::optional<Rejection> CheckSignedFor(PreparedTransaction& tx, const AccountKeys& keys) {
  const std::string& signer = tx.envelope.signer();
  if (tx.envelope.signatures_size() == 0) {
    if (keys.keys.size() != 1) {
      return Refuse(
          RuleCode::kSeveralKeys,
          "account " + Quoted(signer) + " holds " + N(keys.keys.size()) + " keys (threshold " +
              N(keys.threshold) +
              "): its transactions carry keyed signatures (SignedTransaction.signatures), "
              "not the single-key signature");
    }
    if (tx.verified_with_key == keys.keys[0]) return std::nullopt;
    StatusOr<PublicKey> key = PublicKey::FromRaw(keys.keys[0]);
    if (!key.ok() || !VerifyTransactionSignature(tx, *key)) {
      return Refuse(RuleCode::kBadSignature,
                    "signature does not verify with the current key of account " + Quoted(signer));
    }
    return std::nullopt;
  }
  for (const pb::KeySignature& s : tx.envelope.signatures()) {
    if (!Holds(keys, s.public_key())) {
      return Refuse(RuleCode::kKeyNotOnAccount, "key " + KeyLabel(s.public_key()) +
                                                    " signs but is not a current key of account " +
                                                    Quoted(signer));
    }
  }
  if (!tx.keyed_signatures_verified) {
    const std::string message = TransactionSigningMessage(tx.envelope.body());
    for (const pb::KeySignature& s : tx.envelope.signatures()) {
      StatusOr<PublicKey> key = PublicKey::FromRaw(s.public_key());
      if (!key.ok() || !key->Verify(message, s.signature())) {
        return Refuse(RuleCode::kBadSignature, "the signature by key " + KeyLabel(s.public_key()) +
                                                   " of account " + Quoted(signer) +
                                                   " does not verify");
      }
    }
    tx.keyed_signatures_verified = true;
  }
  const size_t count = static_cast<size_t>(tx.envelope.signatures_size());
  if (count < keys.threshold) {
    return Refuse(RuleCode::kThresholdNotMet, N(count) + " of the " + N(keys.keys.size()) +
                                                  " keys of account " + Quoted(signer) +
                                                  " signed; its threshold is " + N(keys.threshold));
  }
  return std::nullopt;
}

std::string EncodeAccountKeys(const AccountKeys& keys) {
  if (keys.keys.size() == 1 && keys.threshold == 1) return keys.keys.front();
  std::string out(1, static_cast<char>(keys.threshold));
  for (const std::string& key : keys.keys) out += key;
  return out;
}

std::optional<AccountKeys> DecodeAccountKeys(std::string_view encoded) {
  AccountKeys keys;
  if (encoded.size() == PublicKey::kSize) {
    keys.keys.emplace_back(encoded);
    return keys;
  }
  if (encoded.empty() || (encoded.size() - 1) % PublicKey::kSize != 0 ||
      (encoded.size() - 1) / PublicKey::kSize > kMaxAccountKeys) {
    return std::nullopt;
  }
  keys.threshold = static_cast<uint8_t>(encoded[0]);
  for (size_t at = 1; at < encoded.size(); at += PublicKey::kSize) {
    keys.keys.emplace_back(encoded.substr(at, PublicKey::kSize));
  }
  return keys;
}

}  // namespace creg
