// gtest assertions on a Status: EXPECT_TRUE(FailsWith(status, code, words)).
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "ledger/status.h"

namespace creg::testing {

// Success when `status` has code `code` and its message holds `words`;
// otherwise a failure naming what was wanted and what came.
inline ::testing::AssertionResult FailsWith(const Status& status, StatusCode code,
                                            const std::string& words) {
  if (status.code() != code || status.message().find(words) == std::string::npos) {
    return ::testing::AssertionFailure() << "wanted " << StatusCodeName(code) << " with '" << words
                                         << "', got " << status.ToString();
  }
  return ::testing::AssertionSuccess();
}

}  // namespace creg::testing
