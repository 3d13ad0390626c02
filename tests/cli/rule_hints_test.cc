// HintForRule (tools/cli/context.h): every rule code the registry refuses
// with gets a hint, and the hardening rules' hints say what to do.
#include <string>

#include <gtest/gtest.h>

#include "ledger/registry/rule_code.h"
#include "tools/cli/context.h"

namespace creg::cli {
namespace {

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(RuleHintsTest, EveryRuleCodeHasAHint) {
  int codes = 0;
  // Codes are numbered in ranges with gaps between them (rule_code.h).
  for (int i = 1; i < 100; ++i) {
    std::string name(RuleCodeName(static_cast<RuleCode>(i)));
    if (name == "UNKNOWN_RULE") continue;
    ++codes;
    SCOPED_TRACE(name);
    std::string hint = HintForRule(name);
    EXPECT_GE(hint.size(), 10u) << "no hint for " << name;
  }
  // rule_code.h lists 29 codes; a new one must get a hint here too.
  EXPECT_GE(codes, 29);
  EXPECT_EQ(HintForRule("NO_SUCH_RULE"), "");
}

TEST(RuleHintsTest, InvalidTextSaysWhatFreeTextMayNotHold) {
  std::string hint = HintForRule("INVALID_TEXT");
  for (const char* part : {"control characters", "bidirectional", "line separators", "invisible",
                           "white space", "Free text"}) {
    EXPECT_TRUE(Contains(hint, part)) << part << " missing from: " << hint;
  }
}

TEST(RuleHintsTest, RetirementIncompleteNamesDetailsForReasonOther) {
  std::string hint = HintForRule("RETIREMENT_INCOMPLETE");
  EXPECT_TRUE(Contains(hint, "--beneficiary")) << hint;
  EXPECT_TRUE(Contains(hint, "--reason other")) << hint;
  EXPECT_TRUE(Contains(hint, "--details")) << hint;
}

TEST(RuleHintsTest, InvalidKeyMentionsSmallOrderAndNonCanonicalKeys) {
  std::string hint = HintForRule("INVALID_KEY");
  EXPECT_TRUE(Contains(hint, "creg keygen")) << hint;
  EXPECT_TRUE(Contains(hint, "small order")) << hint;
  EXPECT_TRUE(Contains(hint, "non-canonical")) << hint;
}

TEST(RuleHintsTest, MalformedMentionsNonCanonicalEncodings) {
  std::string hint = HintForRule("MALFORMED");
  EXPECT_TRUE(Contains(hint, "the message names it")) << hint;
  EXPECT_TRUE(Contains(hint, "canonical")) << hint;
}

}  // namespace
}  // namespace creg::cli
