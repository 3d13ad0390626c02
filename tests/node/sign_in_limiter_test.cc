// The per-address sign-in limit (node/sign_in_limiter.h) and the bytes a
// sign-in signs (net/sign_in_message.h).
#include "node/sign_in_limiter.h"

#include <gtest/gtest.h>

#include "ledger/encoding.h"
#include "net/sign_in_message.h"

namespace creg {
namespace {

using namespace std::chrono_literals;
using Clock = SignInLimiter::Clock;

TEST(SignInLimiterTest, BurstThenOnePerRefillPerAddress) {
  SignInLimiter limiter(3, 1000ms);
  const Clock::time_point t0 = Clock::now();
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.TryAcquire("10.0.0.1", t0)) << i;
  EXPECT_FALSE(limiter.TryAcquire("10.0.0.1", t0));
  EXPECT_TRUE(limiter.TryAcquire("10.0.0.2", t0));  // another address has its own bucket
  EXPECT_FALSE(limiter.TryAcquire("10.0.0.1", t0 + 999ms));
  EXPECT_TRUE(limiter.TryAcquire("10.0.0.1", t0 + 1000ms));
  EXPECT_FALSE(limiter.TryAcquire("10.0.0.1", t0 + 1500ms));
  // A long wait refills the burst, no more.
  const Clock::time_point later = t0 + 1h;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.TryAcquire("10.0.0.1", later)) << i;
  EXPECT_FALSE(limiter.TryAcquire("10.0.0.1", later));
}

TEST(SignInLimiterTest, ZeroRefillNeverRefills) {
  SignInLimiter limiter(1, 0ms);
  const Clock::time_point t0 = Clock::now();
  EXPECT_TRUE(limiter.TryAcquire("a", t0));
  EXPECT_FALSE(limiter.TryAcquire("a", t0 + 24h));
}

// The bytes are fixed (docs/protocol.md, "Signing in"): a client in
// another language must build exactly these.
TEST(SignInMessageTest, LayoutIsPrefixChallengeThenLengthPrefixedParts) {
  const std::string challenge(32, '\x07');
  const std::string message = SignInMessage(challenge, "alice", "reg.example", "");
  const std::string expected =
      std::string("creg sign-in v1\n") + challenge + std::string("\0\0\0\x05", 4) + "alice" +
      std::string("\0\0\0\x0b", 4) + "reg.example" + std::string("\0\0\0\0", 4);
  EXPECT_EQ(HexEncode(message), HexEncode(expected));
  // Moving bytes between parts changes the message.
  EXPECT_NE(SignInMessage(challenge, "alicer", "eg.example", ""), message);
  EXPECT_NE(SignInMessage(challenge, "alice", "reg.example", std::string(32, '\0')), message);
  // It never reads as a transaction's signed bytes.
  EXPECT_NE(message.rfind("creg-transaction/v1\n", 0), 0u);
}

}  // namespace
}  // namespace creg
