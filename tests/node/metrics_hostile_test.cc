// Hostile HTTP against a real cregd's --metrics address on loopback
// (docs/operations.md, "Metrics"): oversized headers, other methods, other
// paths, slowloris, more idle connections than the cap. While each attack
// runs, a probe keeps fetching /metrics on fresh connections: the node must
// answer it every time.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "client/metrics_reader.h"
#include "node/http/metrics_handler.h"
#include "tests/support/http_client.h"
#include "tests/support/http_hostile.h"
#include "tests/support/node_process.h"
#include "tests/support/raw_connection.h"
#include "tests/support/temp_dir.h"

namespace creg::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::seconds;

class MetricsHostileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    node_ = std::make_unique<NodeProcess>(dir_);
    ASSERT_TRUE(node_->Start({"--metrics", "127.0.0.1:0"}));
    ASSERT_FALSE(node_->metrics_address().empty());
  }
  const std::string& address() const { return node_->metrics_address(); }

  TempDir dir_;
  std::unique_ptr<NodeProcess> node_;
};

TEST_F(MetricsHostileTest, ServesTheSamplesOnlyAtMetricsAndToNoOtherOrigin) {
  HttpClient http(address());
  StatusOr<HttpResponse> got = http.Get("/metrics");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->status, 200u);
  EXPECT_EQ(got->Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(got->Header("cache-control"), "no-store");
  EXPECT_EQ(got->Header("access-control-allow-origin"), "");
  StatusOr<MetricSamples> samples = ParseMetricsText(got->body);
  ASSERT_TRUE(samples.ok()) << samples.status().ToString();
  EXPECT_EQ(samples->count("creg_tree_size"), 1u);
  // Kept alive; a query string is ignored; HEAD has the length, no body.
  got = http.Get("/metrics?name[]=creg_tree_size");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->status, 200u);
  StatusOr<HttpResponse> head = http.Request("HEAD", "/metrics");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->status, 200u);
  EXPECT_GT(std::stoul(head->Header("content-length")), 100u);
  EXPECT_TRUE(head->body.empty());
  EXPECT_EQ(http.connects(), 1);
}

TEST_F(MetricsHostileTest, OtherPathsAre404AndShowNoSample) {
  ServingProbe probe(address(), "/metrics");
  HttpClient http(address());
  for (const char* path :
       {"/", "/metric", "/metrics/", "/Metrics", "/METRICS", "//metrics", "/metrics/..",
        "/../metrics", "/./metrics", "/%6detrics", "/metrics%00", "/metrics/../../etc/passwd",
        "/etc/passwd", "/checkpoint", "/tile/0/000.p/1", "/api/v1/status", "/index.html"}) {
    StatusOr<HttpResponse> got = http.Get(path);
    ASSERT_TRUE(got.ok()) << path << ": " << got.status().ToString();
    EXPECT_TRUE(got->status == 400 || got->status == 404) << path << ": " << got->status;
    EXPECT_EQ(got->body.find("creg_"), std::string::npos) << path;
    EXPECT_EQ(got->body.find("root:"), std::string::npos) << path;
    EXPECT_EQ(got->Header("access-control-allow-origin"), "") << path;
  }
  EXPECT_EQ(http.connects(), 1) << "a refused path should not cost the connection";
  for (const char* line : {"GET metrics HTTP/1.1", "GET * HTTP/1.1",
                           "GET http://127.0.0.1/../metrics HTTP/1.1", "GET  HTTP/1.1"}) {
    RawExchange raw = SendRaw(
        address(), std::string(line) + "\r\nHost: x\r\nConnection: close\r\n\r\n", seconds(5));
    EXPECT_TRUE(raw.received.rfind("HTTP/1.1 400", 0) == 0 ||
                raw.received.rfind("HTTP/1.1 404", 0) == 0)
        << line << ": " << raw.received.substr(0, 100);
    EXPECT_EQ(raw.received.find("creg_"), std::string::npos) << line;
  }
  EXPECT_TRUE(probe.Finish());
}

