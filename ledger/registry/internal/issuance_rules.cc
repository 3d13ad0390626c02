#include "ledger/registry/internal/rules.h"
#include "ledger/registry/internal/text_rules.h"
#include "ledger/registry/internal/validate.h"

namespace creg::internal {

RuleResult ApplyRegisterProject(RuleContext& ctx, const pb::RegisterProject& op) {
  if (!IsOperator(ctx.signer)) {
    return Reject(RuleCode::kNotAuthorized, "only a registry operator may register projects");
  }
  if (std::string why = CheckId(op.project_id()); !why.empty()) {
    return Reject(RuleCode::kInvalidProjectId, "project id '" + op.project_id() + "' " + why);
  }
  if (auto refused = CheckFreeText("project name", op.name(), 200, true)) return refused;
  if (auto refused = CheckFreeText("project standard", op.standard(), 32, true)) return refused;
  if (auto refused = CheckFreeText("project methodology", op.methodology(), 64, true))
    return refused;
  if (std::string why = CheckCountry(op.country()); !why.empty()) {
    return Reject(RuleCode::kInvalidCountry, "project country '" + op.country() + "' " + why);
  }
  CREG_ASSIGN_OR_RETURN(std::optional<Rejection> proponent,
                        CheckCounterparty(ctx, op.proponent(), "proponent"));
  if (proponent.has_value()) return proponent;
  CREG_ASSIGN_OR_RETURN(std::optional<pb::ProjectRecord> existing,
                        ctx.tables.Project(ctx.overlay, op.project_id()));
  if (existing.has_value()) {
    return Reject(RuleCode::kProjectExists,
                  "project id '" + op.project_id() + "' is already registered");
  }
  pb::ProjectRecord record;
  record.set_project_id(op.project_id());
  record.set_name(op.name());
  record.set_standard(op.standard());
  record.set_methodology(op.methodology());
  record.set_country(op.country());
  record.set_proponent(op.proponent());
  record.set_registered_at_entry(ctx.entry_index);
  ctx.tables.PutProject(ctx.overlay, record);
  ctx.accounts.insert(op.proponent());
  return Accept();
}

RuleResult ApplyIssue(RuleContext& ctx, const pb::Issue& op) {
  if (!IsOperator(ctx.signer))
    return Reject(RuleCode::kNotAuthorized, "only a registry operator may issue credits");
  CREG_ASSIGN_OR_RETURN(std::optional<pb::ProjectRecord> project,
                        ctx.tables.Project(ctx.overlay, op.project_id()));
  if (!project.has_value()) {
    return Reject(RuleCode::kUnknownProject, "project '" + op.project_id() + "' is not registered");
  }
  if (op.quantity() == 0 || op.quantity() > kMaxQuantity) {
    return Reject(RuleCode::kInvalidQuantity, "issuance quantity must be 1 to " +
                                                  std::to_string(kMaxQuantity) + " credits, got " +
                                                  std::to_string(op.quantity()));
  }
  for (const std::string* date : {&op.vintage_start(), &op.vintage_end()}) {
    if (std::string why = CheckDate(*date); !why.empty()) {
      return Reject(RuleCode::kInvalidVintage, "vintage date '" + *date + "' " + why);
    }
  }
  if (op.vintage_end() < op.vintage_start()) {
    return Reject(RuleCode::kInvalidVintage, "vintage ends (" + op.vintage_end() +
                                                 ") before it starts (" + op.vintage_start() + ")");
  }
  if (auto refused = CheckFreeText("verification reference", op.verification_ref(), 200, true)) {
    return refused;
  }
  // Duplicates are found by the reference's key: "VR-A", "vr-a" and
  // "VR\u2010A" are one report.
  CREG_ASSIGN_OR_RETURN(std::string ref_key, ReferenceKey(op.verification_ref()));
  if (ref_key.empty()) {
    return Reject(RuleCode::kInvalidText, "verification reference '" + op.verification_ref() +
                                              "' has nothing but dashes and white space");
  }
  CREG_ASSIGN_OR_RETURN(std::optional<Rejection> recipient,
                        CheckCounterparty(ctx, op.to_account(), "recipient"));
  if (recipient.has_value()) return recipient;
  CREG_ASSIGN_OR_RETURN(std::optional<uint64_t> earlier,
                        ctx.tables.BatchOfVerification(ctx.overlay, op.project_id(), ref_key));
  if (earlier.has_value()) {
    std::string message = "verification '" + op.verification_ref() + "' of project '" +
                          op.project_id() + "' was already issued as batch " +
                          std::to_string(*earlier);
    CREG_ASSIGN_OR_RETURN(std::optional<pb::BatchRecord> batch,
                          ctx.tables.Batch(ctx.overlay, *earlier));
    if (batch.has_value() && batch->verification_ref() != op.verification_ref()) {
      message += " (written '" + batch->verification_ref() + "')";
    }
    return Reject(RuleCode::kDuplicateIssuance, message);
  }
  CREG_ASSIGN_OR_RETURN(uint64_t batch_number, ctx.tables.NextBatchNumber(ctx.overlay));

  pb::BatchRecord batch;
  batch.set_batch(batch_number);
  batch.set_project_id(op.project_id());
  batch.set_vintage_start(op.vintage_start());
  batch.set_vintage_end(op.vintage_end());
  batch.set_quantity(op.quantity());
  batch.set_issued_to(op.to_account());
  batch.set_verification_ref(op.verification_ref());
  batch.set_issued_at_entry(ctx.entry_index);
  batch.set_issued_micros(ctx.timestamp_micros);
  ctx.tables.PutBatch(ctx.overlay, batch);
  ctx.tables.PutVerification(ctx.overlay, op.project_id(), ref_key, batch_number);
  ctx.tables.PutNextBatchNumber(ctx.overlay, batch_number + 1);

  Block block;
  block.batch = batch_number;
  block.first = 1;
  block.last = op.quantity();
  block.record.set_owner(op.to_account());
  block.record.set_status(pb::BLOCK_ACTIVE);
  block.record.set_changed_at_entry(ctx.entry_index);
  ctx.tables.PutBlock(ctx.overlay, block);

  ctx.effects.set_batch(batch_number);
  ctx.effects.set_quantity(op.quantity());
  pb::SerialBlock* issued = ctx.effects.add_blocks();
  issued->set_batch(batch_number);
  issued->set_first(1);
  issued->set_last(op.quantity());
  ctx.accounts.insert(op.to_account());
  ctx.batches.insert(batch_number);
  return Accept();
}

}  // namespace creg::internal
