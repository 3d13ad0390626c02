// A real creg-witness process for tests: `creg-witness init` into a
// temporary folder, `creg-witness run` on 127.0.0.1 with an ephemeral port,
// stopped by signal. It runs the built program (or the one
// CREG_WITNESS_BIN names). Stop() with SIGTERM must see a clean exit 0
// within a few seconds, or the test fails; Kill() is a crash.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace creg::testing {

class WitnessProcess {
 public:
  static constexpr const char* kName = "witness.example/w1";

  // Inits a witness named `name` in dir/`folder`.
  explicit WitnessProcess(const TempDir& dir, std::string folder = "witness",
                          std::string name = kName);
  ~WitnessProcess();  // Stop()s a witness still running
  WitnessProcess(const WitnessProcess&) = delete;
  WitnessProcess& operator=(const WitnessProcess&) = delete;

  // Starts `creg-witness run` with one --log per key and `extra` flags,
  // listening on `listen` (an ephemeral port unless given: pass address()
  // to come back where a stopped witness was); waits until it serves.
  // False (with a test failure) otherwise.
  bool Start(const std::vector<std::string>& log_keys, const std::vector<std::string>& extra = {},
             const std::string& listen = "127.0.0.1:0");
  // Sends `signal`, waits for the exit; returns the exit status or 128 +
  // signal. For SIGTERM anything but exit 0 records a failure.
  int Stop(int signal = SIGTERM);
  int Kill() { return Stop(SIGKILL); }

  const std::string& address() const { return address_; }
  // The witness's verifier key (type 0x04), as init printed it.
  const std::string& verifier_key() const { return verifier_key_; }
  const std::string& data_dir() const { return data_dir_; }
  std::string log_text() const;

 private:
  std::string data_dir_;
  std::string log_path_;
  std::string verifier_key_;
  std::string address_;
  pid_t pid_ = -1;
};

// The creg-witness program tests run.
std::string WitnessProgram();

}  // namespace creg::testing
