// A real etcd member for tests: the etcd program (ETCD_BIN, else
// /usr/bin/etcd, Debian's etcd-server 3.4) with its data in a folder of a
// TempDir, serving clients and its peer port on 127.0.0.1 only, on ports
// picked at run time (bound and released, picked again if etcd then finds
// one taken). Ready once GET /health answers {"health":"true"}. Stop()
// (SIGTERM) must see it exit within a few seconds, or the test fails;
// Kill() is a crash, Pause() and Resume() freeze and thaw it (SIGSTOP,
// SIGCONT) as a hung or partitioned member.
//
// EtcdTest is the fixture of tests that need one: it starts a member
// before each test. Without the program it skips the test, except in CI
// (CI=true), where scripts/test installs etcd-server and its absence fails
// the test instead.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "tests/support/temp_dir.h"

namespace creg::testing {

class EtcdProcess {
 public:
  // The member's data goes to dir/`folder`.
  explicit EtcdProcess(const TempDir& dir, std::string folder = "etcd");
  ~EtcdProcess();  // Kill()s a member still running
  EtcdProcess(const EtcdProcess&) = delete;
  EtcdProcess& operator=(const EtcdProcess&) = delete;

  // Starts the member and waits (at most 20 s) until it is healthy. A
  // member started again after Stop() keeps its ports and data. False,
  // with a test failure and etcd's log, if it exited or never got healthy.
  bool Start();
  // Sends `signal` (a stopped member is resumed first, so it can act on
  // it) and waits for the exit, at most 20 s, then SIGKILLs; returns the
  // exit status, or 128 + signal. A member that did not exit in time is a
  // test failure.
  int Stop(int signal = SIGTERM);
  int Kill() { return Stop(SIGKILL); }
  // SIGSTOP, waiting until the process is stopped; SIGCONT. False (with a
  // test failure) if the member is not running.
  bool Pause();
  bool Resume();
  bool running() const { return pid_ > 0; }

  // http://127.0.0.1:PORT, what an EtcdClient is given.
  std::string url() const { return "http://" + client_address(); }
  std::string client_address() const { return "127.0.0.1:" + std::to_string(client_port_); }
  std::string log_text() const;

 private:
  // One attempt on the ports picked: true once healthy; false with
  // `exited` set if etcd exited (a port may have been taken meanwhile).
  bool StartOnce(bool* exited);

  std::string data_dir_;
  std::string log_path_;
  uint16_t client_port_ = 0;
  uint16_t peer_port_ = 0;
  pid_t pid_ = -1;
  bool paused_ = false;
};

// The etcd program tests run: ETCD_BIN if set, else /usr/bin/etcd.
std::string EtcdProgram();
// Whether EtcdProgram() exists and is executable.
bool EtcdInstalled();

// Starts an etcd member before each test; see the top of this file.
class EtcdTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  EtcdProcess& etcd() { return *etcd_; }
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
  std::unique_ptr<EtcdProcess> etcd_;
};

}  // namespace creg::testing
