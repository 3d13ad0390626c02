#include "tests/support/node_process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <thread>

#include "client/metrics_reader.h"
#include "ledger/data_dir.h"

namespace creg::testing {
namespace {

pid_t Spawn(const std::vector<std::string>& argv, int stdin_fd, int stdout_fd, int stderr_fd) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  if (stdin_fd >= 0) dup2(stdin_fd, 0);
  if (stdout_fd >= 0) dup2(stdout_fd, 1);
  if (stderr_fd >= 0) dup2(stderr_fd, 2);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execv(args[0], args.data());
  _exit(127);
}

int ExitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

int WaitExit(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return ExitCode(status);
}

// Like WaitExit, but gives up after `timeout` (nullopt, still running).
std::optional<int> WaitExitFor(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return ExitCode(status);
    if (done < 0 && errno != EINTR) return -1;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// A log for a failure message: all of it if short, else its head (where
// the first sanitizer report or error is) and its tail.
std::string Abridged(const std::string& text) {
  constexpr size_t kHead = 24'000, kTail = 6'000;
  if (text.size() <= kHead + kTail) return text;
  return text.substr(0, kHead) + "\n[... " + std::to_string(text.size() - kHead - kTail) +
         " bytes left out ...]\n" + text.substr(text.size() - kTail);
}

}  // namespace

std::string ReadTextFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

pid_t SpawnProgram(const std::vector<std::string>& argv, const std::string& out_path,
                   const std::string& err_path) {
  int out = out_path.empty() ? -1 : open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  int err = err_path.empty() ? -1 : open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = Spawn(argv, -1, out, err);
  if (out >= 0) close(out);
  if (err >= 0) close(err);
  return pid;
}

int WaitProgram(pid_t pid) { return WaitExit(pid); }

bool PauseProgram(pid_t pid) {
  kill(pid, SIGSTOP);
  int status = 0;
  pid_t got;
  while ((got = waitpid(pid, &status, WUNTRACED)) < 0 && errno == EINTR) {
  }
  return got == pid && WIFSTOPPED(status);
}

std::optional<int> WaitProgramFor(pid_t pid, std::chrono::milliseconds timeout) {
  return WaitExitFor(pid, timeout);
}

std::string ProgramPath(const char* env_var) {
  if (const char* path = std::getenv(env_var); path != nullptr && *path != '\0') return path;
  if (std::string_view(env_var) == "CREGD_BIN") return CREGD_BIN_DEFAULT;
  if (std::string_view(env_var) == "CREG_BIN") return CREG_BIN_DEFAULT;
  if (std::string_view(env_var) == "CREG_AUDIT_BIN") return CREG_AUDIT_BIN_DEFAULT;
  if (std::string_view(env_var) == "CREG_BENCH_BIN") return CREG_BENCH_BIN_DEFAULT;
  ADD_FAILURE() << env_var << " is not set";
  return "";
}

RunResult RunProgram(const std::vector<std::string>& argv, const std::string& stdin_text) {
  TempDir io;
  std::string in_path = io.Sub("in"), out_path = io.Sub("out"), err_path = io.Sub("err");
  std::ofstream(in_path) << stdin_text;
  int in = open(in_path.c_str(), O_RDONLY);
  int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = Spawn(argv, in, out, err);
  close(in);
  close(out);
  close(err);
  RunResult result;
  result.exit_code = WaitExit(pid);
  result.out = ReadTextFile(out_path);
  result.err = ReadTextFile(err_path);
  return result;
}

NodeProcess::NodeProcess(const TempDir& dir, std::string name)
    : data_dir_(dir.Sub(name)), log_path_(dir.Sub(name + ".log")) {
  if (std::ifstream(DataDir(data_dir_).verifier_key_path()).good()) return;
  RunResult init =
      RunProgram({ProgramPath("CREGD_BIN"), "init", "--data", data_dir_, "--origin", kOrigin});
  EXPECT_EQ(init.exit_code, 0) << init.out << init.err;
  // A new registry is made without storage noise (RocksDB used to log an
  // ERROR for the folder it was about to create).
  EXPECT_EQ(init.err, "");
}

NodeProcess::~NodeProcess() {
  if (pid_ > 0) Stop(SIGTERM);
}

bool NodeProcess::Start(const std::vector<std::string>& extra_flags) {
  std::vector<std::string> argv = {
      ProgramPath("CREGD_BIN"), "run", "--data", data_dir_, "--listen", "127.0.0.1:0"};
  // Most tests read as the public without signing in, so a test node runs
  // under public-log unless the test asks for a read policy itself.
  const bool sets_policy =
      std::any_of(extra_flags.begin(), extra_flags.end(),
                  [](const std::string& flag) { return flag.rfind("--read-policy", 0) == 0; });
  if (!sets_policy) argv.insert(argv.end(), {"--read-policy", "public-log"});
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  // Only what this run logs counts: remember where the log ends now.
  const size_t offset = ReadTextFile(log_path_).size();
  log_offset_ = offset;
  int log = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  pid_ = Spawn(argv, -1, log, log);
  close(log);
  static const std::regex kServing("serving on ([0-9.]+:[0-9]+)");
  static const std::regex kMetrics("metrics on http://([0-9.]+:[0-9]+)/metrics");
  const bool wants_metrics =
      std::any_of(extra_flags.begin(), extra_flags.end(),
                  [](const std::string& flag) { return flag.rfind("--metrics", 0) == 0; });
  static const std::regex kHttp("tlog tiles on http://([0-9.]+:[0-9]+)/");
  const bool wants_http = std::any_of(
      extra_flags.begin(), extra_flags.end(),
      [](const std::string& flag) { return flag == "--http" || flag.rfind("--http=", 0) == 0; });
  metrics_address_.clear();
  http_address_.clear();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string text = ReadTextFile(log_path_);
    std::smatch match;
    std::string::const_iterator from =
        text.begin() + static_cast<long>(std::min(offset, text.size()));
    std::string serving;
    if (std::regex_search(from, text.cend(), match, kServing)) serving = match[1];
    std::string metrics;
    if (std::regex_search(from, text.cend(), match, kMetrics)) metrics = match[1];
    std::string http;
    if (std::regex_search(from, text.cend(), match, kHttp)) http = match[1];
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      ADD_FAILURE() << "cregd exited during start:\n" << text;
      return false;
    }
    if (!serving.empty() && (!wants_metrics || !metrics.empty()) &&
        (!wants_http || !http.empty())) {
      address_ = serving;
      metrics_address_ = metrics;
      http_address_ = http;
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "cregd did not start serving:\n" << ReadTextFile(log_path_);
  return false;
}

double NodeProcess::Metric(const std::string& name) const {
  auto samples = FetchMetrics(metrics_address_);
  if (!samples.ok() || samples->count(name) == 0) return std::nan("");
  return samples->at(name);
}

::testing::AssertionResult NodeProcess::MetricReaches(const std::string& name, double want,
                                                      std::chrono::milliseconds limit) const {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  double value = Metric(name);
  while (value != want && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    value = Metric(name);
  }
  if (value == want) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << name << " is " << value << ", expected " << want
                                       << " within " << limit.count() << " ms";
}

std::string NodeProcess::RunLog() const {
  std::string text = ReadTextFile(log_path_);
  return text.substr(std::min(log_offset_, text.size()));
}

bool NodeProcess::Pause() {
  if (pid_ <= 0 || paused_) {
    ADD_FAILURE() << "cregd is not running, or already paused";
    return false;
  }
  if (PauseProgram(pid_)) return paused_ = true;
  pid_ = -1;  // it ended instead (and was reaped)
  ADD_FAILURE() << "cregd ended instead of stopping. Its log:\n" << Abridged(RunLog());
  return false;
}

bool NodeProcess::Resume() {
  if (pid_ <= 0 || !paused_) {
    ADD_FAILURE() << "cregd is not paused";
    return false;
  }
  kill(pid_, SIGCONT);
  paused_ = false;
  return true;
}

int NodeProcess::Stop(int signal) {
  if (pid_ <= 0) return -1;
  const pid_t pid = pid_;
  pid_ = -1;
  if (paused_) kill(pid, SIGCONT);  // so that it can act on `signal`
  paused_ = false;
  kill(pid, signal);
  std::optional<int> code = WaitExitFor(pid, kStopTimeout);
  const bool shutdown = signal == SIGTERM || signal == SIGINT;
  if (!code.has_value()) {
    kill(pid, SIGKILL);
    code = WaitExit(pid);
    ADD_FAILURE() << "cregd did not exit within " << kStopTimeout.count() << " s of signal "
                  << signal << "; killed it. Its log:\n"
                  << Abridged(RunLog());
  } else if (shutdown && *code != 0) {
    ADD_FAILURE() << "cregd did not shut down cleanly on signal " << signal << ": exit status "
                  << *code << (*code == 66 ? " (66: a sanitizer report)" : "") << ". Its log:\n"
                  << Abridged(RunLog());
  }
  return *code;
}

std::string NodeProcess::log_text() const { return ReadTextFile(log_path_); }

std::unique_ptr<Client> NodeProcess::Connect() const {
  auto client = Client::Connect(address_);
  EXPECT_TRUE(client.ok()) << client.status().ToString();
  return client.ok() ? std::move(client).value() : nullptr;
}

PrivateKey NodeProcess::OperatorKey() const {
  return PrivateKey::LoadFile(DataDir(data_dir_).operator_key_path()).value();
}

std::string NodeProcess::VerifierKey() const {
  std::string text = ReadTextFile(DataDir(data_dir_).verifier_key_path());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

pb::StatusResponse StatusOf(const NodeProcess& node) {
  if (!node.running()) return {};
  ClientOptions quick;  // a frozen node must not hold the test up
  quick.timeout = std::chrono::milliseconds(1000);
  StatusOr<std::unique_ptr<Client>> client = Client::Connect(node.address(), quick);
  if (!client.ok()) return {};
  StatusOr<pb::StatusResponse> status = (*client)->GetStatus();
  return status.ok() ? *status : pb::StatusResponse();
}

}  // namespace creg::testing
