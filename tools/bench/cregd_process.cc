#include "tools/bench/cregd_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <thread>

namespace creg::bench {
namespace {

using Clock = std::chrono::steady_clock;

pid_t Spawn(const std::vector<std::string>& argv, int stdout_fd, int stderr_fd) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid != 0) return pid;
  if (stdout_fd >= 0) dup2(stdout_fd, 1);
  if (stderr_fd >= 0) dup2(stderr_fd, 2);
  execv(args[0], args.data());
  _exit(127);
}

int ExitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// The exit status once `pid` has ended, waiting at most until `deadline`.
std::optional<int> WaitUntil(pid_t pid, Clock::time_point deadline) {
  for (;;) {
    int status = 0;
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return ExitCode(status);
    if (done < 0 && errno != EINTR) return -1;
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Tail(const std::string& text) {
  constexpr size_t kTail = 4000;
  return text.size() <= kTail ? text : text.substr(text.size() - kTail);
}

}  // namespace

StatusOr<std::string> FindProgram(const std::string& name, const std::string& build_subdir) {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  std::vector<std::filesystem::path> tried;
  if (!ec) {
    tried.push_back(self.parent_path() / name);
    tried.push_back(self.parent_path().parent_path().parent_path() / build_subdir / name);
  }
  if (const char* path = std::getenv("PATH"); path != nullptr) {
    std::stringstream dirs(path);
    for (std::string dir; std::getline(dirs, dir, ':');) {
      if (!dir.empty()) tried.push_back(std::filesystem::path(dir) / name);
    }
  }
  std::string list;
  for (const std::filesystem::path& p : tried) {
    if (access(p.c_str(), X_OK) == 0 && std::filesystem::is_regular_file(p, ec)) {
      return std::filesystem::weakly_canonical(p, ec).string();
    }
    if (list.size() < 300) list += (list.empty() ? "" : ", ") + p.string();
  }
  return NotFoundError(name + " not found (tried " + list + ")");
}

StatusOr<uint64_t> ResidentBytes(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6)) * 1024;  // in kB
  }
  return UnavailableError("no VmRSS for process " + std::to_string(pid));
}

StatusOr<std::unique_ptr<CregdProcess>> CregdProcess::Start(const std::string& cregd,
                                                            const std::string& data,
                                                            const std::string& log_path,
                                                            const std::vector<std::string>& flags,
                                                            std::chrono::milliseconds timeout) {
  std::vector<std::string> argv = {cregd, "run", "--data", data, "--listen", "127.0.0.1:0"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  const size_t offset = ReadText(log_path).size();
  int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (log < 0) return UnavailableError("cannot write " + log_path);
  auto node = std::unique_ptr<CregdProcess>(new CregdProcess());
  node->started_ = Clock::now();
  node->pid_ = Spawn(argv, log, log);
  close(log);
  if (node->pid_ < 0) return UnavailableError("cannot start " + cregd);
  static const std::regex kServing("serving on ([0-9.]+:[0-9]+)");
  static const std::regex kHttp("on http://([0-9.]+:[0-9]+)/ ");
  const bool wants_http = std::find(flags.begin(), flags.end(), "--http") != flags.end();
  const auto deadline = node->started_ + timeout;
  for (;;) {
    const std::string text = ReadText(log_path);
    std::smatch match;
    auto from = text.begin() + static_cast<long>(std::min(offset, text.size()));
    if (std::regex_search(from, text.end(), match, kServing)) {
      node->address_ = match[1];
      if (!wants_http) return node;
      if (std::regex_search(from, text.end(), match, kHttp)) {
        node->http_address_ = match[1];
        return node;
      }
    }
    if (std::optional<int> code = WaitUntil(node->pid_, Clock::now()); code.has_value()) {
      node->pid_ = -1;
      return UnavailableError("cregd exited with status " + std::to_string(*code) +
                              " while starting; its log:\n" + Tail(text.substr(offset)));
    }
    if (Clock::now() >= deadline) {
      return UnavailableError("cregd did not serve within " +
                              std::to_string(timeout.count() / 1000) + " s; its log:\n" +
                              Tail(text.substr(std::min(offset, text.size()))));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

CregdProcess::~CregdProcess() {
  if (pid_ > 0) Stop(SIGKILL, std::chrono::seconds(10)).status().IgnoreError();
}

StatusOr<int> CregdProcess::Stop(int signal, std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return FailedPreconditionError("cregd is not running");
  kill(pid_, signal);
  std::optional<int> code = WaitUntil(pid_, Clock::now() + timeout);
  if (!code.has_value()) {
    kill(pid_, SIGKILL);
    WaitUntil(pid_, Clock::now() + std::chrono::seconds(10));
    pid_ = -1;
    return UnavailableError("cregd did not exit within " + std::to_string(timeout.count() / 1000) +
                            " s of signal " + std::to_string(signal));
  }
  pid_ = -1;
  return *code;
}

int RunProgram(const std::vector<std::string>& argv, const std::string& out_path) {
  int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (out < 0) return -1;
  pid_t pid = Spawn(argv, out, out);
  close(out);
  if (pid < 0) return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return ExitCode(status);
}

}  // namespace creg::bench
