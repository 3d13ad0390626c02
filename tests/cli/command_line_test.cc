// creg's command line (tools/cli/command_line.h), parsed in process: the
// command table made into CLI11 subcommands, the shared flags, the
// environment fallbacks and the help texts.
#include "tools/cli/command_line.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "tools/cli/commands.h"

namespace creg::cli {
namespace {

using cmdline::ParseResult;

class CommandLineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : kEnv) unsetenv(name);
  }
  void TearDown() override {
    for (const char* name : kEnv) unsetenv(name);
  }

  static constexpr const char* kEnv[] = {"CREG_NODE", "CREG_TLS_CA", "CREG_ACCOUNT", "CREG_KEY"};
  CommandLine line_;
};

TEST_F(CommandLineTest, EveryCommandParsesAndHasHelpWithItsFlags) {
  for (const Command& command : AllCommands()) {
    SCOPED_TRACE(command.name);
    CommandLine line;
    std::vector<std::string> words;
    std::string name = command.name;
    if (size_t space = name.find(' '); space != std::string::npos) {
      words = {name.substr(0, space), name.substr(space + 1)};
    } else {
      words = {name};
    }
    words.push_back("--help");
    ASSERT_EQ(line.Parse(words).kind, ParseResult::kHelp);
    ASSERT_EQ(line.command(), &command);
    std::string help = line.Help(command);
    EXPECT_EQ(help.rfind("Usage: creg " + name, 0), 0u) << help;
    for (const Flag& flag : command.flags) {
      std::string names = flag.names;
      std::string longest = names.substr(names.rfind(',') + 1);
      EXPECT_EQ(help.find(longest) != std::string::npos, flag.help != nullptr) << longest;
    }
    EXPECT_NE(help.find("--json"), std::string::npos);
  }
}

TEST_F(CommandLineTest, CommonFlagsGoBeforeOrAfterTheCommand) {
  ASSERT_EQ(line_.Parse({"--node", "a:1", "--json", "account", "show", "x"}).kind,
            ParseResult::kRun);
  EXPECT_EQ(line_.flags().Value("--node"), "a:1");
  EXPECT_TRUE(line_.flags().Flag("--json"));
  EXPECT_EQ(line_.flags().positional(), std::vector<std::string>{"x"});

  CommandLine after;
  ASSERT_EQ(after.Parse({"account", "show", "x", "--tls-ca", "ca.pem", "--node", "b:2"}).kind,
            ParseResult::kRun);
  EXPECT_EQ(after.flags().Value("--node"), "b:2");
  EXPECT_EQ(after.client_options().tls_ca_file, "ca.pem");
  EXPECT_FALSE(after.flags().Flag("--json"));
}

TEST_F(CommandLineTest, EnvironmentFallbacks) {
  setenv("CREG_NODE", "env:1", 1);
  setenv("CREG_TLS_CA", "env-ca.pem", 1);
  setenv("CREG_ACCOUNT", "alice", 1);
  setenv("CREG_KEY", "alice.key", 1);
  ASSERT_EQ(line_.Parse({"transfer", "--to", "bob"}).kind, ParseResult::kRun);
  Flags flags = line_.flags();
  EXPECT_EQ(flags.Value("--node"), "env:1");
  EXPECT_EQ(line_.client_options().tls_ca_file, "env-ca.pem");
  EXPECT_EQ(flags.Get("--account"), "alice");
  EXPECT_EQ(flags.Get("--key"), "alice.key");

  CommandLine given;  // flags win over the environment
  ASSERT_EQ(given.Parse({"transfer", "--account", "carol", "--node", "n:2"}).kind,
            ParseResult::kRun);
  EXPECT_EQ(given.flags().Get("--account"), "carol");
  EXPECT_EQ(given.flags().Value("--node"), "n:2");

  CommandLine export_line;  // export's --holder filters; the environment does not
  ASSERT_EQ(export_line.Parse({"export", "holdings"}).kind, ParseResult::kRun);
  EXPECT_EQ(export_line.flags().Get("--holder"), std::nullopt);
  EXPECT_EQ(export_line.flags().Get("--account"), "alice");  // the account signed in as
}

