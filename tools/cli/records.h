// Registry records as creg shows them: JSON objects with stable field names
// (the --json format, docs/cli.md) and "key: value" fields for people.
#pragma once

#include <string>

#include "creg/effects.pb.h"
#include "creg/state.pb.h"
#include "creg/wire.pb.h"
#include "ledger/json.h"
#include "tools/cli/output.h"

namespace creg::cli {

json::Value SerialBlockJson(const pb::SerialBlock& block);
json::Value SerialBlocksJson(const google::protobuf::RepeatedPtrField<pb::SerialBlock>& blocks);
json::Value AccountJson(const pb::AccountRecord& account);
json::Value ProjectJson(const pb::ProjectRecord& project);
json::Value BatchJson(const pb::BatchRecord& batch);
json::Value BlockRecordJson(const pb::BlockRecord& block);
json::Value RetirementJson(const pb::RetirementRecord& retirement);
json::Value EffectsJson(const pb::Effects& effects);
// {"verdict": "committed"|"duplicate", "entry_index", "tree_size", "tx_id",
//  and the effects' fields}.
json::Value CommittedJson(const pb::Committed& committed);

Fields AccountFields(const pb::AccountRecord& account);
Fields ProjectFields(const pb::ProjectRecord& project);
Fields BatchFields(const pb::BatchRecord& batch);
Fields RetirementFields(const pb::RetirementRecord& retirement);

// One line for people: "committed as entry 41" or "already committed as
// entry 41 (nothing applied again)".
std::string CommittedLine(const pb::Committed& committed);

}  // namespace creg::cli
