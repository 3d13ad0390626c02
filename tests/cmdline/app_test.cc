// cmdline/app.h: the command-line behaviour every program shares, parsed
// in process.
#include "cmdline/app.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <iostream>
#include <sstream>

#include "creg/version.h"

namespace creg::cmdline {
namespace {

// An app shaped like the programs': a global --node and --json, and a
// subcommand "show" with --limit N, --name TEXT and positional arguments.
class AppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("CREG_NODE");
    app_ = NewApp("prog", "prog - a test program");
    app_->require_subcommand(1);
    AddNodeFlag(*app_, node_, "the node");
    app_->add_flag("--json", json_, "machine-readable output");
    CLI::App* show = NewSubcommand(*app_, "show", "show something");
    AddNumber(*show, "--limit", limit_, "at most N");
    show->add_option("--name", name_, "a name");
    show->add_option("ARGS", positional_);
  }
  void TearDown() override { unsetenv("CREG_NODE"); }

  ParseResult Parse(std::vector<std::string> args) { return cmdline::Parse(*app_, args); }

  std::unique_ptr<CLI::App> app_;
  std::string node_ = kDefaultNodeAddress;
  bool json_ = false;
  uint64_t limit_ = 100;
  std::string name_;
  std::vector<std::string> positional_;
};

TEST_F(AppTest, ParsesASubcommandWithItsOptions) {
  ParseResult r = Parse({"show", "a", "--limit", "5", "--name=x", "b"});
  ASSERT_EQ(r.kind, ParseResult::kRun) << r.error;
  EXPECT_EQ(r.command->get_name(), "show");
  EXPECT_EQ(limit_, 5u);
  EXPECT_EQ(name_, "x");
  EXPECT_EQ(positional_, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(node_, kDefaultNodeAddress);
}

TEST_F(AppTest, GlobalFlagsBeforeOrAfterTheSubcommand) {
  ASSERT_EQ(Parse({"--node", "a:1", "show", "--json"}).kind, ParseResult::kRun);
  EXPECT_EQ(node_, "a:1");
  EXPECT_TRUE(json_);
  json_ = false;
  ASSERT_EQ(Parse({"show", "--node", "b:2"}).kind, ParseResult::kRun);
  EXPECT_EQ(node_, "b:2");
  EXPECT_FALSE(json_);
}

TEST_F(AppTest, NodeFallsBackToTheEnvironment) {
  setenv("CREG_NODE", "env:7", 1);
  ASSERT_EQ(Parse({"show"}).kind, ParseResult::kRun);
  EXPECT_EQ(node_, "env:7");
  ASSERT_EQ(Parse({"show", "--node", "flag:8"}).kind, ParseResult::kRun);
  EXPECT_EQ(node_, "flag:8");  // the flag wins
}

TEST_F(AppTest, AnEmptyEnvironmentVariableCountsAsUnset) {
  setenv("CREG_NODE", "", 1);
  ASSERT_EQ(Parse({"show"}).kind, ParseResult::kRun);
  EXPECT_EQ(node_, kDefaultNodeAddress);
}

TEST_F(AppTest, RepeatedOptionsAndFlagsAreRefused) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"show", "--limit", "1", "--limit", "2"},
                                             {"--node", "a:1", "show", "--node", "b:2"},
                                             {"show", "--json", "--json"}}) {
    ParseResult r = Parse(args);
    EXPECT_EQ(r.kind, ParseResult::kError) << args[1];
    EXPECT_NE(r.error.find("is given more than once"), std::string::npos) << r.error;
    EXPECT_EQ(r.error.rfind("--", 0), 0u) << r.error;  // names the option first
  }
}

TEST_F(AppTest, UnknownOptionsAndMissingValuesAreNamed) {
  ParseResult unknown = Parse({"show", "--frobnicate", "1"});
  EXPECT_EQ(unknown.kind, ParseResult::kError);
  EXPECT_EQ(unknown.error, "unknown option --frobnicate");
  EXPECT_EQ(unknown.command->get_name(), "show");
  EXPECT_EQ(Parse({"show", "--frobnicate=1"}).error, "unknown option --frobnicate");
  ParseResult missing = Parse({"show", "--name"});
  EXPECT_EQ(missing.kind, ParseResult::kError);
  EXPECT_EQ(missing.error, "--name needs a value");
}

