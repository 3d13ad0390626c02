#include "tools/audit/args.h"

#include <algorithm>

namespace creg::audit {

AuditArgs::AuditArgs(const std::vector<std::string>& words, std::vector<std::string> boolean_flags)
    : boolean_flags_(std::move(boolean_flags)) {
  bool only_positional = false;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (only_positional || word.size() < 3 || word.compare(0, 2, "--") != 0) {
      if (word == "--") {
        only_positional = true;
      } else {
        positional_.push_back(word);
      }
      continue;
    }
    Option option;
    size_t eq = word.find('=');
    option.name = word.substr(0, eq);
    bool boolean = std::find(boolean_flags_.begin(), boolean_flags_.end(), option.name) !=
                   boolean_flags_.end();
    if (eq != std::string::npos) {
      option.value = word.substr(eq + 1);
    } else if (!boolean) {
      if (i + 1 == words.size()) {
        if (error_.empty()) error_ = option.name + " needs a value";
      } else {
        option.value = words[++i];
      }
    }
    if (Find(option.name) != nullptr && error_.empty()) error_ = option.name + " is given twice";
    options_.push_back(std::move(option));
  }
}

AuditArgs::Option* AuditArgs::Find(std::string_view name) {
  for (Option& option : options_) {
    if (option.name == name) return &option;
  }
  return nullptr;
}

std::optional<std::string> AuditArgs::Value(std::string_view name) {
  Option* option = Find(name);
  if (option == nullptr) return std::nullopt;
  option->used = true;
  return option->value;
}

bool AuditArgs::Flag(std::string_view name) {
  Option* option = Find(name);
  if (option == nullptr) return false;
  option->used = true;
  return true;
}

Status AuditArgs::Finish() const {
  if (!error_.empty()) return InvalidArgumentError(error_);
  for (const Option& option : options_) {
    if (!option.used) return InvalidArgumentError("unknown option " + option.name);
    bool boolean = std::find(boolean_flags_.begin(), boolean_flags_.end(), option.name) !=
                   boolean_flags_.end();
    if (boolean && option.value.has_value()) {
      return InvalidArgumentError(option.name + " takes no value");
    }
  }
  return OkStatus();
}

}  // namespace creg::audit
