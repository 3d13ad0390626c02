#include "tools/cli/records.h"

#include "ledger/encoding.h"
#include "ledger/registry/article6.h"

namespace creg::cli {

Fields AccountFields(const pb::AccountRecord& a) {
  std::string status = AccountStatusName(a.status());
  if (!a.status_reason().empty()) status += " (" + a.status_reason() + ")";
  Fields fields = {{"account", a.account_id()},
                   {"name", a.display_name()},
                   {"role", RoleName(a.role())},
                   {"status", status},
                   {"public key", Base64Encode(a.public_key())}};
  for (int i = 0; i < a.additional_keys_size(); ++i) {
    fields.push_back({"public key " + std::to_string(i + 2), Base64Encode(a.additional_keys(i))});
  }
  if (a.additional_keys_size() > 0) {
    fields.push_back({"signatures needed", std::to_string(a.threshold()) + " of " +
                                               std::to_string(a.additional_keys_size() + 1)});
  }
  fields.push_back({"opened at entry", std::to_string(a.opened_at_entry())});
  return fields;
}

Fields ProjectFields(const pb::ProjectRecord& p) {
  return {{"project", p.project_id()},
          {"name", p.name()},
          {"standard", p.standard()},
          {"methodology", p.methodology()},
          {"country", p.country()},
          {"proponent", p.proponent()},
          {"registered at entry", std::to_string(p.registered_at_entry())}};
}

Fields BatchFields(const pb::BatchRecord& b) {
  return {{"batch", std::to_string(b.batch())},
          {"project", b.project_id()},
          {"vintage", b.vintage_start() + " to " + b.vintage_end()},
          {"quantity", std::to_string(b.quantity())},
          {"issued to", b.issued_to()},
          {"verification", b.verification_ref()},
          {"issued at", IsoTime(b.issued_micros())},
          {"issued at entry", std::to_string(b.issued_at_entry())}};
}

Fields RetirementFields(const pb::RetirementRecord& r) {
  std::string labels;
  for (const pb::AttributedBlock& run : r.attributed()) {
    if (run.attributes().labels_size() == 0) continue;
    labels +=
        (labels.empty() ? "" : "; ") + BlockText(run.block()) + " " + LabelsText(run.attributes());
  }
  std::string authorised;
  for (const pb::AttributedBlock& run : r.attributed()) {
    if (!run.attributes().has_authorization()) continue;
    authorised += (authorised.empty() ? "" : "; ") + BlockText(run.block()) + " " +
                  Article6Summary(run.attributes());
  }
  return {{"retirement", r.retirement_id()},
          {"account", r.account()},
          {"quantity", std::to_string(r.quantity())},
          {"serials", BlocksText(r.blocks())},
          {"labels", labels.empty() ? "none" : labels},
          {"beneficiary", r.beneficiary()},
          {"reason", ReasonName(r.reason())},
          {"details", r.details()},
          {"country of use", r.country_of_use()},
          {"claim reference", r.claim_reference()},
          {"use", CreditUseName(r.use())},
          {"using entity", r.using_entity()},
          {"Article 6 when retired", authorised.empty() ? "not authorised" : authorised},
          {"retired at", IsoTime(r.retired_micros())},
          {"entry", std::to_string(r.entry_index())}};
}

std::string CommittedLine(const pb::Committed& c) {
  std::string where = "entry " + std::to_string(c.entry_index());
  return c.duplicate() ? "already committed as " + where + " (nothing was applied again)"
                       : "committed as " + where;
}

}  // namespace creg::cli
