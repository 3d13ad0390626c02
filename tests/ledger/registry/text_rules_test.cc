// ledger/registry/internal/text_rules.h: free text that shows as something
// other than what it is is refused with INVALID_TEXT, real names of every
// script pass, and verification references compare in normalised form.
#include "ledger/registry/internal/text_rules.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace creg::internal {
namespace {

struct Refused {
  std::string text;
  std::string message;  // after "beneficiary "
};

std::string Describe(const std::optional<Rejection>& r) {
  return r.has_value() ? r->ToString() : "accepted";
}

TEST(TextRulesTest, LookAlikeTextIsRefusedNamingTheCodePointAndWhere) {
  const std::vector<Refused> cases = {
      {"ACME \u202eLTD", "contains U+202E RIGHT-TO-LEFT OVERRIDE at character 6"},
      {"\u202aACME", "contains U+202A LEFT-TO-RIGHT EMBEDDING at character 1"},
      {"A\u202bB", "contains U+202B RIGHT-TO-LEFT EMBEDDING at character 2"},
      {"A\u202cB", "contains U+202C POP DIRECTIONAL FORMATTING at character 2"},
      {"A\u202dB", "contains U+202D LEFT-TO-RIGHT OVERRIDE at character 2"},
      {"A\u2066B", "contains U+2066 LEFT-TO-RIGHT ISOLATE at character 2"},
      {"A\u2067B", "contains U+2067 RIGHT-TO-LEFT ISOLATE at character 2"},
      {"A\u2068B", "contains U+2068 FIRST STRONG ISOLATE at character 2"},
      {"A\u2069B", "contains U+2069 POP DIRECTIONAL ISOLATE at character 2"},
      {"ACME\u2028LTD", "contains U+2028 LINE SEPARATOR at character 5"},
      {"ACME\u2029LTD", "contains U+2029 PARAGRAPH SEPARATOR at character 5"},
      {"ACME\u0085LTD", "contains U+0085, a C1 control character, at character 5"},
      {"\u009b31mACME", "contains U+009B, a C1 control character, at character 1"},
      {"ACME\tLTD", "contains U+0009, a control character, at character 5"},
      {"ACME\nLTD", "contains U+000A, a control character, at character 5"},
      {std::string("AC\0ME", 5), "contains U+0000, a control character, at character 3"},
      {"ACME\x7f", "contains U+007F, a control character, at character 5"},
      {"ACME\u200bLTD", "contains U+200B ZERO WIDTH SPACE at character 5"},
      {"\ufeffACME", "contains U+FEFF ZERO WIDTH NO-BREAK SPACE at character 1"},
      {"AC\u00adME", "contains U+00AD SOFT HYPHEN at character 3"},
      {"ACME\u200fLTD", "contains U+200F RIGHT-TO-LEFT MARK at character 5"},
      {"ACME\U000E0041", "contains U+E0041 TAG LATIN CAPITAL LETTER A at character 5"},
      {"\u3164", "contains U+3164 HANGUL FILLER at character 1"},
      {"A\u0378", "contains U+0378, an unassigned code point, at character 2"},
      {"A\ufdd0", "contains U+FDD0, an unassigned code point, at character 2"},
      {"A\ue000", "contains U+E000, a private-use character, at character 2"},
      {"\xff-ACME", "is not valid UTF-8 at byte 1"},
      {"AB\xc0\xaf", "is not valid UTF-8 at byte 3"},      // overlong '/'
      {"AB\xed\xa0\x80", "is not valid UTF-8 at byte 3"},  // surrogate
      {"Soci\xc3", "is not valid UTF-8 at byte 5"},        // cut short
      {" ", "is only white space"},
      {"   ", "is only white space"},
      {"\u00a0", "is only white space"},
      {"\u3000\u2003\u2800", "is only white space"},
      {" ACME", "starts with U+0020 SPACE (white space at the start or end)"},
      {"ACME ", "ends with U+0020 SPACE (white space at the start or end)"},
      {"ACME\u00a0", "ends with U+00A0 NO-BREAK SPACE (white space at the start or end)"},
      {"\u3000北京", "starts with U+3000 IDEOGRAPHIC SPACE (white space at the start or end)"},
  };
  for (const Refused& c : cases) {
    SCOPED_TRACE(c.message);
    std::optional<Rejection> r = CheckFreeText("beneficiary", c.text, 200, true);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->code, RuleCode::kInvalidText);
    EXPECT_EQ(r->message, "beneficiary " + c.message);
  }
}

TEST(TextRulesTest, NamesOfEveryScriptPass) {
  for (const char* name : {
           "ACME Ltd.", "Société Générale",
           "Socie\u0301te\u0301 Ge\u0301ne\u0301rale",  // combining accents
           "北京绿色交易所",
           "شركة أبوظبي لطاقة المستقبل",  // Arabic, no bidi controls
           "חברת החשמל לישראל",           // Hebrew
           "Мосэнерго", "मुंबई ग्रीन एनर्जी",
           "می\u200cخواهم",                   // Persian with ZERO WIDTH NON-JOINER
           "\U0001F469\u200D\U0001F52C Lab",  // emoji with ZERO WIDTH JOINER
           "\u2764\ufe0f Foundation",         // variation selector
           "O'Brien & Sons (UK) — 2026",
           "=HYPERLINK(\"x\")",  // harmless here; CSV writers defuse it
           "A  B",               // inner spaces are text
       }) {
    EXPECT_EQ(Describe(CheckFreeText("beneficiary", name, 200, true)), "accepted") << name;
  }
  EXPECT_FALSE(CheckFreeText("claim reference", "", 200, false).has_value());
}

TEST(TextRulesTest, MissingAndTooLongAreMalformed) {
  std::optional<Rejection> r = CheckFreeText("beneficiary", "", 200, true);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->ToString(), "MALFORMED: beneficiary is required");
  r = CheckFreeText("project name", std::string(201, 'x'), 200, true);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->ToString(), "MALFORMED: project name is longer than 200 bytes");
  EXPECT_FALSE(CheckFreeText("project name", std::string(200, 'x'), 200, true).has_value());
}

std::string Key(std::string_view ref) {
  StatusOr<std::string> key = ReferenceKey(ref);
  EXPECT_TRUE(key.ok()) << key.status().ToString();
  return key.ok() ? *key : "<error>";
}

TEST(TextRulesTest, ReferencesThatReadTheSameHaveOneKey) {
  const std::string key = Key("VR-A");
  EXPECT_EQ(key, "vra");
  for (const char* same :
       {"vr-a", "VR-A ", "VR\u2010A", "VR\u2011A", "VR\u2013A", "VR\u2014A", "VR\u2212A", "VR A",
        "VR - A", "\uff36\uff32\uff0d\uff21", "V R\u00a0-A", "vR\ufe58a"}) {
    EXPECT_EQ(Key(same), key) << same;
  }
  EXPECT_EQ(Key("STRASSE-1"), Key("straße-1"));  // full case folding
  EXPECT_EQ(Key("VR-Ⅸ"), Key("vr-ix"));          // compatibility forms
  EXPECT_NE(Key("VR-B"), key);
  EXPECT_NE(Key("VR-A1"), key);
  EXPECT_EQ(Key("VR-2025/001"), "vr2025/001");
  EXPECT_EQ(Key("北京-001"), "北京001");
  EXPECT_EQ(Key("- \u2014 -"), "");
  EXPECT_EQ(Key(""), "");
}

}  // namespace
}  // namespace creg::internal
