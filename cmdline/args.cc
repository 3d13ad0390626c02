#include "cmdline/args.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>

namespace creg {

Args::Args(int argc, char** argv, int first, std::vector<std::string> boolean_flags)
    : Args(std::vector<std::string>(argv + std::min(first, argc), argv + argc),
           std::move(boolean_flags)) {}

Args::Args(std::vector<std::string> words, std::vector<std::string> boolean_flags) {
  bool only_positional = false;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (only_positional || word.size() < 2 || word.compare(0, 2, "--") != 0) {
      positional_.push_back(word);
      continue;
    }
    if (word == "--") {
      only_positional = true;
      continue;
    }
    if (word == "--help") {
      help_ = true;
      continue;
    }
    Option option;
    size_t eq = word.find('=');
    if (eq != std::string::npos) {
      option.name = word.substr(0, eq);
      option.value = word.substr(eq + 1);
    } else {
      option.name = word;
      bool boolean =
          std::find(boolean_flags.begin(), boolean_flags.end(), word) != boolean_flags.end();
      if (!boolean && i + 1 < words.size()) option.value = words[++i];
    }
    for (const Option& o : options_) {
      if (o.name == option.name) errors_.push_back(option.name + " is given more than once");
    }
    options_.push_back(std::move(option));
  }
}

Args::Option* Args::Find(std::string_view name) {
  for (Option& o : options_) {
    if (o.name == name) {
      o.used = true;
      return &o;
    }
  }
  return nullptr;
}

std::optional<std::string> Args::Get(std::string_view name) {
  Option* o = Find(name);
  if (o == nullptr) return std::nullopt;
  if (!o->value.has_value()) {
    errors_.push_back(std::string(name) + " needs a value");
    return std::nullopt;
  }
  return o->value;
}

std::string Args::Value(std::string_view name, std::string fallback) {
  return Get(name).value_or(std::move(fallback));
}

std::string Args::ValueOrEnv(std::string_view name, const char* env, std::string fallback) {
  if (auto v = Get(name)) return *v;
  const char* from_env = std::getenv(env);
  if (from_env != nullptr && *from_env != '\0') return from_env;
  return fallback;
}

std::optional<uint64_t> Args::Number(std::string_view name) {
  std::optional<std::string> text = Get(name);
  if (!text.has_value()) return std::nullopt;
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size()) {
    errors_.push_back(std::string(name) + " must be a whole number, not '" + *text + "'");
    return std::nullopt;
  }
  return value;
}

bool Args::Flag(std::string_view name) {
  Option* o = Find(name);
  if (o == nullptr) return false;
  if (o->value.has_value()) errors_.push_back(std::string(name) + " takes no value");
  return true;
}

Status Args::Finish() const {
  if (!errors_.empty()) return InvalidArgumentError(errors_.front());
  for (const Option& o : options_) {
    if (!o.used) return InvalidArgumentError("unknown option " + o.name);
  }
  return OkStatus();
}

}  // namespace creg
