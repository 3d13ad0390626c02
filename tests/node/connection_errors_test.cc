// Which errors close a connection (docs/protocol.md, "Errors"): every
// Error with id 0 does, after the answers to requests read before it; an
// Error with the request's id never does.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "net/frame.h"
#include "tests/support/node_process.h"
#include "tests/support/raw_connection.h"

namespace creg {
namespace {

using testing::NodeProcess;
using testing::RawConnection;

std::string Frame(const pb::Request& request) { return EncodeFrame(request.SerializeAsString()); }

pb::Request StatusRequest(uint64_t id) {
  pb::Request request;
  request.set_id(id);
  request.mutable_status();
  return request;
}

class ConnectionErrorsTest : public ::testing::Test {
 protected:
  void Start(const std::vector<std::string>& flags = {"--max-frame-bytes", "65536"}) {
    node_ = std::make_unique<NodeProcess>(dir_);
    ASSERT_TRUE(node_->Start(flags));
  }

  // Sends a status request (id 7) then `bad` in one write; expects the
  // status answer, then an INVALID_ARGUMENT with id 0 saying the
  // connection closes and naming `why`, then the close.
  void ExpectAnsweredThenClosed(const std::string& bad, const std::string& why) {
    Start();
    RawConnection raw(node_->address());
    ASSERT_TRUE(raw.connected());
    ASSERT_TRUE(raw.Write(Frame(StatusRequest(7)) + bad));
    auto answer = raw.ReadResponse();
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->id(), 7u);
    EXPECT_TRUE(answer->has_status());
    auto error = raw.ReadResponse();
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->id(), 0u);
    EXPECT_EQ(error->error().code(), "INVALID_ARGUMENT");
    EXPECT_NE(error->error().message().find(why), std::string::npos) << error->error().message();
    EXPECT_NE(error->error().message().find("closing the connection"), std::string::npos)
        << error->error().message();
    EXPECT_TRUE(raw.ClosedByPeer());
  }

  // Sends `request`, which must get an error `code` with its own id, then
  // a status request on the same connection, which must be answered (with
  // its own id) rather than the connection closed.
  void ExpectRefusedAndStillOpen(RawConnection& raw, const pb::Request& request,
                                 const std::string& code) {
    ASSERT_TRUE(raw.Write(Frame(request)));
    auto error = raw.ReadResponse();
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->id(), request.id());
    EXPECT_EQ(error->error().code(), code);
    const uint64_t next = request.id() + 1;
    ASSERT_TRUE(raw.Write(Frame(StatusRequest(next))));
    auto answer = raw.ReadResponse();
    ASSERT_TRUE(answer.has_value()) << "the connection was closed";
    EXPECT_EQ(answer->id(), next);
  }

  static pb::Request Subscribe(uint64_t id, uint64_t start) {
    pb::Request subscribe;
    subscribe.set_id(id);
    subscribe.mutable_subscribe()->set_start(start);
    return subscribe;
  }

  creg::testing::TempDir dir_;
  std::unique_ptr<NodeProcess> node_;
};

TEST_F(ConnectionErrorsTest, OversizedFrameClosesTheConnection) {
  ExpectAnsweredThenClosed(std::string("\x00\x01\x00\x01", 4), "exceeds the limit");
}

TEST_F(ConnectionErrorsTest, UndecodableFrameClosesTheConnection) {
  ExpectAnsweredThenClosed(EncodeFrame("\x08\x01\xff\xff\xff not a Request"),
                           "not a Request message");
}

TEST_F(ConnectionErrorsTest, EmptyFrameClosesTheConnection) {
  ExpectAnsweredThenClosed(std::string(4, '\0'), "empty frame");
}

TEST_F(ConnectionErrorsTest, RequestWithIdZeroClosesTheConnection) {
  ExpectAnsweredThenClosed(Frame(StatusRequest(0)), "request id 0");
}

TEST_F(ConnectionErrorsTest, RequestWithoutBodyKeepsTheConnectionOpen) {
  Start();
  RawConnection raw(node_->address());
  pb::Request no_body;
  no_body.set_id(5);
  ExpectRefusedAndStillOpen(raw, no_body, "INVALID_ARGUMENT");
}

TEST_F(ConnectionErrorsTest, ExcessRequestsKeepTheConnectionOpen) {
  // With --max-in-flight 1, a subscription fills the connection's one
  // slot, so the status asked after the refusal is refused as well: with
  // its own id, on a connection still open.
  Start({"--max-in-flight", "1"});
  RawConnection raw(node_->address());
  ASSERT_TRUE(raw.Write(Frame(Subscribe(1, 1'000'000))));  // waits, unanswered
  ExpectRefusedAndStillOpen(raw, StatusRequest(2), "RESOURCE_EXHAUSTED");
}

TEST_F(ConnectionErrorsTest, SubscriptionOverTheCapKeepsTheConnectionOpen) {
  Start({"--max-subscriptions-per-connection", "1"});
  RawConnection raw(node_->address());
  ASSERT_TRUE(raw.Write(Frame(Subscribe(1, 1'000'000))));  // waits, unanswered
  ExpectRefusedAndStillOpen(raw, Subscribe(2, 1'000'000), "RESOURCE_EXHAUSTED");
}

}  // namespace
}  // namespace creg
