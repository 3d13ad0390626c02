// Changing the per-block attributes (BlockAttributes: labels, Article 6
// authorisation, ...) of the credits an operator selects, splitting stored blocks so that each
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

// Which credits of a selection an attribute change reaches.
enum class AttributeScope {
  kActive,  // active credits only; retired and cancelled ones keep theirs
  kAll,     // every credit, whatever its status (corresponding adjustments)
};

// Applies `change` to every stored block's share of the credits in
// `selection` that `scope` reaches, in serial order, and writes the changed
// pieces (split off their blocks) into ctx.overlay; with kActive, retired
// and cancelled credits in the selection are left as they are. ctx.effects gets the changed pieces
// in `blocks` (merged where contiguous) and their total in `quantity`; ctx.accounts the holders of
// the changed credits; ctx.batches the batches. Refusals: MALFORMED (neither or both of blocks and
// batch), UNKNOWN_BATCH, INVALID_SERIALS, TOO_MANY_BLOCKS (the selection spans more than
// kMaxBlocksPerTransaction stored blocks), NO_ACTIVE_CREDITS (kActive: no
// active credit in the selection), and whatever `change` returns.
RuleResult ChangeBlockAttributes(RuleContext& ctx, const pb::BlockSelection& selection,
                                 const AttributeChange& change,
                                 AttributeScope scope = AttributeScope::kActive);

}  // namespace creg::internal
