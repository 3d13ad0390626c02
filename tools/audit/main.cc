// creg-audit: checks a creg registry without trusting the node.
//
//   creg-audit verify-cert FILE --key VERIFIER_KEY
//   creg-audit verify-log --data DIR [--key VERIFIER_KEY] [--keep-going] [--jobs N]
//   creg-audit verify-log --node HOST:PORT[,HOST:PORT...] --key VERIFIER_KEY [--keep-going]
//                         [--jobs N]
//   creg-audit consistency OLD NEW (--data DIR | --node HOST:PORT[,HOST:PORT...])
//                          --key VERIFIER_KEY
//   creg-audit watch --node HOST:PORT[,HOST:PORT...] --state FILE --key VERIFIER_KEY
//
// --node may name the members of a cluster: the first that answers serves
// the command, a mirror as well as the writer (client/members.h).
// With --node, [--tls-ca FILE] [--account ID --account-key FILE] (signs in
// as an auditor or operator account; tools/audit/account.h).
//
// Exit codes: 0 verified, 1 a check failed, 2 usage error, 3 an input could
// not be read. See docs/audit.md.
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "tools/audit/commands.h"
#include "tools/audit/common.h"

namespace {

constexpr char kDescription[] =
    "creg-audit - check a creg carbon credit registry without trusting its node: offline, on "
    "files and data folders, or remotely, on what a node serves.";

constexpr char kFooter[] =
    "VERIFIER_KEY is the registry's checkpoint verifier key (\"<name>+<id>+<key>\") or a file "
    "holding it; get it out of band. --node HOST:PORT[,HOST:PORT...] may name several members "
    "of one registry, a writer and its mirrors: they are tried in turn, each one that cannot be "
    "reached or does not serve the read is named on stderr, and the first that serves it is "
    "audited; a mirror's answers are checked against the same signed checkpoints as the "
    "writer's. With --node, --tls-ca FILE (or CREG_TLS_CA) connects over "
    "TLS and trusts the node only if its certificate chains to one in FILE. With --node, "
    "--account ID --account-key FILE (or CREG_ACCOUNT and CREG_KEY) signs in as that account, an "
    "auditor or the operator, on every connection: a node at the default read policy serves the "
    "whole log (verify-log, watch) only to them.\n"
    "\n"
    "Exit codes: 0 verified, 1 a check failed, 2 usage error, 3 an input could not be read. "
    "'creg-audit COMMAND --help' describes each command; the audit guide is docs/audit.md.";

int Dispatch(int argc, char** argv) {
  using namespace creg;
  using namespace creg::audit;
  std::vector<std::string> words(argv + 1, argv + argc);
  if (!words.empty() && words[0] == "help") words[0] = "--help";
  std::unique_ptr<CLI::App> app = cmdline::NewApp("creg-audit", kDescription);
  app->require_subcommand(1);
  const Subcommand commands[] = {AddVerifyCert(*app), AddVerifyLog(*app), AddConsistency(*app),
                                 AddWatch(*app)};
  app->footer(kFooter);
  cmdline::ParseResult parsed = cmdline::Parse(*app, words);
  if (std::optional<int> code = cmdline::ExitUnlessRun(*app, parsed, kExitUsage)) return *code;
  for (const Subcommand& command : commands) {
    if (command.app == parsed.command) return command.run();
  }
  return kExitUsage;  // not reached: a subcommand is required
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Dispatch(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "creg-audit: internal error: " << e.what() << "\n";
    return creg::audit::kExitCannotRead;
  }
}
