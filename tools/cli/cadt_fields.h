// Registry records in the field names of the Climate Action Data Trust
// (CAD Trust, CADT) data model: a project, an issuance (one per batch) and a
// unit (one per serial block). Only the fields creg holds are written; a
// field creg has no value for is left out rather than guessed.
// docs/cadt.md has the mapping, field by field.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "creg/state.pb.h"
#include "ledger/json.h"

namespace creg::cli {

// CADT unitStatus of a block: "Held", "Retired" or "Cancelled"; "" for a
// status creg does not define.
std::string CadtUnitStatus(pb::BlockStatus status);

// CADT correspondingAdjustmentDeclaration of credits with adjustment status
// `status`: "Committed" (pending, applied) or "Not Required"; "" for a
// status creg does not define.
std::string CadtAdjustmentDeclaration(pb::AdjustmentStatus status);

// CADT correspondingAdjustmentStatus: "Not Applicable" (not-required),
// "Pending" or "Completed" (applied); "" for a status creg does not define.
std::string CadtAdjustmentStatus(pb::AdjustmentStatus status);

// The CADT issuance id of a batch: its number, as a string (CADT ids are
// strings).
std::string CadtIssuanceId(uint64_t batch);

// A project. `origin`: the registry's origin (currentRegistry,
// registryOfOrigin); `registered_micros`: when it was registered
// (projectStatusDate).
json::Value CadtProject(const pb::ProjectRecord& project, const std::string& origin,
                        int64_t registered_micros);

// The issuance of a batch.
json::Value CadtIssuance(const pb::BatchRecord& batch);

// Why a unit is no longer held: from its retirement, or from the
// cancellation that removed it.
struct UnitStatusDetails {
  std::string reason;       // unitStatusReason
  int64_t micros = 0;       // unitStatusDate
  std::string beneficiary;  // unitRetirementBeneficiary (retired units)
  std::string detail;       // unitRetirementDetail (retired units; may be empty)
};
UnitStatusDetails RetirementDetails(const pb::RetirementRecord& retirement);

// A unit: one block of `batch` (of `project`), as it stands, with its
// labels (a `labels` child record each, holding `label` only) and its
// corresponding adjustment declaration and status (left out for a status
// creg does not define). `details`: for retired and cancelled blocks,
// nullptr for held ones.
json::Value CadtUnit(const pb::BatchRecord& batch, const pb::ProjectRecord& project,
                     const pb::BlockRecord& block, const UnitStatusDetails* details);

}  // namespace creg::cli
