#include "ledger/registry/internal/article6_rules.h"
#include "ledger/registry/internal/credit_moves.h"
#include "ledger/registry/internal/rules.h"
#include "ledger/registry/internal/text_rules.h"
#include "ledger/registry/internal/validate.h"

namespace creg::internal {

RuleResult ApplyTransfer(RuleContext& ctx, const pb::Transfer& op) {
  if (op.from_account() != ctx.signer.account_id()) {
    return Reject(RuleCode::kNotAuthorized, "account '" + ctx.signer.account_id() +
                                                "' may not move credits held by '" +
                                                op.from_account() + "'");
  }
  if (op.to_account() == op.from_account()) {
    return Reject(RuleCode::kSelfTransfer, "an account cannot transfer credits to itself");
  }
  if (auto refused = CheckFreeText("transfer memo", op.memo(), 500, false)) return refused;
  CREG_ASSIGN_OR_RETURN(std::optional<Rejection> recipient,
                        CheckCounterparty(ctx, op.to_account(), "recipient"));
  if (recipient.has_value()) return recipient;
  Disposition to{op.to_account(), pb::BLOCK_ACTIVE, "", nullptr};
  RuleResult moved = MoveCredits(ctx, op.from_account(), op.credits(), to);
  if (!moved.ok() || moved->has_value()) return moved;
  ctx.accounts.insert(op.from_account());
  ctx.accounts.insert(op.to_account());
  return Accept();
}

RuleResult ApplyRetire(RuleContext& ctx, const pb::Retire& op) {
  if (op.account() != ctx.signer.account_id()) {
    return Reject(RuleCode::kNotAuthorized, "account '" + ctx.signer.account_id() +
                                                "' may not retire credits held by '" +
                                                op.account() + "'");
  }
  if (op.beneficiary().empty() || op.reason() == pb::RETIREMENT_REASON_UNSPECIFIED) {
    return Reject(RuleCode::kRetirementIncomplete, "a retirement needs a beneficiary and a reason");
  }
  if (!pb::RetirementReason_IsValid(op.reason())) {
    return Reject(RuleCode::kMalformed,
                  "retirement reason " + std::to_string(op.reason()) + " is not a known reason");
  }
  if (op.reason() == pb::OTHER && op.details().empty()) {
    return Reject(RuleCode::kRetirementIncomplete,
                  "a retirement with reason OTHER needs details that say what the reason is");
  }
  if (auto refused = CheckFreeText("beneficiary", op.beneficiary(), 200, true)) return refused;
  if (auto refused = CheckFreeText("retirement details", op.details(), 1000, false)) return refused;
  if (auto refused = CheckFreeText("claim reference", op.claim_reference(), 200, false))
    return refused;
  if (!op.country_of_use().empty()) {
    if (std::string why = CheckCountry(op.country_of_use()); !why.empty()) {
      return Reject(RuleCode::kInvalidCountry,
                    "country of use '" + op.country_of_use() + "' " + why);
    }
  }
  if (auto refused = CheckUse(op.use(), op.using_entity())) return refused;
  std::string retirement_id = "R" + std::to_string(ctx.entry_index);
  Disposition to{op.account(), pb::BLOCK_RETIRED, retirement_id, UseOfCredits(ctx, op.use())};
  RuleResult moved = MoveCredits(ctx, op.account(), op.credits(), to);
  if (!moved.ok() || moved->has_value()) return moved;

  pb::RetirementRecord record;
  record.set_retirement_id(retirement_id);
  record.set_entry_index(ctx.entry_index);
  record.set_account(op.account());
  *record.mutable_blocks() = ctx.effects.blocks();
  record.set_quantity(ctx.effects.quantity());
  record.set_beneficiary(op.beneficiary());
  record.set_reason(op.reason());
  record.set_details(op.details());
  record.set_country_of_use(op.country_of_use());
  record.set_claim_reference(op.claim_reference());
  record.set_retired_micros(ctx.timestamp_micros);
  *record.mutable_attributed() = ctx.effects.attributed();
  record.set_use(op.use());
  record.set_using_entity(op.using_entity());
  ctx.tables.PutRetirement(ctx.overlay, record);
  ctx.tables.AddRetirementIndexes(ctx.overlay, record);
  ctx.effects.set_retirement_id(retirement_id);
  ctx.accounts.insert(op.account());
  return Accept();
}

RuleResult ApplyCancel(RuleContext& ctx, const pb::Cancel& op) {
  if (!IsOperator(ctx.signer))
    return Reject(RuleCode::kNotAuthorized, "only a registry operator may cancel credits");
  if (auto refused = CheckFreeText("cancellation reason", op.reason(), 500, true)) return refused;
  if (auto refused = CheckUse(op.use(), op.using_entity())) return refused;
  CREG_ASSIGN_OR_RETURN(std::optional<pb::AccountRecord> holder,
                        ctx.tables.Account(ctx.overlay, op.account()));
  if (!holder.has_value())
    return Reject(RuleCode::kUnknownAccount, "account '" + op.account() + "' does not exist");
  // Cancellation is the operator's remedy and works on suspended accounts too.
  Disposition to{op.account(), pb::BLOCK_CANCELLED, "", UseOfCredits(ctx, op.use())};
  RuleResult moved = MoveCredits(ctx, op.account(), op.credits(), to);
  if (!moved.ok() || moved->has_value()) return moved;
  ctx.accounts.insert(op.account());
  return Accept();
}

}  // namespace creg::internal
