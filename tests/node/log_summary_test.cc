// node/log_summary.h on a real registry (no node): the totals and the
// timeline follow the log, reading what was there at start and each entry
// committed after; entries that do not decode are refused.
#include "node/log_summary.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

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

}  // namespace
}  // namespace creg
