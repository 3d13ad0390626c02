#include "tests/support/http_hostile.h"

#include <dirent.h>

#include <chrono>
#include <memory>

#include "tests/support/http_client.h"
#include "tests/support/raw_connection.h"

namespace creg::testing {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

ServingProbe::ServingProbe(std::string address, std::string path)
    : address_(std::move(address)), path_(std::move(path)) {
  thread_ = std::thread([this] {
    while (!stop_) {
      HttpClient http(address_, seconds(5));
      StatusOr<HttpResponse> got = http.Get(path_);
      if (got.ok() && got->status == 200) {
        ++served_;
      } else {
        std::lock_guard lock(mu_);
        failures_.push_back(got.ok() ? std::to_string(got->status) + " " + got->body
                                     : got.status().ToString());
      }
      // Pacing, not synchronisation: leave the server room for the attack.
      std::this_thread::sleep_for(milliseconds(20));
    }
  });
}

bool ServingProbe::WaitForServed(int n) {
  const auto deadline = Clock::now() + seconds(10);
  while (served_ < n && Clock::now() < deadline) std::this_thread::sleep_for(milliseconds(5));
  return served_ >= n;
}

::testing::AssertionResult ServingProbe::Finish(int min_served) {
  if (thread_.joinable()) {
    // An attack may end before the first probe got its answer.
    WaitForServed(min_served);
    stop_ = true;
    thread_.join();
  }
  std::lock_guard lock(mu_);
  if (!failures_.empty()) {
    return ::testing::AssertionFailure() << failures_.size() << " probes of " << path_
                                         << " not served, first: " << failures_.front();
  }
  if (served_ < min_served) {
    return ::testing::AssertionFailure() << "only " << served_ << " probes served";
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult SlowlorisIsCutOff(const std::string& address, const std::string& path,
                                             int connections, milliseconds read_timeout) {
  const std::string request =
      "GET " + path + " HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(200, 's') + "\r\n\r\n";
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < connections; ++i) {
    slow.push_back(std::make_unique<RawConnection>(address));
    if (!slow.back()->connected()) return ::testing::AssertionFailure() << "cannot connect";
  }
  const auto start = Clock::now();
  std::vector<Clock::duration> closed_after(slow.size(), Clock::duration::zero());
  size_t open = slow.size();
  for (size_t at = 0; at < request.size() && open > 0; ++at) {
    for (size_t i = 0; i < slow.size(); ++i) {
      if (closed_after[i] != Clock::duration::zero()) continue;
      if (slow[i]->ClosedByPeerNow() || !slow[i]->Write(request.substr(at, 1))) {
        closed_after[i] = Clock::now() - start;
        --open;
      }
    }
    std::this_thread::sleep_for(milliseconds(50));  // the attack's pace
  }
  if (open > 0) {
    return ::testing::AssertionFailure()
           << open << " connections still open after trickling the whole header";
  }
  for (const Clock::duration& took : closed_after) {
    const auto ms = std::chrono::duration_cast<milliseconds>(took);
    if (ms < read_timeout - milliseconds(100) || ms >= read_timeout + seconds(3)) {
      return ::testing::AssertionFailure() << "a connection was closed after " << ms.count()
                                           << " ms, read timeout " << read_timeout.count() << " ms";
    }
  }
  return ::testing::AssertionSuccess();
}

int OpenFiles(pid_t pid) {
  DIR* dir = opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
  if (dir == nullptr) return -1;
  int count = 0;
  while (readdir(dir) != nullptr) ++count;
  closedir(dir);
  return count - 2;  // . and ..
}

}  // namespace creg::testing
