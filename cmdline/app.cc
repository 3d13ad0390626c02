#include "cmdline/app.h"

#include <charconv>
#include <iostream>

#include "creg/version.h"

namespace creg::cmdline {
namespace {

constexpr size_t kHelpWidth = 80;
constexpr size_t kNameColumn = 34;

// `text` with its lines broken at spaces to at most `width` characters.
std::string Wrap(const std::string& text, size_t width) {
  std::string out;
  size_t line_start = 0;
  size_t last_space = std::string::npos;
  for (char c : text) {
    out += c;
    if (c == '\n') {
      line_start = out.size();
      last_space = std::string::npos;
    } else if (c == ' ') {
      last_space = out.size() - 1;
    }
    if (out.size() - line_start > width && last_space != std::string::npos) {
      out[last_space] = '\n';
      line_start = last_space + 1;
      last_space = std::string::npos;
    }
  }
  return out;
}

// CLI11's help layout with long texts wrapped to 80 columns.
class HelpFormatter : public CLI::Formatter {
 public:
  HelpFormatter() { column_width(kNameColumn); }
  std::string make_option_desc(const CLI::Option* option) const override {
    return Wrap(option->get_description(), kHelpWidth - kNameColumn);
  }
  std::string make_subcommand(const CLI::App* sub) const override {
    std::stringstream out;
    CLI::detail::format_help(out, sub->get_display_name(true),
                             Wrap(sub->get_description(), kHelpWidth - kNameColumn), kNameColumn);
    return out.str();
  }
  std::string make_description(const CLI::App* app) const override {
    std::string text = app->get_description();
    return text.empty() ? "" : Wrap(text, kHelpWidth) + "\n\n";
  }
  std::string make_footer(const CLI::App* app) const override {
    std::string text = app->get_footer();
    return text.empty() ? "" : Wrap(text, kHelpWidth) + "\n";
  }
};

// The deepest subcommand given on the command line, or `app`.
CLI::App* Deepest(CLI::App& app) {
  CLI::App* command = &app;
  while (!command->get_subcommands().empty()) command = command->get_subcommands().front();
  return command;
}

// "--x is given more than once" for the first option of `app` or of a
// subcommand given that was given twice, else "". Options meant to repeat
// (MultiOptionPolicy::TakeAll, e.g. --witness) may.
std::string Repeated(CLI::App& app) {
  for (const CLI::Option* option : app.get_options()) {
    if (option->nonpositional() && option->count() > 1 &&
        option->get_multi_option_policy() != CLI::MultiOptionPolicy::TakeAll) {
      return option->get_name() + " is given more than once";
    }
  }
  for (CLI::App* sub : app.get_subcommands()) {
    if (std::string error = Repeated(*sub); !error.empty()) return error;
  }
  return "";
}

// CLI11's message for `e`, reworded to name the option first.
std::string Describe(CLI::App& app, const CLI::ParseError& e, std::string& word) {
  std::string what = e.what();
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
    std::vector<std::string> extra = app.remaining(true);
    if (!extra.empty()) word = extra.front();
    if (word.rfind('-', 0) == 0) return "unknown option " + word.substr(0, word.find('='));
    return "unexpected argument '" + word + "'";
  }
  size_t colon = what.find(": ");
  if (colon != std::string::npos) {
    std::string name = what.substr(0, colon);
    // "--data: 1 required TEXT missing"
    if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr && what.size() > 8 &&
        what.compare(what.size() - 8, 8, " missing") == 0) {
      return name + " needs a value";
    }
    // "--jobs: must be a whole number, not 'x'"
    if (dynamic_cast<const CLI::ValidationError*>(&e) != nullptr) {
      return name + " " + what.substr(colon + 2);
    }
  }
  return what;
}

}  // namespace

std::string VersionLine(std::string_view program) {
  return std::string(program) + " " + CREG_VERSION;
}

std::unique_ptr<CLI::App> NewApp(const std::string& program, const std::string& description) {
  auto app = std::make_unique<CLI::App>(description, program);
  // Repeats are refused after parsing (Repeated above), for flags as well
  // as options, in our own words.
  app->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app->option_defaults()->always_capture_default();
  app->set_version_flag("--version", VersionLine(program), "print the version and exit");
  app->set_help_flag("-h,--help", "print this help and exit");
  app->formatter(std::make_shared<HelpFormatter>());
  return app;
}

