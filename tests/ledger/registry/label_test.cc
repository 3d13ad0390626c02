// Labels on serial blocks (docs/rules.md, "Labels"): the label transaction,
// blocks split so each keeps one set of labels, labels following credits
// through moves, and every refusal writing nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ledger/registry/labels.h"
#include "tests/support/registry_fixture.h"

namespace creg {
namespace {

using testing::AcceptedOf;
using testing::Describe;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::IsAccepted;
using testing::RegistryHarness;
using testing::RejectionCode;
using testing::Serials;

std::vector<std::string> Labels(const pb::BlockAttributes& a) {
  return {a.labels().begin(), a.labels().end()};
}

class LabelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(IsAccepted(h_.OpenAccount("developer")));
    ASSERT_TRUE(IsAccepted(h_.OpenAccount("organiser")));
    ASSERT_TRUE(IsAccepted(h_.RegisterProject("ke-cookstoves-001", "developer")));
    ASSERT_TRUE(IsAccepted(h_.Issue("ke-cookstoves-001", 100, "developer", "VR-1")));
  }

  pb::TransactionBody LabelBody(pb::LabelAction action, const std::string& label,
                                std::vector<pb::SerialBlock> blocks, uint64_t batch = 0,
                                const std::string& reference = "ICVCM CCP approval 2025-014") {
    pb::TransactionBody body = h_.Body();
    pb::Label* op = body.mutable_label();
    op->set_action(action);
    op->set_label(label);
    op->set_reference(reference);
    for (auto& b : blocks) *op->mutable_credits()->add_blocks() = b;
    op->mutable_credits()->set_batch(batch);
    return body;
  }
  Verdict Label(pb::LabelAction action, const std::string& label,
                std::vector<pb::SerialBlock> blocks, uint64_t batch = 0) {
    return h_.Submit(LabelBody(action, label, std::move(blocks), batch),
                     RegistryHarness::kOperator);
  }
  Verdict AddToBatch(const std::string& label) { return Label(pb::LABEL_ADD, label, {}, 1); }

  // (first, last, labels) of each block of batch 1.
  std::vector<std::tuple<uint64_t, uint64_t, std::vector<std::string>>> Partition() {
    std::vector<std::tuple<uint64_t, uint64_t, std::vector<std::string>>> out;
    for (const pb::BlockRecord& b : h_.registry().BatchBlocks(1).value())
      out.emplace_back(b.first(), b.last(), Labels(b.attributes()));
    return out;
  }

  // Expects `body`, signed by `signer`, refused with `code` and nothing written.
  void ExpectRefused(const pb::TransactionBody& body, RuleCode code,
                     const std::string& signer = RegistryHarness::kOperator) {
    ExpectRefusedAndNothingWritten(h_, body, signer, code);
  }

  testing::TempDir dir_;
  RegistryHarness h_{dir_};
};

TEST(LabelVocabularyTest, AcceptsTheDocumentedFormsOnly) {
  for (const char* ok : {"ccp", "ccb", "corsia:2024-2026", "corsia:2027-2027", "other:gs-sdg-13",
                         "other:a", "other:verra/sd-vista.v1_0"}) {
    EXPECT_EQ(CheckLabel(ok), "") << ok;
  }
  for (const char* bad : {"", "CCP", "ccp ", "corsia", "corsia:", "corsia:2024", "corsia:2026-2024",
                          "corsia:24-26", "corsia:2024-2026x", "corsia:2024_2026",
                          "other:", "other:Gold", "other:a b", "other:\xe2\x80\xae", "sdg"}) {
    EXPECT_NE(CheckLabel(bad), "") << bad;
  }
  EXPECT_NE(CheckLabel("other:" + std::string(65, 'a')), "");
  EXPECT_EQ(CheckLabel("other:" + std::string(64, 'a')), "");
}

