// A real cregd process for integration tests: `cregd init` into a temporary
// data folder, `cregd run` on 127.0.0.1 with an ephemeral port, and stop by
// signal. It runs the built cregd (or the one CREGD_BIN names), the program
// a user runs.
//
// A node is shut down the way an operator does it, with SIGTERM, and must
// exit 0 within kStopTimeout: otherwise the test that owns it fails, with
// the node's log (a sanitizer report, a hang in the drain, an error at
// close). Kill() is the crash a crash test wants.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/client.h"
#include "ledger/keys.h"
#include "tests/support/temp_dir.h"

namespace creg::testing {

class NodeProcess {
 public:
  static constexpr const char* kOrigin = "it.creg.example";

  // How long Stop waits for the node to exit before it SIGKILLs it.
  // Generous: a sanitizer build drains slowly on a loaded machine.
  static constexpr std::chrono::seconds kStopTimeout{60};

  // Inits a registry in dir/"node" (or reuses one that exists).
  explicit NodeProcess(const TempDir& dir, std::string name = "node");
  ~NodeProcess();  // Stop()s a node still running (so it must exit 0)
  NodeProcess(const NodeProcess&) = delete;
  NodeProcess& operator=(const NodeProcess&) = delete;

  // Starts `cregd run` with extra flags; waits until it serves. False on
  // failure (with a gtest failure recorded). Without a --read-policy flag
  // among them the node runs with --read-policy public-log, so tests of
  // programs that do not sign in read everything.
  bool Start(const std::vector<std::string>& extra_flags = {});
  // Sends `signal` and waits for exit, at most kStopTimeout, then SIGKILLs.
  // Returns the exit status, or 128 + signal if a signal ended it. For a
  // shutdown request (SIGTERM, SIGINT) anything but a clean exit 0 in time
  // also records a test failure with this run's log.
  int Stop(int signal = SIGTERM);
  // SIGKILL, as in a crash, and waits; returns the status (128 + SIGKILL
  // unless the node had already ended). Records no failure.
  int Kill() { return Stop(SIGKILL); }
  bool running() const { return pid_ > 0; }
  // Freezes and thaws the node (SIGSTOP, SIGCONT), as a hung machine or a
  // process paused for longer than its lease would be. Pause returns once
  // it is stopped. False, with a test failure, if it is not running (or
  // not paused, for Resume). Stop() thaws a paused node first.
  bool Pause();
  bool Resume();
  // The running node's process id (-1 when it is not running), for reading
  // /proc/PID.
  pid_t pid() const { return pid_; }

  const std::string& address() const { return address_; }
  // Where the node serves its metrics when started with --metrics (at the
  // default log level, which logs the address).
  const std::string& metrics_address() const { return metrics_address_; }
  // Where the node serves tlog tiles over HTTP when started with --http
  // (at the default log level, which logs the address).
  const std::string& http_address() const { return http_address_; }
  const std::string& data_dir() const { return data_dir_; }

  // One sample of the node's metrics (it must run with --metrics); NaN,
  // which fails every comparison, when it cannot be read.
  double Metric(const std::string& name) const;
  // Polls Metric(name) until it equals `want`, for at most `limit`: how a
  // test waits for the node to have done something it does not answer.
  ::testing::AssertionResult MetricReaches(
      const std::string& name, double want,
      std::chrono::milliseconds limit = std::chrono::seconds(10)) const;
  std::string log_text() const;
  std::unique_ptr<Client> Connect() const;
  // The operator account's key from the data folder.
  PrivateKey OperatorKey() const;
  std::string VerifierKey() const;

 private:
  std::string RunLog() const;  // the log since the last Start

  std::string data_dir_;
  std::string log_path_;
  std::string address_;
  std::string metrics_address_;
  std::string http_address_;
  size_t log_offset_ = 0;  // where this run's part of the log starts
  pid_t pid_ = -1;
  bool paused_ = false;
};

// Path of a built program: the environment variable if set, else the
// build's own (known for CREGD_BIN, CREG_BIN, CREG_AUDIT_BIN and
// CREG_BENCH_BIN).
std::string ProgramPath(const char* env_var);

// Starts a program with stdout and stderr going to files (an empty path
// leaves that stream as it is). Returns its pid.
pid_t SpawnProgram(const std::vector<std::string>& argv, const std::string& out_path,
                   const std::string& err_path);
// Sends SIGSTOP to a program and waits until it is stopped; false if it
// ended instead (it was reaped).
bool PauseProgram(pid_t pid);
// Waits for a program; its exit status, or 128 + signal if a signal ended it.
int WaitProgram(pid_t pid);
// Like WaitProgram, but gives up after `timeout` (nullopt: still running).
std::optional<int> WaitProgramFor(pid_t pid, std::chrono::milliseconds timeout);
// A whole file as text ("" if it cannot be read).
std::string ReadTextFile(const std::string& path);

// Runs a program to completion; returns its exit status and output.
struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
RunResult RunProgram(const std::vector<std::string>& argv, const std::string& stdin_text = "");

// The node's status, or an empty one if it is not running or does not
// answer within a second. Records no test failure: for polling a node that
// may be stopped, frozen or between roles.
pb::StatusResponse StatusOf(const NodeProcess& node);

}  // namespace creg::testing
