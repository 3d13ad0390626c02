#include "tools/cli/commands.h"

#include <iostream>

#include "tools/cli/output.h"
#include "tools/cli/records.h"

namespace creg::cli {

const std::vector<Command>& AllCommands() {
  static const std::vector<Command> kCommands = [] {
    std::vector<Command> out;
    AddKeyCommands(out);
    AddAccountCommands(out);
    AddProjectCommands(out);
    AddCreditCommands(out);
    AddLabelCommands(out);
    AddArticle6Commands(out);
    AddQueryCommands(out);
    AddCertCommands(out);
    AddBulkCommands(out);
    AddExportCommands(out);
    AddCadtCommands(out);
    AddProposalCommands(out);
    return out;
  }();
  return kCommands;
}

int ReportCommitted(Context& ctx, const pb::Committed& committed, const std::string& what,
                    json::Value extra) {
  if (ctx.json()) {
    json::Value v = CommittedJson(committed);
    for (auto& [key, value] : extra.as_object()) v.Set(key, std::move(value));
    PrintJson(v);
  } else {
    std::cout << what << ": " << CommittedLine(committed) << "\n";
  }
  return kExitOk;
}

}  // namespace creg::cli
