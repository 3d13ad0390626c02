// Changing the per-block attributes (BlockAttributes: labels, ...) of the
// active credits an operator selects, splitting stored blocks so that each
// keeps one set of attributes. Shared by every attribute transaction
// (docs/rules.md, "Labels"; docs/data-model.md, "Block attributes").
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "creg/state.pb.h"
#include "creg/transaction.pb.h"
#include "ledger/registry/internal/rules.h"

namespace creg::internal {

// Changes `attributes`, those of the active credits [first, last] of
// `batch` (one stored block's share of the selection), in place; or
// refuses the whole transaction by returning a Rejection.
using AttributeChange = std::function<std::optional<Rejection>(
    uint64_t batch, uint64_t first, uint64_t last, pb::BlockAttributes& attributes)>;

// Applies `change` to every stored block's share of the active credits in
// `selection`, in serial order, and writes the changed pieces (split off
// their blocks) into ctx.overlay; retired and cancelled credits in the
// selection are left as they are. ctx.effects gets the changed pieces in
// `blocks` (merged where contiguous) and their total in `quantity`;
// ctx.accounts the holders of the changed credits; ctx.batches the batches.
// Refusals: MALFORMED (neither or both of blocks and batch), UNKNOWN_BATCH,
// INVALID_SERIALS, TOO_MANY_BLOCKS (the selection spans more than
// kMaxBlocksPerTransaction stored blocks), NO_ACTIVE_CREDITS (no active
// credit in the selection), and whatever `change` returns.
RuleResult ChangeBlockAttributes(RuleContext& ctx, const pb::BlockSelection& selection,
                                 const AttributeChange& change);

}  // namespace creg::internal
