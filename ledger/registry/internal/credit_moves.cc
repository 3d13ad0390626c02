#include "ledger/registry/internal/credit_moves.h"

#include <algorithm>
#include <vector>

#include "ledger/registry/internal/validate.h"

namespace creg::internal {

std::string SerialRangeText(uint64_t batch, uint64_t first, uint64_t last) {
  return "serials " + std::to_string(first) + "-" + std::to_string(last) + " of batch " +
         std::to_string(batch);
}

std::string GroupedNumber(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

void AppendAttributedRun(google::protobuf::RepeatedPtrField<pb::AttributedBlock>& out,
                         const pb::SerialBlock& run, const pb::BlockAttributes& attributes) {
  if (attributes.ByteSizeLong() == 0) return;
  if (!out.empty()) {
    pb::AttributedBlock& prev = *out.rbegin();
    if (prev.block().batch() == run.batch() && prev.block().last() + 1 == run.first() &&
        prev.attributes().SerializeAsString() == attributes.SerializeAsString()) {
      prev.mutable_block()->set_last(run.last());
      return;
    }
  }
  pb::AttributedBlock* added = out.Add();
  *added->mutable_block() = run;
  *added->mutable_attributes() = attributes;
}

namespace {

std::string Range(uint64_t batch, uint64_t first, uint64_t last) {
  return SerialRangeText(batch, first, last);
}

std::string Grouped(uint64_t n) { return GroupedNumber(n); }

// "10,000"
std::string Cap() { return Grouped(kMaxBlocksPerTransaction); }

class Mover {
 public:
  Mover(RuleContext& ctx, const std::string& holder, const Disposition& to)
      : ctx_(ctx), holder_(holder), to_(to) {}

  // Moves [first, last] of `batch`, which must all be active and held.
  RuleResult MoveRange(uint64_t batch, uint64_t first, uint64_t last) {
    uint64_t serial = first;
    while (serial <= last) {
      CREG_ASSIGN_OR_RETURN(std::optional<Block> block,
                            ctx_.tables.BlockContaining(ctx_.overlay, batch, serial));
      if (!block.has_value())
        return InternalError("batch " + std::to_string(batch) + " has no block for serial " +
                             std::to_string(serial));
      uint64_t piece_last = std::min(last, block->last);
      if (block->record.status() == pb::BLOCK_RETIRED) {
        return Reject(RuleCode::kCreditsRetired, Range(batch, serial, piece_last) +
                                                     " are already retired (" +
                                                     block->record.retirement_id() + ")");
      }
      if (block->record.status() == pb::BLOCK_CANCELLED) {
        return Reject(RuleCode::kCreditsCancelled,
                      Range(batch, serial, piece_last) + " were cancelled");
      }
      if (block->record.owner() != holder_) {
        return Reject(RuleCode::kCreditsNotHeld, "account '" + holder_ + "' does not hold " +
                                                     Range(batch, serial, piece_last));
      }
      if (moved_.size() >= static_cast<size_t>(kMaxBlocksPerTransaction)) {
        return Reject(RuleCode::kTooManyBlocks,
                      "the serials named lie in more than " + Cap() + " serial blocks (" +
                          Range(batch, serial, piece_last) + " would be block " +
                          Grouped(moved_.size() + 1) + "); at most " + Cap() +
                          " per transaction: name fewer serials and move the rest in "
                          "another transaction");
      }
      pb::BlockAttributes attributes = block->record.attributes();
      if (to_.change_attributes) {
        if (std::optional<Rejection> refused =
                to_.change_attributes(batch, serial, piece_last, attributes)) {
          return std::optional<Rejection>(std::move(*refused));
        }
      }
      Split(*block, serial, piece_last, std::move(attributes));
      serial = piece_last + 1;
    }
    return Accept();
  }

  // Moves the `quantity` lowest serials `holder` has in `batch`. Reads at
  // most kMaxBlocksPerTransaction + 1 of the holder's blocks, however many
  // it has.
  RuleResult MoveQuantity(uint64_t batch, uint64_t quantity) {
    std::vector<Holding> taken;
    uint64_t remaining = quantity;
    bool over_cap = false;
    CREG_RETURN_IF_ERROR(
        ctx_.tables.ScanHoldings(ctx_.overlay, holder_, batch, [&](const Holding& h) {
          if (taken.size() == static_cast<size_t>(kMaxBlocksPerTransaction)) {
            over_cap = true;
            return false;
          }
          taken.push_back(h);
          uint64_t size = h.last - h.first + 1;
          remaining -= std::min(size, remaining);
          return remaining > 0;
        }));
    if (over_cap) {
      const uint64_t within = quantity - remaining;  // what the lowest blocks taken hold
      return Reject(RuleCode::kTooManyBlocks,
                    "moving " + Grouped(quantity) + " t of batch " + std::to_string(batch) +
                        " from account '" + holder_ + "' would take more than " + Cap() +
                        " serial blocks (its " + Cap() + " lowest blocks of the batch hold " +
                        Grouped(within) + " t); at most " + Cap() +
                        " per transaction: move at most " + Grouped(within) +
                        " t in this one and the rest in others");
    }
    if (remaining > 0) {
      return Reject(RuleCode::kInsufficientCredits,
                    "account '" + holder_ + "' holds only " + std::to_string(quantity - remaining) +
                        " active credits of batch " + std::to_string(batch) + ", " +
                        std::to_string(quantity) + " asked");
    }
    remaining = quantity;
    for (const Holding& h : taken) {
      uint64_t size = h.last - h.first + 1;
      uint64_t take = std::min(size, remaining);
      RuleResult moved = MoveRange(batch, h.first, h.first + take - 1);
      if (!moved.ok() || moved->has_value()) return moved;
      remaining -= take;
    }
    return Accept();
  }

  // Writes the moved blocks into the effects, contiguous ones merged.
  void RecordEffects() {
    std::sort(moved_.begin(), moved_.end(), [](const MovedPiece& a, const MovedPiece& b) {
      return std::make_pair(a.block.batch(), a.block.first()) <
             std::make_pair(b.block.batch(), b.block.first());
    });
    uint64_t total = 0;
    for (const MovedPiece& piece : moved_) {
      const pb::SerialBlock& b = piece.block;
      AppendAttributedRun(*ctx_.effects.mutable_attributed(), b, piece.attributes);
      total += b.last() - b.first() + 1;
      int n = ctx_.effects.blocks_size();
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
  }

 private:
  // Replaces `block` by up to three pieces; the middle one [first, last]
  // goes to the disposition, carrying `attributes`. A piece that ends
  // inside `block` has a key no block has (the blocks partition the batch).
  void Split(const Block& block, uint64_t first, uint64_t last, pb::BlockAttributes attributes) {
    ctx_.tables.DeleteBlock(ctx_.overlay, block);
    if (block.first < first) {
      Block left = block;
      left.last = first - 1;
      ctx_.tables.PutNewBlock(ctx_.overlay, left);
    }
    if (last < block.last) {
      Block right = block;
      right.first = last + 1;
      ctx_.tables.PutBlock(ctx_.overlay, right);
    }
    Block moved = block;
    moved.first = first;
    moved.last = last;
    moved.record.set_owner(to_.owner);
    moved.record.set_status(to_.status);
    moved.record.set_retirement_id(to_.retirement_id);
    moved.record.set_changed_at_entry(ctx_.entry_index);
    *moved.record.mutable_attributes() = attributes;
    if (last < block.last) {
      ctx_.tables.PutNewBlock(ctx_.overlay, moved);
    } else {
      ctx_.tables.PutBlock(ctx_.overlay, moved);
    }
    MovedPiece piece;
    piece.block.set_batch(block.batch);
    piece.block.set_first(first);
    piece.block.set_last(last);
    piece.attributes = std::move(attributes);
    moved_.push_back(std::move(piece));
    ctx_.batches.insert(block.batch);
  }

  // A moved piece and the attributes it carries with it.
  struct MovedPiece {
    pb::SerialBlock block;
    pb::BlockAttributes attributes;
  };

  RuleContext& ctx_;
  const std::string& holder_;
  const Disposition& to_;
  std::vector<MovedPiece> moved_;
};

}  // namespace

RuleResult MoveCredits(RuleContext& ctx, const std::string& holder,
                       const pb::CreditSelection& selection, const Disposition& to) {
  const bool by_blocks = selection.blocks_size() > 0;
  const bool by_quantity = selection.batch() != 0 || selection.quantity() != 0;
  if (by_blocks == by_quantity) {
    return Reject(RuleCode::kMalformed,
                  "name either serial blocks or a batch and a quantity, not both or neither");
  }
  Mover mover(ctx, holder, to);
  if (by_quantity) {
    if (selection.quantity() == 0 || selection.quantity() > kMaxQuantity) {
      return Reject(RuleCode::kInvalidQuantity, "quantity must be 1 to " +
                                                    std::to_string(kMaxQuantity) + ", got " +
                                                    std::to_string(selection.quantity()));
    }
    CREG_ASSIGN_OR_RETURN(std::optional<pb::BatchRecord> batch,
                          ctx.tables.Batch(ctx.overlay, selection.batch()));
    if (!batch.has_value())
      return Reject(RuleCode::kUnknownBatch,
                    "batch " + std::to_string(selection.batch()) + " does not exist");
    RuleResult moved = mover.MoveQuantity(selection.batch(), selection.quantity());
    if (!moved.ok() || moved->has_value()) return moved;
  } else {
    std::vector<pb::SerialBlock> blocks(selection.blocks().begin(), selection.blocks().end());
    RuleResult checked = SortAndCheckBlocks(ctx, blocks);
    if (!checked.ok() || checked->has_value()) return checked;
    for (const pb::SerialBlock& b : blocks) {
      RuleResult moved = mover.MoveRange(b.batch(), b.first(), b.last());
      if (!moved.ok() || moved->has_value()) return moved;
    }
  }
  mover.RecordEffects();
  return Accept();
}

RuleResult SortAndCheckBlocks(const RuleContext& ctx, std::vector<pb::SerialBlock>& blocks) {
  if (blocks.size() > static_cast<size_t>(kMaxBlocksPerTransaction)) {
    return Reject(RuleCode::kInvalidSerials, "at most " + Cap() +
                                                 " serial blocks per transaction, " +
                                                 Grouped(blocks.size()) + " named");
  }
  std::sort(blocks.begin(), blocks.end(), [](const pb::SerialBlock& a, const pb::SerialBlock& b) {
    return std::make_pair(a.batch(), a.first()) < std::make_pair(b.batch(), b.first());
  });
  for (size_t i = 0; i < blocks.size(); ++i) {
    const pb::SerialBlock& b = blocks[i];
    if (b.first() == 0 || b.first() > b.last()) {
      return Reject(RuleCode::kInvalidSerials,
                    "block " + std::to_string(b.first()) + "-" + std::to_string(b.last()) +
                        " of batch " + std::to_string(b.batch()) + " must have 1 <= first <= last");
    }
    if (i > 0 && blocks[i - 1].batch() == b.batch() && blocks[i - 1].last() >= b.first()) {
      return Reject(RuleCode::kInvalidSerials,
                    "serial blocks overlap in batch " + std::to_string(b.batch()));
    }
    CREG_ASSIGN_OR_RETURN(std::optional<pb::BatchRecord> batch,
                          ctx.tables.Batch(ctx.overlay, b.batch()));
    if (!batch.has_value())
      return Reject(RuleCode::kUnknownBatch,
                    "batch " + std::to_string(b.batch()) + " does not exist");
    if (b.last() > batch->quantity()) {
      return Reject(RuleCode::kInvalidSerials,
                    "batch " + std::to_string(b.batch()) + " has serials 1-" +
                        std::to_string(batch->quantity()) + ", not " + std::to_string(b.last()));
    }
  }
  return Accept();
}

}  // namespace creg::internal
