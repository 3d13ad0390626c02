// Hostile HTTP against a real cregd serving --http on loopback
// (docs/http.md, "Limits"): path traversal, oversized headers, slowloris,
// a thousand idle connections, methods other than GET and HEAD. While each
// attack runs, a probe keeps fetching /checkpoint on fresh connections: the
// node must answer it every time.
#include <dirent.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/http_client.h"
#include "tests/support/node_process.h"
#include "tests/support/raw_connection.h"
#include "tests/support/temp_dir.h"

namespace creg::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Fetches /checkpoint on a fresh connection every few milliseconds from its
// own thread until destroyed, and remembers every answer that was not 200.
class ServingProbe {
 public:
  explicit ServingProbe(std::string address) : address_(std::move(address)) {
    thread_ = std::thread([this] {
      while (!stop_) {
        HttpClient http(address_, seconds(5));
        StatusOr<HttpResponse> got = http.Get("/checkpoint");
        if (got.ok() && got->status == 200) {
          ++served_;
        } else {
          std::lock_guard lock(mu_);
          failures_.push_back(got.ok() ? std::to_string(got->status) + " " + got->body
                                       : got.status().ToString());
        }
        // Pacing, not synchronisation: leave the node room for the attack.
        std::this_thread::sleep_for(milliseconds(20));
      }
    });
  }
  ~ServingProbe() { Finish(); }

  // Waits (at most 10 s) until `n` probes have been served.
  bool WaitForServed(int n) {
    const auto deadline = Clock::now() + seconds(10);
    while (served_ < n && Clock::now() < deadline) std::this_thread::sleep_for(milliseconds(5));
    return served_ >= n;
  }

  // Stops the probe; a failure unless every probe was served, and at least
  // `min_served` were.
  ::testing::AssertionResult Finish(int min_served = 1) {
    if (thread_.joinable()) {
      stop_ = true;
      thread_.join();
    }
    std::lock_guard lock(mu_);
    if (!failures_.empty()) {
      return ::testing::AssertionFailure()
             << failures_.size() << " probes not served, first: " << failures_.front();
    }
    if (served_ < min_served) {
      return ::testing::AssertionFailure() << "only " << served_ << " probes served";
    }
    return ::testing::AssertionSuccess();
  }

 private:
  std::string address_;
  std::atomic<bool> stop_{false};
  std::atomic<int> served_{0};
  std::mutex mu_;
  std::vector<std::string> failures_;  // guarded by mu_
  std::thread thread_;
};

// Open file descriptors of process `pid` (its sockets among them).
int OpenFiles(pid_t pid) {
  DIR* dir = opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
  if (dir == nullptr) return -1;
  int count = 0;
  while (readdir(dir) != nullptr) ++count;
  closedir(dir);
  return count - 2;  // . and ..
}

class HttpHostileTest : public ::testing::Test {
 protected:
  void StartNode(std::vector<std::string> flags = {}) {
    node_ = std::make_unique<NodeProcess>(dir_);
    flags.insert(flags.begin(), {"--http", "127.0.0.1:0"});
    ASSERT_TRUE(node_->Start(flags));
    ASSERT_FALSE(node_->http_address().empty());
  }
  const std::string& address() const { return node_->http_address(); }

  TempDir dir_;
  std::unique_ptr<NodeProcess> node_;
};

