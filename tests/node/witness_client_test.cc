// ParseWitnessFlag (node/witness_client.h): the `cregd run --witness
// URL=VERIFIER_KEY` values it takes and those it refuses, naming why; and
// WitnessClient against a fake witness on loopback.
#include "node/witness_client.h"

#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "ledger/keys.h"
#include "ledger/log_entry.h"
#include "ledger/witness_protocol.h"
#include "tests/support/log_fixture.h"
#include "tests/support/loopback_http_server.h"
#include "tests/support/temp_dir.h"

namespace creg {
namespace {

std::string WitnessKey() {
  static const std::string key =
      CosignatureSigner::Create("witness.example/w1", PrivateKey::Generate().value())
          .value()
          .VerifierKey();
  return key;
}

TEST(ParseWitnessFlagTest, UrlPrefixAndKey) {
  auto c = ParseWitnessFlag("http://127.0.0.1:7701=" + WitnessKey());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->address, "127.0.0.1:7701");
  EXPECT_EQ(c->prefix, "");
  EXPECT_EQ(c->verifier.name(), "witness.example/w1");
  auto p = ParseWitnessFlag("http://[::1]:80/witness/=" + WitnessKey());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->address, "[::1]:80");
  EXPECT_EQ(p->prefix, "/witness");
}

TEST(ParseWitnessFlagTest, RefusesNamingWhatIsWrong) {
  const std::string key = WitnessKey();
  struct Case {
    std::string flag, says;
  } cases[] = {
      {"http://127.0.0.1:7701", "URL=VERIFIER_KEY"},   {"https://127.0.0.1:7701=" + key, "http://"},
      {"http://127.0.0.1=" + key, "witness URL"},      {"http://127.0.0.1:1/a?b=" + key, "query"},
      {"http://127.0.0.1:1=not-a-key", "witness key"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseWitnessFlag(c.flag);
    ASSERT_FALSE(parsed.ok()) << c.flag;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find(c.says), std::string::npos)
        << c.flag << ": " << parsed.status().message();
  }
  // A log's own key (type 0x01) is not a witness key.
  NoteSigner log = NoteSigner::Create("log.example", PrivateKey::Generate().value()).value();
  EXPECT_FALSE(ParseWitnessFlag("http://127.0.0.1:1=" + log.VerifierKey()).ok());
}

// Answers every add-checkpoint with 409 and the next size of `sizes` (the
// last one again when they run out), and keeps the request bodies.
class SizeWitness : public http::Handler {
 public:
  explicit SizeWitness(std::vector<std::string> sizes) : sizes_(std::move(sizes)) {}
  http::Answer Handle(const http::Request& request) const override {
    std::lock_guard lock(mu_);
    bodies_.emplace_back(request.body);
    http::Answer a = http::TextAnswer(409, "");
    a.content_type = std::string(kTlogSizeContentType);
    a.body = sizes_[std::min(bodies_.size(), sizes_.size()) - 1] + "\n";
    return a;
  }
  std::vector<std::string> bodies() const {
    std::lock_guard lock(mu_);
    return bodies_;
  }

 private:
  const std::vector<std::string> sizes_;
  mutable std::mutex mu_;
  mutable std::vector<std::string> bodies_;
};

TEST(WitnessClientTest, ASizeBeyondTheCheckpointIsRefusedButNotRemembered) {
  testing::TempDir dir;
  std::unique_ptr<Store> store = testing::OpenLogStore(dir.Sub("db"), testing::TinyStoreOptions());
  ASSERT_NE(store, nullptr);
  std::unique_ptr<MerkleLog> log = MerkleLog::Open(store.get(), LogEntryLinkReader()).value();
  const TreeHead head = testing::AppendEntries(*log, 8);
  SignedCheckpoint checkpoint{Checkpoint{"log.example", head.size, head.root}, "a note\n"};

  // A forged (or stale) 409 claims a size past the log's: the client
  // refuses this round, and asks again from 0 the next.
  auto witness =
      std::make_shared<SizeWitness>(std::vector<std::string>{"18446744073709551615", "0"});
  testing::LoopbackHttpServer server(witness, http::HttpLimits{.max_body_bytes = 1 << 16});
  WitnessClient client(ParseWitnessFlag("http://" + server.address() + "=" + WitnessKey()).value(),
                       *log, std::chrono::seconds(5));
  StatusOr<std::string> first = client.Cosign(checkpoint);
  EXPECT_EQ(first.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(first.status().message().find("says it holds size 18446744073709551615"),
            std::string::npos)
      << first.status().ToString();
  EXPECT_EQ(client.Cosign(checkpoint).status().code(), StatusCode::kFailedPrecondition);
  const std::vector<std::string> bodies = witness->bodies();
  ASSERT_EQ(bodies.size(), 2u);
  EXPECT_TRUE(bodies[0].starts_with("old 0\n")) << bodies[0];
  EXPECT_TRUE(bodies[1].starts_with("old 0\n")) << bodies[1];
}

}  // namespace
}  // namespace creg
