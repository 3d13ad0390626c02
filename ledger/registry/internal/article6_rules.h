// Article 6 in the moves that use credits (docs/rules.md, "Article 6"):
// what a retirement's or cancellation's use asks of the credits, and the
// first transfer it records. The authorize and corresponding adjustment
// transactions themselves are in rules.h.
#pragma once

#include <optional>
#include <string>

#include "creg/transaction.pb.h"
#include "ledger/registry/internal/block_attributes.h"
#include "ledger/registry/internal/rules.h"

namespace creg::internal {

// Checks the use fields of a retirement or cancellation: `use` a known
// CreditUse (MALFORMED), `using_entity` free text of at most 200 bytes
// (INVALID_TEXT, MALFORMED).
std::optional<Rejection> CheckUse(pb::CreditUse use, const std::string& using_entity);

// The change a retirement or cancellation for `use` makes to each moved
// piece's attributes: refuses USE_NOT_AUTHORIZED when `use` is NDC or OIMP
// and the credits are not authorised for it, and records the first
// transfer (first_transfer_entry = ctx.entry_index) of credits whose
// authorisation puts it at use or cancellation. `ctx` must outlive it.
AttributeChange UseOfCredits(const RuleContext& ctx, pb::CreditUse use);

}  // namespace creg::internal
