// node/etcd_answer.h on answers real etcd 3.4.23 gave (omitted defaults
// included), and on answers no etcd gives: each is refused as DataLoss
// naming what is wrong.
#include "node/etcd_answer.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/status_assertions.h"

namespace creg::etcd {
namespace {

// A header as etcd writes it, at `revision`.
std::string Header(int revision) {
  return R"("header":{"cluster_id":"15118495548433857066","member_id":"13668033151171901709",)"
         R"("revision":")" +
         std::to_string(revision) + R"(","raft_term":"2"})";
}

// A DataLoss failure that names `words`.
::testing::AssertionResult Refused(const Status& status, const std::string& words) {
  return testing::FailsWith(status, StatusCode::kDataLoss, words);
}

TEST(EtcdAnswerTest, Grant) {
  auto got = ParseGrantAnswer("{" + Header(1) + R"(,"ID":"2324035863751974665","TTL":"2"})" + "\n");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->revision, 1);
  EXPECT_EQ(got->id, 2324035863751974665);
  EXPECT_EQ(got->ttl, 2);
}

TEST(EtcdAnswerTest, KeepAliveAliveAndGone) {
  auto alive = ParseKeepAliveAnswer(R"({"result":{)" + Header(1) + R"(,"ID":"77","TTL":"2"}})");
  ASSERT_TRUE(alive.ok()) << alive.status().ToString();
  EXPECT_EQ(alive->id, 77);
  EXPECT_EQ(alive->ttl, 2);
  // A lease that is gone: 200, no TTL.
  auto gone = ParseKeepAliveAnswer(R"({"result":{)" + Header(3) + R"(,"ID":"77"}})");
  ASSERT_TRUE(gone.ok()) << gone.status().ToString();
  EXPECT_EQ(gone->ttl, 0);
  // The stream's error form carries a gRPC code.
  auto error = ParseKeepAliveAnswer(
      R"({"error":{"grpc_code":14,"http_code":503,"message":"etcdserver: no leader","http_status":"Service Unavailable"}})");
  EXPECT_EQ(error.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(error.status().message().find("no leader"), std::string::npos);
  EXPECT_TRUE(Refused(ParseKeepAliveAnswer("{" + Header(1) + R"(,"ID":"77","TTL":"2"})").status(),
                      "result is missing"));
}

TEST(EtcdAnswerTest, RangeOfAnAbsentKeyHasNoKvs) {
  auto got = ParseRangeAnswer("{" + Header(3) + "}");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->revision, 3);
  EXPECT_TRUE(got->kvs.empty());
}

TEST(EtcdAnswerTest, RangeDecodesKeysAndDefaultsOmittedFields) {
  auto got = ParseRangeAnswer(
      "{" + Header(28) +
      R"(,"kvs":[{"key":"L2NyZWcvYzEvbGVhZGVy","create_revision":"28","mod_revision":"28",)"
      R"("version":"1","value":"MTI3LjAuMC4xOjc2MDE=","lease":"2324035863751977081"},)"
      R"({"key":"L2E=","create_revision":"2","mod_revision":"2","version":"1"}],"count":"2"})");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->kvs.size(), 2u);
  EXPECT_EQ(got->kvs[0].key, "/creg/c1/leader");
  EXPECT_EQ(got->kvs[0].value, "127.0.0.1:7601");
  EXPECT_EQ(got->kvs[0].create_revision, 28);
  EXPECT_EQ(got->kvs[0].lease, 2324035863751977081);
  EXPECT_EQ(got->kvs[1].key, "/a");
  EXPECT_EQ(got->kvs[1].value, "");  // empty values are left out
  EXPECT_EQ(got->kvs[1].lease, 0);
}

TEST(EtcdAnswerTest, TxnWonAndLost) {
  auto won = ParseTxnAnswer(
      "{" + Header(28) +
      R"(,"succeeded":true,"responses":[{"response_put":{"header":{"revision":"28"}}}]})");
  ASSERT_TRUE(won.ok()) << won.status().ToString();
  EXPECT_TRUE(won->succeeded);
  EXPECT_EQ(won->revision, 28);
  ASSERT_EQ(won->responses.size(), 1u);
  EXPECT_EQ(won->responses[0].kind, TxnResponse::Kind::kPut);

  // A failed swap: no "succeeded", the two reads, the second of an absent key.
  auto lost = ParseTxnAnswer(
      "{" + Header(2) +
      R"(,"responses":[{"response_range":{"header":{"revision":"2"},"kvs":[{"key":"L2E=",)"
      R"("create_revision":"2","mod_revision":"2","version":"1"}],"count":"1"}},)"
      R"({"response_range":{"header":{"revision":"2"}}}]})");
  ASSERT_TRUE(lost.ok()) << lost.status().ToString();
  EXPECT_FALSE(lost->succeeded);
  ASSERT_EQ(lost->responses.size(), 2u);
  EXPECT_EQ(lost->responses[0].kind, TxnResponse::Kind::kRange);
  ASSERT_EQ(lost->responses[0].range.kvs.size(), 1u);
  EXPECT_EQ(lost->responses[0].range.kvs[0].create_revision, 2);
  EXPECT_TRUE(lost->responses[1].range.kvs.empty());
}

