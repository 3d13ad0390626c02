#include "ledger/registry/transaction.h"

#include <algorithm>

#include "ledger/canonical_proto.h"
#include "ledger/registry/account_keys.h"

namespace creg {
namespace {

constexpr std::string_view kSigningPrefix = "creg-transaction/v1\n";

Rejection Malformed(std::string message) {
  return Rejection{RuleCode::kMalformed, std::move(message)};
}

}  // namespace

std::string TransactionSigningMessage(std::string_view body_bytes) {
  std::string message;
  message.reserve(kSigningPrefix.size() + body_bytes.size());
  message.append(kSigningPrefix);
  message.append(body_bytes);
  return message;
}

std::string SignTransaction(const pb::TransactionBody& body, std::string_view signer,
                            const PrivateKey& key) {
  pb::SignedTransaction envelope;
  envelope.set_body(SerializeCanonical(body));
  envelope.set_signer(std::string(signer));
  envelope.set_signature(key.Sign(TransactionSigningMessage(envelope.body())));
  return SerializeCanonical(envelope);
}

std::string SignTransactionKeyed(const pb::TransactionBody& body, std::string_view signer,
                                 const std::vector<const PrivateKey*>& keys) {
  pb::SignedTransaction envelope;
  envelope.set_body(SerializeCanonical(body));
  envelope.set_signer(std::string(signer));
  for (const PrivateKey* key : keys) AddKeyedSignature(envelope, *key);
  return SerializeCanonical(envelope);
}

void AddKeyedSignature(pb::SignedTransaction& envelope, const PrivateKey& key) {
  envelope.clear_signature();
  const std::string raw = key.public_key().raw();
  auto* list = envelope.mutable_signatures();
  auto at = std::find_if(list->begin(), list->end(),
                         [&](const pb::KeySignature& s) { return s.public_key() >= raw; });
  pb::KeySignature* entry = nullptr;
  if (at != list->end() && at->public_key() == raw) {
    entry = &*at;
  } else {
    const int index = static_cast<int>(at - list->begin());
    list->Add();
    for (int i = list->size() - 1; i > index; --i) list->SwapElements(i, i - 1);
    entry = list->Mutable(index);
    entry->set_public_key(raw);
  }
  entry->set_signature(key.Sign(TransactionSigningMessage(envelope.body())));
}

std::variant<PreparedTransaction, Rejection> PrepareTransaction(std::string_view bytes) {
  if (bytes.size() > kMaxTransactionBytes) {
    return Malformed("transaction of " + std::to_string(bytes.size()) +
                     " bytes is over the limit of " + std::to_string(kMaxTransactionBytes));
  }
  PreparedTransaction tx;
  tx.bytes = std::string(bytes);
  if (!tx.envelope.ParseFromString(tx.bytes))
    return Malformed("transaction bytes are not a SignedTransaction");
  if (Status canonical = CheckCanonical(tx.envelope, tx.bytes); !canonical.ok()) {
    return Malformed("transaction envelope is not in canonical form: " + canonical.message());
  }
  if (tx.envelope.signer().empty()) return Malformed("transaction names no signer");
  if (tx.envelope.signatures_size() == 0) {
    if (tx.envelope.signature().size() != PublicKey::kSignatureSize) {
      return Malformed("signature must be 64 bytes, got " +
                       std::to_string(tx.envelope.signature().size()));
    }
  } else if (!tx.envelope.signature().empty()) {
    return Malformed("transaction carries both a single signature and keyed signatures");
  } else if (std::optional<Rejection> form = CheckSignatureForm(tx.envelope)) {
    return *form;
  }
  if (!tx.body.ParseFromString(tx.envelope.body()))
    return Malformed("transaction body does not decode");
  if (Status canonical = CheckCanonical(tx.body, tx.envelope.body()); !canonical.ok()) {
    return Malformed("transaction body is not in canonical form: " + canonical.message());
  }
  if (tx.body.kind_case() == pb::TransactionBody::KIND_NOT_SET) {
    return Malformed("transaction body names no operation");
  }
  if (tx.body.nonce().empty() || tx.body.nonce().size() > 128) {
    return Malformed("nonce must be 1 to 128 bytes");
  }
  tx.tx_id = Sha256(tx.envelope.body());
  return tx;
}

bool VerifyTransactionSignature(PreparedTransaction& tx, const PublicKey& public_key) {
  if (!public_key.Verify(TransactionSigningMessage(tx.envelope.body()), tx.envelope.signature()))
    return false;
  tx.verified_with_key = public_key.raw();
  return true;
}

}  // namespace creg
