// tools/cli/output.h and json_stream.h on their own: how tables are laid
// out (whole, or streamed with widths taken from the first rows), the
// "key: value" blocks, times, enum names and serial notation creg prints,
// and streamed JSON that must read exactly as json::Serialize writes it.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "tools/cli/json_stream.h"
#include "tools/cli/output.h"

namespace creg::cli {
namespace {

using Rows = std::vector<std::vector<std::string>>;

std::string TableText(const std::vector<std::string>& headers, const Rows& rows) {
  Table table(headers);
  for (const auto& row : rows) table.AddRow(row);
  std::ostringstream out;
  table.Print(out);
  return out.str();
}

std::string StreamText(const std::vector<std::string>& headers, const Rows& rows,
                       size_t sample_rows) {
  std::ostringstream out;
  TableStream table(headers, out, sample_rows);
  for (const auto& row : rows) table.AddRow(row);
  table.Finish();
  EXPECT_EQ(table.rows(), rows.size());
  return out.str();
}

TEST(TableTest, ColumnsArePaddedAndNumbersRightAligned) {
  EXPECT_EQ(TableText({"BATCH", "PROJECT", "QUANTITY"},
                      {{"1", "ke-cookstoves-001", "500"}, {"12", "br", "7"}}),
            "BATCH  PROJECT            QUANTITY\n"
            "    1  ke-cookstoves-001       500\n"
            "   12  br                        7\n");
  // A column with one word in it is text, left-aligned; empty cells do not
  // make a column text; short rows are padded; no trailing spaces.
  EXPECT_EQ(TableText({"A", "B", "C"}, {{"1", "", "x"}, {"n/a", "22"}, {"3", "4", "long"}}),
            "A    B   C\n"
            "1        x\n"
            "n/a  22\n"
            "3     4  long\n");
  // Widths count characters, not bytes.
  EXPECT_EQ(TableText({"NAME", "N"}, {{"Société", "1"}, {"ab", "2"}}),
            "NAME     N\n"
            "Société  1\n"
            "ab       2\n");
  EXPECT_EQ(TableText({"ONLY", "HEADERS"}, {}), "ONLY  HEADERS\n");
}

TEST(TableTest, AStreamedTablePrintsAsATableUpToItsSample) {
  const Rows rows = {{"1", "alpha", "10"}, {"2", "b", "200"}, {"3", "gamma", "3"}};
  const std::vector<std::string> headers = {"ID", "NAME", "QTY"};
  EXPECT_EQ(StreamText(headers, rows, 3), TableText(headers, rows));
  EXPECT_EQ(StreamText(headers, rows, 1000), TableText(headers, rows));
  EXPECT_EQ(StreamText(headers, {}, 10), "ID  NAME  QTY\n");
}

TEST(TableTest, AStreamedTableKeepsTheWidthsOfItsSample) {
  // Widths and alignment come from the first two rows; a later, wider cell
  // pushes the rest of its row right, and a later word in a numeric
  // column is still right-aligned.
  EXPECT_EQ(StreamText({"ID", "NAME"}, {{"1", "ab"}, {"2", "c"}, {"300000", "d"}, {"x", "e"}}, 2),
            "ID  NAME\n"
            " 1  ab\n"
            " 2  c\n"
            "300000  d\n"
            " x  e\n");
}

TEST(OutputTest, FieldsAreAlignedAndEmptyOnesLeftOut) {
  std::ostringstream out;
  PrintFields({{"account", "organiser"}, {"role", "holder"}, {"memo", ""}, {"é", "1"}}, out);
  EXPECT_EQ(out.str(),
            "account:  organiser\n"
            "role:     holder\n"
            "é:        1\n");
}

TEST(OutputTest, ASkippedFieldDoesNotWidenTheAlignment) {
  std::ostringstream out;
  PrintFields({{"account", "organiser"}, {"beneficiary name", ""}, {"role", "holder"}}, out);
  EXPECT_EQ(out.str(),
            "account:  organiser\n"
            "role:     holder\n");
}

TEST(OutputTest, TimesAreUtcToTheSecond) {
  EXPECT_EQ(IsoTime(0), "");
  EXPECT_EQ(IsoTime(1), "1970-01-01T00:00:00Z");
  EXPECT_EQ(IsoTime(1'777'636'800'999'999), "2026-05-01T12:00:00Z");
}

TEST(OutputTest, ReasonNamesRoundTrip) {
  const std::string list = ReasonList();
  int reasons = 0;
  for (pb::RetirementReason reason :
       {pb::VOLUNTARY_EVENT_OFFSET, pb::VOLUNTARY_CORPORATE_INVENTORY,
        pb::VOLUNTARY_PRODUCT_OR_SERVICE, pb::VOLUNTARY_INDIVIDUAL, pb::COMPLIANCE, pb::OTHER}) {
    const std::string name = ReasonName(reason);
    SCOPED_TRACE(name);
    EXPECT_EQ(ParseReason(name), reason);
    EXPECT_NE(list.find("  " + name + " "), std::string::npos) << list;
    ++reasons;
  }
  EXPECT_EQ(ReasonName(pb::VOLUNTARY_EVENT_OFFSET), "voluntary-event-offset");
  EXPECT_EQ(ParseReason("VOLUNTARY_EVENT_OFFSET"), pb::VOLUNTARY_EVENT_OFFSET);
  EXPECT_EQ(ParseReason("Other"), pb::OTHER);
  EXPECT_EQ(ReasonName(pb::RETIREMENT_REASON_UNSPECIFIED), "");
  for (std::string_view bad : {"", "feeling-good", "retirement-reason-unspecified", "other "}) {
    EXPECT_FALSE(ParseReason(bad).has_value()) << bad;
  }
  EXPECT_EQ(std::count(list.begin(), list.end(), '\n'), reasons);
}

TEST(OutputTest, EnumNamesAndSerialNotation) {
  EXPECT_EQ(RoleName(pb::ROLE_OPERATOR), "operator");
  EXPECT_EQ(RoleName(pb::ROLE_HOLDER), "holder");
  EXPECT_EQ(AccountStatusName(pb::ACCOUNT_SUSPENDED), "suspended");
  EXPECT_EQ(BlockStatusName(pb::BLOCK_CANCELLED), "cancelled");

  pb::SerialBlock one;
  one.set_batch(7);
  one.set_first(42);
  one.set_last(42);
  EXPECT_EQ(BlockText(one), "7:42");
  google::protobuf::RepeatedPtrField<pb::SerialBlock> blocks;
  *blocks.Add() = one;
  pb::SerialBlock range = one;
  range.set_first(1);
  range.set_last(500);
  *blocks.Add() = range;
  EXPECT_EQ(BlocksText(blocks), "7:42,7:1-500");
  EXPECT_EQ(BlocksText({}), "");
  EXPECT_EQ(Credits(1), "1 credit");
  EXPECT_EQ(Credits(0), "0 credits");
  EXPECT_EQ(Credits(500), "500 credits");
}

json::Value SampleDocument() {
  json::Value inner = json::Value::EmptyObject();
  inner.Set("first", 1);
  inner.Set("last", 500);
  json::Value list = json::Value::EmptyArray();
  list.as_array().push_back(inner);
  list.as_array().push_back(json::Value("quote \" and \n line"));
  list.as_array().push_back(json::Value::EmptyArray());
  json::Value doc = json::Value::EmptyObject();
  doc.Set("account", "organiser");
  doc.Set("blocks", list);
  doc.Set("empty", json::Value::EmptyObject());
  doc.Set("total", 501);
  return doc;
}

TEST(JsonStreamTest, StreamedDocumentReadsAsSerializeWritesIt) {
  const json::Value doc = SampleDocument();
  const std::string expected = json::Serialize(doc, true) + "\n";

  // Built member by member, element by element.
  std::ostringstream out;
  JsonStream stream(out);
  stream.BeginObject();
  stream.Key("account");
  stream.Value(json::Value("organiser"));
  stream.Key("blocks");
  stream.BeginArray();
  stream.Value(doc.Find("blocks")->as_array()[0]);
  stream.Raw(json::Serialize(doc.Find("blocks")->as_array()[1]));
  stream.BeginArray();
  stream.End();
  stream.End();
  stream.Key("empty");
  stream.BeginObject();
  stream.End();
  stream.Key("total");
  stream.Raw("501");
  stream.End();
  EXPECT_EQ(out.str(), expected);

  // Members() and a whole nested value.
  std::ostringstream whole;
  JsonStream members(whole);
  members.BeginObject();
  members.Members(doc);
  members.End();
  EXPECT_EQ(whole.str(), expected);

  std::ostringstream array;
  JsonStream empty(array);
  empty.BeginArray();
  empty.End();
  EXPECT_EQ(array.str(), "[]\n");
}

TEST(JsonStreamTest, SpillListKeepsOrderInMemoryAndOnDisk) {
  for (size_t in_memory : {size_t{0}, size_t{3}, size_t{100}}) {
    SCOPED_TRACE("in memory " + std::to_string(in_memory));
    SpillList list(in_memory);
    // Each value as added, compact, one to a line.
    std::string expected = "[";
    for (int i = 0; i < 10; ++i) {
      json::Value v = json::Value::EmptyObject();
      v.Set("n", i);
      v.Set("s", "x" + std::to_string(i));
      ASSERT_TRUE(list.Add(json::Serialize(v)).ok());
      expected += (i == 0 ? "\n  " : ",\n  ") + json::Serialize(v);
    }
    expected += "\n]\n";
    std::ostringstream out;
    JsonStream stream(out);
    stream.BeginArray();
    ASSERT_TRUE(list.MoveTo(stream).ok());
    stream.End();
    EXPECT_EQ(out.str(), expected);
    // Moved: the list is empty after.
    std::ostringstream again;
    JsonStream second(again);
    second.BeginArray();
    ASSERT_TRUE(list.MoveTo(second).ok());
    second.End();
    EXPECT_EQ(again.str(), "[]\n");
  }
}

}  // namespace
}  // namespace creg::cli