TEST(EtcdAnswerTest, IntegersMayBeJsonNumbers) {
  auto got = ParseGrantAnswer(R"({"header":{"revision":5},"ID":12,"TTL":2})");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->revision, 5);
  EXPECT_EQ(got->id, 12);
}

TEST(EtcdAnswerTest, IllTypedNumbersAreRefused) {
  for (std::string_view bad :
       {R"("12abc")", R"("+1")", R"("012")", R"(" 1")", R"("")", R"("-0")", R"(1.5)", R"(1e3)",
        R"(true)", R"(null)", R"(["1"])", R"("9223372036854775808")", R"(9223372036854775808)"}) {
    SCOPED_TRACE(bad);
    EXPECT_TRUE(Refused(
        ParseGrantAnswer("{" + Header(1) + R"(,"ID":)" + std::string(bad) + R"(,"TTL":"2"})")
            .status(),
        "ID is not an int64"));
  }
  EXPECT_TRUE(Refused(ParseRangeAnswer(R"({"header":{"revision":"-4"}})").status(),
                      "header.revision is negative"));
  EXPECT_TRUE(Refused(
      ParseRangeAnswer("{" + Header(2) + R"(,"kvs":[{"key":"L2E=","mod_revision":"x"}]})").status(),
      "kvs[0].mod_revision is not an int64"));
}

TEST(EtcdAnswerTest, MissingOrIllTypedFieldsAreRefused) {
  EXPECT_TRUE(Refused(ParseRangeAnswer("{}").status(), "header is missing"));
  EXPECT_TRUE(Refused(ParseRevokeAnswer(R"({"header":{}})").status(), "revision is missing"));
  EXPECT_TRUE(Refused(ParseRangeAnswer(R"({"header":"3"})").status(), "header is not an object"));
  EXPECT_TRUE(
      Refused(ParseRangeAnswer("{" + Header(2) + R"(,"kvs":{}})").status(), "kvs is not an array"));
  EXPECT_TRUE(
      Refused(ParseRangeAnswer("{" + Header(2) + R"(,"kvs":[7]})").status(), "kvs[0] is not"));
  EXPECT_TRUE(Refused(ParseRangeAnswer("{" + Header(2) + R"(,"kvs":[{"key":"a-b_"}]})").status(),
                      "kvs[0].key is not base64"));
  EXPECT_TRUE(Refused(ParseRangeAnswer("{" + Header(2) + R"(,"kvs":[{"value":5}]})").status(),
                      "kvs[0].value is not a string"));
  EXPECT_TRUE(Refused(ParseTxnAnswer("{" + Header(2) + R"(,"succeeded":"true"})").status(),
                      "succeeded is not true or false"));
  EXPECT_TRUE(Refused(ParseTxnAnswer("{" + Header(2) + R"(,"responses":[[]]})").status(),
                      "responses[0] is not an object"));
  EXPECT_TRUE(
      Refused(ParseTxnAnswer("{" + Header(2) +
                             R"(,"responses":[{"response_range":{"kvs":[{"lease":"-1"}]}}]})")
                  .status(),
              "responses[0].response_range.kvs[0].lease is negative"));
}

TEST(EtcdAnswerTest, TextThatIsNotAnAnswerIsRefused) {
  EXPECT_TRUE(Refused(ParseRangeAnswer("").status(), "not JSON"));
  EXPECT_TRUE(Refused(ParseRangeAnswer("{\"header\":").status(), "not JSON"));
  EXPECT_TRUE(Refused(ParseRangeAnswer("<html>502 Bad Gateway</html>").status(), "not JSON"));
  EXPECT_TRUE(Refused(ParseRangeAnswer("[1]").status(), "not a JSON object"));
  EXPECT_TRUE(Refused(ParseRangeAnswer(std::string(100, '[') + std::string(100, ']')).status(),
                      "not JSON"));
  // Two answers where one is expected (a stream that went on).
  const std::string one = R"({"result":{"header":{"revision":"1"},"ID":"7","TTL":"2"}})";
  EXPECT_TRUE(Refused(ParseKeepAliveAnswer(one + "\n" + one).status(), "not JSON"));
}

TEST(EtcdAnswerTest, ErrorAnswersMapTheirGrpcCode) {
  Status not_found = ErrorAnswerStatus(
      404,
      R"({"error":"etcdserver: requested lease not found","message":"etcdserver: requested lease not found","code":5})");
  EXPECT_EQ(not_found.code(), StatusCode::kNotFound);
  EXPECT_NE(
      not_found.message().find("HTTP 404: etcdserver: requested lease not found (gRPC code 5)"),
      std::string::npos)
      << not_found.message();
  EXPECT_EQ(
      ErrorAnswerStatus(400, R"({"error":"illegal base64 data at input byte 4","code":3})").code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(
      ErrorAnswerStatus(500, R"({"message":"etcdserver: request timed out","code":4})").code(),
      StatusCode::kUnavailable);
  Status proxy = ErrorAnswerStatus(502, "<html>\x01 Bad Gateway</html>\nmore");
  EXPECT_EQ(proxy.code(), StatusCode::kUnavailable);
  EXPECT_NE(proxy.message().find("HTTP 502, not an etcd error: <html>? Bad Gateway</html>"),
            std::string::npos)
      << proxy.message();
  EXPECT_EQ(ErrorAnswerStatus(500, R"({"code":"5"})").code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace creg::etcd
