// Registry: leader-term entries appended (AppendLeaderTerm) and read
// (LatestTerm). Their signer is checked in registry.cc (CheckSigner), their
// rule in internal/leader_term_rules.cc.
#include "ledger/registry/internal/state_view.h"
#include "ledger/registry/internal/tables.h"
#include "ledger/registry/leader_term.h"
#include "ledger/registry/registry.h"

namespace creg {

StatusOr<Verdict> Registry::AppendLeaderTerm(const pb::LeaderTerm& term,
                                             const PrivateKey& registry_key,
                                             int64_t timestamp_micros) {
  return ApplyAlone(
      PrepareTransaction(SignLeaderTerm(origin_, term, registry_key, timestamp_micros)),
      timestamp_micros, false);
}

StatusOr<std::optional<pb::LeaderTermRecord>> Registry::LatestTerm() const {
  return tables_->Term(*committed_);
}

}  // namespace creg