TEST_F(MetricsHostileTest, MethodsOtherThanGetAndHeadAre405WithAllow) {
  ServingProbe probe(address(), "/metrics");
  HttpClient http(address());
  for (const char* method :
       {"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "BREW", "get", "Head"}) {
    for (const char* path : {"/metrics", "/", "/nowhere"}) {
      StatusOr<HttpResponse> got = http.Request(method, path);
      ASSERT_TRUE(got.ok()) << method << " " << path << ": " << got.status().ToString();
      EXPECT_EQ(got->status, 405u) << method << " " << path;
      EXPECT_EQ(got->Header("allow"), "GET, HEAD") << method << " " << path;
      EXPECT_EQ(got->body.find("creg_"), std::string::npos) << method << " " << path;
    }
  }
  EXPECT_EQ(http.connects(), 1) << "a refused method should not cost the connection";
  // Bodies are never read: answered, and the connection closed.
  for (const std::string& request :
       {std::string(
            "CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\nConnection: close\r\n\r\n"),
        std::string("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"),
        std::string("GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"),
        std::string("PUT /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "5\r\nhello\r\n0\r\n\r\n")}) {
    RawExchange raw = SendRaw(address(), request, seconds(5));
    EXPECT_TRUE(raw.received.rfind("HTTP/1.1 405", 0) == 0 ||
                raw.received.rfind("HTTP/1.1 400", 0) == 0)
        << request << "\n"
        << raw.received.substr(0, 200);
    EXPECT_TRUE(raw.closed_by_node) << request;
    EXPECT_EQ(raw.received.find("creg_"), std::string::npos) << request;
  }
  EXPECT_TRUE(probe.Finish());
}

TEST_F(MetricsHostileTest, HundredKilobyteHeadersAreRefusedAndCostTheNodeNothing) {
  ServingProbe probe(address(), "/metrics");
  std::string many_fields = "GET /metrics HTTP/1.1\r\nHost: x\r\n";
  while (many_fields.size() < 100'000) many_fields += "X-Filler: " + std::string(90, 'f') + "\r\n";
  for (const std::string& request : {
           "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(100'000, 'a') + "\r\n\r\n",
           many_fields + "\r\n",
           "GET /" + std::string(100'000, 'p') + " HTTP/1.1\r\nHost: x\r\n\r\n",
       }) {
    RawExchange huge = SendRaw(address(), request, seconds(10));
    EXPECT_TRUE(huge.closed_by_node);
    EXPECT_TRUE(huge.received.empty() || huge.received.rfind("HTTP/1.1 431", 0) == 0)
        << huge.received.substr(0, 200);
  }
  // Just under the limit is still served.
  const size_t limit = http::MetricsLimits().max_header_bytes;
  std::string fits = "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Fits: ";
  fits += std::string(limit - fits.size() - 200, 'a') + "\r\nConnection: close\r\n\r\n";
  RawExchange ok = SendRaw(address(), fits, seconds(10));
  EXPECT_EQ(ok.received.rfind("HTTP/1.1 200", 0), 0u) << ok.received.substr(0, 200);
  EXPECT_TRUE(probe.Finish());
}

TEST_F(MetricsHostileTest, SlowlorisIsClosedAtTheReadDeadlineHoweverItTrickles) {
  ServingProbe probe(address(), "/metrics");
  EXPECT_TRUE(SlowlorisIsCutOff(address(), "/metrics", 10, http::MetricsLimits().read_timeout));
  EXPECT_TRUE(probe.Finish());
}

TEST_F(MetricsHostileTest, IdleConnectionsBeyondTheCapCannotKeepAScraperOut) {
  const size_t cap = http::MetricsLimits().max_connections;
  const int files_before = OpenFiles(node_->pid());
  ASSERT_GT(files_before, 0);
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (size_t i = 0; i < 20 * cap; ++i) {
    idle.push_back(std::make_unique<RawConnection>(address()));
    ASSERT_TRUE(idle.back()->connected()) << i;
  }
  StatusOr<MetricSamples> samples = FetchMetrics(address());
  ASSERT_TRUE(samples.ok()) << samples.status().ToString();
  EXPECT_EQ(samples->count("creg_tree_size"), 1u);
  size_t still_open = 0;
  const auto deadline = Clock::now() + seconds(10);
  do {
    still_open = 0;
    for (auto& c : idle) still_open += c->ClosedByPeerNow() ? 0 : 1;
  } while (still_open > cap && Clock::now() < deadline);
  EXPECT_LE(still_open, cap);
  EXPECT_LE(OpenFiles(node_->pid()), files_before + static_cast<int>(cap) + 2);
}

}  // namespace
}  // namespace creg::testing
