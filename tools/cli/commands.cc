#include "tools/cli/commands.h"

#include <iostream>

#include "client/client_flags.h"
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
    AddQueryCommands(out);
    AddCertCommands(out);
    AddBulkCommands(out);
    AddExportCommands(out);
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

std::string CommandHelp(const Command& command) {
  std::string text = "Usage: creg " + std::string(command.name) + " " + command.args + "\n\n" +
                     command.summary + ".\n\n" + command.help;
  if (command.options == Command::kLocal) {
    return text + "\nCommon options:\n  --json            machine-readable output\n";
  }
  text += "\nCommon options:\n";
  if (command.options != Command::kQuery) {
    text += "  --account ID      the account that signs [CREG_ACCOUNT" +
            std::string(command.options == Command::kOperator ? ", else operator" : "") +
            "]\n"
            "  --key FILE        its private key [CREG_KEY" +
            std::string(command.options == Command::kOperator
                            ? ", else DIR/keys/operator.key when it exists"
                            : "") +
            "]\n";
  }
  if (command.options == Command::kOperator) {
    text += "  --data DIR        the local registry folder with the operator key [./creg-data]\n";
  }
  text += "  --node HOST:PORT  the registry node [CREG_NODE, else 127.0.0.1:7600]\n" +
          std::string(kClientFlagsHelp) +
          "  --json            machine-readable output with stable field names\n"
          "\nExit status: 0 done, 1 refused by the registry, 2 usage error, 3 cannot\n"
          "reach the node, 4 local failure. docs/cli.md has every command and format.\n";
  return text;
}

}  // namespace creg::cli
