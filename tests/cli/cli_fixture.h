// A fixture for black-box tests of creg: a real cregd in a temporary data
// folder (tests/support/node_process.h), and helpers that run the built
// creg binary against it and parse its --json output.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ledger/json.h"
#include "tests/support/node_process.h"
#include "tests/support/temp_dir.h"

namespace creg::testing {

// The creg binary: $CREG_BIN, else the one this build made.
std::string CregBin();

// Starts creg with `args` without waiting; stdout and stderr go to files.
pid_t SpawnCreg(const std::vector<std::string>& args, const std::string& out_path,
                const std::string& err_path);
void WriteText(const std::string& path, const std::string& text);

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override;
  // cregd flags for the test node; none by default (NodeProcess's defaults).
  virtual std::vector<std::string> NodeFlags() const { return {}; }

  // Runs creg with `args` and "--node <the test node>".
  RunResult Creg(std::vector<std::string> args);
  // Runs creg with `args` and "--json"; expects exit 0 and returns the
  // parsed stdout (null after recording a failure).
  json::Value CregJson(std::vector<std::string> args);

  std::string Path(const std::string& name) const { return dir_.Sub(name); }
  std::string OperatorKey() const;
  // The flags that sign as `account` with the key made by OpenHolder.
  std::vector<std::string> As(const std::string& account) const;
  // Operator flags.
  std::vector<std::string> AsOperator() const;

  // keygen <account>.key, then account open <account>.
  void OpenHolder(const std::string& account, const std::string& name = "");
  // The story: accounts developer and organiser, project wind-01, batch 1 of
  // 10,000 credits issued to developer, 500 (1:1-500) moved to organiser.
  void SetUpStory();
  // The total an account holds (creg holdings --json).
  uint64_t Total(const std::string& account);

  TempDir dir_;
  std::unique_ptr<NodeProcess> node_;
};

// args + more.
std::vector<std::string> Join(std::vector<std::string> args, const std::vector<std::string>& more);

}  // namespace creg::testing
