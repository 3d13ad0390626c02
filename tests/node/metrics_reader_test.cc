#include "node/client/metrics_reader.h"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <cmath>

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
      "creg_commit_latency_seconds_bucket{le=\"+Inf\"} +Inf\n");
  ASSERT_TRUE(samples.ok()) << samples.status().ToString();
  EXPECT_EQ(samples->size(), 5u);
  EXPECT_EQ(samples->at("creg_tree_size"), 42);
  EXPECT_EQ(samples->at("creg_transactions_refused_total{code=\"CREDITS_NOT_HELD\"}"), 3);
  EXPECT_EQ(samples->at("odd{note=\"a } and \\\" inside\",le=\"+Inf\"}"), 7);
  EXPECT_EQ(samples->at("process_cpu_seconds_total"), 1.25);
  EXPECT_TRUE(std::isinf(samples->at("creg_commit_latency_seconds_bucket{le=\"+Inf\"}")));
}

TEST(MetricsReaderTest, RefusesALineThatIsNotASampleAndNamesIt) {
  for (const char* text :
       {"creg_tree_size\n", "creg_tree_size forty-two\n", "creg_refused{code=\"X\" 3\n",
        "{code=\"X\"} 3\n", "creg_tree_size 42\ncreg_tree_size{x=\"1\"}3\n"}) {
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
