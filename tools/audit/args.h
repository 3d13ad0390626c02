// A tiny command-line parser for creg-audit subcommands.
//
//   AuditArgs args(words, {"--keep-going"});  // flags that take no value
//   std::optional<std::string> key = args.Value("--key");
//   bool keep_going = args.Flag("--keep-going");
//   if (Status s = args.Finish(); !s.ok()) ...  // unknown or repeated flags
//
// Flags are "--name value" or "--name=value"; a lone "-" and every word not
// starting with "--" is positional, and so is everything after "--".
// Not thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/status.h"

namespace creg::audit {

class AuditArgs {
 public:
  AuditArgs(const std::vector<std::string>& words, std::vector<std::string> boolean_flags);

  // The flag's value, or nullopt when absent.
  std::optional<std::string> Value(std::string_view name);
  bool Flag(std::string_view name);
  const std::vector<std::string>& positional() const { return positional_; }

  // InvalidArgument naming the first problem: a flag that was never asked
  // for (unknown), given twice, or missing its value.
  Status Finish() const;

 private:
  struct Option {
    std::string name;
    std::optional<std::string> value;
    bool used = false;
  };
  Option* Find(std::string_view name);

  std::vector<std::string> boolean_flags_;
  std::vector<Option> options_;
  std::vector<std::string> positional_;
  std::string error_;
};

}  // namespace creg::audit
