// creg: the command-line tool for holders and operators of a creg registry.
// docs/cli.md documents every command; 'creg help' lists them.
#include <algorithm>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "tools/cli/command_line.h"
#include "tools/cli/commands.h"
#include "tools/cli/context.h"

namespace creg::cli {
namespace {

constexpr char kIntro[] =
    "creg - move, retire and look up carbon credits in a creg registry\n"
    "\n"
    "Usage: creg [--node HOST:PORT[,HOST:PORT...]] [--tls-ca FILE] [--json] COMMAND [ARGUMENTS]\n"
    "       creg COMMAND --help      how to use one command\n"
    "       creg --version\n"
    "\n"
    "Commands:\n";

constexpr char kOutro[] =
    "\n"
    "--node, --tls-ca and --json may also follow the command.\n"
    "\n"
    "Environment:\n"
    "  CREG_NODE     the node, HOST:PORT, or the members of a cluster,\n"
    "                HOST:PORT[,HOST:PORT...] (--node)\n"
    "  CREG_TLS_CA   connect with TLS, trusting the certificates in this file\n"
    "                (--tls-ca)\n"
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

// 'creg help [COMMAND]'.
int Help(const CommandLine& line, const std::vector<std::string>& words) {
  std::string name;
  for (size_t i = 1; i < words.size(); ++i) name += (i > 1 ? " " : "") + words[i];
  if (name.empty()) {
    PrintOverview(std::cout);
    return kExitOk;
  }
  if (const Command* c = Find(name)) {
    std::cout << line.Help(*c);
    return kExitOk;
  }
  std::cerr << "creg: there is no command '" << name << "'; run 'creg help' for the list.\n";
  return kExitUsage;
}

// A command line that names no command, or a family without its member.
int NoCommand(const CommandLine& line, const cmdline::ParseResult& parsed) {
  std::string family = line.family();
  if (!family.empty()) {
    std::string members = FamilyMembers(family);
    if (parsed.kind == cmdline::ParseResult::kHelp || parsed.word.empty()) {
      std::cerr << "'creg " << family << "' needs one of: " << members << "\n"
                << "Run 'creg " << family << " SUBCOMMAND --help' for how to use one.\n";
      return parsed.kind == cmdline::ParseResult::kHelp ? kExitOk : kExitUsage;
    }
    std::cerr << "creg: '" << family << " " << parsed.word << "' is not a command; '" << family
              << "' has: " << members << "\n";
    return kExitUsage;
  }
  if (parsed.kind == cmdline::ParseResult::kHelp) {
    PrintOverview(std::cout);
    return kExitOk;
  }
  if (parsed.word.empty()) {
    PrintOverview(std::cerr);
    return kExitUsage;
  }
  std::cerr << "creg: unknown command '" << parsed.word << "'\n"
            << "  Run 'creg help' for the list of commands.\n";
  return kExitUsage;
}

int Main(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  if (words.empty()) {
    PrintOverview(std::cerr);
    return kExitUsage;
  }
  CommandLine line;
  if (words[0] == "help") return Help(line, words);
  if (words[0] == "version") words[0] = "--version";
  const cmdline::ParseResult& parsed = line.Parse(words);
  if (parsed.kind == cmdline::ParseResult::kVersion) {
    std::cout << cmdline::VersionLine("creg") << "\n";
    return kExitOk;
  }
  const Command* command = line.command();
  if (command == nullptr && (parsed.kind != cmdline::ParseResult::kError ||
                             parsed.missing_subcommand || !line.family().empty())) {
    return NoCommand(line, parsed);
  }
  Context ctx(command != nullptr ? command->name : "", line.flags(), line.client_options());
  switch (parsed.kind) {
    case cmdline::ParseResult::kHelp:
      std::cout << line.Help(*command);
      return kExitOk;
    case cmdline::ParseResult::kError:
      return ctx.UsageError(parsed.error);
    default:
      return command->run(ctx);
  }
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
