// A real cregd process for integration tests: `cregd init` into a temporary
// data folder, `cregd run` on 127.0.0.1 with an ephemeral port, and stop by
// signal. It runs the built cregd (or the one CREGD_BIN names), the program
// a user runs.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "ledger/keys.h"
#include "node/client/client.h"
#include "tests/support/temp_dir.h"

namespace creg::testing {

class NodeProcess {
 public:
  static constexpr const char* kOrigin = "it.creg.example";

  // Inits a registry in dir/"node" (or reuses one that exists).
  explicit NodeProcess(const TempDir& dir, std::string name = "node");
  ~NodeProcess();  // SIGKILLs a node still running
  NodeProcess(const NodeProcess&) = delete;
  NodeProcess& operator=(const NodeProcess&) = delete;

  // Starts `cregd run` with extra flags; waits until it serves. False on
  // failure (with a gtest failure recorded).
  bool Start(const std::vector<std::string>& extra_flags = {});
  // Sends `signal` and waits for exit; returns the exit status (or 128 +
  // signal if killed by one).
  int Stop(int signal = 15);
  bool running() const { return pid_ > 0; }

  const std::string& address() const { return address_; }
  const std::string& data_dir() const { return data_dir_; }
  std::string log_text() const;
  std::unique_ptr<Client> Connect() const;
  // The operator account's key from the data folder.
  PrivateKey OperatorKey() const;
  std::string VerifierKey() const;

 private:
  std::string data_dir_;
  std::string log_path_;
  std::string address_;
  pid_t pid_ = -1;
};

// Path of a built program: the environment variable if set, else the
// build's own (known for CREGD_BIN).
std::string ProgramPath(const char* env_var);

// Starts a program with stdout and stderr going to files (an empty path
// leaves that stream as it is). Returns its pid.
pid_t SpawnProgram(const std::vector<std::string>& argv, const std::string& out_path,
                   const std::string& err_path);
// Waits for a program; its exit status, or 128 + signal if a signal ended it.
int WaitProgram(pid_t pid);
// A whole file as text ("" if it cannot be read).
std::string ReadTextFile(const std::string& path);

// Runs a program to completion; returns its exit status and output.
struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
RunResult RunProgram(const std::vector<std::string>& argv, const std::string& stdin_text = "");

}  // namespace creg::testing
