// The creg-audit subcommands on the command line (main.cc): each one's
// flags, how it is added to the CLI11 app, and how it runs once parsed.
// The checks themselves are in the files named after the subcommands.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include "tools/audit/witness_check.h"

#include "client/client.h"
#include "cmdline/app.h"
#include "tools/audit/account.h"

namespace creg::audit {

// A subcommand added to the app: its CLI11 subcommand, and how to run it
// with the values the command line gave it.
struct Subcommand {
  CLI::App* app;
  std::function<int()> run;
};

// verify-cert FILE --key VERIFIER_KEY [--witness-key KEY ...] [--witness-quorum K]
struct VerifyCertFlags {
  std::string file;
  std::string key;
  WitnessFlags witnesses;
};
Subcommand AddVerifyCert(CLI::App& app);
int RunVerifyCert(const VerifyCertFlags& flags);

// verify-log (--data DIR | --node HOST:PORT[,...] [--tls-ca FILE] [--account ID
//            --account-key FILE]) [--key KEY] [--keep-going] [--jobs N]
struct VerifyLogFlags {
  std::string data;  // "": not given
  std::string node;  // "": not given
  std::string key;   // "": not given
  bool keep_going = false;
  uint64_t jobs;  // default: DefaultJobs()
  ClientOptions client;
  AccountFlags account;  // with --node
  VerifyLogFlags();
};
Subcommand AddVerifyLog(CLI::App& app);
int RunVerifyLog(const VerifyLogFlags& flags);

// consistency OLD NEW (--data DIR | --node HOST:PORT[,...] [--tls-ca FILE]
//             [--account ID --account-key FILE]) --key KEY
struct ConsistencyFlags {
  std::string old_checkpoint;
  std::string new_checkpoint;
  std::string data;
  std::string node;
  std::string key;
  ClientOptions client;
  AccountFlags account;  // with --node
};
Subcommand AddConsistency(CLI::App& app);
int RunConsistency(const ConsistencyFlags& flags);

// watch --node HOST:PORT[,...] [--tls-ca FILE] [--account ID --account-key FILE]
//       --state FILE --key KEY
struct WatchFlags {
  std::string node;
  std::string state;
  std::string key;
  WitnessFlags witnesses;
  ClientOptions client;
  AccountFlags account;
};
Subcommand AddWatch(CLI::App& app);
int RunWatch(const WatchFlags& flags);

// The flags the subcommands share, bound to the given variables.
void AddKeyFlag(CLI::App& app, std::string& key, const std::string& help);
void AddDataFlag(CLI::App& app, std::string& data);
// --node HOST:PORT[,HOST:PORT...] (no environment fallback: an audit names
// its node; parsed by NodeMembers), --tls-ca, and the account to sign in as
// (AddAccountFlags).
void AddNodeFlags(CLI::App& app, std::string& node, ClientOptions& client, AccountFlags& account);

// A usage error of `command`: prints it and the way to its help; returns
// kExitUsage.
int UsageError(std::string_view command, const std::string& message);

}  // namespace creg::audit
