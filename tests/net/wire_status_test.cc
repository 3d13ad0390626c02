// The Status <-> wire Error mapping: every code crosses the wire and comes
// back unchanged, under the names docs/protocol.md ("Errors") promises.
#include "net/wire_status.h"

#include <gtest/gtest.h>

#include <set>

namespace creg {
namespace {

pb::Error WireErrorNamed(const std::string& code, const std::string& message) {
  pb::Error error;
  error.set_code(code);
  error.set_message(message);
  return error;
}

TEST(WireStatusTest, EveryCodeRoundTrips) {
  for (StatusCode code : kAllStatusCodes) {
    if (code == StatusCode::kOk) continue;
    Status status(code, "what went wrong: " + std::string(StatusCodeName(code)));
    pb::Error error = WireError(status);
    EXPECT_EQ(error.code(), StatusCodeName(code));
    EXPECT_EQ(error.message(), status.message());
    EXPECT_EQ(StatusFromWire(error), status) << status.ToString();
  }
}

TEST(WireStatusTest, WireNamesAreTheDocumentedOnes) {
  // The contract: these strings are what clients in other languages match.
  const std::pair<StatusCode, const char*> kNames[] = {
      {StatusCode::kInvalidArgument, "INVALID_ARGUMENT"},
      {StatusCode::kNotFound, "NOT_FOUND"},
      {StatusCode::kAlreadyExists, "ALREADY_EXISTS"},
      {StatusCode::kPermissionDenied, "PERMISSION_DENIED"},
      {StatusCode::kResourceExhausted, "RESOURCE_EXHAUSTED"},
      {StatusCode::kFailedPrecondition, "FAILED_PRECONDITION"},
      {StatusCode::kOutOfRange, "OUT_OF_RANGE"},
      {StatusCode::kInternal, "INTERNAL"},
      {StatusCode::kUnavailable, "UNAVAILABLE"},
      {StatusCode::kDataLoss, "DATA_LOSS"},
      {StatusCode::kNotAuthorized, "NOT_AUTHORIZED"},
      {StatusCode::kNotLeader, "NOT_LEADER"},
  };
  for (const auto& [code, name] : kNames) {
    EXPECT_EQ(WireError(Status(code, "m")).code(), name);
    EXPECT_EQ(StatusFromWire(WireErrorNamed(name, "m")).code(), code) << name;
  }
  // Every code but OK is named above, each under its own name.
  std::set<std::string> names;
  for (StatusCode code : kAllStatusCodes) names.insert(std::string(StatusCodeName(code)));
  EXPECT_EQ(names.size(), std::size(kAllStatusCodes));
  EXPECT_EQ(std::size(kNames) + 1, std::size(kAllStatusCodes));
}

TEST(WireStatusTest, ResourceExhaustedIsNotUnavailable) {
  Status busy = StatusFromWire(WireErrorNamed("RESOURCE_EXHAUSTED", "too many requests"));
  EXPECT_EQ(busy.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(busy.message(), "too many requests");
}

TEST(WireStatusTest, UnknownNameIsInternalAndKeepsTheName) {
  for (const std::string name : {"NO_SUCH_CODE", "not_found", "OK", "", "UNKNOWN"}) {
    Status status = StatusFromWire(WireErrorNamed(name, "the message"));
    EXPECT_EQ(status.code(), StatusCode::kInternal) << "'" << name << "'";
    EXPECT_EQ(status.message(), "unknown error code '" + name + "': the message");
  }
}

TEST(WireStatusTest, ErrorResponseCarriesTheIdAndTheError) {
  pb::Response response = ErrorResponse(NotFoundError("account 'x' does not exist"), 42);
  EXPECT_EQ(response.id(), 42u);
  ASSERT_TRUE(response.has_error());
  EXPECT_EQ(response.error().code(), "NOT_FOUND");
  EXPECT_EQ(response.error().message(), "account 'x' does not exist");
  EXPECT_EQ(ErrorResponse(InternalError("x")).id(), 0u);
}

TEST(WireStatusTest, OkStatusStillFailsOnTheWire) {
  pb::Error error = WireError(OkStatus());
  EXPECT_EQ(error.code(), "INTERNAL");
  EXPECT_FALSE(error.message().empty());
}

}  // namespace
}  // namespace creg
