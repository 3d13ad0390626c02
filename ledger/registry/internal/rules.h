// The registry rules, one function per operation. Each checks everything
// first and writes into ctx.overlay only once the transaction is known to be
// acceptable; the caller discards the overlay on a Rejection anyway, so a
// refused transaction can never leave a partial change behind.
#pragma once

#include <optional>
#include <set>
#include <string>

#include "creg/effects.pb.h"
#include "creg/state.pb.h"
#include "ledger/merkle_log.h"
#include "ledger/registry/internal/state_view.h"
#include "ledger/registry/internal/tables.h"
#include "ledger/registry/rule_code.h"
#include "ledger/registry/transaction.h"

namespace creg::internal {

struct RuleContext {
  const Tables& tables;
  StateOverlay& overlay;  // this transaction's writes
  const PreparedTransaction& tx;
  const pb::AccountRecord& signer;  // active, signature checked
  uint64_t entry_index;
  // The log before this entry (entry_index entries): its root is what a
  // leader term takes over.
  const MerkleLog::PendingAppend& log;
  int64_t timestamp_micros;
  pb::Effects& effects;             // filled by the rule
  std::set<std::string>& accounts;  // accounts involved, for their history
  std::set<uint64_t>& batches;      // batches touched, for provenance
};

// nullopt: accepted (writes are in ctx.overlay); otherwise the refusal.
using RuleResult = StatusOr<std::optional<Rejection>>;

inline RuleResult Accept() { return std::optional<Rejection>(); }
inline RuleResult Reject(RuleCode code, std::string message) {
  return std::optional<Rejection>(Rejection{code, std::move(message)});
}

// Account rules (account_rules.cc).
RuleResult ApplyOpenAccount(RuleContext& ctx, const pb::OpenAccount& op);
RuleResult ApplySetAccountStatus(RuleContext& ctx, const pb::SetAccountStatus& op);
RuleResult ApplyRotateKey(RuleContext& ctx, const pb::RotateKey& op);
// Multi-signature accounts (account_key_rules.cc).
RuleResult ApplySetAccountKeys(RuleContext& ctx, const pb::SetAccountKeys& op);

// Projects and issuance (issuance_rules.cc).
RuleResult ApplyRegisterProject(RuleContext& ctx, const pb::RegisterProject& op);
RuleResult ApplyIssue(RuleContext& ctx, const pb::Issue& op);

// Moving credits (movement_rules.cc).
RuleResult ApplyTransfer(RuleContext& ctx, const pb::Transfer& op);
RuleResult ApplyRetire(RuleContext& ctx, const pb::Retire& op);
RuleResult ApplyCancel(RuleContext& ctx, const pb::Cancel& op);

// Labels on serial blocks (label_rules.cc).
RuleResult ApplyLabel(RuleContext& ctx, const pb::Label& op);

// Article 6 authorisations and corresponding adjustments (article6_rules.cc;
// what retirements and cancellations check is in article6_rules.h).
RuleResult ApplyAuthorize(RuleContext& ctx, const pb::Authorize& op);
RuleResult ApplyCorrespondingAdjustment(RuleContext& ctx, const pb::CorrespondingAdjustment& op);

// Leader terms (leader_term_rules.cc).
RuleResult ApplyLeaderTerm(RuleContext& ctx, const pb::LeaderTerm& op);

// Shared checks.
// The account named `id` exists and may take part in a movement: refuses
// unknown, suspended and closed accounts, and auditor accounts (which hold
// no credits and propose no projects). `what` names its part ("recipient").
StatusOr<std::optional<Rejection>> CheckCounterparty(const RuleContext& ctx, std::string_view id,
                                                     std::string_view what,
                                                     pb::AccountRecord* out = nullptr);
bool IsOperator(const pb::AccountRecord& account);

}  // namespace creg::internal
