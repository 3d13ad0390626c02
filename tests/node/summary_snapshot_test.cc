// node/summary_snapshot.h: a snapshot reads back as written, and any other
// text (damaged, or not as Encode writes it) is refused with
// InvalidArgument saying what is wrong; days and their dates.
#include "node/summary_snapshot.h"

#include <gtest/gtest.h>

#include "ledger/data_dir.h"
#include "tests/support/temp_dir.h"

namespace creg {
namespace {

SummarySnapshot Sample() {
  SummarySnapshot s;
  s.size = 1'234'567;
  s.root = Sha256("root");
  s.counts.days[-3] = {.issued = 10, .retired = 0, .cancelled = 1};
  s.counts.days[20'000] = {.issued = 5, .retired = 7, .cancelled = 0};
  s.counts.totals = {.issued = 15, .retired = 7, .cancelled = 1};
  s.counts.projects = 2;
  s.counts.batches = 3;
  s.counts.retirements = 4;
  return s;
}

// `body` with the checksum line Encode writes after it.
std::string Sealed(const std::string& body) { return body + "\n" + Sha256(body).ToHex() + "\n"; }

// The JSON line of an encoded snapshot.
std::string BodyOf(const std::string& text) { return text.substr(0, text.find('\n')); }

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(SummarySnapshotTest, ReadsBackAsWritten) {
  const SummarySnapshot s = Sample();
  const std::string text = EncodeSummarySnapshot(s);
  EXPECT_EQ(text.rfind("{\"format\":\"creg-log-summary/1\",\"size\":1234567,\"root\":\"", 0), 0u)
      << text;
  StatusOr<SummarySnapshot> back = DecodeSummarySnapshot(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, s);
  EXPECT_TRUE(DecodeSummarySnapshot(EncodeSummarySnapshot(SummarySnapshot{})).ok());

  testing::TempDir dir;
  const std::string path = dir.Sub("summary.json");
  EXPECT_EQ(ReadSummarySnapshot(path).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(WriteSummarySnapshot(path, s).ok());
  EXPECT_EQ(ReadSummarySnapshot(path).value(), s);
}

TEST(SummarySnapshotTest, RefusesEverythingElse) {
  const std::string sealed = EncodeSummarySnapshot(Sample());
  const std::string good = BodyOf(sealed);
  EXPECT_EQ(Sealed(good), sealed);
  const std::string root_hex = Sample().root.ToHex();
  struct Case {
    std::string text, says;
  };
  // Damaged files: the checksum line does not match, or is not there.
  const Case damaged[] = {
      {"", "a line of JSON followed by"},
      {good, "a line of JSON followed by"},
      {good + "\n", "a line of JSON followed by"},
      {sealed.substr(0, sealed.size() - 1), "a line of JSON followed by"},
      {sealed + "\n", "a line of JSON followed by"},
      {Replace(sealed, "\"projects\":2", "\"projects\":3"), "SHA-256 line does not match"},
      {Replace(sealed, "\"retirements\":4", "\"retirements\":9"), "SHA-256 line does not match"},
  };
  for (const Case& c : damaged) {
    SCOPED_TRACE(c.text.substr(0, 80));
    StatusOr<SummarySnapshot> s = DecodeSummarySnapshot(c.text);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.status().message().find(c.says), std::string::npos) << s.status().message();
  }
  // Sealed lines that are not what Encode writes.
  const Case cases[] = {
      {"", "json"},
      {"[]", "format"},
      {Replace(good, "creg-log-summary/1", "creg-log-summary/2"), "format"},
      {Replace(good, "\"size\":1234567", "\"size\":-1"), "size"},
      {Replace(good, "\"size\":1234567,", ""), "size"},
      {Replace(good, root_hex, root_hex.substr(2)), "root"},
      {Replace(good, root_hex, "zz" + root_hex.substr(2)), "root"},
      {Replace(good, "\"issued\":15", "\"issued\":16"), "sum of the days"},
      {Replace(good, "[-3,10,0,1]", "[-3,0,0,0]"), "without activity"},
      {Replace(good, "[-3,10,0,1]", "[30000,10,0,1]"), "ascending"},
      {Replace(good, "[-3,10,0,1]", "[-3,10,0]"), "a day must be"},
      {Replace(good, "[-3,10,0,1]", "[-3,10,0,-1]"), "non-negative"},
      {Replace(good, "[-3,10,0,1]", "[-1000000000000000,10,0,1]"), "not one a timestamp can name"},
      {Replace(good, "[20000,", "[106751992,"), "not one a timestamp can name"},
      {Replace(good, "\"projects\":2", "\"projects\": 2"), "as creg writes"},
      {good + " ", "as creg writes"},
      {Replace(good, "}", ",\"extra\":1}"), "as creg writes"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text.substr(0, 80));
    StatusOr<SummarySnapshot> s = DecodeSummarySnapshot(Sealed(c.text));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.status().message().find(c.says), std::string::npos) << s.status().message();
  }
  EXPECT_NE(DecodeSummarySnapshot(std::string(kMaxSummarySnapshotBytes + 1, ' '))
                .status()
                .message()
                .find("bytes"),
            std::string::npos);
  // The days may not add up past 2^64.
  SummarySnapshot huge = Sample();
  huge.counts.days[1] = {.issued = UINT64_MAX, .retired = 0, .cancelled = 0};
  EXPECT_NE(DecodeSummarySnapshot(EncodeSummarySnapshot(huge)).status().message().find("2^64"),
            std::string::npos);
}

TEST(SummarySnapshotTest, DaysAndTheirDates) {
  EXPECT_EQ(SummaryDayOf(0), 0);
  EXPECT_EQ(SummaryDayOf(-1), -1);
  EXPECT_EQ(SummaryDayOf(int64_t{86'400} * 1'000'000), 1);
  EXPECT_EQ(SummaryDate(0), "1970-01-01");
  EXPECT_EQ(SummaryDate(-1), "1969-12-31");
  EXPECT_EQ(SummaryDate(20'794), "2026-12-07");
  // The first and last days a timestamp can name have dates, and the days
  // just outside them are refused in a file.
  const int64_t first = SummaryDayOf(INT64_MIN), last = SummaryDayOf(INT64_MAX);
  EXPECT_EQ(SummaryDate(last), "294247-01-10");
  EXPECT_FALSE(SummaryDate(first).empty());
  SummarySnapshot s;
  s.counts.days[last] = {.issued = 1, .retired = 0, .cancelled = 0};
  s.counts.totals.issued = 1;
  EXPECT_TRUE(DecodeSummarySnapshot(EncodeSummarySnapshot(s)).ok());
  s.counts.days.clear();
  s.counts.days[first - 1] = {.issued = 1, .retired = 0, .cancelled = 0};
  EXPECT_FALSE(DecodeSummarySnapshot(EncodeSummarySnapshot(s)).ok());
}

TEST(SummarySnapshotTest, AFileIsNamedInItsError) {
  testing::TempDir dir;
  const std::string path = dir.Sub("summary.json");
  ASSERT_TRUE(WriteFileAtomically(path, "not json").ok());
  StatusOr<SummarySnapshot> s = ReadSummarySnapshot(path);
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find(path), std::string::npos) << s.status().message();
}

}  // namespace
}  // namespace creg
