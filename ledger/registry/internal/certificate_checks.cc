#include "ledger/registry/internal/certificate_checks.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <utility>

#include "ledger/log_entry.h"
#include "ledger/merkle.h"
#include "ledger/registry/account_keys.h"
#include "ledger/registry/article6.h"
#include "ledger/registry/labels.h"

namespace creg::internal {

Status CertificateFailure(std::string_view check, const std::string& detail, StatusCode code) {
  return Status(code, std::string(check) + ": " + detail);
}

namespace {

namespace check = cert_check;

Status Fail(std::string_view check, const std::string& detail,
            StatusCode code = StatusCode::kDataLoss) {
  return CertificateFailure(check, detail, code);
}
std::string Quoted(std::string_view s) { return "'" + std::string(s) + "'"; }
std::string N(uint64_t n) { return std::to_string(n); }

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

// The keys of `account` current at entry `before`, from open_account and
// the rotate_key and set_account_keys entries after it (each signed by the
// keys it replaces, meeting their threshold).
StatusOr<AccountKeys> CheckAccounts(Evidence& ev, const Checkpoint& cp, const std::string& account,
                                    uint64_t before) {
  if (ev.accounts.empty()) return Fail(check::kAccounts, "no open_account entry is given");
  AccountKeys keys;
  for (size_t i = 0; i < ev.accounts.size(); ++i) {
    ProvenEntry& e = ev.accounts[i];
    if (i > 0 && e.index <= ev.accounts[i - 1].index) {
      return Fail(check::kAccounts, "entry " + N(e.index) + " is out of log order");
    }
    CREG_RETURN_IF_ERROR(Prepare(e, cp, before, check::kAccounts));
    const pb::TransactionBody& body = e.tx.body;
    AccountKeys next;
    if (i == 0) {
      if (!body.has_open_account() || body.open_account().account_id() != account) {
        return Fail(check::kAccounts, "entry " + N(e.index) + ": expected open_account of " +
                                          Quoted(account) + ", found " + KindName(body));
      }
      next = KeysOfOpening(body.open_account());
    } else {
      const bool rotates = body.has_rotate_key() && body.rotate_key().account_id() == account;
      const bool sets =
          body.has_set_account_keys() && body.set_account_keys().account_id() == account;
      if (!(rotates || sets) || e.tx.envelope.signer() != account) {
        return Fail(check::kAccounts,
                    "entry " + N(e.index) + ": expected rotate_key or set_account_keys of " +
                        Quoted(account) + " signed by it, found " + KindName(body));
      }
      if (std::optional<Rejection> refused = CheckSignedFor(e.tx, keys)) {
        return Fail(check::kAccounts,
                    "entry " + N(e.index) + ": key change is not signed by the keys it replaces (" +
                        refused->ToString() + ")",
                    StatusCode::kPermissionDenied);
      }
      if (rotates) {
        next.keys.push_back(body.rotate_key().new_public_key());
      } else {
        next = KeysOfSetting(body.set_account_keys());
      }
    }
    if (std::optional<Rejection> refused = CheckKeySet(next, account)) {
      return Fail(check::kAccounts, "entry " + N(e.index) +
                                        ": sets a public key that is refused: " + refused->message);
    }
    keys = std::move(next);
  }
  return keys;
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

// The labelled runs of the retirement's effects are in serial order, each
// inside one retired block, and carry labels of the vocabulary.
Status CheckLabelledRuns(const pb::Effects& fx, const std::string& at) {
  const pb::SerialBlock* prev = nullptr;
  for (const pb::AttributedBlock& run : fx.attributed()) {
    const pb::SerialBlock& b = run.block();
    const bool inside = std::any_of(fx.blocks().begin(), fx.blocks().end(), [&](auto& r) {
      return r.batch() == b.batch() && r.first() <= b.first() && b.first() <= b.last() &&
             b.last() <= r.last();
    });
    const bool ordered = prev == nullptr || prev->batch() < b.batch() ||
                         (prev->batch() == b.batch() && prev->last() < b.first());
    bool labels_ok = run.attributes().labels_size() > 0 || run.attributes().has_authorization();
    for (const std::string& label : run.attributes().labels()) {
      labels_ok = labels_ok && CheckLabel(label).empty();
    }
    if (!inside || !ordered || !labels_ok) {
      return Fail(check::kEntry, at + "the labelled credits " + N(b.batch()) + ":" + N(b.first()) +
                                     "-" + N(b.last()) +
                                     " are not retired credits in order with known labels or "
                                     "an authorisation");
    }
    prev = &b;
  }
  return OkStatus();
}

}  // namespace

StatusOr<VerifiedRetirement> CheckCertificateEvidence(Evidence& ev, const Checkpoint& cp) {
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
  CREG_RETURN_IF_ERROR(CheckLabelledRuns(fx, at));
  if (r.tx.envelope.signer() != op.account()) {
    return Fail(check::kSignature,
                at + "signed by " + Quoted(r.tx.envelope.signer()) +
                    ", not by the retiring account " + Quoted(op.account()),
                StatusCode::kPermissionDenied);
  }
  CREG_ASSIGN_OR_RETURN(AccountKeys keys, CheckAccounts(ev, cp, op.account(), r.index));
  if (std::optional<Rejection> refused = CheckSignedFor(r.tx, keys)) {
    return Fail(check::kSignature,
                at + "signature does not verify with the key of " + Quoted(op.account()) +
                    " current at the retirement (from entry " + N(ev.accounts.back().index) +
                    "): " + refused->ToString(),
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
  for (const pb::AttributedBlock& run : fx.attributed()) {
    const pb::SerialBlock& b = run.block();
    const pb::Issue& iop = issues.at(b.batch())->tx.body.issue();
    const pb::RegisterProject& pop = projects.at(iop.project_id())->tx.body.register_project();
    pb::BatchRecord batch;
    batch.set_batch(b.batch());
    batch.set_project_id(iop.project_id());
    batch.set_vintage_start(iop.vintage_start());
    batch.set_vintage_end(iop.vintage_end());
    pb::ProjectRecord project;
    project.set_project_id(pop.project_id());
    project.set_standard(pop.standard());
    project.set_country(pop.country());
    const std::string serials = SerialString(batch, project, b.first(), b.last());
    if (run.attributes().labels_size() > 0) {
      v.labels.push_back(LabelledSerials{
          serials, {run.attributes().labels().begin(), run.attributes().labels().end()}});
    }
    if (run.attributes().has_authorization()) {
      pb::BlockAttributes article6 = run.attributes();
      article6.clear_labels();
      v.article6.push_back(AuthorisedSerials{serials, std::move(article6)});
    }
  }
  v.use = CreditUseName(op.use());
  v.using_entity = op.using_entity();
  return v;
}

}  // namespace creg::internal
