// creg's command line, made from the command table (commands.h) with CLI11
// (cmdline/app.h):
//
//   creg [--node HOST:PORT[,HOST:PORT...]] [--tls-ca FILE] [--json] COMMAND [ARGUMENTS]
//
// where the common flags may also follow the command, and each command
// takes the flags its table entry lists (plus --account/--key, and --data,
// for signed and operator commands). Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/client.h"
#include "cmdline/app.h"

namespace creg::cli {

struct Command;

// The flags and arguments one command was given. A name is looked up in
// the command, then in the families and the app above it, so the common
// flags are found too. Copyable; valid while its CommandLine lives.
class Flags {
 public:
  explicit Flags(const CLI::App* command) : command_(command) {}

  // The value given on the command line, else in the flag's environment
  // variable; nullopt if neither.
  std::optional<std::string> Get(std::string_view name) const;
  // Get(), else the flag's default ("" if it has none).
  std::string Value(std::string_view name) const;
  // Value() of a flag that takes a whole number (checked when parsing);
  // nullopt if it is "".
  std::optional<uint64_t> Number(std::string_view name) const;
  // Whether a switch (a flag without a value) was given.
  bool Flag(std::string_view name) const;
  // The arguments that are not flags, in order.
  std::vector<std::string> positional() const;

 private:
  const CLI::Option* Find(std::string_view name) const;
  const CLI::App* command_;
};

class CommandLine {
 public:
  // The command line of every command in AllCommands().
  CommandLine();
  CommandLine(const CommandLine&) = delete;
  CommandLine& operator=(const CommandLine&) = delete;

  // Parses the words after "creg". On kError, result.error names what is
  // wrong; see cmdline::ParseResult.
  const cmdline::ParseResult& Parse(const std::vector<std::string>& words);

  // The command given, or nullptr if none (or only a family word).
  const Command* command() const;
  // The family given without one of its commands ("account"), or "".
  std::string family() const;
  // What the command given (or the app) was given. After Parse().
  Flags flags() const { return Flags(parsed_.command != nullptr ? parsed_.command : app_.get()); }
  // --tls-ca (CREG_TLS_CA), for Client::Connect.
  const ClientOptions& client_options() const { return client_options_; }

  // 'creg COMMAND --help': usage, summary, description, the command's flags
  // and the common flags, with their defaults and environment variables.
  std::string Help(const Command& command) const;

 private:
  std::unique_ptr<CLI::App> app_;
  std::map<const CLI::App*, const Command*> commands_;
  cmdline::ParseResult parsed_;
  std::string node_ = cmdline::kDefaultNodeAddress;
  ClientOptions client_options_;
  bool json_ = false;
};

}  // namespace creg::cli