CLI::App* NewSubcommand(CLI::App& parent, const std::string& name, const std::string& description) {
  CLI::App* sub = parent.add_subcommand(name, description);
  sub->fallthrough();
  return sub;
}

const CLI::Validator& WholeNumber() {
  static const CLI::Validator kWholeNumber(
      [](const std::string& text) -> std::string {
        uint64_t value = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        bool whole = !text.empty() && text[0] != '-' && ec == std::errc() &&
                     end == text.data() + text.size();
        return whole ? "" : "must be a whole number, not '" + text + "'";
      },
      "", "whole number");
  return kWholeNumber;
}

std::string OptionsHelp(const std::string& heading,
                        const std::vector<const CLI::Option*>& options) {
  return options.empty() ? "" : HelpFormatter().make_group(heading, false, options);
}

std::string OptionGroupHelp(const CLI::App& app, const std::string& group) {
  return OptionsHelp(group, app.get_options([&](const CLI::Option* option) {
    return option->get_group() == group;
  }));
}

std::vector<std::string> SplitCommas(std::string_view list) {
  std::vector<std::string> items;
  for (size_t start = 0;;) {
    const size_t comma = list.find(',', start);
    items.emplace_back(list.substr(start, comma - start));
    if (comma == std::string_view::npos) return items;
    start = comma + 1;
  }
}

CLI::Option* AddNodeFlag(CLI::App& app, std::string& address, const std::string& help) {
  return app.add_option("--node", address, help)->envname("CREG_NODE")->type_name(kNodeListSyntax);
}

ParseResult Parse(CLI::App& app, const std::vector<std::string>& args) {
  ParseResult result;
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // as CLI11 wants them
  try {
    app.parse(reversed);
    result.error = Repeated(app);
    if (!result.error.empty()) result.kind = ParseResult::kError;
  } catch (const CLI::CallForHelp&) {
    result.kind = ParseResult::kHelp;
  } catch (const CLI::CallForAllHelp&) {
    result.kind = ParseResult::kHelp;
  } catch (const CLI::CallForVersion&) {
    result.kind = ParseResult::kVersion;
  } catch (const CLI::ParseError& e) {
    result.kind = ParseResult::kError;
    result.error = Describe(app, e, result.word);
    CLI::App* deepest = Deepest(app);
    if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr &&
        deepest->get_require_subcommand_min() > 0 && deepest->get_subcommands().empty()) {
      result.missing_subcommand = true;
      std::vector<std::string> extra = app.remaining(true);
      if (!extra.empty() && extra.front().rfind('-', 0) != 0) result.word = extra.front();
    }
  }
  result.command = Deepest(app);
  return result;
}

ParseResult Parse(CLI::App& app, int argc, const char* const* argv) {
  return Parse(app, std::vector<std::string>(argv + std::min(argc, 1), argv + argc));
}

std::string CommandPath(const CLI::App& command) {
  std::string path = command.get_name();
  for (const CLI::App* up = command.get_parent(); up != nullptr; up = up->get_parent()) {
    path = up->get_name() + " " + path;
  }
  return path;
}

int UsageError(const std::string& path, const std::string& message, int exit_code) {
  std::cerr << path << ": " << message << "\nRun '" << path << " --help' for usage.\n";
  return exit_code;
}

std::optional<int> ExitUnlessRun(const CLI::App& app, const ParseResult& parsed, int usage_exit) {
  switch (parsed.kind) {
    case ParseResult::kHelp:
      std::cout << app.help();
      return 0;
    case ParseResult::kVersion:
      std::cout << VersionLine(app.get_name()) << "\n";
      return 0;
    case ParseResult::kError:
      if (parsed.missing_subcommand) {
        return UsageError(
            CommandPath(*parsed.command),
            parsed.word.empty() ? "no command given" : "unknown command '" + parsed.word + "'",
            usage_exit);
      }
      return UsageError(CommandPath(*parsed.command), parsed.error, usage_exit);
    case ParseResult::kRun:
      break;
  }
  return std::nullopt;
}

}  // namespace creg::cmdline
