// Hostile HTTP against a real cregd serving --http on loopback
// (docs/http.md, "Limits"): path traversal, oversized headers, slowloris,
// a thousand idle connections, one address's flood, methods other than GET
// and HEAD. While each attack runs, a probe keeps fetching /checkpoint on
// fresh connections: the node must answer it every time.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/http_client.h"
#include "tests/support/http_hostile.h"
#include "tests/support/node_process.h"
#include "tests/support/raw_connection.h"
#include "tests/support/temp_dir.h"

namespace creg::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::seconds;

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
  ServingProbe probe(address(), "/checkpoint");
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
  ServingProbe probe(address(), "/checkpoint");
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
  ServingProbe probe(address(), "/checkpoint");
  EXPECT_TRUE(SlowlorisIsCutOff(address(), "/checkpoint", 20, seconds(1)));
  EXPECT_TRUE(probe.Finish());
}

TEST_F(HttpHostileTest, AThousandIdleConnectionsCannotKeepAFreshClientOut) {
  constexpr int kCap = 100;
  // All from one address, whose own cap is lifted: this is the node's cap.
  StartNode({"--http-max-connections", std::to_string(kCap), "--http-max-connections-per-address",
             "1000"});
  const int files_before = OpenFiles(node_->pid());
  ASSERT_GT(files_before, 0);
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 1000; ++i) {
    idle.push_back(std::make_unique<RawConnection>(address()));
    ASSERT_TRUE(idle.back()->connected()) << i;
  }
  // A fresh client is served at once, though every place is taken by a
  // connection that never sent a byte.
  ServingProbe probe(address(), "/checkpoint");
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

TEST_F(HttpHostileTest, OneAddressCannotTakeEveryPlaceNorCloseAnothersConnections) {
  constexpr size_t kPerAddress = 10;
  StartNode({"--http-max-connections", "100", "--http-max-connections-per-address",
             std::to_string(kPerAddress)});
  // Another client's connection, the longest idle of all.
  RawConnection other(address(), seconds(5), "127.0.0.2");
  ASSERT_TRUE(other.connected());
  std::vector<std::unique_ptr<RawConnection>> flood;
  for (int i = 0; i < 200; ++i) {
    flood.push_back(std::make_unique<RawConnection>(address()));
    ASSERT_TRUE(flood.back()->connected()) << i;
  }
  // The flooding address still gets a fresh connection served: its own
  // idle ones make room.
  HttpClient fresh(address());
  StatusOr<HttpResponse> got = fresh.Get("/checkpoint");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->status, 200u);
  const auto deadline = Clock::now() + seconds(10);
  size_t still_open = 0;
  do {
    still_open = 0;
    for (auto& c : flood) still_open += c->ClosedByPeerNow() ? 0 : 1;
  } while (still_open > kPerAddress && Clock::now() < deadline);
  EXPECT_LE(still_open, kPerAddress);
  // Under the node's cap of 100 the flood's 200 would have closed the
  // longest idle connection of all; the per-address cap kept it open.
  EXPECT_FALSE(other.ClosedByPeerNow()) << "another address's connection was closed";
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
  ServingProbe probe(address(), "/checkpoint");
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
