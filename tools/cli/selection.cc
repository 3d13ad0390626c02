#include "tools/cli/selection.h"

#include <charconv>

namespace creg::cli {
namespace {

bool ParseUint(std::string_view text, uint64_t* out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

StatusOr<pb::SerialBlock> ParseBlock(std::string_view text) {
  auto bad = [&](std::string why) {
    return InvalidArgumentError("serial block '" + std::string(text) + "' " + why +
                                "; write BATCH:FIRST-LAST, e.g. 1:1-500");
  };
  uint64_t batch = 0, first = 0, last = 0;
  size_t colon = text.find(':');
  if (colon != std::string_view::npos) {
    std::string_view serials = text.substr(colon + 1);
    size_t dash = serials.find('-');
    std::string_view first_text = serials.substr(0, dash);
    std::string_view last_text =
        dash == std::string_view::npos ? first_text : serials.substr(dash + 1);
    if (!ParseUint(text.substr(0, colon), &batch) || !ParseUint(first_text, &first) ||
        !ParseUint(last_text, &last)) {
      return bad("is not in the serial notation");
    }
  } else {
    // A human serial string: BATCH-FIRST-LAST-CREG-...
    size_t d1 = text.find('-');
    size_t d2 = d1 == std::string_view::npos ? d1 : text.find('-', d1 + 1);
    size_t d3 = d2 == std::string_view::npos ? d2 : text.find('-', d2 + 1);
    if (d2 == std::string_view::npos || !ParseUint(text.substr(0, d1), &batch) ||
        !ParseUint(text.substr(d1 + 1, d2 - d1 - 1), &first) ||
        !ParseUint(text.substr(d2 + 1, d3 == std::string_view::npos ? d3 : d3 - d2 - 1), &last)) {
      return bad("is not in the serial notation");
    }
  }
  if (batch == 0) return bad("names batch 0; batches are numbered from 1");
  if (first == 0) return bad("starts at serial 0; serials are numbered from 1");
  if (first > last) return bad("ends before it starts");
  pb::SerialBlock block;
  block.set_batch(batch);
  block.set_first(first);
  block.set_last(last);
  return block;
}

}  // namespace

StatusOr<std::vector<pb::SerialBlock>> ParseSerials(std::string_view text) {
  std::vector<pb::SerialBlock> blocks;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of(",; \t", start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view piece = Trim(text.substr(start, end - start));
    if (!piece.empty()) {
      CREG_ASSIGN_OR_RETURN(pb::SerialBlock block, ParseBlock(piece));
      blocks.push_back(block);
    }
    start = end + 1;
  }
  if (blocks.empty()) {
    return InvalidArgumentError("no serial blocks given; write BATCH:FIRST-LAST, e.g. 1:1-500");
  }
  return blocks;
}

StatusOr<uint64_t> ParseCount(std::string_view text, std::string_view what, bool allow_zero) {
  std::string_view t = Trim(text);
  uint64_t value = 0;
  if (!ParseUint(t, &value) || (value == 0 && !allow_zero)) {
    return InvalidArgumentError(std::string(what) + " must be a whole number" +
                                (allow_zero ? "" : " of at least 1") + ", not '" + std::string(t) +
                                "'");
  }
  return value;
}

StatusOr<pb::CreditSelection> MakeSelection(const std::optional<std::string>& serials,
                                            const std::optional<std::string>& batch,
                                            const std::optional<std::string>& quantity) {
  pb::CreditSelection selection;
  if (serials.has_value() && !Trim(*serials).empty()) {
    if (quantity.has_value() && !Trim(*quantity).empty()) {
      return InvalidArgumentError("give serials or a batch and a quantity, not both");
    }
    CREG_ASSIGN_OR_RETURN(std::vector<pb::SerialBlock> blocks, ParseSerials(*serials));
    for (const pb::SerialBlock& b : blocks) *selection.add_blocks() = b;
    return selection;
  }
  bool has_batch = batch.has_value() && !Trim(*batch).empty();
  bool has_quantity = quantity.has_value() && !Trim(*quantity).empty();
  if (!has_batch && !has_quantity) {
    return InvalidArgumentError(
        "say which credits: serials (BATCH:FIRST-LAST) or a batch and a quantity");
  }
  if (!has_batch) return InvalidArgumentError("a quantity needs the batch it comes from");
  if (!has_quantity)
    return InvalidArgumentError("a batch needs a quantity (or give serials instead)");
  CREG_ASSIGN_OR_RETURN(uint64_t b, ParseCount(*batch, "batch"));
  CREG_ASSIGN_OR_RETURN(uint64_t q, ParseCount(*quantity, "quantity"));
  selection.set_batch(b);
  selection.set_quantity(q);
  return selection;
}

StatusOr<pb::BlockSelection> MakeBlockSelection(const std::optional<std::string>& serials,
                                                const std::optional<std::string>& batch) {
  if (serials.has_value() == batch.has_value()) {
    return InvalidArgumentError(
        "give --serials BATCH:FIRST-LAST[,...] or --batch N (the whole batch)");
  }
  pb::BlockSelection selection;
  if (serials) {
    CREG_ASSIGN_OR_RETURN(std::vector<pb::SerialBlock> blocks, ParseSerials(*serials));
    for (pb::SerialBlock& b : blocks) *selection.add_blocks() = std::move(b);
  } else {
    CREG_ASSIGN_OR_RETURN(uint64_t n, ParseCount(*batch, "--batch"));
    selection.set_batch(n);
  }
  return selection;
}

}  // namespace creg::cli