TEST_F(LabelTest, LabellingSomeSerialsSplitsTheirBlock) {
  Verdict v = Label(pb::LABEL_ADD, "ccp", {Serials(1, 11, 20)});
  ASSERT_TRUE(IsAccepted(v)) << Describe(v);
  EXPECT_EQ(AcceptedOf(v).effects.quantity(), 10u);
  ASSERT_EQ(AcceptedOf(v).effects.blocks_size(), 1);
  EXPECT_EQ(AcceptedOf(v).effects.blocks(0).first(), 11u);
  using T = std::tuple<uint64_t, uint64_t, std::vector<std::string>>;
  EXPECT_THAT(Partition(), ElementsAre(T{1, 10, {}}, T{11, 20, {"ccp"}}, T{21, 100, {}}));
  // A second label on an overlapping range splits again; labels stay sorted.
  ASSERT_TRUE(IsAccepted(Label(pb::LABEL_ADD, "corsia:2024-2026", {Serials(1, 15, 30)})));
  EXPECT_THAT(Partition(),
              ElementsAre(T{1, 10, {}}, T{11, 14, {"ccp"}}, T{15, 20, {"ccp", "corsia:2024-2026"}},
                          T{21, 30, {"corsia:2024-2026"}}, T{31, 100, {}}));
  ASSERT_TRUE(IsAccepted(Label(pb::LABEL_REMOVE, "ccp", {Serials(1, 11, 20)})));
  EXPECT_THAT(Partition(), ElementsAre(T{1, 10, {}}, T{11, 14, {}}, T{15, 20, {"corsia:2024-2026"}},
                                       T{21, 30, {"corsia:2024-2026"}}, T{31, 100, {}}));
}

TEST_F(LabelTest, LabelsFollowCreditsThroughTransferAndRetirement) {
  ASSERT_TRUE(IsAccepted(AddToBatch("ccp")));
  ASSERT_TRUE(IsAccepted(h_.TransferQuantity("developer", "organiser", 1, 30)));
  auto holdings = h_.registry().Holdings("organiser").value();
  ASSERT_EQ(holdings.size(), 1u);
  ASSERT_EQ(holdings[0].attributes.size(), holdings[0].blocks.size());
  EXPECT_THAT(Labels(holdings[0].attributes[0]), ElementsAre("ccp"));

  Verdict retired = h_.RetireQuantity("organiser", 1, 20);
  ASSERT_TRUE(IsAccepted(retired)) << Describe(retired);
  const pb::Effects& fx = AcceptedOf(retired).effects;
  ASSERT_EQ(fx.attributed_size(), 1);
  EXPECT_EQ(fx.attributed(0).block().first(), 1u);
  EXPECT_EQ(fx.attributed(0).block().last(), 20u);
  EXPECT_THAT(Labels(fx.attributed(0).attributes()), ElementsAre("ccp"));
  auto record = h_.registry().Retirement(fx.retirement_id()).value();
  ASSERT_TRUE(record.has_value());
  ASSERT_EQ(record->attributed_size(), 1);
  EXPECT_THAT(Labels(record->attributed(0).attributes()), ElementsAre("ccp"));

  // Removing the label from the whole batch leaves the retired credits as
  // they were retired.
  ASSERT_TRUE(IsAccepted(Label(pb::LABEL_REMOVE, "ccp", {}, 1)));
  using T = std::tuple<uint64_t, uint64_t, std::vector<std::string>>;
  EXPECT_THAT(Partition(), ElementsAre(T{1, 20, {"ccp"}}, T{21, 30, {}}, T{31, 100, {}}));
  // Unlabelled credits move with no labelled runs in their entry.
  Verdict moved = h_.TransferQuantity("organiser", "developer", 1, 5);
  ASSERT_TRUE(IsAccepted(moved));
  EXPECT_EQ(AcceptedOf(moved).effects.attributed_size(), 0);
}

TEST_F(LabelTest, LabelsSurviveReopeningAndReplay) {
  ASSERT_TRUE(IsAccepted(Label(pb::LABEL_ADD, "ccb", {Serials(1, 1, 50)})));
  ASSERT_TRUE(IsAccepted(h_.TransferQuantity("developer", "organiser", 1, 60)));
  ASSERT_TRUE(IsAccepted(h_.RetireQuantity("organiser", 1, 40)));
  Hash digest = h_.registry().StateDigest().value();
  h_.Reopen();
  EXPECT_EQ(h_.registry().StateDigest().value(), digest);
  EXPECT_THAT(Labels(h_.registry().Holdings("organiser").value()[0].attributes[0]),
              ElementsAre("ccb"));
  creg::testing::ReplicaRegistry replica;
  Registry::Group group = replica.registry->BeginGroup();
  for (uint64_t i = 0; i < h_.registry().log().size(); ++i) {
    ASSERT_TRUE(replica.registry->ReplayEntry(group, h_.registry().log().Entry(i).value()).ok())
        << i;
  }
  ASSERT_TRUE(replica.registry->Commit(std::move(group)).ok());
  EXPECT_EQ(replica.registry->StateDigest().value(), digest);
}

