// Registry records as JSON objects with stable field names: the --json
// format of creg (docs/cli.md, "JSON output") and the objects of the node's
// JSON API (docs/http.md). Pure functions, thread-safe.
#pragma once

#include "creg/effects.pb.h"
#include "creg/state.pb.h"
#include "creg/wire.pb.h"
#include "ledger/json.h"

namespace creg {

json::Value SerialBlockJson(const pb::SerialBlock& block);
json::Value SerialBlocksJson(const google::protobuf::RepeatedPtrField<pb::SerialBlock>& blocks);
// ["ccp", ...] (always an array).
json::Value LabelsJson(const pb::BlockAttributes& attributes);
// [{"batch", "first", "last", "labels"}, ...]: runs of credits and their
// labels (a retirement's or a move's labelled credits).
json::Value LabelledJson(const google::protobuf::RepeatedPtrField<pb::AttributedBlock>& runs);
// {"party", "reference", "date", "uses": ["ndc", ...], "first_transfer"}.
json::Value AuthorizationJson(const pb::Article6Authorization& authorization);
// The Article 6 facts of credits: {"authorization": {...} or null,
// "adjustment": "not-required" | "pending" | "applied",
// "adjustment_reference", "first_transfer_entry": N or null}.
json::Value Article6Json(const pb::BlockAttributes& attributes);
// [{"batch", "first", "last", "article6": {...}}, ...]: the runs of
// authorised credits among `runs`.
json::Value AuthorisedJson(const google::protobuf::RepeatedPtrField<pb::AttributedBlock>& runs);
json::Value AccountJson(const pb::AccountRecord& account);
json::Value ProjectJson(const pb::ProjectRecord& project);
json::Value BatchJson(const pb::BatchRecord& batch);
json::Value BlockRecordJson(const pb::BlockRecord& block);
json::Value RetirementJson(const pb::RetirementRecord& retirement);
// RetirementJson and "serials": the serial string of each block.
json::Value RetirementResponseJson(const pb::RetirementResponse& response);
// The batch's fields and "project": ProjectJson (creg batch --json
// without its "blocks").
json::Value BatchWithProjectJson(const pb::BatchRecord& batch, const pb::ProjectRecord& project);
// {"origin", "tree_size", "checkpoint_size", "verifier_key", "version",
//  "accepting_writes", "fault"}.
json::Value StatusJson(const pb::StatusResponse& status);
json::Value EffectsJson(const pb::Effects& effects);
// {"verdict": "committed"|"duplicate", "entry_index", "tree_size", "tx_id",
//  and the effects' fields}.
json::Value CommittedJson(const pb::Committed& committed);

}  // namespace creg
