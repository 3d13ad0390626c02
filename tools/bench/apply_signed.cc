#include "tools/bench/apply_signed.h"

#include <algorithm>
#include <thread>
#include <variant>
#include <vector>

#include "ledger/log_entry.h"
#include "ledger/registry/transaction.h"

namespace creg::bench {

StatusOr<pb::Effects> AcceptedEffects(StatusOr<Verdict> verdict) {
  CREG_RETURN_IF_ERROR(verdict.status());
  if (auto* refused = std::get_if<Rejection>(&*verdict)) return refused->ToStatus();
  return std::get<Accepted>(*verdict).effects;
}

Status ApplySigned(Registry& registry, size_t n, size_t threads, const SignOne& sign,
                   size_t group_size, const OnAccepted& on_accepted) {
  threads = std::max<size_t>(threads, 1);
  group_size = std::max<size_t>(group_size, 1);
  std::vector<SignedTx> signed_txs(n);
  std::vector<std::thread> signers;
  for (size_t t = 0; t < threads; ++t) {
    signers.emplace_back([&, t] {
      for (size_t i = t; i < n; i += threads) signed_txs[i] = sign(i);
    });
  }
  for (std::thread& t : signers) t.join();
  Registry::Group group = registry.BeginGroup();
  for (size_t i = 0; i < n; ++i) {
    auto prepared = PrepareTransaction(signed_txs[i].bytes);
    if (auto* refused = std::get_if<Rejection>(&prepared)) return refused->ToStatus();
    PreparedTransaction& tx = std::get<PreparedTransaction>(prepared);
    tx.verified_with_key = std::move(signed_txs[i].signer_public_key);
    // The same trust for keyed signatures; the registry still counts their
    // keys against the signer's current keys and threshold.
    tx.keyed_signatures_verified = tx.envelope.signatures_size() > 0;
    const uint64_t index = registry.log().size() + group.size();
    CREG_ASSIGN_OR_RETURN(pb::Effects effects,
                          AcceptedEffects(registry.Apply(group, std::move(tx), NowMicros())));
    if (on_accepted) on_accepted(index, effects);
    if (group.size() >= group_size) {
      // As a node that publishes a checkpoint of every group: the undo
      // records of the groups before go with this commit.
      registry.SetPrunableBelow(registry.log().size());
      CREG_RETURN_IF_ERROR(registry.Commit(std::move(group)).status());
      group = registry.BeginGroup();
    }
  }
  registry.SetPrunableBelow(registry.log().size());
  return registry.Commit(std::move(group)).status();
}

}  // namespace creg::bench