TEST_F(CommandLineTest, DefaultsComeFromTheTable) {
  ASSERT_EQ(line_.Parse({"account", "open", "x"}).kind, ParseResult::kRun);
  EXPECT_EQ(line_.flags().Value("--role"), "holder");
  EXPECT_EQ(line_.flags().Value("--account"), kOperatorAccount);
  EXPECT_EQ(line_.flags().Value("--data"), kDefaultDataDir);
  EXPECT_EQ(line_.flags().Value("--node"), cmdline::kDefaultNodeAddress);
  EXPECT_EQ(line_.flags().Get("--role"), std::nullopt);

  CommandLine history;
  ASSERT_EQ(history.Parse({"account", "history", "x"}).kind, ParseResult::kRun);
  EXPECT_EQ(history.flags().Number("--limit"), 100u);
  std::string help = history.Help(*history.command());
  EXPECT_NE(help.find("--limit N=100"), std::string::npos) << help;
  EXPECT_NE(help.find(std::string("--node ") + cmdline::kNodeListSyntax + "=" +
                      cmdline::kDefaultNodeAddress),
            std::string::npos)
      << help;
  EXPECT_NE(help.find("CREG_NODE"), std::string::npos) << help;
}

TEST_F(CommandLineTest, BadFlagsAreRefusedByName) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"status", "--frobnicate", "1"}, "unknown option --frobnicate"},
      {{"transfer", "--to", "a", "--to", "b"}, "--to is given more than once"},
      {{"--json", "status", "--json"}, "--json is given more than once"},
      {{"account", "history", "--limit", "-1"}, "--limit must be a whole number, not '-1'"},
      {{"bulk", "retire", "f.csv", "--window", "many"},
       "--window must be a whole number, not 'many'"},
      {{"transfer", "--memo"}, "--memo needs a value"},
      {{"keygen", "--role", "holder"}, "unknown option --role"},
  };
  for (const auto& [words, error] : cases) {
    CommandLine line;
    const ParseResult& parsed = line.Parse(words);
    EXPECT_EQ(parsed.kind, ParseResult::kError) << words[0];
    EXPECT_EQ(parsed.error, error);
    EXPECT_NE(line.command(), nullptr) << error;  // so the error names the command's help
  }
}

TEST_F(CommandLineTest, ShortOutputAndHiddenFlags) {
  ASSERT_EQ(line_.Parse({"cert", "R1", "-o", "cert.json"}).kind, ParseResult::kRun);
  EXPECT_EQ(line_.flags().Get("--output"), "cert.json");

  CommandLine bulk;
  ASSERT_EQ(bulk.Parse({"bulk", "transfer", "f.csv", "--stop-after", "3", "--no-progress"}).kind,
            ParseResult::kRun);
  EXPECT_EQ(bulk.flags().Number("--stop-after"), 3u);
  EXPECT_TRUE(bulk.flags().Flag("--no-progress"));
  EXPECT_EQ(bulk.Help(*bulk.command()).find("--stop-after"), std::string::npos);
}

TEST_F(CommandLineTest, NoCommandOrAFamilyAlone) {
  const ParseResult& unknown = line_.Parse({"frobnicate"});
  EXPECT_TRUE(unknown.missing_subcommand);
  EXPECT_EQ(unknown.word, "frobnicate");
  EXPECT_EQ(line_.command(), nullptr);

  CommandLine family;
  const ParseResult& alone = family.Parse({"account"});
  EXPECT_EQ(alone.kind, ParseResult::kError);
  EXPECT_EQ(family.family(), "account");
  EXPECT_EQ(family.command(), nullptr);

  CommandLine version;
  EXPECT_EQ(version.Parse({"status", "--version"}).kind, ParseResult::kVersion);
}

TEST_F(CommandLineTest, DoubleDashEndsTheFlags) {
  ASSERT_EQ(line_.Parse({"holdings", "--", "--odd"}).kind, ParseResult::kRun);
  EXPECT_EQ(line_.flags().positional(), std::vector<std::string>{"--odd"});
}

}  // namespace
}  // namespace creg::cli
