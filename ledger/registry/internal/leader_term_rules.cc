// leader_term: the first entry of a writer's term (docs/rules.md, "Leader
// terms"). The signature was checked against the registry's key by
// Registry::CheckSigner.
#include "ledger/encoding.h"
#include "ledger/registry/internal/rules.h"
#include "ledger/registry/internal/text_rules.h"
#include "ledger/registry/leader_term.h"

namespace creg::internal {
namespace {

// Longest leader address and cluster name.
constexpr size_t kMaxNameBytes = 255;

std::string Quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

// The fields every leader term must fill, in their forms.
std::optional<Rejection> CheckFields(const RuleContext& ctx, const pb::LeaderTerm& op) {
  if (op.etcd_revision() <= 0) {
    return Rejection{RuleCode::kMalformed, "a leader term's etcd_revision must be above 0, got " +
                                               std::to_string(op.etcd_revision())};
  }
  const std::string nonce = LeaderTermNonce(op.etcd_revision());
  if (ctx.tx.body.nonce() != nonce) {
    return Rejection{RuleCode::kMalformed, "the nonce of the leader term of etcd revision " +
                                               std::to_string(op.etcd_revision()) + " is " +
                                               Quoted(nonce) + ", not " +
                                               Quoted(ctx.tx.body.nonce())};
  }
  if (auto refused = CheckFreeText("leader", op.leader(), kMaxNameBytes, true)) return refused;
  if (auto refused = CheckFreeText("cluster", op.cluster(), kMaxNameBytes, true)) return refused;
  if (op.previous_root().size() != Hash::kSize) {
    return Rejection{RuleCode::kMalformed, "a leader term's previous_root must be " +
                                               std::to_string(Hash::kSize) + " bytes, got " +
                                               std::to_string(op.previous_root().size())};
  }
  return std::nullopt;
}

}  // namespace

RuleResult ApplyLeaderTerm(RuleContext& ctx, const pb::LeaderTerm& op) {
  if (ctx.tx.envelope.signer() != kRegistrySigner) {
    return Reject(RuleCode::kNotAuthorized, "a leader term is signed by " +
                                                std::string(kRegistrySigner) +
                                                " with the registry's key, not by account " +
                                                Quoted(ctx.tx.envelope.signer()));
  }
  if (std::optional<Rejection> refused = CheckFields(ctx, op)) return refused;
  if (op.previous_size() != ctx.entry_index) {
    return Reject(RuleCode::kLeaderTermStale,
                  "the leader term takes over a checkpoint of size " +
                      std::to_string(op.previous_size()) + ", but it would be entry " +
                      std::to_string(ctx.entry_index) + "; a term starts where the log ends");
  }
  const Hash root = ctx.log.root();
  if (op.previous_root() != root.view()) {
    return Reject(RuleCode::kLeaderTermStale,
                  "the leader term takes over a checkpoint of root " +
                      HexEncode(op.previous_root()) + ", but the log's root at size " +
                      std::to_string(ctx.entry_index) + " is " + root.ToHex());
  }
  CREG_ASSIGN_OR_RETURN(std::optional<pb::LeaderTermRecord> last, ctx.tables.Term(ctx.overlay));
  if (last.has_value()) {
    const std::string since = " (entry " + std::to_string(last->entry_index()) + ", leader " +
                              Quoted(last->leader()) + ")";
    if (op.cluster() != last->cluster()) {
      return Reject(RuleCode::kLeaderTermStale,
                    "this registry's terms are of cluster " + Quoted(last->cluster()) + since +
                        ", not " + Quoted(op.cluster()) + "; a registry keeps one cluster name");
    }
    if (op.etcd_revision() <= last->etcd_revision()) {
      return Reject(RuleCode::kLeaderTermStale, "etcd revision " +
                                                    std::to_string(op.etcd_revision()) +
                                                    " is not above the last term's, " +
                                                    std::to_string(last->etcd_revision()) + since);
    }
  }
  pb::LeaderTermRecord record;
  record.set_leader(op.leader());
  record.set_etcd_revision(op.etcd_revision());
  record.set_entry_index(ctx.entry_index);
  record.set_cluster(op.cluster());
  ctx.tables.PutTerm(ctx.overlay, record);
  return Accept();
}

}  // namespace creg::internal
