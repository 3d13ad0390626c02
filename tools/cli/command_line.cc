#include "tools/cli/command_line.h"

#include <charconv>

#include "client/client_flags.h"
#include "tools/cli/commands.h"

namespace creg::cli {
namespace {

constexpr char kArguments[] = "arguments";  // the positional arguments
constexpr char kOptions[] = "Options";
constexpr char kCommon[] = "Common options";

// The flags that go with `options` (Command::Options), before a command's own.
std::vector<Flag> SharedFlags(Command::Options options) {
  switch (options) {
    case Command::kSigned:
      return {{"--account", "ID", "the account that signs", nullptr, "CREG_ACCOUNT"},
              {"--key", "FILE", "its private key", nullptr, "CREG_KEY"}};
    case Command::kOperator:
      return {
          {"--account", "ID", "the account that signs", kOperatorAccount, "CREG_ACCOUNT"},
          {"--key", "FILE",
           "its private key; default DIR/keys/operator.key for the operator, when it exists",
           nullptr, "CREG_KEY"},
          {"--data", "DIR", "the local registry folder with the operator key", kDefaultDataDir}};
    case Command::kQuery:
      return {{"--account", "ID", "sign in as this account (with --key) to read what it may",
               nullptr, "CREG_ACCOUNT"},
              {"--key", "FILE", "its private key, to sign in with", nullptr, "CREG_KEY"}};
    case Command::kLocal:
      break;
  }
  return {};
}

void AddFlag(CLI::App& app, const Flag& flag) {
  CLI::Option* option = flag.value == nullptr ? app.add_flag(flag.names)
                                              : app.add_option(flag.names)->type_name(flag.value);
  option->description(flag.help != nullptr ? flag.help : "");
  option->group(flag.help != nullptr ? kOptions : "");  // "": hidden
  if (flag.value != nullptr && std::string_view(flag.value) == "N") {
    option->check(cmdline::WholeNumber());
  }
  if (flag.default_value != nullptr) option->default_str(flag.default_value);
  if (flag.env != nullptr) option->envname(flag.env);
}

}  // namespace

const CLI::Option* Flags::Find(std::string_view name) const {
  for (const CLI::App* app = command_; app != nullptr; app = app->get_parent()) {
    if (const CLI::Option* option = app->get_option_no_throw(std::string(name))) return option;
  }
  return nullptr;
}

std::optional<std::string> Flags::Get(std::string_view name) const {
  const CLI::Option* option = Find(name);
  if (option == nullptr || option->count() == 0 || option->results().empty()) return std::nullopt;
  return option->results().back();
}

std::string Flags::Value(std::string_view name) const {
  if (std::optional<std::string> value = Get(name)) return *value;
  const CLI::Option* option = Find(name);
  return option == nullptr ? "" : option->get_default_str();
}

std::optional<uint64_t> Flags::Number(std::string_view name) const {
  std::string text = Value(name);
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool Flags::Flag(std::string_view name) const {
  const CLI::Option* option = Find(name);
  return option != nullptr && option->count() > 0;
}

std::vector<std::string> Flags::positional() const {
  const CLI::Option* option = command_->get_option_no_throw(kArguments);
  return option == nullptr ? std::vector<std::string>{} : option->results();
}

CommandLine::CommandLine()
    : app_(cmdline::NewApp("creg",
                           "creg - move, retire and look up carbon credits in a creg registry")) {
  app_->require_subcommand(1);
  cmdline::AddNodeFlag(*app_, node_,
                       "the registry node; several, comma-separated, are tried in turn, and a "
                       "write a mirror refuses (NOT_LEADER) goes to the writer it names")
      ->group(kCommon);
  AddClientFlags(*app_, client_options_)->group(kCommon);
  app_->add_flag("--json", json_, "machine-readable output with stable field names")
      ->group(kCommon);
  std::map<std::string, CLI::App*> families;
  for (const Command& command : AllCommands()) {
    std::string name = command.name;
    CLI::App* parent = app_.get();
    if (size_t space = name.find(' '); space != std::string::npos) {
      CLI::App*& family = families[name.substr(0, space)];
      if (family == nullptr) {
        family = cmdline::NewSubcommand(*app_, name.substr(0, space), "");
        family->require_subcommand(1);
      }
      parent = family;
      name = name.substr(space + 1);
    }
    CLI::App* sub = cmdline::NewSubcommand(*parent, name, command.summary);
    commands_[sub] = &command;
    for (const Flag& flag : SharedFlags(command.options)) {
      // A command's own flag of the same name (e.g. holdings' --account) wins.
      if (!command.Defines(flag.names)) AddFlag(*sub, flag);
    }
    for (const Flag& flag : command.flags) AddFlag(*sub, flag);
    sub->add_option(kArguments)
        ->expected(1, CLI::detail::expected_max_vector_size)
        ->allow_extra_args()
        ->group("");
  }
}

const cmdline::ParseResult& CommandLine::Parse(const std::vector<std::string>& words) {
  parsed_ = cmdline::Parse(*app_, words);
  return parsed_;
}

const Command* CommandLine::command() const {
  auto it = commands_.find(parsed_.command);
  return it == commands_.end() ? nullptr : it->second;
}

std::string CommandLine::family() const {
  if (parsed_.command == nullptr || parsed_.command == app_.get() || command() != nullptr) {
    return "";
  }
  return parsed_.command->get_name();
}

std::string CommandLine::Help(const Command& command) const {
  std::string text = "Usage: creg " + std::string(command.name) + " " + command.args + "\n\n" +
                     command.summary + ".\n\n" + command.help;
  for (const auto& [app, c] : commands_) {
    if (c == &command) text += cmdline::OptionGroupHelp(*app, kOptions);
  }
  std::vector<const CLI::Option*> common;
  for (const char* name : {"--node", "--tls-ca", "--json"}) {
    if (command.options == Command::kLocal && std::string_view(name) != "--json") continue;
    common.push_back(app_->get_option_no_throw(name));
  }
  text += cmdline::OptionsHelp(kCommon, common);
  if (command.options == Command::kLocal) return text;
  return text +
         "\nExit status: 0 done, 1 refused by the registry, 2 usage error, 3 cannot\n"
         "reach the node, 4 local failure. docs/cli.md has every command and format.\n";
}

}  // namespace creg::cli
