// ledger/records/entry_view.h on its own: the entries of a real registry (in a
// temporary folder, no node) as creg shows them, kind, one-line summary and
// JSON, and entry bytes that do not decode refused.
#include "ledger/records/entry_view.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/registry_fixture.h"

namespace creg::cli {
namespace {

using creg::testing::IsAccepted;
using creg::testing::RegistryHarness;

class EntryViewTest : public ::testing::Test {
 protected:
  EntryView View(uint64_t index) {
    StatusOr<std::string> bytes = h_.registry().log().Entry(index);
    EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
    StatusOr<EntryView> view = ViewEntry(bytes.ok() ? *bytes : "");
    EXPECT_TRUE(view.ok()) << view.status().ToString();
    return view.ok() ? *view : EntryView{};
  }

  creg::testing::TempDir dir_;
  RegistryHarness h_{dir_};
};

TEST_F(EntryViewTest, EachKindWithItsSummary) {
  ASSERT_TRUE(IsAccepted(h_.OpenAccount("developer")));                               // 1
  ASSERT_TRUE(IsAccepted(h_.OpenAccount("organiser")));                               // 2
  ASSERT_TRUE(IsAccepted(h_.RegisterProject("ke-cookstoves-001", "developer")));      // 3
  ASSERT_TRUE(IsAccepted(h_.Issue("ke-cookstoves-001", 1000, "developer", "VR-1")));  // 4
  ASSERT_TRUE(IsAccepted(h_.TransferQuantity("developer", "organiser", 1, 10)));      // 5
  ASSERT_TRUE(IsAccepted(h_.RetireQuantity("organiser", 1, 1, "Forum")));             // 6
  ASSERT_TRUE(IsAccepted(h_.CancelQuantity("developer", 1, 5)));                      // 7

  const std::vector<std::pair<std::string, std::string>> expected = {
      {"open-account", "opened account registry-operator (operator, \"Test Registry Operator\")"},
      {"open-account", "opened account developer (holder, \"Account developer\")"},
      {"open-account", "opened account organiser (holder, \"Account organiser\")"},
      {"register-project",
       "registered project ke-cookstoves-001 (\"Project ke-cookstoves-001\", VCS AMS-II.G, KE, "
       "proponent developer)"},
      {"issue",
       "issued batch 1: 1000 credits of project ke-cookstoves-001, vintage 2025-01-01 to "
       "2025-12-31, to developer"},
      // A quantity is shown with the serials it resolved to.
      {"transfer", "transferred 10 credits (1:1-10) from developer to organiser"},
      {"retire", "retired 1 credit (1:1) of organiser as R6 for Forum (voluntary-event-offset)"},
      {"cancel", "cancelled 5 credits (1:11-15) held by developer: buffer pool deduction"},
  };
  for (uint64_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE("entry " + std::to_string(i));
    EntryView view = View(i);
    EXPECT_EQ(view.entry.index(), i);
    EXPECT_EQ(view.kind, expected[i].first);
    EXPECT_EQ(view.summary, expected[i].second);
  }
}

TEST_F(EntryViewTest, JsonHasTheStableFields) {
  ASSERT_TRUE(IsAccepted(h_.OpenAccount("developer")));
  EntryView view = View(1);
  json::Value doc = EntryJson(view);
  EXPECT_EQ(doc.GetUint("entry_index").value(), 1u);
  EXPECT_EQ(doc.GetString("kind").value(), "open-account");
  EXPECT_EQ(doc.GetString("signer").value(), RegistryHarness::kOperator);
  EXPECT_EQ(doc.GetString("nonce").value(), view.body.nonce());
  EXPECT_EQ(doc.GetString("summary").value(), view.summary);
  EXPECT_EQ(doc.GetString("timestamp").value().size(), std::string("2026-05-01T12:00:00Z").size());
  EXPECT_EQ(doc.GetString("prev_hash").value().size(), 64u);
  const json::Value* tx = doc.Find("transaction");
  ASSERT_NE(tx, nullptr);
  EXPECT_EQ(tx->GetString("account_id").value(), "developer");
  EXPECT_EQ(tx->GetString("role").value(), "holder");
  ASSERT_NE(doc.Find("effects"), nullptr);
}

TEST_F(EntryViewTest, LeaderTermShowsItsLeaderClusterAndRevision) {
  pb::LeaderTerm term = h_.NextTerm(42);
  term.set_quarantined(3);
  ASSERT_TRUE(IsAccepted(h_.AppendTerm(term, RegistryHarness::RegistryKey())));
  EntryView view = View(1);
  EXPECT_EQ(view.kind, "leader-term");
  EXPECT_EQ(view.summary,
            "10.0.0.1:7601 became the writer of cluster c1 (etcd revision 42), taking over the "
            "checkpoint of size 1, setting aside 3 entries past it");
  json::Value doc = EntryJson(view);
  EXPECT_EQ(doc.GetString("signer").value(), "@registry");
  EXPECT_EQ(doc.GetString("nonce").value(), "term-42");
  const json::Value* tx = doc.Find("transaction");
  ASSERT_NE(tx, nullptr);
  EXPECT_EQ(tx->GetString("leader").value(), "10.0.0.1:7601");
  EXPECT_EQ(tx->GetString("cluster").value(), "c1");
  EXPECT_EQ(tx->GetUint("etcd_revision").value(), 42u);
  EXPECT_EQ(tx->GetUint("previous_size").value(), 1u);
  EXPECT_EQ(tx->GetString("previous_root").value(), h_.registry().log().RecomputeRoot(1)->ToHex());
  EXPECT_EQ(tx->GetUint("quarantined").value(), 3u);
}

TEST_F(EntryViewTest, BytesThatDoNotDecodeAreRefused) {
  for (std::string_view bad : {std::string_view("not an entry"), std::string_view("")}) {
    StatusOr<EntryView> view = ViewEntry(bad);
    EXPECT_FALSE(view.ok()) << "decoded: " << bad;
  }
  EXPECT_EQ(KindName(pb::TransactionBody()), "none");
}

}  // namespace
}  // namespace creg::cli
