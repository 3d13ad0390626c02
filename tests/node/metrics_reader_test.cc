#include "client/metrics_reader.h"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <chrono>
#include <cmath>
#include <thread>

namespace creg {
namespace {

TEST(MetricsReaderTest, ParsesSamplesWithLabelsAndSkipsComments) {
  auto samples = ParseMetricsText(
      "# HELP creg_tree_size Entries in the log.\n"
      "# TYPE creg_tree_size gauge\n"
      "creg_tree_size 42\n"
      "\n"
      "creg_transactions_refused_total{code=\"CREDITS_NOT_HELD\"} 3\r\n"
      "odd{note=\"a } and \\\" inside\",le=\"+Inf\"} 7 1700000000000\n"
      "  process_cpu_seconds_total 1.250000\n"
      "spaced {a=\"b\"}2\n"
      "creg_commit_latency_seconds_bucket{le=\"+Inf\"} +Inf\n");
  ASSERT_TRUE(samples.ok()) << samples.status().ToString();
  EXPECT_EQ(samples->size(), 6u);
  EXPECT_EQ(samples->at("spaced{a=\"b\"}"), 2);
  EXPECT_EQ(samples->at("creg_tree_size"), 42);
  EXPECT_EQ(samples->at("creg_transactions_refused_total{code=\"CREDITS_NOT_HELD\"}"), 3);
  EXPECT_EQ(samples->at("odd{note=\"a } and \\\" inside\",le=\"+Inf\"}"), 7);
  EXPECT_EQ(samples->at("process_cpu_seconds_total"), 1.25);
  EXPECT_TRUE(std::isinf(samples->at("creg_commit_latency_seconds_bucket{le=\"+Inf\"}")));
}

TEST(MetricsReaderTest, RefusesALineThatIsNotASampleAndNamesIt) {
  for (const char* text :
       {"creg_tree_size\n", "creg_tree_size forty-two\n", "creg_tree_size 0x10\n",
        "creg_tree_size 1e999\n", "creg_refused{code=\"X\" 3\n", "{code=\"X\"} 3\n",
        "creg_tree_size 42\ncreg_refused{x=\"1\"}\n"}) {
    auto samples = ParseMetricsText(text);
    ASSERT_FALSE(samples.ok()) << text;
    EXPECT_EQ(samples.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(samples.status().message().find("metrics line"), std::string::npos)
        << samples.status().message();
  }
  auto second = ParseMetricsText("a 1\nb\n");
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("line 2 (b)"), std::string::npos)
      << second.status().message();
}

namespace asio = boost::asio;
using asio::ip::tcp;

// A one-connection HTTP server on a loopback port that reads the request
// head, sends `reply`, then holds the connection open for `hold` before
// closing it.
class ScriptedServer {
 public:
  ScriptedServer(std::string reply, std::chrono::milliseconds hold)
      : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    thread_ = std::thread([this, reply = std::move(reply), hold] {
      boost::system::error_code ec;
      tcp::socket socket = acceptor_.accept(ec);
      if (ec) return;
      std::string request;
      asio::read_until(socket, asio::dynamic_buffer(request), "\r\n\r\n", ec);
      asio::write(socket, asio::buffer(reply), ec);
      std::this_thread::sleep_for(hold);
    });
  }
  ~ScriptedServer() { thread_.join(); }
  std::string address() const {
    return "127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }

 private:
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::thread thread_;
};

TEST(MetricsReaderTest, FetchStopsAtContentLengthWithoutWaitingForTheClose) {
  ScriptedServer server("HTTP/1.0 200 OK\r\nContent-Length: 18\r\n\r\ncreg_tree_size 42\n",
                        std::chrono::milliseconds(1500));
  auto started = std::chrono::steady_clock::now();
  auto samples = FetchMetrics(server.address(), std::chrono::milliseconds(1000));
  ASSERT_TRUE(samples.ok()) << samples.status().ToString();
  EXPECT_EQ(samples->at("creg_tree_size"), 42);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(1000));
}

TEST(MetricsReaderTest, FetchRefusesAReplyCutShortOfItsContentLength) {
  ScriptedServer server("HTTP/1.0 200 OK\r\nContent-Length: 100\r\n\r\ncreg_tree_size 4",
                        std::chrono::milliseconds(0));
  auto samples = FetchMetrics(server.address());
  ASSERT_FALSE(samples.ok());
  EXPECT_EQ(samples.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(samples.status().message().find("closed before a whole answer"), std::string::npos)
      << samples.status().message();
}

TEST(MetricsReaderTest, FetchRefusesAnythingButHttp200) {
  ScriptedServer server("HTTP/1.0 404 Not 200 here\r\nContent-Length: 0\r\n\r\n",
                        std::chrono::milliseconds(0));
  auto samples = FetchMetrics(server.address());
  ASSERT_FALSE(samples.ok());
  EXPECT_EQ(samples.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(samples.status().message().find("404"), std::string::npos)
      << samples.status().message();
}

TEST(MetricsReaderTest, FetchGivesUpOnASilentServerAtItsTimeout) {
  ScriptedServer server("", std::chrono::milliseconds(1500));
  auto samples = FetchMetrics(server.address(), std::chrono::milliseconds(200));
  ASSERT_FALSE(samples.ok());
  EXPECT_EQ(samples.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(samples.status().message().find("timed out"), std::string::npos)
      << samples.status().message();
  EXPECT_NE(samples.status().message().find("200 ms"), std::string::npos)
      << samples.status().message();
}

TEST(MetricsReaderTest, FetchFromAClosedPortIsUnavailable) {
  // A port that was just free: bind, note it, close.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(
      io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  const uint16_t port = acceptor.local_endpoint().port();
  acceptor.close();
  auto samples = FetchMetrics("127.0.0.1:" + std::to_string(port));
  ASSERT_FALSE(samples.ok());
  EXPECT_EQ(samples.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(samples.status().message().find("127.0.0.1:" + std::to_string(port)),
            std::string::npos);
}

TEST(MetricsReaderTest, FetchRefusesAnAddressWithoutAPort) {
  auto samples = FetchMetrics("localhost");
  ASSERT_FALSE(samples.ok());
  EXPECT_EQ(samples.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace creg
