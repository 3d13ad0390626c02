// creg-audit: checks a creg registry without trusting the node.
//
//   creg-audit verify-cert FILE --key VERIFIER_KEY
//   creg-audit verify-log --data DIR [--key VERIFIER_KEY] [--keep-going]
//   creg-audit verify-log --node HOST:PORT --key VERIFIER_KEY [--keep-going]
//   creg-audit consistency OLD NEW (--data DIR | --node HOST:PORT) --key VERIFIER_KEY
//   creg-audit watch --node HOST:PORT --state FILE --key VERIFIER_KEY
//
// Exit codes: 0 verified, 1 a check failed, 2 usage error, 3 an input could
// not be read. See docs/audit.md.
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "tools/audit/common.h"

namespace {

constexpr char kUsage[] =
    "usage: creg-audit COMMAND [ARGS]\n"
    "\n"
    "Checks a creg carbon credit registry without trusting its node: offline,\n"
    "on files and data folders, or remotely, on what a node serves.\n"
    "\n"
    "commands:\n"
    "  verify-cert FILE --key VERIFIER_KEY\n"
    "      check a retirement certificate and print what it proves\n"
    "  verify-log (--data DIR | --node HOST:PORT) [--key VERIFIER_KEY] [--keep-going]\n"
    "      audit a whole registry (a data folder, read-only, or the log a node\n"
    "      serves) and print the totals\n"
    "  consistency OLD NEW (--data DIR | --node HOST:PORT) --key VERIFIER_KEY\n"
    "      check that the log only grew between two signed checkpoints\n"
    "  watch --node HOST:PORT --state FILE --key VERIFIER_KEY\n"
    "      monitor a node: check that its log only grew since the last run\n"
    "\n"
    "VERIFIER_KEY is the registry's checkpoint verifier key\n"
    "(\"<name>+<id>+<key>\") or a file holding it; get it out of band.\n"
    "With --node, --tls-ca FILE (or CREG_TLS_CA) connects over TLS and trusts\n"
    "the node only if its certificate chains to one in FILE.\n"
    "\n"
    "exit codes: 0 verified, 1 a check failed, 2 usage error, 3 an input could\n"
    "not be read. 'creg-audit COMMAND --help' describes each command; the audit\n"
    "guide is docs/audit.md.\n";

int Dispatch(int argc, char** argv) {
  using namespace creg::audit;
  if (argc < 2) {
    std::cerr << kUsage;
    return kExitUsage;
  }
  std::string_view command = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kUsage;
    return kExitVerified;
  }
  if (command == "verify-cert") return RunVerifyCert(args);
  if (command == "verify-log") return RunVerifyLog(args);
  if (command == "consistency") return RunConsistency(args);
  if (command == "watch") return RunWatch(args);
  std::cerr << "creg-audit: unknown command '" << command << "'\n\n" << kUsage;
  return kExitUsage;
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