TEST_F(AppTest, NumbersMustBeWholeAndNotNegative) {
  for (const char* bad : {"-1", "x", "1.5", "", "0x10"}) {
    ParseResult r = Parse({"show", "--limit", bad});
    EXPECT_EQ(r.kind, ParseResult::kError) << bad;
    EXPECT_EQ(r.error, "--limit must be a whole number, not '" + std::string(bad) + "'");
  }
  EXPECT_EQ(limit_, 100u);
}

TEST_F(AppTest, AMissingOrUnknownSubcommandIsReported) {
  ParseResult none = Parse({});
  EXPECT_EQ(none.kind, ParseResult::kError);
  EXPECT_TRUE(none.missing_subcommand);
  EXPECT_EQ(none.word, "");
  ParseResult unknown = Parse({"--json", "frobnicate"});
  EXPECT_TRUE(unknown.missing_subcommand);
  EXPECT_EQ(unknown.word, "frobnicate");
}

TEST_F(AppTest, HelpShowsDefaultsAndEnvironmentVariables) {
  ParseResult r = Parse({"show", "--help"});
  ASSERT_EQ(r.kind, ParseResult::kHelp);
  EXPECT_EQ(r.command->get_name(), "show");
  std::string help = app_->help();
  EXPECT_NE(help.find("Usage: prog show"), std::string::npos) << help;
  EXPECT_NE(help.find("--limit N=100"), std::string::npos) << help;
  app_->clear();  // the app's own help, not the subcommand's
  std::string top = app_->help();
  EXPECT_NE(top.find(std::string("--node ") + kNodeListSyntax + "=" + kDefaultNodeAddress),
            std::string::npos)
      << top;
  EXPECT_NE(top.find("CREG_NODE"), std::string::npos) << top;
  EXPECT_NE(top.find("--version"), std::string::npos) << top;
}

TEST_F(AppTest, VersionComesFromTheProject) {
  EXPECT_EQ(Parse({"--version"}).kind, ParseResult::kVersion);
  EXPECT_EQ(Parse({"show", "--version"}).kind, ParseResult::kVersion);
  EXPECT_EQ(VersionLine("prog"), std::string("prog ") + CREG_VERSION);
  EXPECT_NE(std::string(CREG_VERSION).find('.'), std::string::npos);
}

// Runs `parse` with std::cout and std::cerr captured.
struct Captured {
  std::optional<int> code;
  std::string out;
  std::string err;
};

TEST_F(AppTest, ExitUnlessRunPrintsHelpVersionOrTheErrorWithTheCommand) {
  auto run = [&](std::vector<std::string> args) {
    ParseResult parsed = Parse(std::move(args));
    std::ostringstream out, err;
    std::streambuf* old_out = std::cout.rdbuf(out.rdbuf());
    std::streambuf* old_err = std::cerr.rdbuf(err.rdbuf());
    std::optional<int> code = ExitUnlessRun(*app_, parsed, 2);
    std::cout.rdbuf(old_out);
    std::cerr.rdbuf(old_err);
    return Captured{code, out.str(), err.str()};
  };
  EXPECT_EQ(run({"show"}).code, std::nullopt);
  Captured help = run({"show", "-h"});
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("Usage: prog show"), std::string::npos) << help.out;
  Captured version = run({"--version"});
  EXPECT_EQ(version.code, 0);
  EXPECT_EQ(version.out, VersionLine("prog") + "\n");
  Captured error = run({"show", "--limit", "x"});
  EXPECT_EQ(error.code, 2);
  EXPECT_EQ(error.err,
            "prog show: --limit must be a whole number, not 'x'\n"
            "Run 'prog show --help' for usage.\n");
  Captured unknown = run({"frobnicate"});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_EQ(unknown.err.rfind("prog: unknown command 'frobnicate'\n", 0), 0u) << unknown.err;
  EXPECT_EQ(run({}).err.rfind("prog: no command given\n", 0), 0u);
}

TEST(SplitCommasTest, KeepsEveryItemInOrderEmptyOnesToo) {
  EXPECT_EQ(SplitCommas("a:1,b:2"), (std::vector<std::string>{"a:1", "b:2"}));
  EXPECT_EQ(SplitCommas("a,,b,"), (std::vector<std::string>{"a", "", "b", ""}));
  EXPECT_EQ(SplitCommas(",a"), (std::vector<std::string>{"", "a"}));
  EXPECT_EQ(SplitCommas(""), std::vector<std::string>{""});
}

}  // namespace
}  // namespace creg::cmdline
