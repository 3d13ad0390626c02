#include "ledger/registry/internal/validate.h"

namespace creg::internal {
namespace {

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}
bool IsLowerOrDigit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Length of the UTF-8 sequence starting at s[i], or 0 if invalid.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
  }
  if (n == 2 && c < 0xc2) return 0;                          // overlong
  if (n == 3 && c == 0xe0 && byte(i + 1) < 0xa0) return 0;   // overlong
  if (n == 3 && c == 0xed && byte(i + 1) >= 0xa0) return 0;  // surrogate
  if (n == 4 &&
      (c > 0xf4 || (c == 0xf0 && byte(i + 1) < 0x90) || (c == 0xf4 && byte(i + 1) >= 0x90)))
    return 0;
  return n;
}

}  // namespace

std::string CheckId(std::string_view id) {
  if (id.size() < 3 || id.size() > 64) return "must be 3 to 64 characters long";
  if (!IsLowerOrDigit(id[0])) return "must start with a lower-case letter or digit";
  for (char c : id) {
    if (!IsIdChar(c)) return "may contain only a-z, 0-9, '.', '_' and '-'";
  }
  return "";
}

std::string CheckCountry(std::string_view code) {
  if (code.size() != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z') {
    return "must be an ISO 3166-1 alpha-2 code such as KE or CN";
  }
  return "";
}

std::string CheckDate(std::string_view date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-')
    return "must be a date written YYYY-MM-DD";
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!IsDigit(date[i])) return "must be a date written YYYY-MM-DD";
  }
  int year = std::stoi(std::string(date.substr(0, 4)));
  int month = std::stoi(std::string(date.substr(5, 2)));
  int day = std::stoi(std::string(date.substr(8, 2)));
  if (year < 1990 || year > 2200) return "year must be between 1990 and 2200";
  if (month < 1 || month > 12) return "month must be 01 to 12";
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int days = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  if (day < 1 || day > days) return "is not a day of that month";
  return "";
}

std::string CheckText(std::string_view text, size_t max_bytes, bool required) {
  if (required && text.empty()) return "is required";
  if (text.size() > max_bytes) return "is longer than " + std::to_string(max_bytes) + " bytes";
  for (size_t i = 0; i < text.size();) {
    size_t n = Utf8SequenceLength(text, i);
    if (n == 0) return "is not valid UTF-8";
    if (n == 1 && (static_cast<unsigned char>(text[i]) < 0x20 || text[i] == 0x7f)) {
      return "contains a control character";
    }
    i += n;
  }
  return "";
}

}  // namespace creg::internal
