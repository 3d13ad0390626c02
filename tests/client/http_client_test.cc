// client/http_client.h against real loopback servers: creg_http's
// HttpServer serving a test handler (GET, POST, any status, IPv6), and raw
// acceptors that answer garbage, too much, or nothing at all.
#include "client/http_client.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <thread>

#include "node/http/http_server.h"
#include "tests/support/loopback_http_server.h"

namespace creg {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Echoes "<method> <target> <body>" for /echo; /status/<N> answers N with a
// body; /big answers 4 KiB.
class TestHandler : public http::Handler {
 public:
  http::Answer Handle(const http::Request& request) const override {
    if (request.path() == "/big") return http::TextAnswer(200, std::string(4096, 'x'));
    if (request.path().starts_with("/status/")) {
      http::Answer a;
      a.status = static_cast<unsigned>(std::stoul(std::string(request.path().substr(8))));
      a.content_type = "text/x.tlog.size";
      a.body = "42\n";
      return a;
    }
    return http::TextAnswer(200, std::string(request.method) + " " + std::string(request.target) +
                                     " " + std::string(request.body));
  }
};

// An HttpServer serving TestHandler on a loopback address (bodies up to 64 KiB).
class ServerFixture : public testing::LoopbackHttpServer {
 public:
  explicit ServerFixture(const std::string& ip = "127.0.0.1")
      : LoopbackHttpServer(std::make_shared<TestHandler>(), Limits(), ip) {}

 private:
  static http::HttpLimits Limits() {
    http::HttpLimits limits;
    limits.max_body_bytes = 1 << 16;
    return limits;
  }
};

// Accepts one connection, reads the request's first bytes, writes `answer`
// (if any), then holds the connection open until destroyed.
class RawServer {
 public:
  explicit RawServer(std::string answer) : answer_(std::move(answer)) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] {
      boost::system::error_code ec;
      acceptor_.accept(socket_, ec);
      if (ec) return;
      char buf[1024];
      socket_.read_some(asio::buffer(buf), ec);
      if (!answer_.empty()) asio::write(socket_, asio::buffer(answer_), ec);
    });
  }
  ~RawServer() {
    thread_.join();
    boost::system::error_code ec;
    socket_.close(ec);
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  std::string answer_;
  asio::io_context io_;
  tcp::acceptor acceptor_{io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  tcp::socket socket_{io_};
  uint16_t port_ = 0;
  std::thread thread_;
};

HttpExchangeOptions Quick() {
  HttpExchangeOptions o;
  o.timeout = std::chrono::milliseconds(500);
  return o;
}

TEST(HttpClientTest, GetAndPost) {
  ServerFixture server;
  auto got = HttpGet(server.address(), "/echo?a=1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->status, 200u);
  EXPECT_EQ(got->body, "GET /echo?a=1 \n");
  EXPECT_EQ(got->content_type, "text/plain; charset=utf-8");
  auto posted = HttpPost(server.address(), "/add-checkpoint", "old 0\n\nnote\n");
  ASSERT_TRUE(posted.ok()) << posted.status().ToString();
  EXPECT_EQ(posted->body, "POST /add-checkpoint old 0\n\nnote\n\n");
}

TEST(HttpClientTest, AnyStatusIsAnAnswer) {
  ServerFixture server;
  auto got = HttpPost(server.address(), "/status/409", "x");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->status, 409u);
  EXPECT_EQ(got->content_type, "text/x.tlog.size");
  EXPECT_EQ(got->body, "42\n");
}

TEST(HttpClientTest, Ipv6InBrackets) {
  ServerFixture server("::1");
  ASSERT_EQ(server.address().front(), '[');
  auto got = HttpGet(server.address(), "/echo");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->status, 200u);
}

TEST(HttpClientTest, BodyOverTheBoundIsRefused) {
  ServerFixture server;
  HttpExchangeOptions options;
  options.max_body_bytes = 1000;
  auto got = HttpGet(server.address(), "/big", options);
  ASSERT_FALSE(got.ok()) << got->status << " " << got->body.size();
  EXPECT_EQ(got.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(got.status().message().find("body over 1000 bytes"), std::string::npos)
      << got.status().message();
  options.max_body_bytes = 5000;
  EXPECT_TRUE(HttpGet(server.address(), "/big", options).ok());
}

TEST(HttpClientTest, RefusedConnectionSaysConnect) {
  uint16_t port;
  {
    asio::io_context io;
    tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = a.local_endpoint().port();
  }
  auto got = HttpGet("127.0.0.1:" + std::to_string(port), "/", Quick());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(got.status().message().find("cannot connect"), std::string::npos)
      << got.status().message();
}

TEST(HttpClientTest, SilentServerTimesOut) {
  RawServer server("");
  auto start = std::chrono::steady_clock::now();
  auto got = HttpGet(server.address(), "/", Quick());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(got.status().message().find("timed out reading the status line"), std::string::npos)
      << got.status().message();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(HttpClientTest, SlowBodyTimesOut) {
  RawServer server("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly a part");
  auto got = HttpGet(server.address(), "/", Quick());
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().message().find("timed out reading the response body"), std::string::npos)
      << got.status().message();
}

TEST(HttpClientTest, GarbageStatusLineIsNamed) {
  RawServer server("SSH-2.0-OpenSSH_9.2\r\n\r\n");
  auto got = HttpGet(server.address(), "/", Quick());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(got.status().message().find("malformed status line"), std::string::npos)
      << got.status().message();
}

TEST(HttpClientTest, HugeHeaderIsRefused) {
  RawServer server("HTTP/1.1 200 OK\r\nX-Junk: " + std::string(20000, 'a') + "\r\n\r\n");
  auto got = HttpGet(server.address(), "/", Quick());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kDataLoss) << got.status().ToString();
}

TEST(HttpClientTest, EndlessChunkFramingIsRefusedNotBuffered) {
  // Beast's parser reads a chunk-size line (with its extensions) and the
  // trailer without a bound of its own: the client's buffer is the bound.
  const std::string chunk_line =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;" + std::string(1 << 20, 'a');
  const std::string trailer =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: " + std::string(1 << 20, 'a');
  for (const std::string& answer : {chunk_line, trailer}) {
    RawServer server(answer);
    auto got = HttpGet(server.address(), "/", Quick());
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().code(), StatusCode::kDataLoss) << got.status().ToString();
  }
}

TEST(HttpClientTest, BodyExcerptIsOneShortPrintableLine) {
  EXPECT_EQ(BodyExcerpt("bad \x01\xc3\xa9 gateway\nsecond line"), "bad ??? gateway");
  EXPECT_EQ(BodyExcerpt(std::string(500, 'a')), std::string(200, 'a'));
  EXPECT_EQ(BodyExcerpt(""), "");
}

TEST(HttpClientTest, MalformedAddressIsInvalidArgument) {
  auto got = HttpGet("no-port", "/");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace creg
