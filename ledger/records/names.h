// The names and notations creg shows for registry values: times, enum
// names, serial blocks, quantities. Stable: they are part of the --json
// format (docs/cli.md) and of the node's JSON API (docs/http.md). Pure
// functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "creg/state.pb.h"
#include "creg/transaction.pb.h"

namespace creg {

// Microseconds since the Unix epoch as "2026-05-01T12:00:00Z" (UTC); "" for 0.
std::string IsoTime(int64_t micros);

// Enum names: lower case with dashes.
std::string ReasonName(pb::RetirementReason reason);  // "voluntary-event-offset"
std::optional<pb::RetirementReason> ParseReason(std::string_view name);
// The reason names with a description each, one per line, for --help.
std::string ReasonList();
std::string RoleName(pb::Role role);  // "operator", "holder", "auditor"
// The inverse of RoleName for the three roles an account can be opened with.
std::optional<pb::Role> RoleNamed(std::string_view name);
std::string AccountStatusName(pb::AccountStatus status);  // "active", ...
std::string BlockStatusName(pb::BlockStatus status);      // "active", "retired", ...

// "BATCH:FIRST-LAST" (the serial notation of docs/cli.md).
std::string BlockText(const pb::SerialBlock& block);
std::string BlocksText(const google::protobuf::RepeatedPtrField<pb::SerialBlock>& blocks);

// "ccp, corsia:2024-2026"; "" for none.
std::string LabelsText(const pb::BlockAttributes& attributes);
// "add", "remove".
std::string LabelActionName(pb::LabelAction action);
// "batch 3" or "1:1-100,1:201-300".
std::string BlockSelectionText(const pb::BlockSelection& selection);

// "1 credit", "500 credits".
std::string Credits(uint64_t n);

}  // namespace creg