TEST_F(HttpHostileTest, PathTraversalNeverLeavesTheTilesOrReachesAFile) {
  StartNode();
  ServingProbe probe(address());
  HttpClient http(address());
  StatusOr<HttpResponse> checkpoint = http.Get("/checkpoint");
  ASSERT_TRUE(checkpoint.ok());
  for (const char* path : {"/tile/../checkpoint",
                           "/tile/..",
                           "/tile/../../../../etc/passwd",
                           "/tile/0/../../etc/passwd",
                           "/tile/0/000/../../checkpoint",
                           "/tile/entries/../0/000.p/1",
                           "/tile/./0/000.p/1",
                           "/tile/0/./000.p/1",
                           "/%2e%2e/checkpoint",
                           "/tile/%2e%2e/checkpoint",
                           "/tile/%2E%2E/%2E%2E/etc/passwd",
                           "/tile/0/%2e%2e/000",
                           "/tile/..%2fcheckpoint",
                           "/tile/..%2F..%2Fetc%2Fpasswd",
                           "/tile/%252e%252e/checkpoint",
                           "/tile/0/000.p/1%00",
                           "/tile/0/000.p%2f1",
                           "/tile/0\\..\\..\\checkpoint",
                           "/tile/0/000.p/1/..",
                           "/..",
                           "/../checkpoint",
                           "/./checkpoint",
                           "//checkpoint",
                           "/checkpoint/..",
                           "/etc/passwd"}) {
    StatusOr<HttpResponse> got = http.Get(path);
    ASSERT_TRUE(got.ok()) << path << ": " << got.status().ToString();
    EXPECT_TRUE(got->status == 400 || got->status == 404) << path << ": " << got->status;
    EXPECT_EQ(got->body.find(NodeProcess::kOrigin), std::string::npos) << path;
    EXPECT_EQ(got->body.find("root:"), std::string::npos) << path;
  }
  EXPECT_EQ(http.connects(), 1) << "a refused path should not cost the connection";
  // A query string is ignored, whatever it holds.
  StatusOr<HttpResponse> tile = http.Get("/tile/0/000.p/1?x=/../../etc/passwd");
  ASSERT_TRUE(tile.ok());
  EXPECT_EQ(tile->status, 200u);
  EXPECT_EQ(tile->body.size(), 32u);
  // Targets that are not a path at all.
  for (const char* line : {"GET ../checkpoint HTTP/1.1", "GET * HTTP/1.1",
                           "GET http://127.0.0.1/../checkpoint HTTP/1.1", "GET  HTTP/1.1"}) {
    RawExchange raw = SendRaw(
        address(), std::string(line) + "\r\nHost: x\r\nConnection: close\r\n\r\n", seconds(5));
    EXPECT_TRUE(raw.received.rfind("HTTP/1.1 400", 0) == 0 ||
                raw.received.rfind("HTTP/1.1 404", 0) == 0)
        << line << ": " << raw.received.substr(0, 100);
    EXPECT_EQ(raw.received.find(NodeProcess::kOrigin), std::string::npos) << line;
  }
  EXPECT_TRUE(probe.Finish());
}

TEST_F(HttpHostileTest, HundredKilobyteHeadersAreRefusedAndCostTheNodeNothing) {
  StartNode();
  ServingProbe probe(address());
  std::string many_fields = "GET /checkpoint HTTP/1.1\r\nHost: x\r\n";
  while (many_fields.size() < 100'000) many_fields += "X-Filler: " + std::string(90, 'f') + "\r\n";
  for (const std::string& request : {
           "GET /checkpoint HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(100'000, 'a') +
               "\r\n\r\n",
           many_fields + "\r\n",
           "GET /" + std::string(100'000, 'p') + " HTTP/1.1\r\nHost: x\r\n\r\n",
       }) {
    RawExchange huge = SendRaw(address(), request, seconds(10));
    EXPECT_TRUE(huge.closed_by_node);
    EXPECT_TRUE(huge.received.empty() || huge.received.rfind("HTTP/1.1 431", 0) == 0)
        << huge.received.substr(0, 200);
  }
  // Just under the limit is still served.
  std::string fits = "GET /checkpoint HTTP/1.1\r\nHost: x\r\nX-Fits: ";
  fits += std::string(8 * 1024 - fits.size() - 200, 'a') + "\r\nConnection: close\r\n\r\n";
  RawExchange ok = SendRaw(address(), fits, seconds(10));
  EXPECT_EQ(ok.received.rfind("HTTP/1.1 200", 0), 0u) << ok.received.substr(0, 200);
  EXPECT_TRUE(probe.Finish());
}

TEST_F(HttpHostileTest, SlowlorisIsClosedAtTheReadDeadlineHoweverItTrickles) {
  StartNode({"--http-read-timeout", "1"});
  ServingProbe probe(address());
  // Each connection trickles a header that would take 10 s to finish, a
  // byte every 50 ms: the node must close it when its 1 s are up.
  const std::string header =
      "GET /checkpoint HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(200, 's') + "\r\n\r\n";
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 20; ++i) {
    slow.push_back(std::make_unique<RawConnection>(address()));
    ASSERT_TRUE(slow.back()->connected());
  }
  const auto start = Clock::now();
  std::vector<Clock::duration> closed_after(slow.size(), Clock::duration::zero());
  size_t open = slow.size();
  for (size_t at = 0; at < header.size() && open > 0; ++at) {
    for (size_t i = 0; i < slow.size(); ++i) {
      if (closed_after[i] != Clock::duration::zero()) continue;
      if (slow[i]->ClosedByPeerNow() || !slow[i]->Write(header.substr(at, 1))) {
        closed_after[i] = Clock::now() - start;
        --open;
      }
    }
    std::this_thread::sleep_for(milliseconds(50));  // the attack's pace
  }
  EXPECT_EQ(open, 0u) << "connections still open after trickling the whole header";
  for (const Clock::duration& took : closed_after) {
    EXPECT_GE(took, milliseconds(900));
    EXPECT_LT(took, seconds(4)) << "the trickle extended the read deadline";
  }
  EXPECT_TRUE(probe.Finish());
}

TEST_F(HttpHostileTest, AThousandIdleConnectionsCannotKeepAFreshClientOut) {
  constexpr int kCap = 100;
  StartNode({"--http-max-connections", std::to_string(kCap)});
  const int files_before = OpenFiles(node_->pid());
  ASSERT_GT(files_before, 0);
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 1000; ++i) {
    idle.push_back(std::make_unique<RawConnection>(address()));
    ASSERT_TRUE(idle.back()->connected()) << i;
  }
  // A fresh client is served at once, though every place is taken by a
  // connection that never sent a byte.
  ServingProbe probe(address());
  HttpClient fresh(address());
  StatusOr<HttpResponse> got = fresh.Get("/checkpoint");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->status, 200u);
  // And kept alive: a second request rides the same connection.
  got = fresh.Get("/tile/0/000.p/1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->status, 200u);
  EXPECT_EQ(fresh.connects(), 1);
  EXPECT_TRUE(probe.WaitForServed(5));
  EXPECT_TRUE(probe.Finish());
  // The node closed the idle connections beyond its cap: no more than the
  // cap stay open, and its open files show the same.
  const auto deadline = Clock::now() + seconds(10);
  int still_open = 0;
  do {
    still_open = 0;
    for (auto& c : idle) still_open += c->ClosedByPeerNow() ? 0 : 1;
  } while (still_open > kCap && Clock::now() < deadline);
  EXPECT_LE(still_open, kCap);
  EXPECT_LE(OpenFiles(node_->pid()), files_before + kCap + 2);
}

