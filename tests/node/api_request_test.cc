// ParseApiRequest's refusals (node/http/api_request.h): their messages are
// sent as JSON strings, so whatever bytes a hostile target holds, a message
// is valid UTF-8 and short, and quotes what it can of the target.
#include "node/http/api_request.h"

#include <gtest/gtest.h>

#include <google/protobuf/stubs/common.h>

#include <string>

namespace creg::http {
namespace {

bool IsUtf8(const std::string& s) {
  return google::protobuf::internal::IsStructurallyValidUTF8(s.data(), static_cast<int>(s.size()));
}

TEST(ApiRequestTest, MessagesAreUtf8WhateverTheTargetHolds) {
  // Found by api_request_fuzzer: bytes that start no UTF-8 character.
  StatusOr<ApiRequest> bad = ParseApiRequest("/ap\x97\xd0\x89\xce\xd0\x8c\x8b\x9ftus", "");
  ASSERT_EQ(bad.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(IsUtf8(bad.status().message())) << bad.status().message();
  EXPECT_NE(bad.status().message().find("'/ap?\xd0\x89?"), std::string::npos)
      << bad.status().message();

  StatusOr<ApiRequest> control = ParseApiRequest("/api/v1/batches/1", "cursor\x01=x\xff");
  ASSERT_FALSE(control.ok());
  EXPECT_TRUE(IsUtf8(control.status().message())) << control.status().message();
}

TEST(ApiRequestTest, QuotesAreCutAtACharacterNotInsideOne) {
  // 21 three-byte characters after "/api/" take the quote past 64 bytes:
  // it ends with a whole character and "...".
  std::string path = "/api/";
  for (int i = 0; i < 21; ++i) path += "\xe4\xb8\xad";  // U+4E2D
  StatusOr<ApiRequest> parsed = ParseApiRequest(path, "");
  ASSERT_FALSE(parsed.ok());
  const std::string& message = parsed.status().message();
  EXPECT_TRUE(IsUtf8(message)) << message;
  const size_t open = message.find('\'');
  const size_t close = message.find("...'");
  ASSERT_NE(open, std::string::npos) << message;
  ASSERT_NE(close, std::string::npos) << message;
  const std::string quoted = message.substr(open + 1, close - open - 1);
  EXPECT_LE(quoted.size(), 64u);
  EXPECT_EQ(quoted, path.substr(0, 5 + 3 * 19));  // 62 bytes: a 20th would make 65
}

}  // namespace
}  // namespace creg::http
