// Moving serial blocks: resolving a CreditSelection against what an account
// holds, splitting blocks, and handing the moved pieces to a new owner or a
// final status. Shared by transfer, retirement and cancellation.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "creg/state.pb.h"
#include "creg/transaction.pb.h"
#include "ledger/registry/internal/block_attributes.h"
#include "ledger/registry/internal/rules.h"

namespace creg::internal {

// What happens to the moved credits.
struct Disposition {
  std::string owner;  // new owner (the same for retire/cancel)
  pb::BlockStatus status = pb::BLOCK_ACTIVE;
  std::string retirement_id;  // for retired blocks
  // When set, changes the attributes each moved piece carries (an Article 6
  // first transfer), or refuses the move (a use the credits are not
  // authorised for).
  AttributeChange change_attributes;
};

// The most serial blocks one transaction may name, and the most stored
// blocks of the partition one move may take credits from, whether the
// selection names blocks or a quantity (docs/rules.md, "Credit
// selections"). It bounds what one transaction costs to apply and what its
// entry stores: at most this many blocks in Effects.blocks, so the largest
// entry stays far under the entry page and frame limits (docs/protocol.md,
// "Limits and timeouts", has the figure). kMaxTransactionBytes
// (transaction.h) is sized to hold this many named blocks.
inline constexpr int kMaxBlocksPerTransaction = 10'000;

// Moves the credits `selection` names out of `holder`'s active holdings,
// writing the split blocks into ctx.overlay and the moved blocks (merged
// where contiguous, in serial order) into ctx.effects. Costs O(log n) per
// block touched, whatever the number of blocks the holder has, and touches
// at most kMaxBlocksPerTransaction + 1 blocks before it accepts or refuses.
// Refusals: MALFORMED, UNKNOWN_BATCH, INVALID_SERIALS, INVALID_QUANTITY,
// CREDITS_NOT_HELD, CREDITS_RETIRED, CREDITS_CANCELLED, INSUFFICIENT_CREDITS,
// TOO_MANY_BLOCKS (the credits lie in more than kMaxBlocksPerTransaction
// stored blocks).
RuleResult MoveCredits(RuleContext& ctx, const std::string& holder,
                       const pb::CreditSelection& selection, const Disposition& to);

// Sorts explicitly named serial blocks into (batch, first) order and checks
// them: at most kMaxBlocksPerTransaction, 1 <= first <= last, no overlap,
// each batch known and holding `last`. Refusals: INVALID_SERIALS,
// UNKNOWN_BATCH.
RuleResult SortAndCheckBlocks(const RuleContext& ctx, std::vector<pb::SerialBlock>& blocks);

// "serials 3-7 of batch 2", for messages.
std::string SerialRangeText(uint64_t batch, uint64_t first, uint64_t last);
// 23456 -> "23,456", for messages.
std::string GroupedNumber(uint64_t n);

// Appends `run` to `out` (runs in serial order), merged into the last run
// when contiguous with it and with the same attributes; runs with no
// attributes are left out. Builds Effects.attributed.
void AppendAttributedRun(google::protobuf::RepeatedPtrField<pb::AttributedBlock>& out,
                         const pb::SerialBlock& run, const pb::BlockAttributes& attributes);

}  // namespace creg::internal
