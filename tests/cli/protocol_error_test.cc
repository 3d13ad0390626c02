// creg against a peer that breaks the protocol: a frame over the limit, a
// frame that is not a Response, a connection closed in the middle of a
// frame. Each is a protocol error with its own message and exit status 5,
// never "cannot reach the node / Is cregd running?".
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "ledger/encoding.h"
#include "tests/cli/cli_fixture.h"

namespace creg::testing {
namespace {

// A one-connection TCP peer on 127.0.0.1 that reads the request and
// answers with `reply`, then closes.
class FakeNode {
 public:
  explicit FakeNode(std::string reply) : reply_(std::move(reply)) {
    listen_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(::bind(listen_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(listen_, 4), 0);
    socklen_t len = sizeof addr;
    ::getsockname(listen_, reinterpret_cast<sockaddr*>(&addr), &len);
    address_ = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakeNode() {
    ::shutdown(listen_, SHUT_RDWR);
    thread_.join();
    ::close(listen_);
  }
  const std::string& address() const { return address_; }

 private:
  void Serve() {
    int fd = ::accept(listen_, nullptr, nullptr);
    if (fd < 0) return;
    char buffer[4096];
    if (::read(fd, buffer, sizeof buffer) > 0) {  // the request
      ssize_t ignored = ::write(fd, reply_.data(), reply_.size());
      (void)ignored;
    }
    ::close(fd);
  }

  std::string reply_;
  int listen_ = -1;
  std::string address_;
  std::thread thread_;
};

std::string Header(uint32_t length) {
  std::string h;
  AppendBigEndian32(&h, length);
  return h;
}

RunResult CregStatusAgainst(const std::string& reply) {
  FakeNode node(reply);
  return RunProgram({CregBin(), "status", "--node", node.address()});
}

void ExpectProtocolError(const RunResult& r, const std::string& says) {
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("protocol error"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(says), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("Is cregd running"), std::string::npos) << r.err;
}

TEST(ProtocolErrorTest, AFrameOverTheLimitIsAProtocolError) {
  // 9 MiB announced, a little of it sent.
  RunResult r = CregStatusAgainst(Header(9u << 20) + std::string(1000, 'x'));
  ExpectProtocolError(r, "sent a frame of 9 MiB, over the 4 MiB limit");
}

TEST(ProtocolErrorTest, AnUndecodableAnswerIsAProtocolError) {
  RunResult r = CregStatusAgainst(Header(5) + std::string(5, '\xff'));
  ExpectProtocolError(r, "not a Response message");
}

TEST(ProtocolErrorTest, AFrameCutOffIsAProtocolError) {
  RunResult r = CregStatusAgainst(Header(100) + std::string(10, 'x'));
  ExpectProtocolError(r, "closed the connection in the middle of a frame");
}

TEST(ProtocolErrorTest, JsonErrorNamesTheProtocolError) {
  FakeNode node(Header(9u << 20));
  RunResult r = RunProgram({CregBin(), "holdings", "someone", "--json", "--node", node.address()});
  EXPECT_EQ(r.exit_code, 5);
  auto doc = json::Parse(r.out);
  ASSERT_TRUE(doc.ok()) << r.out;
  auto error = doc->GetObject("error");
  ASSERT_TRUE(error.ok()) << r.out;
  EXPECT_EQ((*error)->GetString("code").value(), "PROTOCOL_ERROR");
}

TEST(ProtocolErrorTest, NoNodeIsStillUnreachable) {
  // A port nothing listens on: the connection is refused.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::string address = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  RunResult r = RunProgram({CregBin(), "status", "--node", address});
  ::close(fd);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("Is cregd running"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace creg::testing
