#include "ledger/registry/internal/text_rules.h"

#include <unicase.h>
#include <unictype.h>
#include <uniname.h>
#include <uninorm.h>
#include <unistr.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

namespace creg::internal {
namespace {

// Length of the UTF-8 sequence starting at s[i], or 0 if invalid (overlong
// forms, surrogates and values above U+10FFFF are invalid).
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

char32_t Decode(std::string_view s, size_t i, size_t n) {
  auto byte = [&](size_t k) { return static_cast<char32_t>(static_cast<unsigned char>(s[k])); };
  if (n == 1) return byte(i);
  char32_t cp = byte(i) & (0x7f >> n);
  for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (byte(i + k) & 0x3f);
  return cp;
}

// Invisible characters that scripts and emoji need: the zero-width
// non-joiner and joiner (Persian, Indic scripts, emoji sequences),
// variation selectors (emoji presentation, ideographic variants) and the
// Mongolian free variation selectors and vowel separator.
bool IsNeededInvisible(char32_t cp) {
  return cp == 0x200C || cp == 0x200D || (cp >= 0xFE00 && cp <= 0xFE0F) ||
         (cp >= 0xE0100 && cp <= 0xE01EF) || (cp >= 0x180B && cp <= 0x180F);
}

// Why `cp` may not appear in free text, or nullptr.
const char* RefusedKind(char32_t cp) {
  if (cp < 0x20 || cp == 0x7F) return "a control character";
  if (cp >= 0x80 && cp <= 0x9F) return "a C1 control character";
  if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) {
    return "a bidirectional control";
  }
  if (cp == 0x2028 || cp == 0x2029) return "a line or paragraph separator";
  if (uc_is_property_default_ignorable_code_point(cp) && !IsNeededInvisible(cp)) {
    return "an invisible character";
  }
  if (uc_is_general_category(cp, UC_CATEGORY_Co)) return "a private-use character";
  if (uc_is_general_category(cp, UC_CATEGORY_Cn)) return "an unassigned code point";
  return nullptr;
}

// Characters that show as nothing but space: White_Space, and the one
// visible blank pattern (U+2800 BRAILLE PATTERN BLANK). The Hangul fillers
// are invisible characters and refused before this is asked.
bool IsBlank(char32_t cp) { return uc_is_property_white_space(cp) || cp == 0x2800; }

// "U+202E RIGHT-TO-LEFT OVERRIDE", or "U+0085, a C1 control character," for
// a code point without a name.
std::string Describe(char32_t cp, const char* kind) {
  char hex[16];
  std::snprintf(hex, sizeof hex, "U+%04X", static_cast<unsigned>(cp));
  char name[UNINAME_MAX];
  if (unicode_character_name(cp, name) != nullptr) return std::string(hex) + " " + name;
  return std::string(hex) + ", " + (kind != nullptr ? kind : "a character without a name") + ",";
}

Rejection Invalid(std::string_view field, std::string what) {
  return Rejection{RuleCode::kInvalidText, std::string(field) + " " + std::move(what)};
}

struct FreeDeleter {
  void operator()(uint8_t* p) const { std::free(p); }
};
using Buffer = std::unique_ptr<uint8_t, FreeDeleter>;

Status LibraryError(const char* what) {
  if (errno == ENOMEM) return InternalError(std::string(what) + ": out of memory");
  return InvalidArgumentError(std::string(what) + ": not valid UTF-8");
}

}  // namespace

std::optional<Rejection> CheckFreeText(std::string_view field, std::string_view text,
                                       size_t max_bytes, bool required) {
  if (text.empty()) {
    if (!required) return std::nullopt;
    return Rejection{RuleCode::kMalformed, std::string(field) + " is required"};
  }
  if (text.size() > max_bytes) {
    return Rejection{RuleCode::kMalformed, std::string(field) + " is longer than " +
                                               std::to_string(max_bytes) + " bytes"};
  }
  std::vector<char32_t> chars;
  for (size_t i = 0; i < text.size();) {
    size_t n = Utf8SequenceLength(text, i);
    if (n == 0) return Invalid(field, "is not valid UTF-8 at byte " + std::to_string(i + 1));
    char32_t cp = Decode(text, i, n);
    if (const char* kind = RefusedKind(cp); kind != nullptr) {
      return Invalid(field, "contains " + Describe(cp, kind) + " at character " +
                                std::to_string(chars.size() + 1));
    }
    chars.push_back(cp);
    i += n;
  }
  bool all_blank = true;
  for (char32_t cp : chars) all_blank = all_blank && IsBlank(cp);
  if (all_blank) return Invalid(field, "is only white space");
  if (IsBlank(chars.front())) {
    return Invalid(field, "starts with " + Describe(chars.front(), nullptr) +
                              " (white space at the start or end)");
  }
  if (IsBlank(chars.back())) {
    return Invalid(field, "ends with " + Describe(chars.back(), nullptr) +
                              " (white space at the start or end)");
  }
  return std::nullopt;
}

StatusOr<std::string> ReferenceKey(std::string_view ref) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(ref.data());
  size_t nfkc_length = 0;
  errno = 0;
  Buffer nfkc(u8_normalize(UNINORM_NFKC, bytes, ref.size(), nullptr, &nfkc_length));
  if (nfkc == nullptr && (ref.size() > 0 || errno != 0)) return LibraryError("NFKC");
  size_t folded_length = 0;
  errno = 0;
  Buffer folded(
      u8_casefold(nfkc.get(), nfkc_length, nullptr, UNINORM_NFKC, nullptr, &folded_length));
  if (folded == nullptr && (nfkc_length > 0 || errno != 0)) return LibraryError("case folding");
  std::string key;
  for (size_t i = 0; i < folded_length;) {
    ucs4_t cp = 0;
    int n = u8_mbtouc(&cp, folded.get() + i, folded_length - i);
    if (n <= 0) return InvalidArgumentError("case folding: not valid UTF-8");
    if (!uc_is_property_white_space(cp) && !uc_is_property_dash(cp) &&
        !uc_is_general_category(cp, UC_CATEGORY_Pd)) {
      key.append(reinterpret_cast<const char*>(folded.get() + i), static_cast<size_t>(n));
    }
    i += static_cast<size_t>(n);
  }
  return key;
}

}  // namespace creg::internal
