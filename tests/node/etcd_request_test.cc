// node/etcd_request.h: every body byte for byte. etcd ignores misspelt
// fields, so these strings are the check that each compare says what it
// means; the expected texts are requests real etcd 3.4 answered as
// intended (etcd_client_test runs them against one).
#include "node/etcd_request.h"

#include <gtest/gtest.h>

#include <string>
namespace creg::etcd {
namespace {

constexpr std::string_view kLeader = "/creg/c1/leader";  // L2NyZWcvYzEvbGVhZGVy
constexpr int64_t kLease = 2324035863751974665;          // over 2^53

TEST(EtcdRequestTest, LeaseBodiesSendInt64sAsStrings) {
  EXPECT_EQ(GrantBody(2), R"({"TTL":"2"})");
  EXPECT_EQ(LeaseBody(kLease), R"({"ID":"2324035863751974665"})");
}

TEST(EtcdRequestTest, KeysAreStandardBase64) {
  EXPECT_EQ(GetBody(kLeader), R"({"key":"L2NyZWcvYzEvbGVhZGVy"})");
  // Bytes that URL-safe base64 would write as '-' and '_'.
  EXPECT_EQ(GetBody("\xfb\xff"), R"({"key":"+/8="})");
}

TEST(EtcdRequestTest, PrefixBodyEndsTheRangeAfterThePrefix) {
  // "/creg/c1/members/" to "/creg/c1/members0".
  EXPECT_EQ(PrefixBody("/creg/c1/members/", true),
            R"({"key":"L2NyZWcvYzEvbWVtYmVycy8=","range_end":"L2NyZWcvYzEvbWVtYmVyczA=",)"
            R"("keys_only":true})");
  EXPECT_EQ(PrefixBody("/a", false), R"({"key":"L2E=","range_end":"L2I="})");
}

TEST(EtcdRequestTest, PrefixEnd) {
  EXPECT_EQ(PrefixEnd("/creg/c1/members/"), "/creg/c1/members0");
  EXPECT_EQ(PrefixEnd("a"), "b");
  EXPECT_EQ(PrefixEnd(std::string("a\xff\xff", 3)), "b");
  EXPECT_EQ(PrefixEnd(std::string("\x01\xfe", 2)), std::string("\x01\xff", 2));
  EXPECT_EQ(PrefixEnd(std::string("\xff\xff", 2)), std::string(1, '\0'));  // every key
}

TEST(EtcdRequestTest, CampaignComparesCreateRevisionWithZero) {
  EXPECT_EQ(
      CampaignBody(kLeader, "127.0.0.1:7601", kLease),
      R"({"compare":[{"key":"L2NyZWcvYzEvbGVhZGVy","target":"CREATE","result":"EQUAL","create_revision":"0"}],)"
      R"("success":[{"request_put":{"key":"L2NyZWcvYzEvbGVhZGVy","value":"MTI3LjAuMC4xOjc2MDE=","lease":"2324035863751974665"}}],)"
      R"("failure":[{"request_range":{"key":"L2NyZWcvYzEvbGVhZGVy"}}]})");
}

TEST(EtcdRequestTest, SwapComparesTheTermAndTheModRevision) {
  SwapRequest swap;
  swap.leader_key = kLeader;
  swap.term_revision = 28;
  swap.key = "/creg/c1/checkpoint";  // L2NyZWcvYzEvY2hlY2twb2ludA==
  swap.mod_revision = 30;
  swap.value = "note";
  EXPECT_EQ(
      SwapBody(swap),
      R"({"compare":[{"key":"L2NyZWcvYzEvbGVhZGVy","target":"CREATE","result":"EQUAL","create_revision":"28"},)"
      R"({"key":"L2NyZWcvYzEvY2hlY2twb2ludA==","target":"MOD","result":"EQUAL","mod_revision":"30"}],)"
      R"("success":[{"request_put":{"key":"L2NyZWcvYzEvY2hlY2twb2ludA==","value":"bm90ZQ=="}}],)"
      R"("failure":[{"request_range":{"key":"L2NyZWcvYzEvbGVhZGVy"}},)"
      R"({"request_range":{"key":"L2NyZWcvYzEvY2hlY2twb2ludA=="}}]})");
  // mod_revision 0 matches an absent key: it is sent, not left out.
  swap.mod_revision = 0;
  EXPECT_NE(SwapBody(swap).find(R"("target":"MOD","result":"EQUAL","mod_revision":"0")"),
            std::string::npos);
}

}  // namespace
}  // namespace creg::etcd
