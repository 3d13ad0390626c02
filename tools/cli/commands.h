// The table of creg commands. Each family of commands lives in its own file
// (keys_cmd.cc, account_cmd.cc, ...) and adds its entries here;
// command_line.h makes the command line and the help texts of the table.
#pragma once

#include <string>
#include <vector>

#include "ledger/json.h"
#include "tools/cli/context.h"

namespace creg::cli {

// One flag of a command (its help lists them with their defaults).
struct Flag {
  const char* names;  // "--public-key", or "-o,--output"
  const char* value;  // "FILE"; nullptr: a switch, which takes no value;
                      // "N": a whole number, checked when parsing
  const char* help;   // one line for --help; nullptr hides the flag
  // What Flags::Value() returns when the flag is not given; the one place
  // the default is written. nullptr: none ("").
  const char* default_value = nullptr;
  // The environment variable read when the flag is not given, if any.
  const char* env = nullptr;
};

struct Command {
  const char* name;     // "account open": one or two words
  const char* args;     // "ID --public-key FILE [--name TEXT]"
  const char* summary;  // one line for 'creg help'
  const char* help;     // the rest of 'creg COMMAND --help'
  int (*run)(Context& ctx);
  // Which shared flags the command takes: kSigned adds --account/--key,
  // kOperator also --data; kLocal needs no node (--node is ignored).
  enum Options { kQuery, kSigned, kOperator, kLocal } options = kQuery;
  // The command's own flags. Any other flag is refused.
  std::vector<Flag> flags = {};

  // Whether `flags` has a flag spelt `names` (as in Flag::names).
  bool Defines(std::string_view names) const {
    for (const Flag& flag : flags) {
      if (names == flag.names) return true;
    }
    return false;
  }
};

// --account of the commands that default to the caller's own account; with
// --key it is also the account signed in as.
inline const Flag kOwnAccountFlag{"--account", "ID",
                                  "the account when none is named, and (with --key) the one "
                                  "signed in as",
                                  nullptr, "CREG_ACCOUNT"};

// --propose and its -o FILE, for the commands whose transaction an account
// of several keys signs (Context::Submit; docs/cli.md, "Multi-signature
// accounts").
inline const Flag kProposeFlag{"--propose", nullptr,
                               "write the transaction unsigned to -o FILE for 'creg sign' and "
                               "'creg submit', instead of signing and submitting it"};
inline const Flag kProposalOutputFlag{"-o,--output", "FILE", "with --propose: the file to write"};

// Every command, in the order 'creg help' lists them.
const std::vector<Command>& AllCommands();

// Prints a committed transaction: with --json its CommittedJson plus the
// members of `extra`; else "<what>: committed as entry N". Returns kExitOk.
int ReportCommitted(Context& ctx, const pb::Committed& committed, const std::string& what,
                    json::Value extra = json::Value::EmptyObject());

void AddKeyCommands(std::vector<Command>& out);
void AddAccountCommands(std::vector<Command>& out);
void AddProjectCommands(std::vector<Command>& out);
void AddCreditCommands(std::vector<Command>& out);
void AddLabelCommands(std::vector<Command>& out);
void AddArticle6Commands(std::vector<Command>& out);
void AddQueryCommands(std::vector<Command>& out);
void AddCertCommands(std::vector<Command>& out);
void AddBulkCommands(std::vector<Command>& out);
void AddExportCommands(std::vector<Command>& out);
void AddCadtCommands(std::vector<Command>& out);
void AddProposalCommands(std::vector<Command>& out);

}  // namespace creg::cli
