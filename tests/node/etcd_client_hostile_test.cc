// node/etcd_client.h against fake etcd endpoints on loopback that answer
// what no etcd answers: bad JSON, too much, missing or ill-typed fields,
// answers that contradict the request, nothing at all. Each call ends in a
// clear error within its deadline; none crashes.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <utility>  // before Asio (GCC 12, see DESIGN.md)

#include <boost/asio.hpp>

#include "node/etcd_client.h"
#include "node/http/handler.h"
#include "tests/support/loopback_http_server.h"
#include "tests/support/status_assertions.h"

namespace creg {
namespace {

using std::chrono::milliseconds;

// Answers every request with one fixed status and body; counts them and
// remembers the last one's target and body.
class FakeEtcd : public http::Handler {
 public:
  FakeEtcd(unsigned status, std::string body) : status_(status), body_(std::move(body)) {}
  http::Answer Handle(const http::Request& request) const override {
    std::lock_guard lock(mu_);
    ++requests_;
    last_target_ = std::string(request.target);
    last_body_ = std::string(request.body);
    http::Answer answer;
    answer.status = status_;
    answer.content_type = "application/json";
    answer.body = body_;
    return answer;
  }
  int requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  std::string last_target() const {
    std::lock_guard lock(mu_);
    return last_target_;
  }
  std::string last_body() const {
    std::lock_guard lock(mu_);
    return last_body_;
  }

 private:
  const unsigned status_;
  const std::string body_;
  mutable std::mutex mu_;
  mutable int requests_ = 0;
  mutable std::string last_target_;
  mutable std::string last_body_;
};

// A fake endpoint serving `body` with `status`.
class FakeServer {
 public:
  explicit FakeServer(std::string body, unsigned status = 200)
      : handler_(std::make_shared<FakeEtcd>(status, std::move(body))),
        server_(handler_, Limits()) {}
  std::string url() const { return "http://" + server_.address(); }
  const FakeEtcd& handler() const { return *handler_; }

