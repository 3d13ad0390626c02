// HttpServer (creg_http) in-process on loopback with a handler of its own:
// request bodies reach the handler whole, bodies over max_body_bytes are
// answered 413, a server that reads no bodies refuses them as before, and a
// client too slow to send its body is cut off at the read timeout.
#include "node/http/http_server.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "tests/support/http_client.h"
#include "tests/support/loopback_http_server.h"

namespace creg::http {
namespace {

namespace asio = boost::asio;
using creg::testing::HttpClient;
using creg::testing::HttpResponse;
using creg::testing::RawExchange;
using creg::testing::SendRaw;

// Answers POST with "<method> <target> <body size>:<body>"; refuses other
// methods but GET.
class Echo : public Handler {
 public:
  Answer Handle(const Request& request) const override {
    if (request.method != "POST" && request.method != "GET") {
      Answer a = TextAnswer(405, "POST or GET");
      a.allow = "GET, POST";
      return a;
    }
    return TextAnswer(200, std::string(request.method) + " " + std::string(request.target) + " " +
                               std::to_string(request.body.size()) + ":" +
                               std::string(request.body));
  }
};

// An HttpServer serving Echo on 127.0.0.1 and a free port.
class ServerFixture : public creg::testing::LoopbackHttpServer {
 public:
  explicit ServerFixture(HttpLimits limits)
      : LoopbackHttpServer(std::make_shared<Echo>(), limits) {}
};

HttpLimits BodyLimits() {
  HttpLimits limits;
  limits.max_body_bytes = 100;
  limits.read_timeout = std::chrono::milliseconds(500);
  return limits;
}

TEST(HttpServerTest, BodyReachesTheHandlerWholeOnAKeptAliveConnection) {
  ServerFixture server(BodyLimits());
  HttpClient client(server.address());
  for (const std::string& body : {std::string("old 0\n\nfirst"), std::string(100, 'x')}) {
    StatusOr<HttpResponse> got = client.Request("POST", "/add?x=1", body);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->status, 200u);
    EXPECT_EQ(got->body, "POST /add?x=1 " + std::to_string(body.size()) + ":" + body + "\n");
  }
  StatusOr<HttpResponse> get = client.Get("/x");
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->body, "GET /x 0:\n");
  EXPECT_EQ(client.connects(), 1);
}

TEST(HttpServerTest, AnnouncedBodyOverTheLimitIsAnswered413AndClosed) {
  ServerFixture server(BodyLimits());
  HttpClient client(server.address());
  StatusOr<HttpResponse> got = client.Request("POST", "/add", std::string(101, 'x'));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->status, 413u);
  EXPECT_EQ(got->body, "request body over 100 bytes\n");
  EXPECT_FALSE(got->keep_alive);
  // Announced, never sent: refused from the header alone.
  RawExchange raw = SendRaw(server.address(),
                            "POST /add HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n");
  EXPECT_EQ(raw.received.substr(0, 12), "HTTP/1.1 413");
  EXPECT_TRUE(raw.closed_by_node);
}

TEST(HttpServerTest, ChunkedBodyOverTheLimitIsAnswered413) {
  ServerFixture server(BodyLimits());
  const std::string chunk(60, 'y');
  RawExchange raw = SendRaw(server.address(),
                            "POST /add HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                            "3c\r\n" +
                                chunk + "\r\n3c\r\n" + chunk + "\r\n0\r\n\r\n");
  EXPECT_EQ(raw.received.substr(0, 12), "HTTP/1.1 413");
  EXPECT_TRUE(raw.closed_by_node);
  // Within the limit, chunked is read whole.
  RawExchange small = SendRaw(server.address(),
                              "POST /add HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                              "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  EXPECT_NE(small.received.find("POST /add 5:abcde\n"), std::string::npos) << small.received;
}

TEST(HttpServerTest, ClientTooSlowToSendItsBodyIsCutOff) {
  ServerFixture server(BodyLimits());
  const auto start = std::chrono::steady_clock::now();
  RawExchange raw = SendRaw(server.address(),
                            "POST /add HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\nonly part",
                            std::chrono::seconds(5));
  EXPECT_TRUE(raw.closed_by_node);
  EXPECT_EQ(raw.received, "");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
}

TEST(HttpServerTest, WithoutABodyLimitABodyIsRefusedUnreadAndTheConnectionClosed) {
  ServerFixture server(HttpLimits{});
  HttpClient client(server.address());
  StatusOr<HttpResponse> got = client.Request("POST", "/add", "abc");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  // The handler saw no body and answered; the connection refuses the body.
  EXPECT_EQ(got->status, 400u);
  EXPECT_EQ(got->body, "requests to this server carry no body\n");
  EXPECT_FALSE(got->keep_alive);
}

}  // namespace
}  // namespace creg::http
