// The table of creg commands. Each family of commands lives in its own file
// (keys_cmd.cc, account_cmd.cc, ...) and adds its entries here; main.cc
// dispatches on the table and prints the help texts.
#pragma once

#include <string>
#include <vector>

#include "ledger/json.h"
#include "tools/cli/context.h"

namespace creg::cli {

struct Command {
  const char* name;     // "account open": one or two words
  const char* args;     // "ID --public-key FILE [--name TEXT]"
  const char* summary;  // one line for 'creg help'
  const char* help;     // the rest of 'creg COMMAND --help'
  int (*run)(Context& ctx);
  // Which shared options the help lists: kSigned adds --account/--key,
  // kOperator also --data; kLocal lists none (the command needs no node).
  enum Options { kQuery, kSigned, kOperator, kLocal } options = kQuery;
};

// Every command, in the order 'creg help' lists them.
const std::vector<Command>& AllCommands();

// Prints a committed transaction: with --json its CommittedJson plus the
// members of `extra`; else "<what>: committed as entry N". Returns kExitOk.
int ReportCommitted(Context& ctx, const pb::Committed& committed, const std::string& what,
                    json::Value extra = json::Value::EmptyObject());

// The full help text of one command.
std::string CommandHelp(const Command& command);

void AddKeyCommands(std::vector<Command>& out);
void AddAccountCommands(std::vector<Command>& out);
void AddProjectCommands(std::vector<Command>& out);
void AddCreditCommands(std::vector<Command>& out);
void AddQueryCommands(std::vector<Command>& out);
void AddCertCommands(std::vector<Command>& out);
void AddBulkCommands(std::vector<Command>& out);
void AddExportCommands(std::vector<Command>& out);

}  // namespace creg::cli
