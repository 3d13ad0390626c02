// MetricsHandler without a network: what it answers for each method and
// path, and that it renders the text afresh for every GET or HEAD.
#include "node/http/metrics_handler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>

namespace creg::http {
namespace {

class MetricsHandlerTest : public ::testing::Test {
 protected:
  Answer Ask(std::string_view method, std::string_view target) {
    return handler_.Handle(Request{method, target});
  }
  std::atomic<int> renders_{0};
  MetricsHandler handler_{[this] { return "creg_renders " + std::to_string(++renders_) + "\n"; }};
};

TEST_F(MetricsHandlerTest, GetAndHeadOfMetricsRenderTheTextEachTime) {
  Answer first = Ask("GET", "/metrics");
  EXPECT_EQ(first.status, 200u);
  EXPECT_EQ(first.body, "creg_renders 1\n");
  EXPECT_EQ(first.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(first.cache_control, "no-store");
  EXPECT_FALSE(first.any_origin);
  Answer second = Ask("HEAD", "/metrics?x=1");
  EXPECT_EQ(second.status, 200u);
  EXPECT_EQ(second.body, "creg_renders 2\n");
}

TEST_F(MetricsHandlerTest, OtherPathsAre404AndOtherMethods405WithoutRendering) {
  for (const char* target : {"/", "", "/metrics/", "/metrics/x", "/Metrics", "metrics", "//metrics",
                             "/metricsx", "/metrics%20", "/x?/metrics"}) {
    Answer a = Ask("GET", target);
    EXPECT_EQ(a.status, 404u) << target;
    EXPECT_FALSE(a.any_origin) << target;
  }
  for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS", "get", ""}) {
    Answer a = Ask(method, "/metrics");
    EXPECT_EQ(a.status, 405u) << method;
    EXPECT_EQ(a.allow, "GET, HEAD") << method;
    EXPECT_FALSE(a.any_origin) << method;
  }
  EXPECT_EQ(renders_, 0);
}

}  // namespace
}  // namespace creg::http
