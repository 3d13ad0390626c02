#include <algorithm>

#include "ledger/registry/internal/block_attributes.h"
#include "ledger/registry/internal/credit_moves.h"
#include "ledger/registry/internal/rules.h"
#include "ledger/registry/internal/text_rules.h"
#include "ledger/registry/labels.h"

namespace creg::internal {

RuleResult ApplyLabel(RuleContext& ctx, const pb::Label& op) {
  if (!IsOperator(ctx.signer))
    return Reject(RuleCode::kNotAuthorized, "only a registry operator may label credits");
  if (op.action() != pb::LABEL_ADD && op.action() != pb::LABEL_REMOVE) {
    return Reject(RuleCode::kMalformed, "a label transaction must add or remove its label");
  }
  if (std::string why = CheckLabel(op.label()); !why.empty()) {
    return Reject(RuleCode::kInvalidLabel, "label '" + op.label() + "' " + why);
  }
  if (auto refused = CheckFreeText("label reference", op.reference(), 200, true)) return refused;
  const bool add = op.action() == pb::LABEL_ADD;
  const std::string& label = op.label();
  return ChangeBlockAttributes(
      ctx, op.credits(),
      [&](uint64_t batch, uint64_t first, uint64_t last,
          pb::BlockAttributes& attributes) -> std::optional<Rejection> {
        auto* labels = attributes.mutable_labels();
        auto at = std::lower_bound(labels->begin(), labels->end(), label);
        const bool present = at != labels->end() && *at == label;
        const std::string which = SerialRangeText(batch, first, last);
        if (add) {
          if (present) {
            return Rejection{RuleCode::kLabelPresent,
                             which + " already carry label '" + label + "'"};
          }
          if (labels->size() >= kMaxLabelsPerBlock) {
            return Rejection{RuleCode::kTooManyLabels,
                             which + " already carry " + std::to_string(kMaxLabelsPerBlock) +
                                 " labels, the most credits may carry; remove one first"};
          }
          labels->Add(std::string(label));
          std::sort(labels->begin(), labels->end());
          return std::nullopt;
        }
        if (!present) {
          return Rejection{RuleCode::kLabelAbsent, which + " do not carry label '" + label + "'"};
        }
        labels->erase(at);
        return std::nullopt;
      });
}

}  // namespace creg::internal
