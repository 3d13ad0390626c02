// tools/cli/selection.h on its own: the serial notation, counts, and which
// credits a command moves, with the error that names what is wrong.
#include "tools/cli/selection.h"

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

namespace creg::cli {
namespace {

using Block = std::tuple<uint64_t, uint64_t, uint64_t>;

std::vector<Block> BlocksOf(std::string_view text) {
  StatusOr<std::vector<pb::SerialBlock>> blocks = ParseSerials(text);
  EXPECT_TRUE(blocks.ok()) << text << ": " << blocks.status().ToString();
  std::vector<Block> out;
  if (blocks.ok()) {
    for (const pb::SerialBlock& b : *blocks) out.emplace_back(b.batch(), b.first(), b.last());
  }
  return out;
}

// The InvalidArgument message for `text`, "" (and a failure) if it parses.
std::string RefusalOf(std::string_view text) {
  StatusOr<std::vector<pb::SerialBlock>> blocks = ParseSerials(text);
  EXPECT_FALSE(blocks.ok()) << text << " was accepted";
  if (blocks.ok()) return "";
  EXPECT_EQ(blocks.status().code(), StatusCode::kInvalidArgument);
  return blocks.status().message();
}

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST(SelectionTest, SerialNotation) {
  EXPECT_EQ(BlocksOf("1:1-500"), (std::vector<Block>{{1, 1, 500}}));
  EXPECT_EQ(BlocksOf("7:42"), (std::vector<Block>{{7, 42, 42}}));
  // Blocks separated by ',', ';', spaces or tabs, extra separators ignored.
  EXPECT_EQ(BlocksOf("1:1-10,1:20-30; 2:5\t3:1-2 ,"),
            (std::vector<Block>{{1, 1, 10}, {1, 20, 30}, {2, 5, 5}, {3, 1, 2}}));
  // A serial string as creg prints it: its first three numbers.
  EXPECT_EQ(BlocksOf("7-1-120-CREG-VCS-KE-2025"), (std::vector<Block>{{7, 1, 120}}));
  EXPECT_EQ(BlocksOf("7-3-3"), (std::vector<Block>{{7, 3, 3}}));
}

TEST(SelectionTest, BadBlocksAreNamedWithTheNotation) {
  std::string why = RefusalOf("1:1-10,1:9-3");
  EXPECT_TRUE(Contains(why, "'1:9-3' ends before it starts")) << why;
  EXPECT_TRUE(Contains(why, "BATCH:FIRST-LAST")) << why;
  EXPECT_TRUE(Contains(RefusalOf("0:1-5"), "batch 0"));
  EXPECT_TRUE(Contains(RefusalOf("1:0-5"), "serial 0"));
  for (std::string_view bad : {"one-to-five", "1:", ":5", "1:a-b", "1:5-", "1:-5", "1:1-2-3", "1-2",
                               "x-1-2", "1:-1", "1:18446744073709551616"}) {
    SCOPED_TRACE(std::string(bad));
    EXPECT_TRUE(Contains(RefusalOf(bad), "is not in the serial notation"));
  }
  EXPECT_TRUE(Contains(RefusalOf(""), "no serial blocks"));
  EXPECT_TRUE(Contains(RefusalOf(" ,; "), "no serial blocks"));
}

TEST(SelectionTest, CountsAreWholeNumbersNamedWhenWrong) {
  EXPECT_EQ(ParseCount("5", "quantity").value(), 5u);
  EXPECT_EQ(ParseCount(" 12\t", "quantity").value(), 12u);
  EXPECT_EQ(ParseCount("0", "limit", /*allow_zero=*/true).value(), 0u);
  for (std::string_view bad : {"0", "-5", "lots", "", "1.5", "+3", "5 5", "18446744073709551616"}) {
    SCOPED_TRACE(std::string(bad));
    StatusOr<uint64_t> count = ParseCount(bad, "quantity");
    ASSERT_FALSE(count.ok());
    EXPECT_EQ(count.status().code(), StatusCode::kInvalidArgument);
    EXPECT_TRUE(Contains(count.status().message(), "quantity must be a whole number of at least 1"))
        << count.status().message();
  }
  EXPECT_TRUE(Contains(ParseCount("-5", "quantity").status().message(), "'-5'"));
  EXPECT_TRUE(Contains(ParseCount("-1", "limit", true).status().message(),
                       "limit must be a whole number, not '-1'"));
}

TEST(SelectionTest, SerialsOrABatchAndAQuantity) {
  using S = std::optional<std::string>;
  StatusOr<pb::CreditSelection> by_serials = MakeSelection(S("1:1-5,2:3"), S(), S());
  ASSERT_TRUE(by_serials.ok()) << by_serials.status().ToString();
  ASSERT_EQ(by_serials->blocks_size(), 2);
  EXPECT_EQ(by_serials->blocks(1).batch(), 2u);
  EXPECT_EQ(by_serials->quantity(), 0u);

  StatusOr<pb::CreditSelection> by_quantity = MakeSelection(S(), S("3"), S("250"));
  ASSERT_TRUE(by_quantity.ok()) << by_quantity.status().ToString();
  EXPECT_EQ(by_quantity->batch(), 3u);
  EXPECT_EQ(by_quantity->quantity(), 250u);
  EXPECT_EQ(by_quantity->blocks_size(), 0);
  // Blank values count as absent.
  EXPECT_TRUE(MakeSelection(S(" "), S("3"), S("250")).ok());

  auto refusal = [](const S& serials, const S& batch, const S& quantity) {
    StatusOr<pb::CreditSelection> s = MakeSelection(serials, batch, quantity);
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
    return s.status().message();
  };
  EXPECT_TRUE(Contains(refusal(S("1:1"), S("1"), S("5")), "not both"));
  EXPECT_TRUE(Contains(refusal(S(), S(), S()), "say which credits"));
  EXPECT_TRUE(Contains(refusal(S(""), S(""), S("")), "say which credits"));
  EXPECT_TRUE(Contains(refusal(S(), S(), S("5")), "needs the batch"));
  EXPECT_TRUE(Contains(refusal(S(), S("1"), S()), "needs a quantity"));
  EXPECT_TRUE(Contains(refusal(S(), S("one"), S("5")), "batch must be a whole number"));
  EXPECT_TRUE(Contains(refusal(S(), S("1"), S("-5")), "quantity must be a whole number"));
  EXPECT_TRUE(Contains(refusal(S("1:9-3"), S(), S()), "ends before it starts"));
}

}  // namespace
}  // namespace creg::cli
