// node/log_summary.h on a real registry (no node): the totals and the
// timeline follow the log, reading what was there at start and each entry
// committed after; entries that do not decode are refused. With a snapshot
// file, a restart continues from it, and a file that is damaged, of another
// history or beyond the log is ignored.
#include "node/log_summary.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "ledger/data_dir.h"
#include "tests/support/registry_fixture.h"

namespace creg {
namespace {

using creg::testing::IsAccepted;
using creg::testing::RegistryHarness;
using Clock = std::chrono::steady_clock;

// Json() once it is ready and `done` holds of it, or the last answer after
// 10 s.
template <typename Done>
StatusOr<json::Value> JsonWhen(const LogSummary& summary, Done done) {
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  StatusOr<json::Value> v = summary.Json();
  while (!(v.ok() && done(*v)) && Clock::now() < deadline) {
    std::this_thread::yield();
    v = summary.Json();
  }
  return v;
}

uint64_t Total(const json::Value& v, const char* key) {
  StatusOr<const json::Value*> totals = v.GetObject("totals");
  return totals.ok() && (*totals)->GetUint(key).ok() ? *(*totals)->GetUint(key) : 0;
}

TEST(LogSummaryTest, TotalsAndTimelineFollowTheLog) {
  creg::testing::TempDir dir;
  RegistryHarness h(dir);
  ASSERT_TRUE(IsAccepted(h.OpenAccount("developer")));
  ASSERT_TRUE(IsAccepted(h.OpenAccount("organiser")));
  ASSERT_TRUE(IsAccepted(h.RegisterProject("ke-cookstoves-001", "developer")));
  ASSERT_TRUE(IsAccepted(h.Issue("ke-cookstoves-001", 1000, "developer", "VR-1")));
  ASSERT_TRUE(IsAccepted(h.TransferQuantity("developer", "organiser", 1, 10)));
  ASSERT_TRUE(IsAccepted(h.RetireQuantity("organiser", 1, 3, "Forum")));
  ASSERT_TRUE(IsAccepted(h.CancelQuantity("developer", 1, 5)));
  ASSERT_TRUE(IsAccepted(h.AppendTerm(42)));  // read, and counts nothing

  LogSummary summary(h.registry().log());
  summary.Start();
  StatusOr<json::Value> v = JsonWhen(summary, [](const json::Value&) { return true; });
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(Total(*v, "issued"), 1000u);
  EXPECT_EQ(Total(*v, "retired"), 3u);
  EXPECT_EQ(Total(*v, "cancelled"), 5u);
  EXPECT_EQ(Total(*v, "projects"), 1u);
  EXPECT_EQ(Total(*v, "batches"), 1u);
  EXPECT_EQ(Total(*v, "retirements"), 1u);
  const json::Array& timeline = *v->GetArray("timeline").value();
  ASSERT_EQ(timeline.size(), 1u);  // everything happened today (UTC)
  EXPECT_EQ(timeline[0].GetString("date").value().size(), 10u);
  EXPECT_EQ(timeline[0].GetUint("issued").value(), 1000u);
  EXPECT_EQ(timeline[0].GetUint("retired").value(), 3u);
  EXPECT_EQ(timeline[0].GetUint("cancelled").value(), 5u);

  // Entries committed later are counted once woken.
  ASSERT_TRUE(IsAccepted(h.Issue("ke-cookstoves-001", 250, "developer", "VR-2")));
  summary.Wake();
  v = JsonWhen(summary, [](const json::Value& j) { return Total(j, "issued") == 1250; });
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(Total(*v, "issued"), 1250u);
  EXPECT_EQ(Total(*v, "batches"), 2u);
  summary.Stop();
}

TEST(LogSummaryTest, EmptyLogAndEntriesThatDoNotDecode) {
  creg::testing::TempDir dir;
  RegistryHarness h(dir);
  ASSERT_TRUE(IsAccepted(h.OpenAccount("developer")));
  LogSummary summary(h.registry().log());
  summary.Start();
  StatusOr<json::Value> v = JsonWhen(summary, [](const json::Value&) { return true; });
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(Total(*v, "issued"), 0u);
  EXPECT_TRUE(v->GetArray("timeline").value()->empty());
  summary.Stop();
  LogSummary unread(h.registry().log());
  EXPECT_EQ(unread.Add("not an entry").code(), StatusCode::kInvalidArgument);
}

// Opens two accounts, registers a project and issues `issued` credits, of
// which it retires 3.
void FillLog(RegistryHarness& h, uint64_t issued) {
  ASSERT_TRUE(IsAccepted(h.OpenAccount("developer")));
  ASSERT_TRUE(IsAccepted(h.OpenAccount("organiser")));
  ASSERT_TRUE(IsAccepted(h.RegisterProject("ke-cookstoves-001", "developer")));
  ASSERT_TRUE(IsAccepted(h.Issue("ke-cookstoves-001", issued, "developer", "VR-1")));
  ASSERT_TRUE(IsAccepted(h.TransferQuantity("developer", "organiser", 1, 10)));
  ASSERT_TRUE(IsAccepted(h.RetireQuantity("organiser", 1, 3, "Forum")));
}

// The summary's totals once it has read the whole log, from `path`'s
// snapshot if it takes it; sets *resumed_at.
json::Value ReadyJson(RegistryHarness& h, const std::string& path, uint64_t* resumed_at) {
  LogSummary summary(h.registry().log(), path);
  summary.Start();
  StatusOr<json::Value> v = JsonWhen(summary, [](const json::Value&) { return true; });
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  *resumed_at = summary.resumed_at();
  summary.Stop();
  return v.ok() ? *v : json::Value();
}

TEST(LogSummaryTest, ARestartContinuesFromTheSavedCounts) {
  creg::testing::TempDir dir;
  RegistryHarness h(dir);
  FillLog(h, 1000);
  const std::string path = dir.Sub("summary.json");
  uint64_t resumed_at = 1;
  json::Value first = ReadyJson(h, path, &resumed_at);
  EXPECT_EQ(resumed_at, 0u);  // no file yet
  const uint64_t saved_size = h.registry().log().size();
  StatusOr<SummarySnapshot> saved = ReadSummarySnapshot(path);
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  EXPECT_EQ(saved->size, saved_size);
  EXPECT_EQ(saved->counts.totals.issued, 1000u);

  ASSERT_TRUE(IsAccepted(h.Issue("ke-cookstoves-001", 250, "developer", "VR-2")));
  ASSERT_TRUE(IsAccepted(h.CancelQuantity("developer", 1, 5)));
  json::Value second = ReadyJson(h, path, &resumed_at);
  EXPECT_EQ(resumed_at, saved_size);  // only the two new entries were read
  EXPECT_EQ(Total(second, "issued"), 1250u);
  EXPECT_EQ(Total(second, "retired"), 3u);
  EXPECT_EQ(Total(second, "cancelled"), 5u);
  EXPECT_EQ(Total(second, "batches"), 2u);
  EXPECT_EQ(Total(second, "projects"), 1u);
  // The same as a summary that read every entry.
  uint64_t unused = 0;
  EXPECT_EQ(second, ReadyJson(h, "", &unused));
  EXPECT_EQ(ReadSummarySnapshot(path)->size, h.registry().log().size());
}

TEST(LogSummaryTest, TheCountsAreSavedOnceTheFirstPassIsDone) {
  creg::testing::TempDir dir;
  RegistryHarness h(dir);
  FillLog(h, 1000);
  const std::string path = dir.Sub("summary.json");
  LogSummary summary(h.registry().log(), path);
  summary.Start();
  // Without waiting for Stop, which saves too.
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (!ReadSummarySnapshot(path).ok() && Clock::now() < deadline) std::this_thread::yield();
  StatusOr<SummarySnapshot> saved = ReadSummarySnapshot(path);
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  EXPECT_EQ(saved->size, h.registry().log().size());
  EXPECT_EQ(saved->counts.totals.issued, 1000u);
  summary.Stop();
}

TEST(LogSummaryTest, SavedCountsThatDoNotFitTheLogAreIgnored) {
  creg::testing::TempDir dir;
  RegistryHarness h(dir, "this");
  FillLog(h, 1000);
  RegistryHarness other(dir, "other");
  FillLog(other, 70);  // as many entries, another history
  ASSERT_EQ(other.registry().log().size(), h.registry().log().size());
  const std::string path = dir.Sub("summary.json");
  uint64_t resumed_at = 0;
  ReadyJson(other, path, &resumed_at);
  ASSERT_TRUE(ReadSummarySnapshot(path).ok());
  const std::string of_another_history = ReadFile(path).value();

  uint64_t unused = 0;
  const json::Value expected = ReadyJson(h, "", &unused);
  ASSERT_EQ(Total(expected, "issued"), 1000u);
  SummarySnapshot beyond = ReadSummarySnapshot(path).value();
  beyond.size = h.registry().log().size() + 1;
  for (const std::string& contents :
       {of_another_history, std::string("{\"format\":\"creg-log-summary/1\""),
        std::string("\x00\xff", 2), EncodeSummarySnapshot(beyond)}) {
    SCOPED_TRACE(contents.substr(0, 40));
    ASSERT_TRUE(WriteFileAtomically(path, contents).ok());
    EXPECT_EQ(ReadyJson(h, path, &resumed_at), expected);
    EXPECT_EQ(resumed_at, 0u);
    // And it is replaced by the counts of this log.
    StatusOr<SummarySnapshot> rewritten = ReadSummarySnapshot(path);
    ASSERT_TRUE(rewritten.ok()) << rewritten.status().ToString();
    EXPECT_EQ(rewritten->root, h.registry().log().RootAt(rewritten->size).value());
    EXPECT_EQ(rewritten->counts.totals.issued, 1000u);
  }
}

}  // namespace
}  // namespace creg
