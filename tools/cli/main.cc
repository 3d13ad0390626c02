// creg: the command-line tool for holders and operators of a creg registry.
// docs/cli.md documents every command; 'creg help' lists them.
#include <algorithm>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "tools/cli/commands.h"
#include "tools/cli/context.h"

namespace creg::cli {
namespace {

constexpr char kIntro[] =
    "creg - move, retire and look up carbon credits in a creg registry\n"
    "\n"
    "Usage: creg COMMAND [ARGUMENTS] [--node HOST:PORT] [--tls-ca FILE] [--json]\n"
    "       creg COMMAND --help      how to use one command\n"
    "\n"
    "Commands:\n";

constexpr char kOutro[] =
    "\n"
    "Environment:\n"
    "  CREG_NODE     the node, HOST:PORT (--node) [127.0.0.1:7600]\n"
    "  CREG_TLS_CA   connect with TLS, trusting the certificates in this file\n"
    "                (--tls-ca) [plain TCP]\n"
    "  CREG_ACCOUNT  the account that signs (--account)\n"
    "  CREG_KEY      that account's private key file (--key)\n"
    "\n"
    "Serials: BATCH:FIRST-LAST, several separated by commas, e.g. 1:1-500,2:10-19.\n"
    "\n"
    "Exit status: 0 done; 1 refused by the registry (the rule code and message\n"
    "are printed); 2 usage error; 3 cannot reach the node or the connection\n"
    "failed; 4 local failure (e.g. a file could not be written).\n"
    "\n"
    "Start with docs/cli.md, or: creg keygen me.key; creg status\n";

void PrintOverview(std::ostream& out) {
  out << kIntro;
  size_t width = 0;
  for (const Command& c : AllCommands()) width = std::max(width, std::string(c.name).size());
  for (const Command& c : AllCommands()) {
    std::string name = c.name;
    out << "  " << name << std::string(width + 2 - name.size(), ' ') << c.summary << "\n";
  }
  out << kOutro;
}

const Command* Find(const std::string& name) {
  for (const Command& c : AllCommands()) {
    if (name == c.name) return &c;
  }
  return nullptr;
}

// Subcommands of a family such as "account", or "" if it is none.
std::string FamilyMembers(const std::string& family) {
  std::string members;
  for (const Command& c : AllCommands()) {
    std::string name = c.name;
    if (name.rfind(family + " ", 0) == 0) {
      members += (members.empty() ? "" : ", ") + name.substr(family.size() + 1);
    }
  }
  return members;
}

int Main(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  for (std::string& w : words) {
    if (w == "-o") w = "--output";
    if (w == "-h") w = "--help";
  }
  if (words.empty()) {
    PrintOverview(std::cerr);
    return kExitUsage;
  }
  if (words[0] == "help" || words[0] == "--help") {
    std::string name;
    for (size_t i = 1; i < words.size(); ++i) name += (i > 1 ? " " : "") + words[i];
    if (name.empty()) {
      PrintOverview(std::cout);
      return kExitOk;
    }
    if (const Command* c = Find(name)) {
      std::cout << CommandHelp(*c);
      return kExitOk;
    }
    std::cerr << "creg: there is no command '" << name << "'; run 'creg help' for the list.\n";
    return kExitUsage;
  }
  if (words[0] == "--version" || words[0] == "version") {
    std::cout << "creg 0.1.0\n";
    return kExitOk;
  }
  const Command* command = nullptr;
  size_t used = 1;
  if (words.size() >= 2) {
    command = Find(words[0] + " " + words[1]);
    used = 2;
  }
  if (command == nullptr) {
    command = Find(words[0]);
    used = 1;
  }
  if (command == nullptr) {
    std::string members = FamilyMembers(words[0]);
    if (!members.empty()) {
      if (words.size() == 1 || words[1] == "--help") {
        std::cerr << "'creg " << words[0] << "' needs one of: " << members << "\n"
                  << "Run 'creg " << words[0] << " SUBCOMMAND --help' for how to use one.\n";
        return words.size() == 1 ? kExitUsage : kExitOk;
      }
      std::cerr << "creg: '" << words[0] << " " << words[1] << "' is not a command; '" << words[0]
                << "' has: " << members << "\n";
      return kExitUsage;
    }
    std::cerr << "creg: unknown command '" << words[0] << "'\n"
              << "  Run 'creg help' for the list of commands.\n";
    return kExitUsage;
  }
  Context ctx(command->name,
              std::vector<std::string>(words.begin() + static_cast<long>(used), words.end()));
  if (ctx.args().WantsHelp()) {
    std::cout << CommandHelp(*command);
    return kExitOk;
  }
  return command->run(ctx);
}

}  // namespace
}  // namespace creg::cli

int main(int argc, char** argv) {
  try {
    return creg::cli::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "creg: internal error: " << e.what() << "\n";
    return creg::cli::kExitLocal;
  }
}