TEST_F(LabelTest, InvalidLabelIsRefused) {
  for (const char* bad : {"CCP", "corsia:2026-2024", "other:", "gold"}) {
    ExpectRefused(LabelBody(pb::LABEL_ADD, bad, {}, 1), RuleCode::kInvalidLabel);
  }
}

TEST_F(LabelTest, AddingALabelSomeCreditsCarryIsRefused) {
  ASSERT_TRUE(IsAccepted(Label(pb::LABEL_ADD, "ccp", {Serials(1, 40, 40)})));
  ExpectRefused(LabelBody(pb::LABEL_ADD, "ccp", {}, 1), RuleCode::kLabelPresent);
}

TEST_F(LabelTest, RemovingALabelSomeCreditsLackIsRefused) {
  ASSERT_TRUE(IsAccepted(Label(pb::LABEL_ADD, "ccp", {Serials(1, 1, 50)})));
  ExpectRefused(LabelBody(pb::LABEL_REMOVE, "ccp", {}, 1), RuleCode::kLabelAbsent);
  ExpectRefused(LabelBody(pb::LABEL_REMOVE, "ccb", {Serials(1, 1, 5)}), RuleCode::kLabelAbsent);
}

TEST_F(LabelTest, ANinthLabelIsRefused) {
  for (int i = 0; i < kMaxLabelsPerBlock; ++i) {
    ASSERT_TRUE(IsAccepted(AddToBatch("other:mark-" + std::to_string(i))));
  }
  ExpectRefused(LabelBody(pb::LABEL_ADD, "ccp", {Serials(1, 1, 1)}), RuleCode::kTooManyLabels);
}

TEST_F(LabelTest, OnlyRetiredOrCancelledCreditsAreRefused) {
  ASSERT_TRUE(IsAccepted(h_.RetireQuantity("developer", 1, 10)));
  ASSERT_TRUE(IsAccepted(h_.CancelQuantity("developer", 1, 10)));
  ExpectRefused(LabelBody(pb::LABEL_ADD, "ccp", {Serials(1, 1, 20)}), RuleCode::kNoActiveCredits);
  // A selection with active credits labels those and leaves the others.
  ASSERT_TRUE(IsAccepted(Label(pb::LABEL_ADD, "ccp", {Serials(1, 5, 25)})));
  using T = std::tuple<uint64_t, uint64_t, std::vector<std::string>>;
  EXPECT_THAT(Partition(),
              ElementsAre(T{1, 10, {}}, T{11, 20, {}}, T{21, 25, {"ccp"}}, T{26, 100, {}}));
}

TEST_F(LabelTest, OtherRefusals) {
  // Only the operator labels.
  ExpectRefused(LabelBody(pb::LABEL_ADD, "ccp", {}, 1), RuleCode::kNotAuthorized, "developer");
  // Blocks and a batch, or neither.
  ExpectRefused(LabelBody(pb::LABEL_ADD, "ccp", {Serials(1, 1, 2)}, 1), RuleCode::kMalformed);
  ExpectRefused(LabelBody(pb::LABEL_ADD, "ccp", {}, 0), RuleCode::kMalformed);
  ExpectRefused(LabelBody(pb::LABEL_ACTION_UNSPECIFIED, "ccp", {}, 1), RuleCode::kMalformed);
  ExpectRefused(LabelBody(pb::LABEL_ADD, "ccp", {}, 7), RuleCode::kUnknownBatch);
  ExpectRefused(LabelBody(pb::LABEL_ADD, "ccp", {Serials(1, 90, 101)}), RuleCode::kInvalidSerials);
  ExpectRefused(LabelBody(pb::LABEL_ADD, "ccp", {}, 1, ""), RuleCode::kMalformed);
  ExpectRefused(LabelBody(pb::LABEL_ADD, "ccp", {}, 1, "ref\xe2\x80\xae"), RuleCode::kInvalidText);
}

}  // namespace
}  // namespace creg
