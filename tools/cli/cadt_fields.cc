#include "tools/cli/cadt_fields.h"

#include <cctype>
#include <optional>

#include "ledger/records/names.h"
#include "ledger/registry/registry.h"

namespace creg::cli {
namespace {

// The year of a YYYY-MM-DD date; nullopt if it does not start with one.
std::optional<int> YearOf(const std::string& date) {
  if (date.size() < 4) return std::nullopt;
  int year = 0;
  for (size_t i = 0; i < 4; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(date[i]))) return std::nullopt;
    year = year * 10 + (date[i] - '0');
  }
  return year;
}

}  // namespace

std::string CadtUnitStatus(pb::BlockStatus status) {
  switch (status) {
    case pb::BLOCK_RETIRED:
      return "Retired";
    case pb::BLOCK_CANCELLED:
      return "Cancelled";
    case pb::BLOCK_ACTIVE:
      return "Held";
    default:
      return "";
  }
}

std::string CadtAdjustmentDeclaration(pb::AdjustmentStatus status) {
  switch (status) {
    case pb::ADJUSTMENT_NOT_REQUIRED:
      return "Not Required";
    case pb::ADJUSTMENT_PENDING:
    case pb::ADJUSTMENT_APPLIED:
      return "Committed";
    default:
      return "";
  }
}

std::string CadtAdjustmentStatus(pb::AdjustmentStatus status) {
  switch (status) {
    case pb::ADJUSTMENT_NOT_REQUIRED:
      return "Not Applicable";
    case pb::ADJUSTMENT_PENDING:
      return "Pending";
    case pb::ADJUSTMENT_APPLIED:
      return "Completed";
    default:
      return "";
  }
}

std::string CadtIssuanceId(uint64_t batch) { return std::to_string(batch); }

json::Value CadtProject(const pb::ProjectRecord& project, const std::string& origin,
                        int64_t registered_micros) {
  json::Value location = json::Value::EmptyObject();
  location.Set("country", project.country());
  json::Value out = json::Value::EmptyObject();
  out.Set("warehouseProjectId", project.project_id());
  out.Set("currentRegistry", origin);
  out.Set("registryOfOrigin", origin);
  out.Set("projectId", project.project_id());
  out.Set("originProjectId", project.project_id());
  out.Set("program", project.standard());
  out.Set("projectName", project.name());
  out.Set("projectDeveloper", project.proponent());
  out.Set("projectStatus", "Registered");
  if (registered_micros != 0) out.Set("projectStatusDate", IsoTime(registered_micros));
  out.Set("unitMetric", "tCO2e");
  out.Set("methodology", project.methodology());
  out.Set("projectLocations", json::Array{std::move(location)});
  return out;
}

json::Value CadtIssuance(const pb::BatchRecord& batch) {
  json::Value out = json::Value::EmptyObject();
  out.Set("id", CadtIssuanceId(batch.batch()));
  out.Set("warehouseProjectId", batch.project_id());
  out.Set("startDate", batch.vintage_start());
  out.Set("endDate", batch.vintage_end());
  return out;
}

UnitStatusDetails RetirementDetails(const pb::RetirementRecord& retirement) {
  return {ReasonName(retirement.reason()), retirement.retired_micros(), retirement.beneficiary(),
          retirement.details()};
}

json::Value CadtUnit(const pb::BatchRecord& batch, const pb::ProjectRecord& project,
                     const pb::BlockRecord& block, const UnitStatusDetails* details) {
  json::Value out = json::Value::EmptyObject();
  out.Set("issuanceId", CadtIssuanceId(batch.batch()));
  out.Set("unitOwner", block.owner());
  out.Set("serialNumberBlock", SerialString(batch, project, block.first(), block.last()));
  out.Set("unitBlockStart", SerialString(batch, project, block.first(), block.first()));
  out.Set("unitBlockEnd", SerialString(batch, project, block.last(), block.last()));
  out.Set("unitCount", block.last() - block.first() + 1);
  if (std::optional<int> year = YearOf(batch.vintage_start())) out.Set("vintageYear", *year);
  out.Set("unitStatus", CadtUnitStatus(block.status()));
  const pb::BlockAttributes& attributes = block.attributes();
  // A status of a later creg has no CADT value here: left out.
  if (std::string status = CadtAdjustmentStatus(attributes.adjustment()); !status.empty()) {
    out.Set("correspondingAdjustmentDeclaration",
            CadtAdjustmentDeclaration(attributes.adjustment()));
    out.Set("correspondingAdjustmentStatus", status);
  }
  if (attributes.labels_size() > 0) {
    json::Array labels;
    for (const std::string& label : attributes.labels()) {
      json::Value record = json::Value::EmptyObject();
      record.Set("label", label);
      labels.push_back(std::move(record));
    }
    out.Set("labels", std::move(labels));
  }
  if (details != nullptr) {
    out.Set("unitStatusReason", details->reason);
    if (details->micros != 0) out.Set("unitStatusDate", IsoTime(details->micros));
    if (block.status() == pb::BLOCK_RETIRED) {
      out.Set("unitRetirementBeneficiary", details->beneficiary);
      if (!details->detail.empty()) out.Set("unitRetirementDetail", details->detail);
    }
  }
  return out;
}

}  // namespace creg::cli
