#include "tools/cli/article6_columns.h"

#include "ledger/registry/article6.h"
#include "tools/cli/pages.h"

namespace creg::cli {

std::string ShareColumn(const std::map<std::string, uint64_t>& credits, uint64_t quantity) {
  std::string out;
  for (const auto& [value, n] : credits) {
    if (n == 0) continue;
    out += (out.empty() ? "" : "; ") + value;
    if (n != quantity) out += " (" + std::to_string(n) + " of " + std::to_string(quantity) + " t)";
  }
  return out;
}

std::string AuthorizationColumnValue(const pb::BlockAttributes& attributes) {
  return attributes.has_authorization() ? AuthorizationText(attributes.authorization()) : "";
}

const Article6Now::Batch* Article6Now::Get(uint64_t batch) {
  auto it = known_.find(batch);
  if (it != known_.end()) return &it->second;
  Batch facts;
  pb::Request request;
  request.mutable_batch()->set_batch(batch);
  bool ok = ForEachPage(ctx_, std::move(request), [&](const pb::Response& page) {
    for (const pb::BlockRecord& block : page.batch().blocks()) {
      const uint64_t n = block.last() - block.first() + 1;
      const std::string status = AdjustmentStatusName(block.attributes().adjustment());
      if (std::string a = AuthorizationColumnValue(block.attributes()); !a.empty()) {
        facts.authorizations[a] += n;
      }
      facts.adjustments[status] += n;
      if (!block.retirement_id().empty())
        facts.retired_adjustments[block.retirement_id()][status] += n;
    }
    return true;
  });
  if (!ok) return nullptr;
  return &(known_[batch] = std::move(facts));
}

}  // namespace creg::cli