 private:
  static http::HttpLimits Limits() {
    http::HttpLimits limits;
    limits.max_body_bytes = 1 << 16;  // read request bodies
    return limits;
  }
  std::shared_ptr<FakeEtcd> handler_;
  testing::LoopbackHttpServer server_;
};

const std::string kHeader = R"("header":{"revision":"9"})";

std::unique_ptr<EtcdClient> ClientOf(std::vector<std::string> urls,
                                     EtcdClientOptions options = {}) {
  auto client = EtcdClient::Create(std::move(urls), options);
  EXPECT_TRUE(client.ok()) << client.status().ToString();
  return client.ok() ? std::move(client).value() : nullptr;
}

using testing::FailsWith;

TEST(EtcdClientHostileTest, PostsTheBuiltBodyAsJson) {
  FakeServer server("{" + kHeader + R"(,"ID":"7","TTL":"3"})");
  auto client = ClientOf({server.url()});
  StatusOr<EtcdLease> lease = client->Grant(std::chrono::seconds(2));
  ASSERT_TRUE(lease.ok()) << lease.status().ToString();
  EXPECT_EQ(lease->id, 7);
  EXPECT_EQ(lease->ttl, std::chrono::seconds(3));
  EXPECT_EQ(server.handler().last_target(), "/v3/lease/grant");
  EXPECT_EQ(server.handler().last_body(), etcd::GrantBody(2));
}

TEST(EtcdClientHostileTest, BadJsonIsDataLossNamingTheEndpoint) {
  FakeServer server(R"({"header":{"revision":"9"},"kvs":[)");
  auto client = ClientOf({server.url()});
  Status got = client->Get("/k").status();
  EXPECT_TRUE(FailsWith(got, StatusCode::kDataLoss, "etcd answer: not JSON"));
  EXPECT_TRUE(FailsWith(got, StatusCode::kDataLoss, server.url()));
}

TEST(EtcdClientHostileTest, OversizedBodyIsRefused) {
  FakeServer server("{" + kHeader + R"(,"kvs":[{"value":")" + std::string(8192, 'A') + R"("}]})");
  EtcdClientOptions options;
  options.max_answer_bytes = 4096;
  auto client = ClientOf({server.url()}, options);
  EXPECT_TRUE(FailsWith(client->Get("/k").status(), StatusCode::kDataLoss, "body over 4096 bytes"));
}

TEST(EtcdClientHostileTest, MissingFieldsAreRefused) {
  FakeServer no_header(R"({"kvs":[]})");
  EXPECT_TRUE(FailsWith(ClientOf({no_header.url()})->Get("/k").status(), StatusCode::kDataLoss,
                        "header is missing"));
  FakeServer no_id("{" + kHeader + R"(,"TTL":"2"})");
  EXPECT_TRUE(FailsWith(ClientOf({no_id.url()})->Grant(std::chrono::seconds(2)).status(),
                        StatusCode::kDataLoss, "without an ID or a TTL"));
  // A refused campaign must read the leader in the same transaction.
  FakeServer no_leader("{" + kHeader + R"(,"responses":[{"response_range":{}}]})");
  EXPECT_TRUE(FailsWith(ClientOf({no_leader.url()})->Campaign("/l", "a:1", 5).status(),
                        StatusCode::kDataLoss, "read no leader key"));
  FakeServer no_reads("{" + kHeader + "}");
  EXPECT_TRUE(FailsWith(ClientOf({no_reads.url()})->Campaign("/l", "a:1", 5).status(),
                        StatusCode::kDataLoss, "without the read of the leader key"));
}

TEST(EtcdClientHostileTest, IllTypedNumbersAreRefused) {
  FakeServer fraction(R"({"result":{"header":{"revision":"9"},"ID":"5","TTL":1.5}})");
  EXPECT_TRUE(FailsWith(ClientOf({fraction.url()})->KeepAlive(5).status(), StatusCode::kDataLoss,
                        "result.TTL is not an int64"));
  FakeServer text("{" + kHeader + R"(,"kvs":[{"key":"L2s=","create_revision":"28x"}]})");
  EXPECT_TRUE(FailsWith(ClientOf({text.url()})->Get("/k").status(), StatusCode::kDataLoss,
                        "kvs[0].create_revision is not an int64"));
}

TEST(EtcdClientHostileTest, AnswersThatContradictTheRequestAreRefused) {
  // A keepalive answered for another lease.
  FakeServer other_lease(R"({"result":{"header":{"revision":"9"},"ID":"6","TTL":"2"}})");
  EXPECT_TRUE(FailsWith(ClientOf({other_lease.url()})->KeepAlive(5).status(), StatusCode::kDataLoss,
                        "keepalive of lease 5 for lease 6"));
  // A read of "/k" answered with "/x" ("L3g=").
  FakeServer other_key("{" + kHeader + R"(,"kvs":[{"key":"L3g="}]})");
  EXPECT_TRUE(FailsWith(ClientOf({other_key.url()})->Get("/k").status(), StatusCode::kDataLoss,
                        "a read of key /k with key /x"));
  EXPECT_TRUE(FailsWith(ClientOf({other_key.url()})->List("/k/", true).status(),
                        StatusCode::kDataLoss, "keys under /k/ with key /x"));
  // A refused swap whose reads show both compares holding.
  FakeServer both_hold(
      "{" + kHeader +
      R"(,"responses":[{"response_range":{"kvs":[{"key":"L2w=","create_revision":"4"}]}},)"
      R"({"response_range":{}}]})");
  etcd::SwapRequest swap{"/l", 4, "/c", 0, "note"};
  EXPECT_TRUE(FailsWith(ClientOf({both_hold.url()})->Swap(swap).status(), StatusCode::kDataLoss,
                        "compares both hold"));
}

TEST(EtcdClientHostileTest, ErrorAnswersKeepEtcdsCode) {
  FakeServer not_found(
      R"({"error":"etcdserver: requested lease not found","message":"etcdserver: requested lease not found","code":5})",
      404);
  EXPECT_TRUE(FailsWith(ClientOf({not_found.url()})->Revoke(5), StatusCode::kNotFound,
                        "requested lease not found"));
  FakeServer proxy("<html><body>Bad Gateway</body></html>", 502);
  EXPECT_TRUE(FailsWith(ClientOf({proxy.url()})->Revoke(5), StatusCode::kUnavailable,
                        "HTTP 502, not an etcd error"));
}

TEST(EtcdClientHostileTest, SilentEndpointTimesOutWithinTheDeadline) {
  // Listening, never accepting: the connection is made (the kernel's
  // backlog) and the request sent, but no answer ever comes.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor silent(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const std::string url = "http://127.0.0.1:" + std::to_string(silent.local_endpoint().port());
  EtcdClientOptions options;
  options.timeout = milliseconds(300);
  auto client = ClientOf({url}, options);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(FailsWith(client->KeepAlive(5).status(), StatusCode::kUnavailable, "timed out"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  // The deadline is the call's: a second endpoint is not tried after the
  // first took all of it, and the error says so.
  FakeServer good(R"({"result":{"header":{"revision":"9"},"ID":"5","TTL":"2"}})");
  auto both = ClientOf({url, good.url()}, options);
  EXPECT_TRUE(FailsWith(both->KeepAlive(5, milliseconds(200)).status(), StatusCode::kUnavailable,
                        good.url() + ": not tried, the call's deadline (200 ms) had passed"));
}

TEST(EtcdClientHostileTest, AGarbledEndpointIsPassedOver) {
  FakeServer garbled("not json at all");
  FakeServer good(R"({"result":{"header":{"revision":"9"},"ID":"5","TTL":"2"}})");
  auto client = ClientOf({garbled.url(), good.url()});
  StatusOr<std::chrono::seconds> ttl = client->KeepAlive(5);
  ASSERT_TRUE(ttl.ok()) << ttl.status().ToString();
  EXPECT_EQ(*ttl, std::chrono::seconds(2));
  // A definite answer is not retried elsewhere.
  FakeServer refused(R"({"error":"etcdserver: requested lease not found","code":5})", 404);
  auto definite = ClientOf({refused.url(), good.url()});
  EXPECT_EQ(definite->KeepAlive(5).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(good.handler().requests(), 1);  // the first client's
}

}  // namespace
}  // namespace creg