TEST_F(HttpHostileTest, AtTheCapTheLongestIdleConnectionMakesRoom) {
  StartNode({"--http-max-connections", "3"});
  // The oldest: connected, never asked anything.
  RawConnection oldest(address());
  ASSERT_TRUE(oldest.connected());
  std::vector<std::unique_ptr<HttpClient>> held;
  for (int i = 0; i < 2; ++i) {
    held.push_back(std::make_unique<HttpClient>(address()));
    StatusOr<HttpResponse> ok = held.back()->Get("/checkpoint");
    ASSERT_TRUE(ok.ok()) << ok.status().ToString();
    ASSERT_EQ(ok->status, 200u);
  }
  HttpClient extra(address());
  StatusOr<HttpResponse> got = extra.Get("/checkpoint");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->status, 200u);
  EXPECT_TRUE(oldest.ClosedByPeer()) << "the longest-idle connection should have made room";
  // The newer ones keep their connections.
  for (auto& client : held) {
    StatusOr<HttpResponse> ok = client->Get("/tile/0/000.p/1");
    ASSERT_TRUE(ok.ok()) << ok.status().ToString();
    EXPECT_EQ(ok->status, 200u);
    EXPECT_EQ(client->connects(), 1);
  }
}

TEST_F(HttpHostileTest, MethodsOtherThanGetAndHeadAre405WithAllow) {
  StartNode();
  ServingProbe probe(address());
  HttpClient http(address());
  for (const char* method :
       {"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "BREW", "get", "Head"}) {
    for (const char* path : {"/checkpoint", "/tile/0/000.p/1", "/nowhere", "/tile/../x"}) {
      StatusOr<HttpResponse> got = http.Request(method, path);
      ASSERT_TRUE(got.ok()) << method << " " << path << ": " << got.status().ToString();
      EXPECT_EQ(got->status, 405u) << method << " " << path;
      EXPECT_EQ(got->Header("allow"), "GET, HEAD") << method << " " << path;
      EXPECT_EQ(got->Header("access-control-allow-origin"), "*");
    }
  }
  EXPECT_EQ(http.connects(), 1) << "a refused method should not cost the connection";
  // CONNECT's authority-form target, and methods that carry a body: the
  // body is never read, the request is answered and the connection closed.
  for (const std::string& request :
       {std::string(
            "CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\nConnection: close\r\n\r\n"),
        std::string("POST /checkpoint HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"),
        std::string("PUT /tile/0/000 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "5\r\nhello\r\n0\r\n\r\n")}) {
    RawExchange raw = SendRaw(address(), request, seconds(5));
    EXPECT_TRUE(raw.received.rfind("HTTP/1.1 405", 0) == 0 ||
                raw.received.rfind("HTTP/1.1 400", 0) == 0)
        << request << "\n"
        << raw.received.substr(0, 200);
    EXPECT_EQ(raw.received.find(NodeProcess::kOrigin), std::string::npos);
  }
  // A HEAD is answered like a GET, without the body.
  StatusOr<HttpResponse> head = http.Request("HEAD", "/tile/0/000.p/1");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->status, 200u);
  EXPECT_EQ(head->Header("content-length"), "32");
  EXPECT_TRUE(head->body.empty());
  EXPECT_TRUE(probe.Finish());
}

}  // namespace
}  // namespace creg::testing
