// tools/cli/cadt_fields.h on its own: CADT objects made from records, the
// unit and adjustment status vocabularies, labels, and what is left out
// when creg has no value for it.
#include "tools/cli/cadt_fields.h"

#include <gtest/gtest.h>

namespace creg::cli {
namespace {

pb::BatchRecord Batch() {
  pb::BatchRecord batch;
  batch.set_batch(7);
  batch.set_project_id("ke-cook-01");
  batch.set_vintage_start("2024-07-01");
  batch.set_vintage_end("2025-06-30");
  batch.set_quantity(100);
  return batch;
}

pb::ProjectRecord Project() {
  pb::ProjectRecord project;
  project.set_project_id("ke-cook-01");
  project.set_name("Nairobi Stoves");
  project.set_standard("GS");
  project.set_methodology("TPDDTEC");
  project.set_country("KE");
  project.set_proponent("developer");
  return project;
}

pb::BlockRecord Block(uint64_t first, uint64_t last, pb::BlockStatus status) {
  pb::BlockRecord block;
  block.set_first(first);
  block.set_last(last);
  block.set_owner("organiser");
  block.set_status(status);
  return block;
}

TEST(CadtFieldsTest, UnitStatusVocabulary) {
  EXPECT_EQ(CadtUnitStatus(pb::BLOCK_ACTIVE), "Held");
  EXPECT_EQ(CadtUnitStatus(pb::BLOCK_RETIRED), "Retired");
  EXPECT_EQ(CadtUnitStatus(pb::BLOCK_CANCELLED), "Cancelled");
  EXPECT_EQ(CadtUnitStatus(pb::BLOCK_STATUS_UNSPECIFIED), "");
  EXPECT_EQ(CadtUnitStatus(static_cast<pb::BlockStatus>(42)), "");
}

TEST(CadtFieldsTest, AdjustmentVocabulary) {
  EXPECT_EQ(CadtAdjustmentDeclaration(pb::ADJUSTMENT_NOT_REQUIRED), "Not Required");
  EXPECT_EQ(CadtAdjustmentDeclaration(pb::ADJUSTMENT_PENDING), "Committed");
  EXPECT_EQ(CadtAdjustmentDeclaration(pb::ADJUSTMENT_APPLIED), "Committed");
  EXPECT_EQ(CadtAdjustmentDeclaration(static_cast<pb::AdjustmentStatus>(9)), "");
  EXPECT_EQ(CadtAdjustmentStatus(pb::ADJUSTMENT_NOT_REQUIRED), "Not Applicable");
  EXPECT_EQ(CadtAdjustmentStatus(pb::ADJUSTMENT_PENDING), "Pending");
  EXPECT_EQ(CadtAdjustmentStatus(pb::ADJUSTMENT_APPLIED), "Completed");
  EXPECT_EQ(CadtAdjustmentStatus(static_cast<pb::AdjustmentStatus>(9)), "");
}

TEST(CadtFieldsTest, LabelsAndAdjustmentOfAUnit) {
  pb::BlockRecord block = Block(1, 10, pb::BLOCK_ACTIVE);
  block.mutable_attributes()->add_labels("ccp");
  block.mutable_attributes()->add_labels("corsia:2024-2026");
  block.mutable_attributes()->mutable_authorization()->set_party("KE");
  block.mutable_attributes()->set_adjustment(pb::ADJUSTMENT_APPLIED);
  json::Value unit = CadtUnit(Batch(), Project(), block, nullptr);
  EXPECT_EQ(unit.GetString("correspondingAdjustmentDeclaration").value(), "Committed");
  EXPECT_EQ(unit.GetString("correspondingAdjustmentStatus").value(), "Completed");
  ASSERT_NE(unit.Find("labels"), nullptr);
  EXPECT_EQ(json::Serialize(*unit.Find("labels")),
            R"([{"label":"ccp"},{"label":"corsia:2024-2026"}])");
  // A status this creg does not define has no CADT value: both left out.
  block.mutable_attributes()->set_adjustment(static_cast<pb::AdjustmentStatus>(9));
  unit = CadtUnit(Batch(), Project(), block, nullptr);
  EXPECT_EQ(unit.Find("correspondingAdjustmentDeclaration"), nullptr);
  EXPECT_EQ(unit.Find("correspondingAdjustmentStatus"), nullptr);
}

TEST(CadtFieldsTest, HeldUnitHasNoStatusReason) {
  json::Value unit = CadtUnit(Batch(), Project(), Block(11, 40, pb::BLOCK_ACTIVE), nullptr);
  EXPECT_EQ(unit.GetString("issuanceId").value(), "7");
  EXPECT_EQ(unit.GetString("serialNumberBlock").value(),
            "7-11-40-CREG-GS-KE-ke-cook-01-20240701-20250630");
  EXPECT_EQ(unit.GetString("unitBlockStart").value(),
            "7-11-11-CREG-GS-KE-ke-cook-01-20240701-20250630");
  EXPECT_EQ(unit.GetString("unitBlockEnd").value(),
            "7-40-40-CREG-GS-KE-ke-cook-01-20240701-20250630");
  EXPECT_EQ(unit.GetUint("unitCount").value(), 30u);
  EXPECT_EQ(unit.GetUint("vintageYear").value(), 2024u);  // the vintage start's year
  EXPECT_EQ(unit.GetString("unitStatus").value(), "Held");
  // Credits without an authorisation need no corresponding adjustment.
  EXPECT_EQ(unit.GetString("correspondingAdjustmentDeclaration").value(), "Not Required");
  EXPECT_EQ(unit.GetString("correspondingAdjustmentStatus").value(), "Not Applicable");
  for (const char* absent : {"unitStatusReason", "unitStatusDate", "unitRetirementBeneficiary",
                             "unitRetirementDetail", "labels"}) {
    EXPECT_EQ(unit.Find(absent), nullptr) << absent;
  }
}

TEST(CadtFieldsTest, RetiredUnitFromItsRetirement) {
  pb::RetirementRecord retirement;
  retirement.set_retirement_id("R9");
  retirement.set_beneficiary("Forum \"Beijing\"");
  retirement.set_reason(pb::VOLUNTARY_EVENT_OFFSET);
  retirement.set_retired_micros(1'767'225'600'000'000);  // 2026-01-01T00:00:00Z
  UnitStatusDetails details = RetirementDetails(retirement);
  json::Value unit = CadtUnit(Batch(), Project(), Block(1, 10, pb::BLOCK_RETIRED), &details);
  EXPECT_EQ(unit.GetString("unitStatus").value(), "Retired");
  EXPECT_EQ(unit.GetString("unitStatusReason").value(), "voluntary-event-offset");
  EXPECT_EQ(unit.GetString("unitStatusDate").value(), "2026-01-01T00:00:00Z");
  EXPECT_EQ(unit.GetString("unitRetirementBeneficiary").value(), "Forum \"Beijing\"");
  EXPECT_EQ(unit.Find("unitRetirementDetail"), nullptr);  // no details given
  // The quotes survive a round trip through the JSON text.
  StatusOr<json::Value> again = json::Parse(json::Serialize(unit));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, unit);
}

TEST(CadtFieldsTest, CancelledUnitHasNoBeneficiary) {
  UnitStatusDetails details{"buffer pool", 0, "", ""};
  json::Value unit = CadtUnit(Batch(), Project(), Block(91, 100, pb::BLOCK_CANCELLED), &details);
  EXPECT_EQ(unit.GetString("unitStatus").value(), "Cancelled");
  EXPECT_EQ(unit.GetString("unitStatusReason").value(), "buffer pool");
  EXPECT_EQ(unit.Find("unitStatusDate"), nullptr);  // time unknown: left out
  EXPECT_EQ(unit.Find("unitRetirementBeneficiary"), nullptr);
}

TEST(CadtFieldsTest, VintageYearLeftOutWhenNotADate) {
  pb::BatchRecord batch = Batch();
  batch.set_vintage_start("20x4-01-01");
  EXPECT_EQ(CadtUnit(batch, Project(), Block(1, 1, pb::BLOCK_ACTIVE), nullptr).Find("vintageYear"),
            nullptr);
  batch.set_vintage_start("");
  EXPECT_EQ(CadtUnit(batch, Project(), Block(1, 1, pb::BLOCK_ACTIVE), nullptr).Find("vintageYear"),
            nullptr);
}

TEST(CadtFieldsTest, ProjectAndIssuance) {
  json::Value project = CadtProject(Project(), "registry.example", 0);
  EXPECT_EQ(project.GetString("warehouseProjectId").value(), "ke-cook-01");
  EXPECT_EQ(project.GetString("currentRegistry").value(), "registry.example");
  EXPECT_EQ(project.GetString("program").value(), "GS");
  EXPECT_EQ(project.GetString("projectDeveloper").value(), "developer");
  EXPECT_EQ(project.Find("projectStatusDate"), nullptr);  // registration time unknown
  json::Value issuance = CadtIssuance(Batch());
  EXPECT_EQ(issuance.GetString("id").value(), "7");
  EXPECT_EQ(issuance.GetString("warehouseProjectId").value(), "ke-cook-01");
  EXPECT_EQ(issuance.GetString("startDate").value(), "2024-07-01");
  EXPECT_EQ(issuance.GetString("endDate").value(), "2025-06-30");
}

}  // namespace
}  // namespace creg::cli
