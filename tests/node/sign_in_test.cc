// Signing in against a real cregd (--read-policy registry), by the rules
// and against them: wrong keys, replayed and foreign challenges, another
// origin, a key rotated or an account suspended after signing in, the
// rate limits, and the TLS channel binding.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "client/metrics_reader.h"
#include "client/sign_in.h"
#include "net/sign_in_message.h"
#include "tests/support/node_accounts.h"
#include "tests/support/node_process.h"
#include "tests/support/tls_certs.h"

namespace creg {
namespace {

using testing::NodeAccounts;
using testing::NodeProcess;

std::string Challenge(Client& client) {
  pb::Request ask;
  ask.mutable_sign_in_challenge();
  auto answer = client.Call(ask);
  EXPECT_TRUE(answer.ok()) << answer.status().ToString();
  if (!answer.ok()) return "";
  EXPECT_TRUE(answer->has_sign_in_challenge()) << answer->error().message();
  EXPECT_EQ(answer->sign_in_challenge().challenge().size(), kSignInChallengeSize);
  return answer->sign_in_challenge().challenge();
}

// A sign_in request with every part chosen by the test.
pb::Request SignInRequest(const std::string& account, const PrivateKey& key,
                          const std::string& challenge, const std::string& origin,
                          const std::string& binding = "") {
  pb::Request request;
  pb::SignInRequest* body = request.mutable_sign_in();
  body->set_account_id(account);
  body->set_origin(origin);
  body->set_challenge(challenge);
  body->set_signature(key.Sign(SignInMessage(challenge, account, origin, binding)));
  return request;
}

// The error code of the answer to `request` ("" if it succeeded).
std::string ErrorCode(Client& client, const pb::Request& request, std::string* message = nullptr) {
  auto answer = client.Call(request);
  EXPECT_TRUE(answer.ok()) << answer.status().ToString();
  if (!answer.ok()) return "transport";
  if (message != nullptr) *message = answer->error().message();
  return answer->has_error() ? answer->error().code() : "";
}

pb::Request HoldingsOf(const std::string& account) {
  pb::Request request;
  request.mutable_holdings()->set_account_id(account);
  return request;
}

class SignInTest : public ::testing::Test {
 protected:
  void StartNode(std::vector<std::string> flags = {}) {
    flags.insert(flags.end(), {"--read-policy", "registry", "--metrics", "127.0.0.1:0"});
    node_ = std::make_unique<NodeProcess>(dir_);
    ASSERT_TRUE(node_->Start(flags));
    accounts_ = std::make_unique<NodeAccounts>(*node_);
  }
  void SetUp() override {
    StartNode();
    operator_ = node_->Connect();
    ASSERT_NE(operator_, nullptr);
    accounts_->OpenAccount(*operator_, "alice", pb::ROLE_HOLDER);
    accounts_->OpenAccount(*operator_, "bob", pb::ROLE_HOLDER);
  }
  double Metric(const std::string& name) {
    auto samples = FetchMetrics(node_->metrics_address());
    EXPECT_TRUE(samples.ok()) << samples.status().ToString();
    if (!samples.ok()) return -1;
    auto it = samples->find(name);
    return it == samples->end() ? -1 : it->second;
  }

