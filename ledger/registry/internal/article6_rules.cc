#include "ledger/registry/internal/article6_rules.h"

#include <algorithm>
#include <map>

#include "ledger/registry/article6.h"
#include "ledger/registry/internal/credit_moves.h"
#include "ledger/registry/internal/text_rules.h"
#include "ledger/registry/internal/validate.h"

namespace creg::internal {
namespace {

constexpr size_t kMaxReference = 200;

// The authorisation as stored: checked, its uses in ascending order.
// INVALID_AUTHORIZATION naming what is wrong; MALFORMED or INVALID_TEXT for
// the reference.
std::optional<Rejection> CheckAuthorization(const pb::Article6Authorization& a,
                                            pb::Article6Authorization& stored) {
  auto invalid = [](std::string why) {
    return Rejection{RuleCode::kInvalidAuthorization, std::move(why)};
  };
  if (std::string why = CheckCountry(a.party()); !why.empty()) {
    return invalid("authorising party '" + a.party() + "' " + why);
  }
  if (auto refused = CheckFreeText("authorisation reference", a.reference(), kMaxReference, true))
    return refused;
  if (std::string why = CheckDate(a.date()); !why.empty()) {
    return invalid("authorisation date '" + a.date() + "' " + why);
  }
  if (a.uses_size() == 0) {
    return invalid("an authorisation names at least one use: ndc, oimp or other-international");
  }
  std::vector<int> uses(a.uses().begin(), a.uses().end());
  std::sort(uses.begin(), uses.end());
  for (size_t i = 0; i < uses.size(); ++i) {
    if (uses[i] == pb::AUTHORIZED_USE_UNSPECIFIED || !pb::AuthorizedUse_IsValid(uses[i])) {
      return invalid("authorised use " + std::to_string(uses[i]) +
                     " is not one of ndc, oimp, other-international");
    }
    if (i > 0 && uses[i] == uses[i - 1]) {
      return invalid("authorised use " +
                     AuthorizedUseName(static_cast<pb::AuthorizedUse>(uses[i])) +
                     " is named twice");
    }
  }
  if (a.first_transfer() == pb::FIRST_TRANSFER_UNSPECIFIED ||
      !pb::FirstTransfer_IsValid(a.first_transfer())) {
    return invalid(
        "an authorisation defines its first transfer: authorization, issuance or "
        "use-or-cancellation");
  }
  stored = a;
  stored.clear_uses();
  for (int use : uses) stored.add_uses(static_cast<pb::AuthorizedUse>(use));
  return std::nullopt;
}

bool Authorizes(const pb::Article6Authorization& a, pb::AuthorizedUse use) {
  return std::find(a.uses().begin(), a.uses().end(), use) != a.uses().end();
}

// Credits authorised for NDC or OIMP use need a corresponding adjustment.
bool NeedsAdjustment(const pb::Article6Authorization& a) {
  return Authorizes(a, pb::AUTHORIZED_NDC) || Authorizes(a, pb::AUTHORIZED_OIMP);
}

// The batches a selection names, with the entry that issued each (for a
// first transfer at issuance). Unknown batches are left out: the selection
// check refuses them.
StatusOr<std::map<uint64_t, uint64_t>> IssuanceEntries(const RuleContext& ctx,
                                                       const pb::BlockSelection& selection) {
  std::map<uint64_t, uint64_t> out;
  std::vector<uint64_t> batches;
  if (selection.batch() != 0) batches.push_back(selection.batch());
  for (const pb::SerialBlock& b : selection.blocks()) batches.push_back(b.batch());
  for (uint64_t batch : batches) {
    if (out.contains(batch) || out.size() >= static_cast<size_t>(kMaxBlocksPerTransaction))
      continue;
    CREG_ASSIGN_OR_RETURN(std::optional<pb::BatchRecord> record,
                          ctx.tables.Batch(ctx.overlay, batch));
    if (record.has_value()) out[batch] = record->issued_at_entry();
  }
  return out;
}

}  // namespace

RuleResult ApplyAuthorize(RuleContext& ctx, const pb::Authorize& op) {
  if (!IsOperator(ctx.signer))
    return Reject(RuleCode::kNotAuthorized, "only a registry operator may record an authorisation");
  pb::Article6Authorization authorization;
  if (auto refused = CheckAuthorization(op.authorization(), authorization)) {
    return std::optional<Rejection>(std::move(*refused));
  }
  CREG_ASSIGN_OR_RETURN(const auto issued, IssuanceEntries(ctx, op.credits()));
  const pb::AdjustmentStatus adjustment =
      NeedsAdjustment(authorization) ? pb::ADJUSTMENT_PENDING : pb::ADJUSTMENT_NOT_REQUIRED;
  return ChangeBlockAttributes(
      ctx, op.credits(),
      [&](uint64_t batch, uint64_t first, uint64_t last,
          pb::BlockAttributes& attributes) -> std::optional<Rejection> {
        if (attributes.has_authorization()) {
          return Rejection{RuleCode::kAlreadyAuthorized,
                           SerialRangeText(batch, first, last) + " are already authorised by " +
                               AuthorizationText(attributes.authorization())};
        }
        *attributes.mutable_authorization() = authorization;
        attributes.set_adjustment(adjustment);
        attributes.clear_adjustment_reference();
        switch (authorization.first_transfer()) {
          case pb::FIRST_TRANSFER_AUTHORIZATION:
            attributes.set_first_transfer_entry(ctx.entry_index);
            break;
          case pb::FIRST_TRANSFER_ISSUANCE: {
            auto at = issued.find(batch);
            attributes.set_first_transfer_entry(at == issued.end() ? 0 : at->second);
            break;
          }
          default:
            attributes.clear_first_transfer_entry();
            break;
        }
        return std::nullopt;
      });
}

RuleResult ApplyCorrespondingAdjustment(RuleContext& ctx, const pb::CorrespondingAdjustment& op) {
  if (!IsOperator(ctx.signer)) {
    return Reject(RuleCode::kNotAuthorized,
                  "only a registry operator may record a corresponding adjustment");
  }
  if (op.status() != pb::ADJUSTMENT_PENDING && op.status() != pb::ADJUSTMENT_APPLIED) {
    return Reject(RuleCode::kMalformed,
                  "a corresponding adjustment sets the status pending or applied");
  }
  if (auto refused = CheckFreeText("adjustment reference", op.reference(), kMaxReference, true))
    return refused;
  const pb::AdjustmentStatus status = op.status();
  return ChangeBlockAttributes(
      ctx, op.credits(),
      [&](uint64_t batch, uint64_t first, uint64_t last,
          pb::BlockAttributes& attributes) -> std::optional<Rejection> {
        const std::string which = SerialRangeText(batch, first, last);
        if (!attributes.has_authorization()) {
          return Rejection{RuleCode::kAdjustmentUnauthorized,
                           which +
                               " carry no Article 6 authorisation, so no corresponding "
                               "adjustment is made for them"};
        }
        if (attributes.adjustment() >= status) {
          return Rejection{RuleCode::kAdjustmentNotForward,
                           which + " already have adjustment status " +
                               AdjustmentStatusName(attributes.adjustment()) +
                               "; the status moves only forward (not-required, pending, "
                               "applied), so not to " +
                               AdjustmentStatusName(status)};
        }
        attributes.set_adjustment(status);
        attributes.set_adjustment_reference(op.reference());
        return std::nullopt;
      },
      AttributeScope::kAll);
}

std::optional<Rejection> CheckUse(pb::CreditUse use, const std::string& using_entity) {
  if (!pb::CreditUse_IsValid(use)) {
    return Rejection{RuleCode::kMalformed,
                     "use " + std::to_string(use) + " is not one of voluntary, ndc, oimp"};
  }
  return CheckFreeText("using entity", using_entity, kMaxReference, false);
}

AttributeChange UseOfCredits(const RuleContext& ctx, pb::CreditUse use) {
  return [&ctx, use](uint64_t batch, uint64_t first, uint64_t last,
                     pb::BlockAttributes& attributes) -> std::optional<Rejection> {
    const pb::AuthorizedUse needed = use == pb::CREDIT_USE_NDC    ? pb::AUTHORIZED_NDC
                                     : use == pb::CREDIT_USE_OIMP ? pb::AUTHORIZED_OIMP
                                                                  : pb::AUTHORIZED_USE_UNSPECIFIED;
    if (needed != pb::AUTHORIZED_USE_UNSPECIFIED &&
        !(attributes.has_authorization() && Authorizes(attributes.authorization(), needed))) {
      const std::string what =
          attributes.has_authorization()
              ? "are authorised only for " + AuthorizedUsesText(attributes.authorization())
              : "carry no Article 6 authorisation";
      return Rejection{RuleCode::kUseNotAuthorized, SerialRangeText(batch, first, last) + " " +
                                                        what + ", so they cannot be " +
                                                        "used for " + CreditUseName(use)};
    }
    if (attributes.has_authorization() &&
        attributes.authorization().first_transfer() == pb::FIRST_TRANSFER_USE_OR_CANCELLATION &&
        attributes.first_transfer_entry() == 0) {
      attributes.set_first_transfer_entry(ctx.entry_index);
    }
    return std::nullopt;
  };
}

}  // namespace creg::internal
