#include "ledger/registry/internal/block_attributes.h"

#include <vector>

#include "ledger/registry/internal/credit_moves.h"

namespace creg::internal {
namespace {

class AttributeWriter {
 public:
  AttributeWriter(RuleContext& ctx, const AttributeChange& change, AttributeScope scope)
      : ctx_(ctx), change_(change), scope_(scope) {}

  // Changes the credits of [first, last] of `batch` that the scope reaches.
  RuleResult ChangeRange(uint64_t batch, uint64_t first, uint64_t last) {
    uint64_t serial = first;
    while (serial <= last) {
      CREG_ASSIGN_OR_RETURN(std::optional<Block> block,
                            ctx_.tables.BlockContaining(ctx_.overlay, batch, serial));
      if (!block.has_value())
        return InternalError("batch " + std::to_string(batch) + " has no block for serial " +
                             std::to_string(serial));
      const uint64_t piece_last = std::min(last, block->last);
      if (++visited_ > static_cast<uint64_t>(kMaxBlocksPerTransaction)) {
        const std::string cap = GroupedNumber(kMaxBlocksPerTransaction);
        return Reject(RuleCode::kTooManyBlocks,
                      "the credits selected lie in more than " + cap + " serial blocks (" +
                          SerialRangeText(batch, serial, piece_last) + " would be block " +
                          GroupedNumber(visited_) + "); at most " + cap +
                          " per transaction: select fewer serials and the rest in another "
                          "transaction");
      }
      if (scope_ == AttributeScope::kAll || block->record.status() == pb::BLOCK_ACTIVE) {
        pb::BlockAttributes attributes = block->record.attributes();
        if (std::optional<Rejection> refused = change_(batch, serial, piece_last, attributes)) {
          return std::optional<Rejection>(std::move(*refused));
        }
        Split(*block, serial, piece_last, std::move(attributes));
      }
      serial = piece_last + 1;
    }
    return Accept();
  }

  // Writes the changed pieces into the effects; false if there are none.
  bool RecordEffects() {
    uint64_t total = 0;
    for (const pb::SerialBlock& b : changed_) {
      total += b.last() - b.first() + 1;
      const int n = ctx_.effects.blocks_size();
      if (n > 0) {
        pb::SerialBlock* prev = ctx_.effects.mutable_blocks(n - 1);
        if (prev->batch() == b.batch() && prev->last() + 1 == b.first()) {
          prev->set_last(b.last());
          continue;
        }
      }
      *ctx_.effects.add_blocks() = b;
    }
    ctx_.effects.set_quantity(total);
    return total > 0;
  }

 private:
  // Replaces `block` by up to three pieces; the middle one [first, last]
  // gets `attributes`.
  void Split(const Block& block, uint64_t first, uint64_t last, pb::BlockAttributes attributes) {
    ctx_.tables.DeleteBlock(ctx_.overlay, block);
    if (block.first < first) {
      Block left = block;
      left.last = first - 1;
      ctx_.tables.PutBlock(ctx_.overlay, left);
    }
    if (last < block.last) {
      Block right = block;
      right.first = last + 1;
      ctx_.tables.PutBlock(ctx_.overlay, right);
    }
    Block changed = block;
    changed.first = first;
    changed.last = last;
    *changed.record.mutable_attributes() = std::move(attributes);
    changed.record.set_changed_at_entry(ctx_.entry_index);
    ctx_.tables.PutBlock(ctx_.overlay, changed);
    pb::SerialBlock piece;
    piece.set_batch(block.batch);
    piece.set_first(first);
    piece.set_last(last);
    changed_.push_back(piece);
    ctx_.batches.insert(block.batch);
    ctx_.accounts.insert(block.record.owner());
  }

  RuleContext& ctx_;
  const AttributeChange& change_;
  const AttributeScope scope_;
  uint64_t visited_ = 0;
  std::vector<pb::SerialBlock> changed_;
};

}  // namespace

RuleResult ChangeBlockAttributes(RuleContext& ctx, const pb::BlockSelection& selection,
                                 const AttributeChange& change, AttributeScope scope) {
  const bool by_blocks = selection.blocks_size() > 0;
  const bool by_batch = selection.batch() != 0;
  if (by_blocks == by_batch) {
    return Reject(RuleCode::kMalformed,
                  "name either serial blocks or a whole batch, not both or neither");
  }
  std::vector<pb::SerialBlock> ranges;
  if (by_batch) {
    CREG_ASSIGN_OR_RETURN(std::optional<pb::BatchRecord> batch,
                          ctx.tables.Batch(ctx.overlay, selection.batch()));
    if (!batch.has_value())
      return Reject(RuleCode::kUnknownBatch,
                    "batch " + std::to_string(selection.batch()) + " does not exist");
    pb::SerialBlock whole;
    whole.set_batch(selection.batch());
    whole.set_first(1);
    whole.set_last(batch->quantity());
    ranges.push_back(whole);
  } else {
    ranges.assign(selection.blocks().begin(), selection.blocks().end());
    RuleResult checked = SortAndCheckBlocks(ctx, ranges);
    if (!checked.ok() || checked->has_value()) return checked;
  }
  AttributeWriter writer(ctx, change, scope);
  for (const pb::SerialBlock& r : ranges) {
    RuleResult changed = writer.ChangeRange(r.batch(), r.first(), r.last());
    if (!changed.ok() || changed->has_value()) return changed;
  }
  if (!writer.RecordEffects()) {
    return Reject(RuleCode::kNoActiveCredits,
                  "the credits selected are all retired or cancelled; only active credits "
                  "take a change of labels or other attributes");
  }
  return Accept();
}

}  // namespace creg::internal