  testing::TempDir dir_;
  std::unique_ptr<NodeProcess> node_;
  std::unique_ptr<NodeAccounts> accounts_;
  std::unique_ptr<Client> operator_;
};

TEST_F(SignInTest, TheRightKeyGrantsTheAccountsRights) {
  auto alice = node_->Connect();
  EXPECT_EQ(ErrorCode(*alice, HoldingsOf("alice")), "NOT_AUTHORIZED");
  ASSERT_TRUE(SignIn(*alice, "alice", accounts_->Key("alice"), NodeProcess::kOrigin).ok());
  EXPECT_EQ(ErrorCode(*alice, HoldingsOf("alice")), "");
  EXPECT_EQ(ErrorCode(*alice, HoldingsOf("bob")), "NOT_AUTHORIZED");
  EXPECT_EQ(Metric("creg_sign_ins_total"), 1);
}

TEST_F(SignInTest, TheChallengeNamesTheOriginForClientsThatExpectNone) {
  auto alice = node_->Connect();
  pb::Request ask;
  ask.mutable_sign_in_challenge();
  auto answer = alice->Call(ask);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(answer->sign_in_challenge().origin(), NodeProcess::kOrigin);
  // An empty origin signs for the one the challenge names.
  ASSERT_TRUE(SignIn(*alice, "alice", accounts_->Key("alice"), "").ok());
  EXPECT_EQ(ErrorCode(*alice, HoldingsOf("alice")), "");
}

TEST_F(SignInTest, WrongKeyIsRefusedAndGrantsNothing) {
  auto client = node_->Connect();
  Status refused = SignIn(*client, "alice", accounts_->Key("bob"), NodeProcess::kOrigin);
  EXPECT_EQ(refused.code(), StatusCode::kPermissionDenied) << refused.ToString();
  EXPECT_NE(refused.message().find("does not verify"), std::string::npos) << refused.message();
  EXPECT_EQ(ErrorCode(*client, HoldingsOf("alice")), "NOT_AUTHORIZED");
  // An unknown account gets the same answer as a wrong key.
  Status unknown = SignIn(*client, "nobody", accounts_->Key("bob"), NodeProcess::kOrigin);
  EXPECT_EQ(unknown.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(unknown.message().find("or there is no such account"), std::string::npos);
  // A signature over other bytes (the transaction domain) is no sign-in.
  std::string challenge = Challenge(*client);
  pb::Request forged =
      SignInRequest("alice", accounts_->Key("alice"), challenge, NodeProcess::kOrigin);
  forged.mutable_sign_in()->set_signature(
      accounts_->Key("alice").Sign("creg-transaction/v1\n" + challenge));
  EXPECT_EQ(ErrorCode(*client, forged), "PERMISSION_DENIED");
  EXPECT_EQ(Metric("creg_sign_ins_refused_total"), 3);
  EXPECT_EQ(Metric("creg_sign_ins_total"), 0);
}

TEST_F(SignInTest, AChallengeIsGoodForOneSignInOnly) {
  auto client = node_->Connect();
  pb::Request request =
      SignInRequest("alice", accounts_->Key("alice"), Challenge(*client), NodeProcess::kOrigin);
  EXPECT_EQ(ErrorCode(*client, request), "");
  EXPECT_EQ(ErrorCode(*client, HoldingsOf("alice")), "");
  std::string why;
  EXPECT_EQ(ErrorCode(*client, request, &why), "PERMISSION_DENIED");
  EXPECT_NE(why.find("no challenge outstanding"), std::string::npos) << why;
  // The failed attempt ended the earlier sign-in.
  EXPECT_EQ(ErrorCode(*client, HoldingsOf("alice")), "NOT_AUTHORIZED");
  // A newer challenge replaces an older one.
  std::string older = Challenge(*client);
  Challenge(*client);
  EXPECT_EQ(
      ErrorCode(*client,
                SignInRequest("alice", accounts_->Key("alice"), older, NodeProcess::kOrigin), &why),
      "PERMISSION_DENIED");
  EXPECT_NE(why.find("not the one this connection was given last"), std::string::npos) << why;
}

TEST_F(SignInTest, AChallengeFromAnotherConnectionIsRefused) {
  auto first = node_->Connect();
  auto second = node_->Connect();
  const std::string theirs = Challenge(*first);
  pb::Request request =
      SignInRequest("alice", accounts_->Key("alice"), theirs, NodeProcess::kOrigin);
  EXPECT_EQ(ErrorCode(*second, request), "PERMISSION_DENIED");  // no challenge of its own
  Challenge(*second);
  EXPECT_EQ(ErrorCode(*second, request), "PERMISSION_DENIED");  // a different one
  EXPECT_EQ(ErrorCode(*second, HoldingsOf("alice")), "NOT_AUTHORIZED");
}

TEST_F(SignInTest, ASignatureForAnotherOriginIsRefused) {
  auto client = node_->Connect();
  std::string why;
  EXPECT_EQ(ErrorCode(*client,
                      SignInRequest("alice", accounts_->Key("alice"), Challenge(*client),
                                    "other.registry.example"),
                      &why),
            "PERMISSION_DENIED");
  EXPECT_NE(why.find("'other.registry.example'"), std::string::npos) << why;
  // Signed for this origin but sent as another: the signature no longer fits.
  pb::Request moved =
      SignInRequest("alice", accounts_->Key("alice"), Challenge(*client), NodeProcess::kOrigin);
  moved.mutable_sign_in()->set_account_id("bob");
  EXPECT_EQ(ErrorCode(*client, moved), "PERMISSION_DENIED");
  EXPECT_EQ(ErrorCode(*client, HoldingsOf("alice")), "NOT_AUTHORIZED");
}

TEST_F(SignInTest, RotatingTheKeyOrSuspendingTheAccountEndsTheRights) {
  auto alice = node_->Connect();
  auto bob = node_->Connect();
  ASSERT_TRUE(SignIn(*alice, "alice", accounts_->Key("alice"), NodeProcess::kOrigin).ok());
  ASSERT_TRUE(SignIn(*bob, "bob", accounts_->Key("bob"), NodeProcess::kOrigin).ok());
  EXPECT_EQ(ErrorCode(*alice, HoldingsOf("alice")), "");
  EXPECT_EQ(ErrorCode(*bob, HoldingsOf("bob")), "");

  accounts_->RotateKey(*operator_, "alice");
  std::string why;
  EXPECT_EQ(ErrorCode(*alice, HoldingsOf("alice"), &why), "NOT_AUTHORIZED");
  EXPECT_NE(why.find("was rotated"), std::string::npos) << why;
  EXPECT_TRUE(SignIn(*alice, "alice", accounts_->Key("alice"), NodeProcess::kOrigin).ok());
  EXPECT_EQ(ErrorCode(*alice, HoldingsOf("alice")), "");

  accounts_->SetStatus(*operator_, "bob", pb::ACCOUNT_SUSPENDED);
  EXPECT_EQ(ErrorCode(*bob, HoldingsOf("bob"), &why), "NOT_AUTHORIZED");
  EXPECT_NE(why.find("is suspended"), std::string::npos) << why;
  Status again = SignIn(*bob, "bob", accounts_->Key("bob"), NodeProcess::kOrigin);
  EXPECT_EQ(again.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(again.message().find("is suspended"), std::string::npos) << again.message();
}

TEST_F(SignInTest, AttemptsAreLimitedPerConnection) {
  auto client = node_->Connect();
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(SignIn(*client, "alice", accounts_->Key("bob"), NodeProcess::kOrigin).code(),
              StatusCode::kPermissionDenied)
        << i;
  }
  // The sixth is refused before its signature is looked at, right key or not.
  Status limited = SignIn(*client, "alice", accounts_->Key("alice"), NodeProcess::kOrigin);
  EXPECT_EQ(limited.code(), StatusCode::kResourceExhausted) << limited.ToString();
  EXPECT_NE(limited.message().find("open a new connection"), std::string::npos);
  EXPECT_EQ(ErrorCode(*client, HoldingsOf("alice")), "NOT_AUTHORIZED");
  EXPECT_EQ(Metric("creg_sign_ins_rate_limited_total"), 1);
  // A new connection may try again.
  auto fresh = node_->Connect();
  EXPECT_TRUE(SignIn(*fresh, "alice", accounts_->Key("alice"), NodeProcess::kOrigin).ok());
}

TEST_F(SignInTest, AttemptsAreLimitedPerAddress) {
  // A burst of 20 from 127.0.0.1, then one per 3 s: try from fresh
  // connections until refused, well before 20 + what refilled meanwhile.
  const auto start = std::chrono::steady_clock::now();
  int taken = 0;
  Status limited;
  while (taken < 100) {
    auto client = node_->Connect();
    ASSERT_NE(client, nullptr);
    Status s = SignIn(*client, "alice", accounts_->Key("alice"), NodeProcess::kOrigin);
    if (!s.ok()) {
      limited = s;
      break;
    }
    ++taken;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GE(taken, 20);
  EXPECT_LE(taken, 20 + static_cast<int>(seconds / 3) + 1);
  EXPECT_EQ(limited.code(), StatusCode::kResourceExhausted) << limited.ToString();
  EXPECT_NE(limited.message().find("too many sign-in attempts from 127.0.0.1"), std::string::npos)
      << limited.message();
  EXPECT_GE(Metric("creg_sign_ins_rate_limited_total"), 1);
}

// With TLS the signature covers the connection's channel binding: one
// made for no binding (or another connection's) is refused.
TEST(SignInTlsTest, TheSignatureMustCoverThisConnectionsChannelBinding) {
  testing::TempDir dir;
  testing::TlsFiles tls = testing::MakeSelfSignedCert(dir, "node");
  NodeProcess node(dir);
  ASSERT_TRUE(
      node.Start({"--read-policy", "registry", "--tls-cert", tls.cert, "--tls-key", tls.key}));
  ClientOptions options;
  options.tls_ca_file = tls.cert;
  auto first = Client::Connect(node.address(), options);
  auto second = Client::Connect(node.address(), options);
  ASSERT_TRUE(first.ok() && second.ok());
  auto binding = (*first)->ChannelBinding();
  ASSERT_TRUE(binding.ok()) << binding.status().ToString();
  EXPECT_EQ(binding->size(), kChannelBindingSize);
  EXPECT_NE(*binding, (*second)->ChannelBinding().value());

  PrivateKey key = node.OperatorKey();
  Client& client = **first;
  EXPECT_EQ(ErrorCode(client,
                      SignInRequest("operator", key, Challenge(client), NodeProcess::kOrigin, "")),
            "PERMISSION_DENIED");
  EXPECT_EQ(
      ErrorCode(client, SignInRequest("operator", key, Challenge(client), NodeProcess::kOrigin,
                                      (*second)->ChannelBinding().value())),
      "PERMISSION_DENIED");
  EXPECT_EQ(ErrorCode(client, SignInRequest("operator", key, Challenge(client),
                                            NodeProcess::kOrigin, *binding)),
            "");
  pb::Request entries;
  entries.mutable_get_entries()->set_count(1);
  EXPECT_EQ(ErrorCode(client, entries), "");
  // The library does the same.
  EXPECT_TRUE(SignIn(**second, "operator", key, NodeProcess::kOrigin).ok());
}

}  // namespace
}  // namespace creg
