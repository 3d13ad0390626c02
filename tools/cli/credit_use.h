// What retired or cancelled credits are used for (docs/rules.md, "Article
// 6"), as creg reads it from the command line and from bulk files: the
// --use of retire and cancel, the use column of bulk retire. Pure,
// thread-safe.
#pragma once

#include <string_view>

#include "creg/transaction.pb.h"
#include "ledger/status.h"

namespace creg::cli {

// `text` as a use: voluntary, ndc or oimp, in lower case. InvalidArgument
// naming `what` (the flag or column it came from) and `text` otherwise.
StatusOr<pb::CreditUse> ParseUseArgument(std::string_view what, std::string_view text);

}  // namespace creg::cli
