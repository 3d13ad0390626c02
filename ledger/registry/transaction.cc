#include "ledger/registry/transaction.h"

#include "ledger/canonical_proto.h"

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
  if (tx.envelope.signature().size() != PublicKey::kSignatureSize) {
    return Malformed("signature must be 64 bytes, got " +
                     std::to_string(tx.envelope.signature().size()));
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
