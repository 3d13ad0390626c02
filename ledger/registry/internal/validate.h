// Field checks shared by the rules. Each returns an empty string when the
// value is acceptable, or the reason it is not ("must be 3 to 64
// characters ..."), which the rules put into a Rejection message.
#pragma once

#include <string>
#include <string_view>

namespace creg::internal {

// Account and project ids: [a-z0-9][a-z0-9._-]{2,63}.
std::string CheckId(std::string_view id);
// ISO 3166-1 alpha-2 shape: two upper-case ASCII letters.
std::string CheckCountry(std::string_view code);
// A real calendar date written YYYY-MM-DD, years 1990 to 2200.
std::string CheckDate(std::string_view date);
// Free text is checked by CheckFreeText (text_rules.h).

// The most credits one issuance or move may name: 10^12 t, far above any
// real issuance, and far enough below 2^64 that sums cannot overflow.
inline constexpr unsigned long long kMaxQuantity = 1'000'000'000'000ULL;

}  // namespace creg::internal
