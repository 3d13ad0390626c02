#include "ledger/registry/labels.h"

namespace creg {
namespace {

constexpr size_t kMaxOtherText = 64;

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string CheckCorsiaPeriod(std::string_view period) {
  const std::string_view form =
      "must be corsia:FIRST-LAST, two four-digit years, e.g. corsia:2024-2026";
  if (period.size() != 9 || period[4] != '-') return std::string(form);
  std::string_view first = period.substr(0, 4), last = period.substr(5);
  if (!IsDigits(first) || !IsDigits(last)) return std::string(form);
  if (first > last) return "names a compliance period that ends before it starts";
  return "";
}

std::string CheckOtherText(std::string_view text) {
  if (text.empty() || text.size() > kMaxOtherText) {
    return "must be other:TEXT with 1 to " + std::to_string(kMaxOtherText) + " characters of TEXT";
  }
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                    c == '/' || c == '-';
    if (!ok) return "may hold only a-z, 0-9, '.', '_', '/' and '-' after 'other:'";
  }
  return "";
}

}  // namespace

std::string CheckLabel(std::string_view label) {
  if (label == "ccp" || label == "ccb") return "";
  constexpr std::string_view kCorsia = "corsia:", kOther = "other:";
  if (label.substr(0, kCorsia.size()) == kCorsia)
    return CheckCorsiaPeriod(label.substr(kCorsia.size()));
  if (label.substr(0, kOther.size()) == kOther) return CheckOtherText(label.substr(kOther.size()));
  return "is not a label: use ccp, ccb, corsia:FIRST-LAST (e.g. corsia:2024-2026) or other:TEXT";
}

}  // namespace creg
