#include "ledger/registry/internal/validate.h"

namespace creg::internal {
namespace {

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}
bool IsLowerOrDigit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

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

}  // namespace creg::internal
