#include "tests/support/witness_process.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <regex>
#include <thread>

#include "tests/support/node_process.h"

namespace creg::testing {

namespace {

using Clock = std::chrono::steady_clock;

// The exit status of `pid` once it ends within `limit`, else -1.
int WaitFor(pid_t pid, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  for (;;) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (Clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

std::string WitnessProgram() {
  if (const char* path = std::getenv("CREG_WITNESS_BIN"); path != nullptr && *path != '\0') {
    return path;
  }
  return CREG_WITNESS_BIN_DEFAULT;
}

WitnessProcess::WitnessProcess(const TempDir& dir, std::string folder, std::string name)
    : data_dir_(dir.Sub(folder)), log_path_(dir.Sub(folder + ".log")) {
  RunResult init = RunProgram({WitnessProgram(), "init", "--data", data_dir_, "--name", name});
  EXPECT_EQ(init.exit_code, 0) << init.out << init.err;
  const size_t at = init.out.find(name + "+");
  if (at != std::string::npos) {
    verifier_key_ = init.out.substr(at, init.out.find('\n', at) - at);
  }
  EXPECT_FALSE(verifier_key_.empty()) << init.out;
}

WitnessProcess::~WitnessProcess() {
  if (pid_ > 0) Stop();
}

bool WitnessProcess::Start(const std::vector<std::string>& log_keys,
                           const std::vector<std::string>& extra, const std::string& listen) {
  std::vector<std::string> argv = {WitnessProgram(), "run",      "--data",
                                   data_dir_,        "--listen", listen};
  for (const std::string& key : log_keys) argv.insert(argv.end(), {"--log", key});
  argv.insert(argv.end(), extra.begin(), extra.end());
  pid_ = SpawnProgram(argv, "", log_path_);  // a new log per run
  static const std::regex kServing("on http://([0-9.]+:[0-9]+)/add-checkpoint");
  const auto deadline = Clock::now() + std::chrono::seconds(15);
  while (Clock::now() < deadline) {
    const std::string text = log_text();
    std::smatch match;
    if (std::regex_search(text, match, kServing)) {
      address_ = match[1];
      return true;
    }
    if (const int code = WaitFor(pid_, std::chrono::milliseconds(0)); code >= 0) {
      pid_ = -1;
      ADD_FAILURE() << "creg-witness exited (" << code << ") during start:\n" << text;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << "creg-witness did not start serving:\n" << log_text();
  return false;
}

int WitnessProcess::Stop(int signal) {
  if (pid_ <= 0) return -1;
  const pid_t pid = pid_;
  pid_ = -1;
  kill(pid, signal);
  int code = WaitFor(pid, std::chrono::seconds(20));
  if (code < 0) {
    kill(pid, SIGKILL);
    code = WaitFor(pid, std::chrono::seconds(20));
    ADD_FAILURE() << "creg-witness did not exit on signal " << signal << ":\n" << log_text();
  } else if (signal == SIGTERM && code != 0) {
    ADD_FAILURE() << "creg-witness exited " << code << " on SIGTERM:\n" << log_text();
  }
  return code;
}

std::string WitnessProcess::log_text() const { return ReadTextFile(log_path_); }

}  // namespace creg::testing
