// CLI11 set up the same way for cregd, creg, creg-audit and creg-bench:
//
//   std::unique_ptr<CLI::App> app = cmdline::NewApp("cregd", "the registry node");
//   CLI::App* run = app->add_subcommand("run", "serve the registry");
//   cmdline::AddNumber(*run, "--io-threads", options.io_threads, "network threads");
//   cmdline::ParseResult parsed = cmdline::Parse(*app, argc, argv);
//   switch (parsed.kind) { ... }  // kHelp: print parsed.command->help()
//
// Every option may be given once ("--x is given more than once" otherwise),
// as "--name value" or "--name=value"; the value an option is bound to when
// it is added is its default, and --help shows it. Options of the app stay
// valid after a subcommand ("creg status --node H:P" and "creg --node H:P
// status" are the same), because NewSubcommand() makes subcommands fall
// through to their parent. Not thread-safe; one app per command line.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace creg::cmdline {

// Where the client programs look for a node unless told otherwise: the
// address cregd serves by default (NodeOptions::listen).
inline constexpr char kDefaultNodeAddress[] = "127.0.0.1:7600";

// "<program> <version>", the version being project(VERSION) of the top
// CMakeLists.txt. Every program prints it for --version.
std::string VersionLine(std::string_view program);

// An app named `program` with -h/--help, --version, options refused when
// repeated and defaults shown in --help. `description` is the first line of
// its --help.
std::unique_ptr<CLI::App> NewApp(const std::string& program, const std::string& description);

// A subcommand of `parent` that passes options it does not know to the
// parent, so the parent's options may follow it.
CLI::App* NewSubcommand(CLI::App& parent, const std::string& name, const std::string& description);

// Refuses anything but a whole number in decimal digits that fits 64 bits
// ("-1", "x", "1.5"), so that a negative number never wraps around into an
// unsigned option.
const CLI::Validator& WholeNumber();

// An unsigned option checked by WholeNumber(); "N" in --help.
template <typename T>
CLI::Option* AddNumber(CLI::App& app, const std::string& name, T& value, const std::string& help) {
  return app.add_option(name, value, help)->check(WholeNumber())->type_name("N");
}

// The help lines of `options`, under "<heading>:" after a blank line, laid
// out as --help lays them out; "" if there are none.
std::string OptionsHelp(const std::string& heading, const std::vector<const CLI::Option*>& options);
// OptionsHelp() of the options of `app` in `group` (CLI::Option::group).
std::string OptionGroupHelp(const CLI::App& app, const std::string& group);

// The items of a comma-separated flag value (--node A,B; --public-key
// F,G), in order. Empty items are kept, for the caller to refuse by name;
// "" is one empty item.
std::vector<std::string> SplitCommas(std::string_view list);

// How --help writes the value of --node: one node, or the members of one
// registry, tried in turn (client/members.h).
inline constexpr char kNodeListSyntax[] = "HOST:PORT[,HOST:PORT...]";

// --node HOST:PORT[,HOST:PORT...], the node (or the members of a cluster)
// to talk to, falling back to the environment variable CREG_NODE (an empty
// one counts as unset). `address` keeps its value, shown as the default,
// when neither is given.
CLI::Option* AddNodeFlag(CLI::App& app, std::string& address, const std::string& help);

// The outcome of Parse().
struct ParseResult {
  enum Kind {
    kRun,      // parsed: run `command`
    kHelp,     // -h/--help was given: print `command`'s help, exit 0
    kVersion,  // --version was given: print VersionLine(), exit 0
    kError,    // the command line is wrong: `error` says how
  };
  Kind kind = kRun;
  // The deepest subcommand given, or the app itself.
  CLI::App* command = nullptr;
  // kError: what is wrong, naming the option or argument, e.g.
  // "unknown option --frob", "--node is given more than once",
  // "--jobs must be a whole number, not 'x'", "--data needs a value".
  std::string error;
  // kError: no subcommand was given although the app (or `command`) needs
  // one; `word` is the unknown word given instead, if any.
  bool missing_subcommand = false;
  std::string word;
};

// Parses `args` (the words after the program name) into `app`.
ParseResult Parse(CLI::App& app, const std::vector<std::string>& args);
ParseResult Parse(CLI::App& app, int argc, const char* const* argv);

// "cregd run": the program and the subcommands down to `command`.
std::string CommandPath(const CLI::App& command);

// Prints "<path>: <message>" and "Run '<path> --help' for usage." to
// stderr; returns `exit_code`.
int UsageError(const std::string& path, const std::string& message, int exit_code);

// What a program does with a command line it does not run: for kHelp
// prints the help of the command given and returns 0, for kVersion
// VersionLine() and 0, for kError UsageError() of the command given (or
// "no command given", "unknown command 'x'") and `usage_exit`. nullopt for
// kRun.
std::optional<int> ExitUnlessRun(const CLI::App& app, const ParseResult& parsed, int usage_exit);

}  // namespace creg::cmdline
