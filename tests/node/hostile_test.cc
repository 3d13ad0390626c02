// Hostile clients against a real cregd: the node answers each with the
// documented behaviour and keeps serving everyone else.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "ledger/log_entry.h"
#include "ledger/registry/transaction.h"
#include "net/address.h"
#include "net/frame.h"
#include "tests/support/node_process.h"
#include "tests/support/raw_connection.h"

namespace creg {
namespace {

using testing::NodeProcess;
using testing::RawConnection;

class HostileClientTest : public ::testing::Test {
 protected:
  void Start(const std::vector<std::string>& flags = {}) {
    node_ = std::make_unique<NodeProcess>(dir_);
    ASSERT_TRUE(node_->Start(flags));
  }
  bool Answers() {
    auto client = Client::Connect(node_->address());
    return client.ok() && (*client)->GetStatus().ok();
  }
  pb::TransactionBody Body(const std::string& nonce) {
    pb::TransactionBody body;
    body.set_origin(NodeProcess::kOrigin);
    body.set_nonce(nonce);
    return body;
  }
  std::string OpenAccountTx(const std::string& id, const PrivateKey& key) {
    pb::TransactionBody body = Body("open-" + id);
    body.mutable_open_account()->set_account_id(id);
    body.mutable_open_account()->set_role(pb::ROLE_HOLDER);
    body.mutable_open_account()->set_public_key(key.public_key().raw());
    return SignTransaction(body, "operator", node_->OperatorKey());
  }

  creg::testing::TempDir dir_;
  std::unique_ptr<NodeProcess> node_;
};

TEST_F(HostileClientTest, ThousandIdleConnectionsDoNotStarveOthers) {
  // The test process needs descriptors for its side of the connections.
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, 4096);
  setrlimit(RLIMIT_NOFILE, &limit);
  const size_t want = std::min<size_t>(1000, static_cast<size_t>(limit.rlim_cur) - 64);
  Start();
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (size_t i = 0; i < want; ++i) {
    idle.push_back(std::make_unique<RawConnection>(node_->address()));
    ASSERT_TRUE(idle.back()->connected()) << "connection " << i;
  }
  // Normal clients still get answers while the idle ones are held open.
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(Answers());
  auto client = Client::Connect(node_->address());
  ASSERT_TRUE(client.ok());
  auto status = (*client)->GetStatus();
  ASSERT_TRUE(status.ok());
  RecordProperty("connections_held", static_cast<int>(idle.size()));
  idle.clear();
}

TEST_F(HostileClientTest, SlowSenderIsCutOffAtTheReadTimeout) {
  Start({"--read-timeout", "2"});
  RawConnection slow(node_->address(), std::chrono::seconds(1));
  ASSERT_TRUE(slow.connected());
  std::string frame = EncodeFrame(std::string(64, 'x'));
  auto started = std::chrono::steady_clock::now();
  bool closed = false;
  // One byte a second; the node must close before the frame completes.
  for (size_t i = 0; i < frame.size() && !closed; ++i) {
    if (!slow.Write(std::string_view(&frame[i], 1))) {
      closed = true;
      break;
    }
    closed = slow.ClosedByPeer();
  }
  EXPECT_TRUE(closed);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_TRUE(Answers());
}

TEST_F(HostileClientTest, ForgedSuspendedAndReplayedTransactionsAreRefused) {
  Start();
  auto client = node_->Connect();
  PrivateKey holder = PrivateKey::Generate().value();
  PrivateKey forger = PrivateKey::Generate().value();
  ASSERT_TRUE(client->Submit(OpenAccountTx("holder-1", holder))->has_committed());

  // Forged: claims to be the operator, signed by someone else's key.
  pb::TransactionBody forged = Body("forged");
  forged.mutable_open_account()->set_account_id("intruder");
  forged.mutable_open_account()->set_role(pb::ROLE_OPERATOR);
  forged.mutable_open_account()->set_public_key(forger.public_key().raw());
  auto refused = client->Submit(SignTransaction(forged, "operator", forger));
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->refused().code(), "BAD_SIGNATURE");

