#include "ledger/records/record_json.h"

#include "ledger/encoding.h"
#include "ledger/records/names.h"
#include "ledger/registry/article6.h"

namespace creg {

json::Value SerialBlockJson(const pb::SerialBlock& block) {
  json::Value v = json::Value::EmptyObject();
  v.Set("batch", block.batch());
  v.Set("first", block.first());
  v.Set("last", block.last());
  return v;
}

json::Value SerialBlocksJson(const google::protobuf::RepeatedPtrField<pb::SerialBlock>& blocks) {
  json::Value v = json::Value::EmptyArray();
  for (const pb::SerialBlock& b : blocks) v.Append(SerialBlockJson(b));
  return v;
}

json::Value LabelsJson(const pb::BlockAttributes& attributes) {
  json::Value v = json::Value::EmptyArray();
  for (const std::string& label : attributes.labels()) v.Append(label);
  return v;
}

json::Value LabelledJson(const google::protobuf::RepeatedPtrField<pb::AttributedBlock>& runs) {
  json::Value v = json::Value::EmptyArray();
  for (const pb::AttributedBlock& run : runs) {
    if (run.attributes().labels_size() == 0) continue;
    json::Value one = SerialBlockJson(run.block());
    one.Set("labels", LabelsJson(run.attributes()));
    v.Append(std::move(one));
  }
  return v;
}

json::Value AuthorizationJson(const pb::Article6Authorization& authorization) {
  json::Value v = json::Value::EmptyObject();
  v.Set("party", authorization.party());
  v.Set("reference", authorization.reference());
  v.Set("date", authorization.date());
  json::Value uses = json::Value::EmptyArray();
  for (int use : authorization.uses())
    uses.Append(AuthorizedUseName(static_cast<pb::AuthorizedUse>(use)));
  v.Set("uses", std::move(uses));
  v.Set("first_transfer", FirstTransferName(authorization.first_transfer()));
  return v;
}

json::Value Article6Json(const pb::BlockAttributes& attributes) {
  json::Value v = json::Value::EmptyObject();
  v.Set("authorization", attributes.has_authorization()
                             ? AuthorizationJson(attributes.authorization())
                             : json::Value());
  v.Set("adjustment", AdjustmentStatusName(attributes.adjustment()));
  v.Set("adjustment_reference", attributes.adjustment_reference());
  v.Set("first_transfer_entry", attributes.first_transfer_entry() == 0
                                    ? json::Value()
                                    : json::Value(attributes.first_transfer_entry()));
  return v;
}

json::Value AuthorisedJson(const google::protobuf::RepeatedPtrField<pb::AttributedBlock>& runs) {
  json::Value v = json::Value::EmptyArray();
  for (const pb::AttributedBlock& run : runs) {
    if (!run.attributes().has_authorization()) continue;
    json::Value one = SerialBlockJson(run.block());
    one.Set("article6", Article6Json(run.attributes()));
    v.Append(std::move(one));
  }
  return v;
}

json::Value AccountJson(const pb::AccountRecord& account) {
  json::Value v = json::Value::EmptyObject();
  v.Set("account_id", account.account_id());
  v.Set("role", RoleName(account.role()));
  v.Set("display_name", account.display_name());
  v.Set("status", AccountStatusName(account.status()));
  v.Set("status_reason", account.status_reason());
  v.Set("public_key", Base64Encode(account.public_key()));
  if (account.additional_keys_size() > 0) {
    json::Array more;
    for (const std::string& key : account.additional_keys()) more.emplace_back(Base64Encode(key));
    v.Set("additional_keys", json::Value(std::move(more)));
    v.Set("threshold", uint64_t{account.threshold()});
  }
  v.Set("opened_at_entry", account.opened_at_entry());
  return v;
}

json::Value ProjectJson(const pb::ProjectRecord& project) {
  json::Value v = json::Value::EmptyObject();
  v.Set("project_id", project.project_id());
  v.Set("name", project.name());
  v.Set("standard", project.standard());
  v.Set("methodology", project.methodology());
  v.Set("country", project.country());
  v.Set("proponent", project.proponent());
  v.Set("registered_at_entry", project.registered_at_entry());
  return v;
}

json::Value BatchJson(const pb::BatchRecord& batch) {
  json::Value v = json::Value::EmptyObject();
  v.Set("batch", batch.batch());
  v.Set("project_id", batch.project_id());
  v.Set("vintage_start", batch.vintage_start());
  v.Set("vintage_end", batch.vintage_end());
  v.Set("quantity", batch.quantity());
  v.Set("issued_to", batch.issued_to());
  v.Set("verification_ref", batch.verification_ref());
  v.Set("issued_at_entry", batch.issued_at_entry());
  v.Set("issued_at", IsoTime(batch.issued_micros()));
  return v;
}

json::Value BlockRecordJson(const pb::BlockRecord& block) {
  json::Value v = json::Value::EmptyObject();
  v.Set("first", block.first());
  v.Set("last", block.last());
  v.Set("quantity", block.last() - block.first() + 1);
  v.Set("owner", block.owner());
  v.Set("status", BlockStatusName(block.status()));
  v.Set("retirement_id", block.retirement_id());
  v.Set("changed_at_entry", block.changed_at_entry());
  v.Set("labels", LabelsJson(block.attributes()));
  v.Set("article6", Article6Json(block.attributes()));
  return v;
}

json::Value RetirementJson(const pb::RetirementRecord& r) {
  json::Value v = json::Value::EmptyObject();
  v.Set("retirement_id", r.retirement_id());
  v.Set("entry_index", r.entry_index());
  v.Set("account", r.account());
  v.Set("quantity", r.quantity());
  v.Set("blocks", SerialBlocksJson(r.blocks()));
  v.Set("beneficiary", r.beneficiary());
  v.Set("reason", ReasonName(r.reason()));
  v.Set("details", r.details());
  v.Set("country_of_use", r.country_of_use());
  v.Set("claim_reference", r.claim_reference());
  v.Set("retired_at", IsoTime(r.retired_micros()));
  v.Set("labelled", LabelledJson(r.attributed()));
  v.Set("use", CreditUseName(r.use()));
  v.Set("using_entity", r.using_entity());
  v.Set("authorised", AuthorisedJson(r.attributed()));
  return v;
}

json::Value RetirementResponseJson(const pb::RetirementResponse& response) {
  json::Value v = RetirementJson(response.retirement());
  json::Value serials = json::Value::EmptyArray();
  for (const std::string& s : response.serials()) serials.Append(s);
  v.Set("serials", std::move(serials));
  return v;
}

json::Value BatchWithProjectJson(const pb::BatchRecord& batch, const pb::ProjectRecord& project) {
  json::Value v = BatchJson(batch);
  v.Set("project", ProjectJson(project));
  return v;
}

json::Value StatusJson(const pb::StatusResponse& s) {
  json::Value v = json::Value::EmptyObject();
  v.Set("origin", s.origin());
  v.Set("tree_size", s.tree_size());
  v.Set("checkpoint_size", s.checkpoint_size());
  v.Set("verifier_key", s.verifier_key());
  v.Set("version", s.version());
  v.Set("accepting_writes", s.accepting_writes());
  v.Set("fault", s.fault());
  v.Set("witness_quorum", static_cast<uint64_t>(s.witness_quorum()));
  json::Value witnesses = json::Value::EmptyArray();
  for (const pb::WitnessStatus& w : s.witnesses()) {
    json::Value one = json::Value::EmptyObject();
    one.Set("url", w.url());
    one.Set("cosigned_size", w.cosigned_size());
    one.Set("error", w.error());
    witnesses.Append(std::move(one));
  }
  v.Set("witnesses", std::move(witnesses));
  v.Set("publication_fault", s.publication_fault());
  v.Set("role", s.role().empty() ? std::string("writer") : s.role());
  if (s.role() == "mirror") {
    v.Set("writer", s.writer());
    v.Set("writer_checkpoint_size", s.writer_checkpoint_size());
    v.Set("replication_error", s.replication_error());
    v.Set("replication_alarm", s.replication_alarm());
  }
  if (!s.cluster().empty()) {
    v.Set("cluster", s.cluster());
    v.Set("term", s.term());
  }
  v.Set("quarantined_entries", s.quarantined_entries());
  if (s.sync_mirrors_required() > 0) {
    v.Set("sync_mirrors_required", static_cast<uint64_t>(s.sync_mirrors_required()));
    v.Set("sync_mirrors_connected", static_cast<uint64_t>(s.sync_mirrors_connected()));
    v.Set("synced_size", s.synced_size());
  }
  return v;
}

json::Value EffectsJson(const pb::Effects& e) {
  json::Value v = json::Value::EmptyObject();
  v.Set("tx_id", HexEncode(e.tx_id()));
  if (e.batch() != 0) v.Set("batch", e.batch());
  if (e.blocks_size() > 0) v.Set("blocks", SerialBlocksJson(e.blocks()));
  if (!e.retirement_id().empty()) v.Set("retirement_id", e.retirement_id());
  if (e.quantity() != 0) v.Set("quantity", e.quantity());
  if (e.attributed_size() > 0) {
    v.Set("labelled", LabelledJson(e.attributed()));
    v.Set("authorised", AuthorisedJson(e.attributed()));
  }
  return v;
}

json::Value CommittedJson(const pb::Committed& c) {
  json::Value v = json::Value::EmptyObject();
  v.Set("verdict", c.duplicate() ? "duplicate" : "committed");
  v.Set("entry_index", c.entry_index());
  v.Set("tree_size", c.tree_size());
  json::Value effects = EffectsJson(c.effects());
  for (auto& [key, value] : effects.as_object()) v.Set(key, std::move(value));
  return v;
}

}  // namespace creg
