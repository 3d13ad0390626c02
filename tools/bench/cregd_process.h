// A cregd that creg-bench starts and stops itself (creg-bench scale): `cregd
// run` on 127.0.0.1 port 0, its log in a file, stopped by signal. Also
// where to find the programs creg-bench runs, and what a process holds in
// memory.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ledger/status.h"

namespace creg::bench {

// `name` (a program of this build: cregd, creg) beside creg-bench's own
// executable, else in the build tree next to it (../../node/cregd from
// tools/bench/), else on PATH. NotFound naming what was tried.
StatusOr<std::string> FindProgram(const std::string& name, const std::string& build_subdir);

// Resident memory of process `pid` in bytes (VmRSS in /proc/PID/status).
StatusOr<uint64_t> ResidentBytes(pid_t pid);

class CregdProcess {
 public:
  // Starts `cregd run --data DATA --listen 127.0.0.1:0` plus `flags`, its
  // output appended to `log_path`, and waits (polling its log every 2 ms,
  // at most `timeout`) until it says where it serves. Unavailable with the
  // log's tail if it exits or does not serve in time.
  static StatusOr<std::unique_ptr<CregdProcess>> Start(const std::string& cregd,
                                                       const std::string& data,
                                                       const std::string& log_path,
                                                       const std::vector<std::string>& flags,
                                                       std::chrono::milliseconds timeout);
  ~CregdProcess();  // SIGKILLs a node still running
  CregdProcess(const CregdProcess&) = delete;
  CregdProcess& operator=(const CregdProcess&) = delete;

  // Sends `signal` and waits at most `timeout` for the exit; its exit
  // status (128 + signal if one ended it). Unavailable (after a SIGKILL)
  // if it does not end in time.
  StatusOr<int> Stop(int signal, std::chrono::milliseconds timeout);

  pid_t pid() const { return pid_; }
  const std::string& address() const { return address_; }
  // With --http among the flags: where it serves HTTP; else empty.
  const std::string& http_address() const { return http_address_; }
  std::chrono::steady_clock::time_point started() const { return started_; }

 private:
  CregdProcess() = default;
  pid_t pid_ = -1;
  std::string address_;
  std::string http_address_;
  std::chrono::steady_clock::time_point started_;
};

// Runs `argv` to completion, stdout and stderr to `out_path`; its exit status, or -1
// if it could not be started.
int RunProgram(const std::vector<std::string>& argv, const std::string& out_path);

}  // namespace creg::bench