  // Suspended account signing.
  pb::TransactionBody suspend = Body("suspend");
  suspend.mutable_set_account_status()->set_account_id("holder-1");
  suspend.mutable_set_account_status()->set_status(pb::ACCOUNT_SUSPENDED);
  suspend.mutable_set_account_status()->set_reason("investigation");
  ASSERT_TRUE(
      client->Submit(SignTransaction(suspend, "operator", node_->OperatorKey()))->has_committed());
  pb::TransactionBody rotate = Body("rotate");
  rotate.mutable_rotate_key()->set_account_id("holder-1");
  rotate.mutable_rotate_key()->set_new_public_key(forger.public_key().raw());
  auto suspended = client->Submit(SignTransaction(rotate, "holder-1", holder));
  ASSERT_TRUE(suspended.ok());
  EXPECT_EQ(suspended->refused().code(), "ACCOUNT_SUSPENDED");

  // Replay of a committed transaction: answered, applied once.
  std::string open_again = OpenAccountTx("holder-1", holder);
  auto replay = client->Submit(open_again);
  ASSERT_TRUE(replay.ok());
  ASSERT_TRUE(replay->has_committed());
  EXPECT_TRUE(replay->committed().duplicate());
  EXPECT_TRUE(Answers());
}

TEST_F(HostileClientTest, FloodBeyondTheInFlightLimitIsRefusedNotQueued) {
  Start({"--max-in-flight", "16"});
  auto client = node_->Connect();
  constexpr int kFlood = 2000;
  for (int i = 0; i < kFlood; ++i) {
    pb::Request request;
    request.mutable_submit()->set_signed_transaction("not a transaction " + std::to_string(i));
    ASSERT_TRUE(client->Send(request).ok());
  }
  int exhausted = 0, refused = 0;
  for (int i = 0; i < kFlood; ++i) {
    auto response = client->Receive();
    ASSERT_TRUE(response.ok()) << response.status().ToString();
    if (response->has_error()) {
      EXPECT_EQ(response->error().code(), "RESOURCE_EXHAUSTED");
      ++exhausted;
    } else {
      EXPECT_EQ(response->submit().refused().code(), "MALFORMED");
      ++refused;
    }
  }
  EXPECT_EQ(exhausted + refused, kFlood);
  EXPECT_TRUE(Answers());
}

TEST_F(HostileClientTest, InvalidUtf8RequestsCannotFloodTheNodeLog) {
  Start();
  // Request{id: 1, account: {account_id: "\xff\xfe"}}: a string field that
  // is not UTF-8, which protobuf's parser refuses and reports in its log.
  const std::string bad_request("\x08\x01\x7a\x04\x0a\x02\xff\xfe", 8);
  constexpr int kRequests = 60;
  for (int i = 0; i < kRequests; ++i) {
    RawConnection raw(node_->address());
    ASSERT_TRUE(raw.connected());
    ASSERT_TRUE(raw.Write(EncodeFrame(bad_request)));
    auto response = raw.ReadResponse();
    ASSERT_TRUE(response.has_value()) << "request " << i;
    EXPECT_EQ(response->error().code(), "INVALID_ARGUMENT");
  }
  EXPECT_TRUE(Answers());
  const std::string log = node_->log_text();
  // Protobuf's lines reach the log only through the node's logger (its own
  // format, never "libprotobuf ERROR"), and only a few of them.
  EXPECT_EQ(log.find("libprotobuf"), std::string::npos) << log;
  size_t lines = 0;
  for (size_t at = log.find("protobuf: "); at != std::string::npos;
       at = log.find("protobuf: ", at + 1)) {
    ++lines;
  }
  EXPECT_GE(lines, 1u) << log;
  EXPECT_LE(lines, 5u) << log;
}

}  // namespace
}  // namespace creg
