// creg-bench scale end to end at a small N, against the built cregd and
// creg: it builds both registries, measures each, prints every figure with
// its formula at N/10 and at N and the growth of each, and reuses the
// folder on a second run. No timing is asserted: the figures are the
// benchmark's, not the test's. Bad flags and folders are refused clearly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/node_process.h"
#include "tests/support/temp_dir.h"

namespace creg::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Every figure the benchmark prints at both sizes.
const std::vector<std::string> kFigures = {
    "entries",
    "open after the build",
    "query status p50",
    "query status p99",
    "query account p99",
    "query holdings first page p99",
    "query batch first page p99",
    "query retirement p99",
    "query retirements by beneficiary p99",
    "query history first page p99",
    "query provenance of a serial p99",
    "query certificate p99",
    "query inclusion proof p99",
    "node memory at rest",
    "node memory under a query load",
    "query load rate",
    "export retirements",
    "export issuances",
    "export holdings",
    "open after kill -9",
    "clean stop",
    "open after a clean stop",
    "disk after a clean stop",
    "write-ahead log after a clean stop",
    "disk after a compaction",
    "verify-log",
};
// Only when the registry was built in this run.
const std::vector<std::string> kFillFigures = {"fill rate", "peak write-ahead log while filling"};

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class BenchScaleTest : public ::testing::Test {
 protected:
  RunResult Scale(const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {
        ProgramPath("CREG_BENCH_BIN"), "scale",     "--cregd", ProgramPath("CREGD_BIN"), "--creg",
        ProgramPath("CREG_BIN"),       "--queries", "20"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return RunProgram(argv);
  }

  // Each figure printed with its formula (after " = ") at N/10 and at N,
  // and its growth.
  void ExpectEveryFigure(const std::string& out, const std::vector<std::string>& figures) {
    for (const std::string& figure : figures) {
      const std::string start = "\n  " + figure + " ";
      EXPECT_EQ(Count(out, start), 2u) << figure << " in\n" << out;
      for (size_t at = out.find(start); at != std::string::npos; at = out.find(start, at + 1)) {
        const std::string line = out.substr(at + 1, out.find('\n', at + 1) - at - 1);
        EXPECT_THAT(line, HasSubstr(" = ")) << line;
      }
      EXPECT_THAT(out, HasSubstr("\n  growth " + figure + " ")) << figure;
    }
  }

  TempDir dir_;
};

TEST_F(BenchScaleTest, BuildsMeasuresAndReuses) {
  const std::string data = dir_.Sub("scale");
  RunResult first = Scale({"--entries", "2000", "--data", data});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  ExpectEveryFigure(first.out, kFigures);
  ExpectEveryFigure(first.out, kFillFigures);
  EXPECT_THAT(first.out, HasSubstr("measured at N/10 = 200 and at N"));
  EXPECT_THAT(first.out, HasSubstr("to the broker"));
  EXPECT_THAT(first.out, HasSubstr("whole run: "));
  // Both registries are data folders a node serves and an auditor checks.
  RunResult verify =
      RunProgram({ProgramPath("CREG_AUDIT_BIN"), "verify-log", "--data", data + "/full"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;

  RunResult again = Scale({"--entries", "2000", "--data", data});
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_THAT(again.out, HasSubstr("reusing the registries in " + data));
  EXPECT_THAT(again.out, Not(HasSubstr("building")));
  ExpectEveryFigure(again.out, kFigures);
}

TEST_F(BenchScaleTest, RefusesBadEntries) {
  for (const char* entries : {"999", "0", "many"}) {
    RunResult run = Scale({"--entries", entries, "--data", dir_.Sub("never")});
    EXPECT_EQ(run.exit_code, 2) << entries << run.out << run.err;
    EXPECT_THAT(run.err, HasSubstr("--entries")) << entries;
  }
  EXPECT_FALSE(std::ifstream(dir_.Sub("never")).good());
}

TEST_F(BenchScaleTest, RefusesAFolderItDidNotMake) {
  const std::string data = dir_.Sub("theirs");
  std::filesystem::create_directories(data);
  std::ofstream(data + "/notes.txt") << "keep me\n";
  RunResult run = Scale({"--entries", "2000", "--data", data});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_THAT(run.err, HasSubstr("holds files creg-bench scale did not make"));
  EXPECT_TRUE(std::ifstream(data + "/notes.txt").good());
}

TEST_F(BenchScaleTest, RefusesAFolderItCannotMake) {
  std::ofstream(dir_.Sub("file")) << "a file, not a folder\n";
  RunResult run = Scale({"--entries", "2000", "--data", dir_.Sub("file") + "/scale"});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_THAT(run.err, HasSubstr("cannot make " + dir_.Sub("file") + "/scale"));
}

TEST_F(BenchScaleTest, NamesAMissingCregd) {
  RunResult run = RunProgram({ProgramPath("CREG_BENCH_BIN"), "scale", "--entries", "2000", "--data",
                              dir_.Sub("scale"), "--cregd", dir_.Sub("no-cregd")});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_THAT(run.err, HasSubstr(dir_.Sub("no-cregd") + " is not an executable program"));
}

}  // namespace
}  // namespace creg::testing
