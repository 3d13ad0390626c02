// A small command-line parser shared by cregd, creg and creg-audit.
//
//   Args args(argc, argv, 2, {"--json"}); // after "prog subcommand";
//                                         // --json takes no value
//   std::string data = args.Value("--data", "./creg-data");
//   bool json = args.Flag("--json");
//   CREG_RETURN_IF_ERROR(args.Finish()); // refuses unknown or repeated flags
//
// Flags take "--name value" or "--name=value". Everything not starting with
// "--" (and everything after a bare "--") is positional. Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/status.h"

namespace creg {

class Args {
 public:
  // `boolean_flags` never take a value, so the word after one is positional.
  Args(int argc, char** argv, int first, std::vector<std::string> boolean_flags = {});
  Args(std::vector<std::string> words, std::vector<std::string> boolean_flags);

  // The flag's value, or nullopt if absent. A flag given without a value is
  // an error reported by Finish().
  std::optional<std::string> Get(std::string_view name);
  std::string Value(std::string_view name, std::string fallback);
  // Like Value, but falls back to the environment variable `env` first.
  std::string ValueOrEnv(std::string_view name, const char* env, std::string fallback);
  // An unsigned number; a malformed one is an error reported by Finish().
  std::optional<uint64_t> Number(std::string_view name);
  bool Flag(std::string_view name);
  bool WantsHelp() const { return help_; }

  const std::vector<std::string>& positional() const { return positional_; }
  // InvalidArgument naming the first unknown, repeated or malformed flag,
  // or a missing value.
  Status Finish() const;

 private:
  struct Option {
    std::string name;
    std::optional<std::string> value;
    bool used = false;
  };
  Option* Find(std::string_view name);

  std::vector<Option> options_;
  std::vector<std::string> positional_;
  std::vector<std::string> errors_;
  bool help_ = false;
};

}  // namespace creg
