// ServingProbe: while a hostile-input test attacks an HTTP server, fetches
// one path on a fresh connection every few milliseconds from a thread of its
// own and remembers every answer that was not 200, so the test can assert
// that the server kept serving throughout. Also a slowloris attack, and
// OpenFiles, to check that an attack left no sockets behind.
#pragma once

#include <sys/types.h>

#include <gtest/gtest.h>
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace creg::testing {

class ServingProbe {
 public:
  // Starts probing GET `path` at `address` (HOST:PORT).
  ServingProbe(std::string address, std::string path);
  ~ServingProbe() { (void)Finish(); }
  ServingProbe(const ServingProbe&) = delete;
  ServingProbe& operator=(const ServingProbe&) = delete;

  // Waits (at most 10 s) until `n` probes have been served.
  bool WaitForServed(int n);

  // Waits (as WaitForServed) until `min_served` probes were served, stops
  // the probe; a failure unless every probe was served, and at least
  // `min_served` were.
  ::testing::AssertionResult Finish(int min_served = 1);

 private:
  std::string address_;
  std::string path_;
  std::atomic<bool> stop_{false};
  std::atomic<int> served_{0};
  std::mutex mu_;
  std::vector<std::string> failures_;  // guarded by mu_
  std::thread thread_;
};

// A slowloris attack on `address`: opens `connections` connections and
// on each trickles a GET of `path` whose header would take 10 s to send, a
// byte every 50 ms. Succeeds if the server closes every one of them at its
// `read_timeout` (not before it, nor more than 3 s after it: the trickle
// must not extend the deadline).
::testing::AssertionResult SlowlorisIsCutOff(const std::string& address, const std::string& path,
                                             int connections,
                                             std::chrono::milliseconds read_timeout);

// Open file descriptors of process `pid` (its sockets among them); -1 if
// they cannot be listed.
int OpenFiles(pid_t pid);

}  // namespace creg::testing
