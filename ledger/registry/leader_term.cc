#include "ledger/registry/leader_term.h"

namespace creg {

std::string LeaderTermNonce(int64_t etcd_revision) {
  return "term-" + std::to_string(etcd_revision);
}

std::string SignLeaderTerm(std::string_view origin, const pb::LeaderTerm& term,
                           const PrivateKey& registry_key, int64_t created_micros) {
  pb::TransactionBody body;
  body.set_origin(std::string(origin));
  body.set_nonce(LeaderTermNonce(term.etcd_revision()));
  body.set_created_micros(created_micros);
  *body.mutable_leader_term() = term;
  return SignTransaction(body, kRegistrySigner, registry_key);
}

std::optional<Rejection> CheckSignedByRegistry(PreparedTransaction& tx,
                                               const std::optional<PublicKey>& registry_key) {
  const std::string who(kRegistrySigner);
  if (!tx.body.has_leader_term()) {
    return Rejection{RuleCode::kNotAuthorized,
                     "the registry's key (signer " + who + ") signs leader terms only"};
  }
  if (!registry_key.has_value()) {
    return Rejection{RuleCode::kBadSignature,
                     "the signature of a leader term (signer " + who +
                         ") cannot be checked without the registry's key (verifier.key)"};
  }
  if (tx.envelope.signatures_size() != 0) {
    return Rejection{RuleCode::kMalformed,
                     "a leader term carries the single-key signature of the registry's key, "
                     "not keyed signatures"};
  }
  if (tx.verified_with_key != registry_key->raw() &&
      !VerifyTransactionSignature(tx, *registry_key)) {
    return Rejection{RuleCode::kBadSignature,
                     "the signature of the leader term (signer " + who +
                         ") does not verify with the registry's key (verifier.key)"};
  }
  return std::nullopt;
}

bool IsRegistryTransaction(const PreparedTransaction& tx) {
  return tx.envelope.signer() == kRegistrySigner || tx.body.has_leader_term();
}

}  // namespace creg
