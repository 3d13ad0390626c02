#include "tools/cli/credit_use.h"

#include <string>

#include "ledger/registry/article6.h"

namespace creg::cli {

StatusOr<pb::CreditUse> ParseUseArgument(std::string_view what, std::string_view text) {
  std::optional<pb::CreditUse> use = ParseCreditUse(text);
  if (!use) {
    return InvalidArgumentError("unknown " + std::string(what) + " '" + std::string(text) +
                                "'; use voluntary, ndc or oimp");
  }
  return *use;
}

}  // namespace creg::cli
