// Registry records as creg shows them to people: "key: value" fields. The
// JSON objects (the --json format) are in ledger/records/record_json.h.
#pragma once

#include <string>

#include "creg/effects.pb.h"
#include "creg/state.pb.h"
#include "creg/wire.pb.h"
#include "ledger/records/record_json.h"
#include "tools/cli/output.h"

namespace creg::cli {

Fields AccountFields(const pb::AccountRecord& account);
Fields ProjectFields(const pb::ProjectRecord& project);
Fields BatchFields(const pb::BatchRecord& batch);
Fields RetirementFields(const pb::RetirementRecord& retirement);

// One line for people: "committed as entry 41" or "already committed as
// entry 41 (nothing applied again)".
std::string CommittedLine(const pb::Committed& committed);

}  // namespace creg::cli
