#include "tools/audit/totals.h"

#include <algorithm>
#include <iomanip>
#include <ostream>

namespace creg::audit {

bool Totals::Counts(const pb::TransactionBody& body) {
  return body.has_issue() || body.has_retire() || body.has_cancel();
}

void Totals::Add(const pb::TransactionBody& body, const pb::Effects& effects) {
  if (body.has_issue()) {
    Key key{body.issue().project_id(), body.issue().vintage_start(), body.issue().vintage_end()};
    batches_[effects.batch()] = key;
    rows_[key].issued += body.issue().quantity();
    return;
  }
  if (!body.has_retire() && !body.has_cancel()) return;
  for (const pb::SerialBlock& block : effects.blocks()) {
    auto batch = batches_.find(block.batch());
    if (batch == batches_.end()) continue;  // Cannot happen after a replay.
    Amounts& row = rows_[batch->second];
    (body.has_retire() ? row.retired : row.cancelled) += block.last() - block.first() + 1;
  }
}

void Totals::Print(std::ostream& out) const {
  size_t project_width = 7;
  for (const auto& [key, amounts] : rows_) {
    project_width = std::max(project_width, std::get<0>(key).size());
  }
  auto row = [&](const std::string& project, const std::string& vintage, const Amounts& a) {
    out << "  " << std::left << std::setw(static_cast<int>(project_width)) << project << "  "
        << std::setw(23) << vintage << std::right << std::setw(14) << a.issued << std::setw(14)
        << a.retired << std::setw(14) << a.cancelled << std::setw(14) << a.outstanding() << "\n";
  };
  out << "  " << std::left << std::setw(static_cast<int>(project_width)) << "project"
      << "  " << std::setw(23) << "vintage" << std::right << std::setw(14) << "issued"
      << std::setw(14) << "retired" << std::setw(14) << "cancelled" << std::setw(14)
      << "outstanding"
      << "\n";
  Amounts all;
  for (const auto& [key, amounts] : rows_) {
    row(std::get<0>(key), std::get<1>(key) + ".." + std::get<2>(key), amounts);
    all.issued += amounts.issued;
    all.retired += amounts.retired;
    all.cancelled += amounts.cancelled;
  }
  row("total", "", all);
}

}  // namespace creg::audit
