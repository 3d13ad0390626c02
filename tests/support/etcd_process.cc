#include "tests/support/etcd_process.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <vector>

#include "client/http_client.h"
#include "ledger/json.h"
#include "tests/support/node_process.h"

namespace creg::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr seconds kReadyLimit{20};
constexpr seconds kStopLimit{20};
constexpr const char* kMemberName = "creg-test";

// Two distinct free ports of 127.0.0.1: bound together, then released.
// etcd binds them a moment later; Start() picks again if one was taken.
bool PickPorts(uint16_t* a, uint16_t* b) {
  int fds[2] = {-1, -1};
  uint16_t ports[2] = {0, 0};
  bool ok = true;
  for (int i = 0; i < 2 && ok; ++i) {
    fds[i] = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    ok = fds[i] >= 0 && bind(fds[i], reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
         getsockname(fds[i], reinterpret_cast<sockaddr*>(&addr), &len) == 0;
    ports[i] = ntohs(addr.sin_port);
  }
  for (int fd : fds) {
    if (fd >= 0) close(fd);
  }
  *a = ports[0];
  *b = ports[1];
  return ok;
}

// GET /health answered {"health":"true"}, within 500 ms: a member that
// accepts the connection but does not answer yet (it does, just after it
// opens its port) costs one poll, not the whole wait.
bool Healthy(const std::string& address) {
  HttpExchangeOptions options;
  options.timeout = milliseconds(500);
  options.max_body_bytes = 4096;
  StatusOr<HttpExchangeAnswer> got = HttpGet(address, "/health", options);
  if (!got.ok() || got->status != 200) return false;
  StatusOr<json::Value> body = json::Parse(got->body);
  if (!body.ok()) return false;
  StatusOr<std::string> health = body->GetString("health");
  return health.ok() && *health == "true";
}

}  // namespace

std::string EtcdProgram() {
  if (const char* path = std::getenv("ETCD_BIN"); path != nullptr && *path != '\0') return path;
  return "/usr/bin/etcd";
}

bool EtcdInstalled() { return access(EtcdProgram().c_str(), X_OK) == 0; }

EtcdProcess::EtcdProcess(const TempDir& dir, std::string folder)
    : data_dir_(dir.Sub(folder)), log_path_(dir.Sub(folder + ".log")) {}

EtcdProcess::~EtcdProcess() {
  if (pid_ > 0) Kill();
}

bool EtcdProcess::Start() {
  const bool fresh = client_port_ == 0;
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (fresh) {
      // A member that never started keeps nothing worth keeping, and its
      // data would remember the ports of the failed attempt.
      std::filesystem::remove_all(data_dir_);
      if (!PickPorts(&client_port_, &peer_port_)) {
        ADD_FAILURE() << "cannot pick two free ports of 127.0.0.1";
        return false;
      }
    }
    bool exited = false;
    if (StartOnce(&exited)) return true;
    if (!exited || !fresh) break;
  }
  ADD_FAILURE() << EtcdProgram() << " did not become healthy on " << client_address() << " within "
                << kReadyLimit.count() << " s. Its log:\n"
                << log_text();
  return false;
}

bool EtcdProcess::StartOnce(bool* exited) {
  const std::string client = url();
  const std::string peer = "http://127.0.0.1:" + std::to_string(peer_port_);
  // One flag and its value a line.
  // clang-format off
  const std::vector<std::string> argv = {
      EtcdProgram(),
      "--name", kMemberName,
      "--data-dir", data_dir_,
      "--listen-client-urls", client,
      "--advertise-client-urls", client,
      "--listen-peer-urls", peer,
      "--initial-advertise-peer-urls", peer,
      "--initial-cluster", std::string(kMemberName) + "=" + peer,
      "--initial-cluster-state", "new",
      "--initial-cluster-token", kMemberName,
      // As in production: without compaction every write keeps a revision
      // until the 2 GiB quota, after which etcd refuses all writes.
      "--auto-compaction-mode", "revision",
      "--auto-compaction-retention", "1000",
      "--logger", "zap",
      "--log-level", "warn",
  };
  // clang-format on
  pid_ = SpawnProgram(argv, log_path_ + ".out", log_path_);
  paused_ = false;
  const auto deadline = Clock::now() + kReadyLimit;
  while (Clock::now() < deadline) {
    if (WaitProgramFor(pid_, milliseconds(0)).has_value()) {
      pid_ = -1;
      *exited = true;
      return false;
    }
    if (Healthy(client_address())) return true;
    std::this_thread::sleep_for(milliseconds(20));  // pacing between polls
  }
  Kill();
  return false;
}

int EtcdProcess::Stop(int signal) {
  if (pid_ <= 0) return -1;
  const pid_t pid = pid_;
  pid_ = -1;
  if (paused_ && signal != SIGKILL) kill(pid, SIGCONT);
  paused_ = false;
  kill(pid, signal);
  std::optional<int> code = WaitProgramFor(pid, kStopLimit);
  if (!code.has_value()) {
    kill(pid, SIGKILL);
    code = WaitProgram(pid);
    ADD_FAILURE() << "etcd did not exit within " << kStopLimit.count() << " s of signal " << signal
                  << "; killed it. Its log:\n"
                  << log_text();
  }
  return *code;
}

bool EtcdProcess::Pause() {
  if (pid_ <= 0 || paused_) {
    ADD_FAILURE() << "etcd is not running, or already paused";
    return false;
  }
  if (PauseProgram(pid_)) {
    paused_ = true;
    return true;
  }
  pid_ = -1;  // it ended instead (waitpid reaped it)
  ADD_FAILURE() << "etcd ended instead of stopping. Its log:\n" << log_text();
  return false;
}

bool EtcdProcess::Resume() {
  if (pid_ <= 0 || !paused_) {
    ADD_FAILURE() << "etcd is not paused";
    return false;
  }
  kill(pid_, SIGCONT);
  paused_ = false;
  return true;
}

std::string EtcdProcess::log_text() const { return ReadTextFile(log_path_); }

void EtcdTest::SetUp() {
  if (!EtcdInstalled()) {
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") {
      FAIL() << EtcdProgram() << " is not installed; scripts/test installs etcd-server, and CI "
             << "runs the etcd tests rather than skip them";
    }
    GTEST_SKIP() << EtcdProgram() << " is not installed (scripts/test installs etcd-server)";
  }
  etcd_ = std::make_unique<EtcdProcess>(dir_);
  ASSERT_TRUE(etcd_->Start());
}

void EtcdTest::TearDown() {
  if (etcd_ != nullptr && etcd_->running()) etcd_->Stop();
}

}  // namespace creg::testing
