#include "ledger/certificate.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <span>

#include "ledger/encoding.h"
#include "ledger/json.h"
#include "ledger/log_entry.h"
#include "ledger/merkle.h"
#include "ledger/registry/transaction.h"

namespace creg {
namespace {

namespace check = cert_check;

Status Fail(std::string_view check, const std::string& detail,
            StatusCode code = StatusCode::kDataLoss) {
  return Status(code, std::string(check) + ": " + detail);
}
Status Malformed(const std::string& detail) {
  return Fail(check::kDocument, detail, StatusCode::kInvalidArgument);
}
std::string Quoted(std::string_view s) { return "'" + std::string(s) + "'"; }
std::string N(uint64_t n) { return std::to_string(n); }

// One log entry carried by a certificate, with its inclusion proof.
struct ProvenEntry {
  uint64_t index = 0;
  std::string bytes;
  std::vector<std::string> proof;  // raw 32-byte hashes
  pb::LogEntry entry;              // set by Decode
  PreparedTransaction tx;          // set by Decode
};

struct Evidence {
  std::string origin;
  ProvenEntry retirement;
  std::vector<ProvenEntry> accounts, issuances, projects;
};

std::string KindName(const pb::TransactionBody& body) {
  const auto* field = body.GetDescriptor()->FindFieldByNumber(body.kind_case());
  return field == nullptr ? "empty" : field->name();
}

Status Included(const ProvenEntry& e, const Checkpoint& cp, std::string_view check) {
  Status s = merkle::VerifyInclusion(e.index, cp.size, merkle::LeafHash(e.bytes).view(), e.proof,
                                     cp.root.view());
  if (s.ok()) return s;
  return Fail(check, "entry " + N(e.index) + " is not proven in the checkpoint's tree of size " +
                         N(cp.size) + " (root " + cp.root.ToBase64() + "): " + s.message());
}

Status Decode(ProvenEntry& e, std::string_view check) {
  StatusOr<pb::LogEntry> entry = DecodeLogEntry(e.bytes);
  if (!entry.ok()) return Fail(check, "entry " + N(e.index) + ": " + entry.status().message());
  if (entry->index() != e.index) {
    return Fail(check, "entry " + N(e.index) + ": expected index " + N(e.index) + ", found index " +
                           N(entry->index()) + " in the entry");
  }
  auto tx = PrepareTransaction(entry->signed_transaction());
  if (auto* refused = std::get_if<Rejection>(&tx)) {
    return Fail(check, "entry " + N(e.index) + ": " + refused->ToString());
  }
  e.entry = std::move(*entry);
  e.tx = std::move(std::get<PreparedTransaction>(tx));
  return OkStatus();
}

// Open, include and decode one evidence entry that must precede `before`.
Status Prepare(ProvenEntry& e, const Checkpoint& cp, uint64_t before, std::string_view check) {
  if (e.index >= before) {
    return Fail(check,
                "entry " + N(e.index) + " is not before entry " + N(before) + " it supports");
  }
  CREG_RETURN_IF_ERROR(Included(e, cp, check));
  return Decode(e, check);
}

// The key of `account` current at entry `before`, from open_account and its
// rotate_key entries (each rotation signed by the key it replaces).
StatusOr<PublicKey> CheckAccounts(Evidence& ev, const Checkpoint& cp, const std::string& account,
                                  uint64_t before) {
  if (ev.accounts.empty()) return Fail(check::kAccounts, "no open_account entry is given");
  std::optional<PublicKey> key;
  for (size_t i = 0; i < ev.accounts.size(); ++i) {
    ProvenEntry& e = ev.accounts[i];
    if (i > 0 && e.index <= ev.accounts[i - 1].index) {
      return Fail(check::kAccounts, "entry " + N(e.index) + " is out of log order");
    }
    CREG_RETURN_IF_ERROR(Prepare(e, cp, before, check::kAccounts));
    const pb::TransactionBody& body = e.tx.body;
    std::string raw;
    if (i == 0) {
      if (!body.has_open_account() || body.open_account().account_id() != account) {
        return Fail(check::kAccounts, "entry " + N(e.index) + ": expected open_account of " +
                                          Quoted(account) + ", found " + KindName(body));
      }
      raw = body.open_account().public_key();
    } else {
      if (!body.has_rotate_key() || body.rotate_key().account_id() != account ||
          e.tx.envelope.signer() != account) {
        return Fail(check::kAccounts, "entry " + N(e.index) + ": expected rotate_key of " +
                                          Quoted(account) + " signed by it, found " +
                                          KindName(body));
      }
      if (!VerifyTransactionSignature(e.tx, *key)) {
        return Fail(check::kAccounts,
                    "entry " + N(e.index) + ": key rotation is not signed by the key it replaces",
                    StatusCode::kPermissionDenied);
      }
      raw = body.rotate_key().new_public_key();
    }
    StatusOr<PublicKey> parsed = PublicKey::FromRaw(raw);
    if (!parsed.ok()) return Fail(check::kAccounts, "entry " + N(e.index) + ": bad public key");
    key = *parsed;
  }
  return *key;
}

// The issue entry of each retired batch, by batch number.
StatusOr<std::map<uint64_t, const ProvenEntry*>> CheckIssuances(Evidence& ev, const Checkpoint& cp,
                                                                const pb::Effects& retired,
                                                                uint64_t before) {
  std::map<uint64_t, const ProvenEntry*> issues;
  for (ProvenEntry& e : ev.issuances) {
    CREG_RETURN_IF_ERROR(Prepare(e, cp, before, check::kIssuances));
    if (!e.tx.body.has_issue()) {
      return Fail(check::kIssuances,
                  "entry " + N(e.index) + ": expected an issue, found " + KindName(e.tx.body));
    }
    uint64_t batch = e.entry.effects().batch();
    if (!issues.emplace(batch, &e).second) {
      return Fail(check::kIssuances,
                  "entry " + N(e.index) + ": batch " + N(batch) + " is given twice");
    }
  }
  for (const pb::SerialBlock& b : retired.blocks()) {
    auto it = issues.find(b.batch());
    if (it == issues.end()) {
      return Fail(check::kIssuances, "no issue entry is given for batch " + N(b.batch()));
    }
    if (b.last() > it->second->tx.body.issue().quantity()) {
      return Fail(check::kIssuances, "entry " + N(it->second->index) + ": expected batch " +
                                         N(b.batch()) + " to cover serial " + N(b.last()) +
                                         ", found serials 1-" +
                                         N(it->second->tx.body.issue().quantity()));
    }
  }
  for (const auto& [batch, e] : issues) {
    bool used =
        std::any_of(retired.blocks().begin(), retired.blocks().end(),
                    [batch = batch](const pb::SerialBlock& b) { return b.batch() == batch; });
    if (!used) {
      return Fail(check::kIssuances,
                  "entry " + N(e->index) + ": batch " + N(batch) + " has no retired credits");
    }
  }
  return issues;
}

// The register_project entry of each project the issuances name.
StatusOr<std::map<std::string, const ProvenEntry*>> CheckProjects(
    Evidence& ev, const Checkpoint& cp, const std::map<uint64_t, const ProvenEntry*>& issues) {
  std::map<std::string, uint64_t> first_use;  // project -> earliest issuance
  for (const auto& [batch, e] : issues) {
    const std::string& id = e->tx.body.issue().project_id();
    auto [it, added] = first_use.emplace(id, e->index);
    if (!added) it->second = std::min(it->second, e->index);
  }
  std::map<std::string, const ProvenEntry*> projects;
  for (ProvenEntry& e : ev.projects) {
    CREG_RETURN_IF_ERROR(Prepare(e, cp, std::numeric_limits<uint64_t>::max(), check::kProjects));
    if (!e.tx.body.has_register_project()) {
      return Fail(check::kProjects, "entry " + N(e.index) + ": expected register_project, found " +
                                        KindName(e.tx.body));
    }
    const std::string& id = e.tx.body.register_project().project_id();
    auto use = first_use.find(id);
    if (use == first_use.end()) {
      return Fail(check::kProjects, "entry " + N(e.index) + ": project " + Quoted(id) +
                                        " issued none of the retired batches");
    }
    if (e.index >= use->second) {
      return Fail(check::kProjects, "entry " + N(e.index) + ": registers " + Quoted(id) +
                                        " after its issuance at entry " + N(use->second));
    }
    if (!projects.emplace(id, &e).second) {
      return Fail(check::kProjects,
                  "entry " + N(e.index) + ": project " + Quoted(id) + " is given twice");
    }
  }
  for (const auto& [id, index] : first_use) {
    if (!projects.contains(id)) {
      return Fail(check::kProjects, "no register_project entry is given for project " + Quoted(id) +
                                        " (issued at entry " + N(index) + ")");
    }
  }
  return projects;
}

// Contiguous runs of `blocks`, sorted; nullopt if any overlap or is empty.
std::optional<std::vector<pb::SerialBlock>> Merged(std::vector<pb::SerialBlock> blocks) {
  auto key = [](const pb::SerialBlock& b) { return std::make_pair(b.batch(), b.first()); };
  std::sort(blocks.begin(), blocks.end(), [&](auto& a, auto& b) { return key(a) < key(b); });
  std::vector<pb::SerialBlock> out;
  for (const pb::SerialBlock& b : blocks) {
    if (b.first() == 0 || b.first() > b.last()) return std::nullopt;
    if (!out.empty() && out.back().batch() == b.batch() && out.back().last() >= b.first() - 1) {
      if (out.back().last() >= b.first()) return std::nullopt;
      out.back().set_last(b.last());
      continue;
    }
    out.push_back(b);
  }
  return out;
}

// The retired blocks are sound, add up to effects.quantity, and are what
// the holder signed for (the same serials, or the quantity of one batch).
StatusOr<uint64_t> CheckRetiredBlocks(const pb::CreditSelection& signed_for, const pb::Effects& fx,
                                      const std::string& at) {
  std::vector<pb::SerialBlock> retired(fx.blocks().begin(), fx.blocks().end());
  std::optional<std::vector<pb::SerialBlock>> merged = Merged(retired);
  uint64_t sum = 0;
  for (const pb::SerialBlock& b : retired) {
    if (!merged.has_value() || b.last() - b.first() >= UINT64_MAX - sum) break;
    sum += b.last() - b.first() + 1;
  }
  if (retired.empty() || !merged.has_value() || sum != fx.quantity()) {
    return Fail(check::kEntry, at + "expected retired blocks that do not overlap and add up to " +
                                   "the retired quantity " + N(fx.quantity()) + ", found " +
                                   N(retired.size()) + " blocks of " + N(sum) + " credits");
  }
  bool as_signed;
  if (signed_for.blocks_size() > 0) {
    std::optional<std::vector<pb::SerialBlock>> selected =
        Merged({signed_for.blocks().begin(), signed_for.blocks().end()});
    auto same = [](const pb::SerialBlock& a, const pb::SerialBlock& b) {
      return a.batch() == b.batch() && a.first() == b.first() && a.last() == b.last();
    };
    as_signed = selected.has_value() && std::equal(selected->begin(), selected->end(),
                                                   merged->begin(), merged->end(), same);
  } else {
    as_signed = sum == signed_for.quantity() &&
                std::all_of(retired.begin(), retired.end(),
                            [&](auto& b) { return b.batch() == signed_for.batch(); });
  }
  if (!as_signed) {
    return Fail(check::kEntry, at + "the retired blocks are not the credits the holder signed for");
  }
  return sum;
}

// Every check after the checkpoint's signature and origin; the facts.
StatusOr<VerifiedRetirement> CheckEvidence(Evidence& ev, const Checkpoint& cp) {
  ProvenEntry& r = ev.retirement;
  CREG_RETURN_IF_ERROR(Included(r, cp, check::kInclusion));
  CREG_RETURN_IF_ERROR(Decode(r, check::kEntry));
  const std::string at = "entry " + N(r.index) + ": ";
  if (!r.tx.body.has_retire()) {
    return Fail(check::kEntry, at + "expected a retire, found " + KindName(r.tx.body));
  }
  if (r.tx.body.origin() != ev.origin) {
    return Fail(check::kEntry, at + "expected origin " + Quoted(ev.origin) + ", found " +
                                   Quoted(r.tx.body.origin()));
  }
  const pb::Retire& op = r.tx.body.retire();
  const pb::Effects& fx = r.entry.effects();
  if (fx.retirement_id() != "R" + N(r.index)) {
    return Fail(check::kEntry, at + "expected retirement id R" + N(r.index) + ", found " +
                                   Quoted(fx.retirement_id()));
  }
  CREG_ASSIGN_OR_RETURN(uint64_t sum, CheckRetiredBlocks(op.credits(), fx, at));
  if (r.tx.envelope.signer() != op.account()) {
    return Fail(check::kSignature,
                at + "signed by " + Quoted(r.tx.envelope.signer()) +
                    ", not by the retiring account " + Quoted(op.account()),
                StatusCode::kPermissionDenied);
  }
  CREG_ASSIGN_OR_RETURN(PublicKey key, CheckAccounts(ev, cp, op.account(), r.index));
  if (!VerifyTransactionSignature(r.tx, key)) {
    return Fail(check::kSignature,
                at + "signature does not verify with the key of " + Quoted(op.account()) +
                    " current at the retirement (from entry " + N(ev.accounts.back().index) + ")",
                StatusCode::kPermissionDenied);
  }
  CREG_ASSIGN_OR_RETURN(auto issues, CheckIssuances(ev, cp, fx, r.index));
  CREG_ASSIGN_OR_RETURN(auto projects, CheckProjects(ev, cp, issues));

  VerifiedRetirement v;
  v.origin = ev.origin;
  v.checkpoint_size = cp.size;
  v.checkpoint_root = cp.root;
  v.entry_index = r.index;
  v.retirement_id = fx.retirement_id();
  v.account = op.account();
  v.account_opened_at_entry = ev.accounts.front().index;
  v.key_rotations = ev.accounts.size() - 1;
  v.beneficiary = op.beneficiary();
  v.reason = pb::RetirementReason_Name(op.reason());
  v.details = op.details();
  v.purpose = v.details.empty() ? v.reason : v.reason + ": " + v.details;
  v.country_of_use = op.country_of_use();
  v.claim_reference = op.claim_reference();
  v.quantity = sum;
  v.retired_micros = r.entry.timestamp_micros();
  v.retired_at = Rfc3339Micros(v.retired_micros);
  for (const pb::SerialBlock& b : fx.blocks()) {
    const ProvenEntry& issue = *issues.at(b.batch());
    const pb::Issue& iop = issue.tx.body.issue();
    const ProvenEntry& reg = *projects.at(iop.project_id());
    const pb::RegisterProject& pop = reg.tx.body.register_project();
    pb::BatchRecord batch;
    batch.set_batch(b.batch());
    batch.set_project_id(iop.project_id());
    batch.set_vintage_start(iop.vintage_start());
    batch.set_vintage_end(iop.vintage_end());
    pb::ProjectRecord project;
    project.set_project_id(pop.project_id());
    project.set_standard(pop.standard());
    project.set_country(pop.country());
    v.serials.push_back(SerialString(batch, project, b.first(), b.last()));
    auto same = [&](const RetiredBatch& rb) { return rb.batch == b.batch(); };
    auto it = std::find_if(v.batches.begin(), v.batches.end(), same);
    if (it == v.batches.end()) {
      v.batches.push_back(RetiredBatch{b.batch(), 0, iop.vintage_start(), iop.vintage_end(),
                                       issue.index, pop.project_id(), pop.name(), pop.standard(),
                                       pop.methodology(), pop.country(), reg.index});
      it = v.batches.end() - 1;
      bool seen = std::any_of(v.batches.begin(), it, [&](const RetiredBatch& rb) {
        return rb.project_id == pop.project_id();
      });
      if (!seen) v.project_id += (v.project_id.empty() ? "" : ",") + pop.project_id();
    }
    it->quantity += b.last() - b.first() + 1;
  }
  return v;
}

json::Value SummaryJson(const VerifiedRetirement& v) {
  json::Array serials(v.serials.begin(), v.serials.end());
  return json::Object{{"retirement_id", v.retirement_id},
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
  CREG_ASSIGN_OR_RETURN(ProvenEntry opened, prove(account->opened_at_entry()));
  ev.accounts.push_back(std::move(opened));
  CREG_ASSIGN_OR_RETURN(
      std::vector<uint64_t> history,
      registry.AccountHistory(record->account(), std::numeric_limits<size_t>::max()));
  for (uint64_t index : history) {
    if (index <= account->opened_at_entry() || index >= record->entry_index()) continue;
    CREG_ASSIGN_OR_RETURN(pb::LogEntry entry, registry.Entry(index));
    auto tx = PrepareTransaction(entry.signed_transaction());
    auto* prepared = std::get_if<PreparedTransaction>(&tx);
    if (prepared != nullptr && prepared->body.has_rotate_key() &&
        prepared->body.rotate_key().account_id() == record->account()) {
      CREG_ASSIGN_OR_RETURN(ProvenEntry rotation, prove(index));
      ev.accounts.push_back(std::move(rotation));
    }
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
  StatusOr<VerifiedRetirement> facts = CheckEvidence(checked, cp);
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
  CREG_RETURN_IF_ERROR(ExactMembers(summary, kCertificateSummaryFields, "retirement"));

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
  CREG_ASSIGN_OR_RETURN(VerifiedRetirement facts, CheckEvidence(ev, *cp));
  facts.checkpoint_key_name = verifier.name();
  json::Value expected = SummaryJson(facts);
  for (std::string_view field : kCertificateSummaryFields) {
    const json::Value& want = *expected.Find(field);
    const json::Value& found = *summary.Find(field);
    if (want != found) {
      return Fail(check::kSummary, "retirement." + std::string(field) + ": expected " +
                                       json::Serialize(want) + " (from entry " +
                                       N(facts.entry_index) + "), found " + json::Serialize(found));
    }
  }
  return facts;
}

}  // namespace creg
