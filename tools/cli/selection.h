// Which credits a command moves: the serial notation of docs/cli.md and the
// CreditSelection it becomes.
//
//   BATCH:FIRST-LAST   serials FIRST to LAST of batch BATCH, e.g. 1:1-500
//   BATCH:SERIAL       one serial, e.g. 1:42
//   several blocks separated by ',' ';' or spaces: 1:1-10,1:20-30
//   a human serial string as creg prints it (7-1-120-CREG-VCS-...) is read
//   as its first three numbers: batch 7, serials 1 to 120
//
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "creg/transaction.pb.h"
#include "ledger/status.h"

namespace creg::cli {

// InvalidArgument naming the block that is not in the notation.
StatusOr<std::vector<pb::SerialBlock>> ParseSerials(std::string_view text);

// A whole number >= 1 (>= 0 when `allow_zero`). InvalidArgument naming
// `what` for anything else, negative numbers included.
StatusOr<uint64_t> ParseCount(std::string_view text, std::string_view what,
                              bool allow_zero = false);

// Explicit blocks when `serials` is set, else `quantity` of the lowest serials
// of `batch`. InvalidArgument when both or neither are given.
StatusOr<pb::CreditSelection> MakeSelection(const std::optional<std::string>& serials,
                                            const std::optional<std::string>& batch,
                                            const std::optional<std::string>& quantity);

// The credits of an attribute command (label, authorize, adjust): explicit
// blocks when `serials` is set, else every credit of `batch`.
// InvalidArgument when both or neither are given.
StatusOr<pb::BlockSelection> MakeBlockSelection(const std::optional<std::string>& serials,
                                                const std::optional<std::string>& batch);

}  // namespace creg::cli
