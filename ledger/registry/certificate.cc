#include "ledger/registry/certificate.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <set>
#include <span>

#include "ledger/encoding.h"
#include "ledger/json.h"
#include "ledger/registry/article6.h"
#include "ledger/registry/internal/certificate_checks.h"

namespace creg {
namespace {

namespace check = cert_check;

using internal::Evidence;
using internal::ProvenEntry;

Status Fail(std::string_view check, const std::string& detail,
            StatusCode code = StatusCode::kDataLoss) {
  return internal::CertificateFailure(check, detail, code);
}
Status Malformed(const std::string& detail) {
  return Fail(check::kDocument, detail, StatusCode::kInvalidArgument);
}
std::string Quoted(std::string_view s) { return "'" + std::string(s) + "'"; }
std::string N(uint64_t n) { return std::to_string(n); }

json::Value SummaryJson(const VerifiedRetirement& v) {
  json::Array serials(v.serials.begin(), v.serials.end());
  json::Value summary = json::Object{{"retirement_id", v.retirement_id},
                                     {"account", v.account},
                                     {"beneficiary", v.beneficiary},
                                     {"purpose", v.purpose},
                                     {"reason", v.reason},
                                     {"details", v.details},
                                     {"country_of_use", v.country_of_use},
                                     {"claim_reference", v.claim_reference},
                                     {"quantity", v.quantity},
                                     {"serials", std::move(serials)},
                                     {"project_id", v.project_id},
                                     {"retired_at", v.retired_at}};
  if (!v.labels.empty()) {
    json::Array runs;
    for (const LabelledSerials& run : v.labels) {
      runs.emplace_back(json::Object{
          {"serials", run.serials}, {"labels", json::Array(run.labels.begin(), run.labels.end())}});
    }
    summary.Set(std::string(kCertificateLabelsField), json::Value(std::move(runs)));
  }
  if (v.use != "voluntary") summary.Set(std::string(kCertificateUseField), v.use);
  if (!v.using_entity.empty()) {
    summary.Set(std::string(kCertificateUsingEntityField), v.using_entity);
  }
  if (!v.article6.empty()) {
    json::Array runs;
    for (const AuthorisedSerials& run : v.article6) {
      const pb::BlockAttributes& a = run.attributes;
      json::Array uses;
      for (int use : a.authorization().uses()) {
        uses.emplace_back(AuthorizedUseName(static_cast<pb::AuthorizedUse>(use)));
      }
      runs.emplace_back(
          json::Object{{"serials", run.serials},
                       {"party", a.authorization().party()},
                       {"reference", a.authorization().reference()},
                       {"date", a.authorization().date()},
                       {"uses", std::move(uses)},
                       {"first_transfer", FirstTransferName(a.authorization().first_transfer())},
                       {"adjustment", AdjustmentStatusName(a.adjustment())},
                       {"adjustment_reference", a.adjustment_reference()},
                       {"first_transfer_entry", a.first_transfer_entry()}});
    }
    summary.Set(std::string(kCertificateArticle6Field), json::Value(std::move(runs)));
  }
  return summary;
}

// The members of "retirement" that may be absent, and what their absence
// means.
struct OptionalSummaryField {
  std::string_view name;
  json::Value absent;
};
std::vector<OptionalSummaryField> OptionalSummaryFields() {
  return {{kCertificateLabelsField, json::Value::EmptyArray()},
          {kCertificateUseField, json::Value("voluntary")},
          {kCertificateUsingEntityField, json::Value("")},
          {kCertificateArticle6Field, json::Value::EmptyArray()}};
}

json::Value ProvenJson(const ProvenEntry& e) {
  json::Array proof;
  for (const std::string& h : e.proof) proof.emplace_back(Base64Encode(h));
  return json::Object{{"entry_index", e.index},
                      {"entry", Base64Encode(e.bytes)},
                      {"inclusion_proof", std::move(proof)}};
}

// --- reading the document ---

Status ExactMembers(const json::Value& v, std::span<const std::string_view> names,
                    const std::string& where) {
  if (!v.is_object()) return Malformed(where + " is not a JSON object");
  for (const auto& [key, value] : v.as_object()) {
    if (std::find(names.begin(), names.end(), key) == names.end()) {
      return Malformed(where + " has an unknown field " + Quoted(key));
    }
  }
  for (std::string_view name : names) {
    if (v.Find(name) == nullptr) return Malformed(where + " has no field " + Quoted(name));
  }
  return OkStatus();
}

StatusOr<ProvenEntry> ReadProven(const json::Value& v, const std::string& where) {
  static constexpr std::array<std::string_view, 3> kFields = {"entry_index", "entry",
                                                              "inclusion_proof"};
  CREG_RETURN_IF_ERROR(ExactMembers(v, kFields, where));
  ProvenEntry e;
  auto in = [&](const Status& s) { return Malformed(where + ": " + s.message()); };
  StatusOr<uint64_t> index = v.GetUint("entry_index");
  if (!index.ok()) return in(index.status());
  e.index = *index;
  StatusOr<std::string> bytes = v.GetString("entry");
  if (bytes.ok()) bytes = Base64Decode(*bytes);
  if (!bytes.ok()) return in(bytes.status());
  e.bytes = std::move(*bytes);
  StatusOr<const json::Array*> proof = v.GetArray("inclusion_proof");
  if (!proof.ok()) return in(proof.status());
  for (const json::Value& h : **proof) {
    StatusOr<std::string> raw = h.is_string() ? Base64Decode(h.as_string())
                                              : InvalidArgumentError("proof hash is not a string");
    if (!raw.ok()) return in(raw.status());
    e.proof.push_back(std::move(*raw));
  }
  return e;
}

StatusOr<std::vector<ProvenEntry>> ReadProvenList(const json::Value& doc, std::string_view key) {
  StatusOr<const json::Array*> list = doc.GetArray(key);
  if (!list.ok()) return Malformed(list.status().message());
  std::vector<ProvenEntry> out;
  for (size_t i = 0; i < (*list)->size(); ++i) {
    CREG_ASSIGN_OR_RETURN(
        ProvenEntry e, ReadProven((**list)[i], std::string(key) + "[" + std::to_string(i) + "]"));
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

std::string_view FailedCertificateCheck(const Status& status) {
  if (status.ok()) return "";
  std::string_view m = status.message();
  return m.substr(0, m.find(':'));
}

std::string Rfc3339Micros(int64_t micros) {
  int64_t seconds = micros / 1'000'000;
  int64_t fraction = micros % 1'000'000;
  if (fraction < 0) {
    fraction += 1'000'000;
    --seconds;
  }
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[64];
  std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(fraction));
  return out;
}

StatusOr<std::string> BuildRetirementCertificate(const Registry& registry,
                                                 std::string_view retirement_id,
                                                 std::string_view checkpoint_note,
                                                 uint64_t checkpoint_size) {
  CREG_ASSIGN_OR_RETURN(auto record, registry.Retirement(retirement_id));
  if (!record.has_value())
    return NotFoundError("retirement " + Quoted(retirement_id) + " does not exist");
  if (record->entry_index() >= checkpoint_size) {
    return FailedPreconditionError("retirement " + std::string(retirement_id) + " (entry " +
                                   N(record->entry_index()) +
                                   ") is not covered by the checkpoint of size " +
                                   N(checkpoint_size) + "; wait for a later checkpoint");
  }
  size_t blank = checkpoint_note.find("\n\n");
  if (blank == std::string_view::npos)
    return InvalidArgumentError("checkpoint note has no signatures");
  CREG_ASSIGN_OR_RETURN(Checkpoint cp, ParseCheckpointBody(checkpoint_note.substr(0, blank + 1)));
  if (cp.size != checkpoint_size || cp.origin != registry.origin()) {
    return InvalidArgumentError("checkpoint note is for " + Quoted(cp.origin) + " at size " +
                                N(cp.size) + ", not " + Quoted(registry.origin()) + " at size " +
                                N(checkpoint_size));
  }
  CREG_ASSIGN_OR_RETURN(Hash root, registry.log().RootAt(cp.size));
  if (root != cp.root) {
    return FailedPreconditionError("checkpoint root is not this log's root at size " + N(cp.size));
  }

  auto prove = [&](uint64_t index) -> StatusOr<ProvenEntry> {
    ProvenEntry e;
    e.index = index;
    CREG_ASSIGN_OR_RETURN(e.bytes, registry.log().Entry(index));
    CREG_ASSIGN_OR_RETURN(std::vector<Hash> proof, registry.log().InclusionProof(index, cp.size));
    for (const Hash& h : proof) e.proof.push_back(h.str());
    return e;
  };
  Evidence ev;
  ev.origin = registry.origin();
  CREG_ASSIGN_OR_RETURN(ev.retirement, prove(record->entry_index()));
  CREG_ASSIGN_OR_RETURN(auto account, registry.Account(record->account()));
  if (!account.has_value())
    return DataLossError("retiring account " + record->account() + " has no record");
  // The key evidence: the entries that set the account's key before the
  // retirement (its opening, then its rotations), from the key index, so
  // that the cost does not grow with the account's other transactions.
  CREG_ASSIGN_OR_RETURN(std::vector<uint64_t> key_entries,
                        registry.KeyEntries(record->account(), record->entry_index()));
  if (key_entries.empty() || key_entries.front() != account->opened_at_entry()) {
    return DataLossError("the key index of account " + record->account() +
                         " does not start at its opening (entry " + N(account->opened_at_entry()) +
                         ")");
  }
  for (uint64_t index : key_entries) {
    CREG_ASSIGN_OR_RETURN(ProvenEntry evidence, prove(index));
    ev.accounts.push_back(std::move(evidence));
  }
  std::set<std::string> projects;
  std::set<uint64_t> batches;
  for (const pb::SerialBlock& b : record->blocks()) {
    if (!batches.insert(b.batch()).second) continue;
    CREG_ASSIGN_OR_RETURN(auto batch, registry.Batch(b.batch()));
    if (!batch.has_value())
      return DataLossError("retired batch " + N(b.batch()) + " has no record");
    CREG_ASSIGN_OR_RETURN(ProvenEntry issue, prove(batch->issued_at_entry()));
    ev.issuances.push_back(std::move(issue));
    if (!projects.insert(batch->project_id()).second) continue;
    CREG_ASSIGN_OR_RETURN(auto project, registry.Project(batch->project_id()));
    if (!project.has_value())
      return DataLossError("project " + batch->project_id() + " has no record");
    CREG_ASSIGN_OR_RETURN(ProvenEntry registration, prove(project->registered_at_entry()));
    ev.projects.push_back(std::move(registration));
  }
  Evidence checked = ev;
  StatusOr<VerifiedRetirement> facts = internal::CheckCertificateEvidence(checked, cp);
  if (!facts.ok()) {
    return DataLossError("the registry's entries do not make a valid certificate: " +
                         facts.status().message());
  }

  json::Array accounts, issuances, project_entries;
  for (const ProvenEntry& e : ev.accounts) accounts.push_back(ProvenJson(e));
  for (const ProvenEntry& e : ev.issuances) issuances.push_back(ProvenJson(e));
  for (const ProvenEntry& e : ev.projects) project_entries.push_back(ProvenJson(e));
  json::Value doc = ProvenJson(ev.retirement);
  json::Object out{{"format", kCertificateFormat}, {"origin", ev.origin}};
  for (auto& member : doc.as_object()) out.push_back(std::move(member));
  out.emplace_back("checkpoint", checkpoint_note);
  out.emplace_back("accounts", std::move(accounts));
  out.emplace_back("issuances", std::move(issuances));
  out.emplace_back("projects", std::move(project_entries));
  out.emplace_back("retirement", SummaryJson(*facts));
  return json::Serialize(json::Value(std::move(out)), /*pretty=*/true) + "\n";
}

StatusOr<VerifiedRetirement> VerifyRetirementCertificate(std::string_view text,
                                                         const NoteVerifier& verifier) {
  StatusOr<json::Value> parsed = json::Parse(text);
  if (!parsed.ok()) return Malformed("not a JSON document: " + parsed.status().message());
  const json::Value& doc = *parsed;
  const json::Value* format = doc.Find("format");
  if (format == nullptr || !format->is_string() || format->as_string() != kCertificateFormat) {
    return Fail(check::kFormat,
                "expected format " + Quoted(kCertificateFormat) + ", found " +
                    (format == nullptr ? "none" : json::Serialize(*format)),
                StatusCode::kInvalidArgument);
  }
  static constexpr std::array<std::string_view, 10> kFields = {
      "format",     "origin",   "entry_index", "entry",    "inclusion_proof",
      "checkpoint", "accounts", "issuances",   "projects", "retirement"};
  CREG_RETURN_IF_ERROR(ExactMembers(doc, kFields, "the certificate"));
  Evidence ev;
  StatusOr<std::string> origin = doc.GetString("origin");
  StatusOr<std::string> note = doc.GetString("checkpoint");
  if (!origin.ok() || !note.ok())
    return Malformed((origin.ok() ? note : origin).status().message());
  ev.origin = *origin;
  json::Object top;
  for (std::string_view key : {"entry_index", "entry", "inclusion_proof"}) {
    top.emplace_back(std::string(key), *doc.Find(key));
  }
  CREG_ASSIGN_OR_RETURN(ev.retirement, ReadProven(json::Value(std::move(top)), "the certificate"));
  CREG_ASSIGN_OR_RETURN(ev.accounts, ReadProvenList(doc, "accounts"));
  CREG_ASSIGN_OR_RETURN(ev.issuances, ReadProvenList(doc, "issuances"));
  CREG_ASSIGN_OR_RETURN(ev.projects, ReadProvenList(doc, "projects"));
  const json::Value& summary = *doc.Find("retirement");
  {
    // The optional members are there only when they say something.
    std::vector<std::string_view> names(kCertificateSummaryFields.begin(),
                                        kCertificateSummaryFields.end());
    for (const OptionalSummaryField& optional : OptionalSummaryFields()) {
      if (summary.is_object() && summary.Find(optional.name) != nullptr)
        names.push_back(optional.name);
    }
    CREG_RETURN_IF_ERROR(ExactMembers(summary, names, "retirement"));
  }

  StatusOr<std::string> body = VerifyNote(*note, verifier);
  if (!body.ok()) return Fail(check::kCheckpoint, body.status().message(), body.status().code());
  StatusOr<Checkpoint> cp = ParseCheckpointBody(*body);
  if (!cp.ok())
    return Fail(check::kCheckpoint, cp.status().message(), StatusCode::kInvalidArgument);
  if (cp->origin != ev.origin) {
    return Fail(check::kOrigin,
                "expected the certificate's origin " + Quoted(ev.origin) +
                    ", found checkpoint origin " + Quoted(cp->origin),
                StatusCode::kPermissionDenied);
  }
  CREG_ASSIGN_OR_RETURN(VerifiedRetirement facts, internal::CheckCertificateEvidence(ev, *cp));
  facts.checkpoint_key_name = verifier.name();
  json::Value expected = SummaryJson(facts);
  std::vector<std::pair<std::string_view, json::Value>> fields;
  for (std::string_view field : kCertificateSummaryFields)
    fields.emplace_back(field, json::Value());
  for (OptionalSummaryField& optional : OptionalSummaryFields()) {
    fields.emplace_back(optional.name, std::move(optional.absent));
  }
  for (const auto& [field, absent] : fields) {
    const json::Value* want = expected.Find(field);
    const json::Value* found = summary.Find(field);
    if (want == nullptr) want = &absent;  // only the optional members may be absent
    if (found == nullptr) found = &absent;
    if (*want != *found) {
      return Fail(check::kSummary, "retirement." + std::string(field) + ": expected " +
                                       json::Serialize(*want) + " (from entry " +
                                       N(facts.entry_index) + "), found " +
                                       json::Serialize(*found));
    }
  }
  return facts;
}

}  // namespace creg
