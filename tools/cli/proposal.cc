#include "tools/cli/proposal.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "ledger/canonical_proto.h"
#include "ledger/data_dir.h"
#include "ledger/encoding.h"
#include "ledger/hash.h"
#include "ledger/json.h"
#include "ledger/records/entry_view.h"
#include "ledger/records/names.h"
#include "ledger/registry/account_keys.h"
#include "ledger/registry/article6.h"
#include "ledger/registry/transaction.h"

namespace creg::cli {
namespace {

Status Bad(const std::string& what) { return InvalidArgumentError("proposal: " + what); }

std::string SelectionText(const pb::CreditSelection& s) {
  if (s.blocks_size() > 0) return "serials " + BlocksText(s.blocks());
  return Credits(s.quantity()) + " of batch " + std::to_string(s.batch());
}

std::string KeysText(uint32_t threshold, size_t keys) {
  return std::to_string(threshold) + " of " + std::to_string(keys) + " keys must sign";
}

json::Value SignaturesJson(const pb::SignedTransaction& envelope) {
  json::Array out;
  for (const pb::KeySignature& s : envelope.signatures()) {
    json::Value v = json::Value::EmptyObject();
    v.Set("public_key", Base64Encode(s.public_key()));
    v.Set("signature", Base64Encode(s.signature()));
    out.push_back(std::move(v));
  }
  return json::Value(std::move(out));
}

// The members of a document, in the order ProposalText writes them.
json::Value Document(const Proposal& p) {
  json::Value doc = json::Value::EmptyObject();
  doc.Set("format", kProposalFormat);
  doc.Set("origin", p.body.origin());
  doc.Set("signer", p.envelope.signer());
  doc.Set("tx_id", Sha256(p.envelope.body()).ToHex());
  doc.Set("summary", ProposalSummary(p.body, p.envelope.signer()));
  doc.Set("transaction", TransactionBodyJson(p.body));
  doc.Set("body", Base64Encode(p.envelope.body()));
  doc.Set("signatures", SignaturesJson(p.envelope));
  return doc;
}

StatusOr<std::string> Bytes(const json::Value& item, std::string_view key, size_t size,
                            const std::string& at) {
  StatusOr<std::string> text = item.GetString(key);
  if (!text.ok()) return Bad(at + text.status().message());
  StatusOr<std::string> bytes = Base64Decode(*text);
  if (!bytes.ok()) return Bad(at + std::string(key) + " is not base64");
  if (bytes->size() != size) {
    return Bad(at + std::string(key) + " must be " + std::to_string(size) + " bytes, not " +
               std::to_string(bytes->size()));
  }
  return bytes;
}

}  // namespace

Proposal NewProposal(const pb::TransactionBody& body, const std::string& signer) {
  Proposal p;
  p.envelope.set_body(SerializeCanonical(body));
  p.envelope.set_signer(signer);
  p.body = body;
  return p;
}

std::string ProposalSummary(const pb::TransactionBody& b, std::string_view signer) {
  const std::string by = " (by account " + std::string(signer) + ")";
  switch (b.kind_case()) {
    case pb::TransactionBody::kIssue: {
      const auto& op = b.issue();
      return "issue " + Credits(op.quantity()) + " of project " + op.project_id() + ", vintage " +
             op.vintage_start() + " to " + op.vintage_end() + ", to " + op.to_account() +
             " on verification report " + op.verification_ref() + by;
    }
    case pb::TransactionBody::kTransfer: {
      const auto& op = b.transfer();
      return "transfer " + SelectionText(op.credits()) + " from " + op.from_account() + " to " +
             op.to_account() + (op.memo().empty() ? "" : " (memo: " + op.memo() + ")") + by;
    }
    case pb::TransactionBody::kRetire: {
      const auto& op = b.retire();
      return "retire " + SelectionText(op.credits()) + " held by " + op.account() +
             " for beneficiary " + op.beneficiary() + ", reason " + ReasonName(op.reason()) +
             (op.details().empty() ? "" : " (" + op.details() + ")") +
             CreditUseText(op.use(), op.using_entity()) + by;
    }
    case pb::TransactionBody::kCancel: {
      const auto& op = b.cancel();
      return "cancel " + SelectionText(op.credits()) + " held by " + op.account() + ": " +
             op.reason() + CreditUseText(op.use(), op.using_entity()) + by;
    }
    case pb::TransactionBody::kAuthorize: {
      return "record the Article 6 authorisation by " +
             AuthorizationText(b.authorize().authorization()) + " on the active credits of " +
             BlockSelectionText(b.authorize().credits()) + by;
    }
    case pb::TransactionBody::kCorrespondingAdjustment: {
      const auto& op = b.corresponding_adjustment();
      return "set the corresponding adjustment status " + AdjustmentStatusName(op.status()) +
             " on the credits of " + BlockSelectionText(op.credits()) + ", on reference " +
             op.reference() + by;
    }
    case pb::TransactionBody::kLabel: {
      const auto& op = b.label();
      return LabelActionName(op.action()) + " label " + op.label() + " " +
             (op.action() == pb::LABEL_ADD ? "on" : "from") + " the active credits of " +
             BlockSelectionText(op.credits()) + ", on reference " + op.reference() + by;
    }
    case pb::TransactionBody::kOpenAccount: {
      const auto& op = b.open_account();
      const size_t keys = static_cast<size_t>(op.additional_keys_size()) + 1;
      return "open account " + op.account_id() + " (" + RoleName(op.role()) + ", " +
             KeysText(op.threshold() == 0 ? 1 : op.threshold(), keys) + ")" + by;
    }
    case pb::TransactionBody::kSetAccountKeys: {
      const auto& op = b.set_account_keys();
      return "set the keys of account " + op.account_id() + ": " +
             KeysText(op.threshold(), static_cast<size_t>(op.public_keys_size())) + by;
    }
    default:
      return KindName(b) + by;
  }
}

std::string ProposalText(const Proposal& proposal) {
  return json::Serialize(Document(proposal), /*pretty=*/true) + "\n";
}

StatusOr<Proposal> ParseProposal(std::string_view text) {
  if (text.size() > kMaxProposalBytes) {
    return Bad("it is " + std::to_string(text.size()) + " bytes, over the limit of " +
               std::to_string(kMaxProposalBytes));
  }
  StatusOr<json::Value> doc = json::Parse(text);
  if (!doc.ok()) return Bad("not JSON: " + doc.status().message());
  if (!doc->is_object()) return Bad("not a JSON object");
  static const std::set<std::string> kMembers = {"format",  "origin",      "signer", "tx_id",
                                                 "summary", "transaction", "body",   "signatures"};
  for (const auto& [name, value] : doc->as_object()) {
    if (!kMembers.contains(name)) return Bad("unknown member \"" + name + "\"");
  }
  StatusOr<std::string> format = doc->GetString("format");
  if (!format.ok()) return Bad(format.status().message());
  if (*format != kProposalFormat) {
    return Bad("format is \"" + *format + "\", not \"" + kProposalFormat + "\"");
  }
  StatusOr<std::string> signer = doc->GetString("signer");
  if (!signer.ok()) return Bad(signer.status().message());
  if (signer->empty() || signer->size() > 64) return Bad("signer must be an account id");
  StatusOr<std::string> body_text = doc->GetString("body");
  if (!body_text.ok()) return Bad(body_text.status().message());
  StatusOr<std::string> body = Base64Decode(*body_text);
  if (!body.ok()) return Bad("body is not base64");
  if (body->size() > kMaxTransactionBytes) return Bad("body is over the transaction size limit");
  Proposal p;
  if (Status s = ParseCanonical(*body, p.body); !s.ok()) return Bad("body: " + s.message());
  if (p.body.kind_case() == pb::TransactionBody::KIND_NOT_SET)
    return Bad("body names no operation");
  if (p.body.nonce().empty() || p.body.nonce().size() > 128)
    return Bad("body nonce must be 1 to 128 bytes");
  p.envelope.set_body(*body);
  p.envelope.set_signer(*signer);

  // The members derived from the body must be what creg derives from it.
  json::Value derived = Document(p);
  for (const char* name : {"origin", "tx_id", "summary", "transaction"}) {
    const json::Value* given = doc->Find(name);
    if (given == nullptr) return Bad("member \"" + std::string(name) + "\" is missing");
    if (!(*given == *derived.Find(name))) {
      return Bad("\"" + std::string(name) +
                 "\" does not match the body (the file was edited, or is not a proposal)");
    }
  }

  StatusOr<const json::Array*> list = doc->GetArray("signatures");
  if (!list.ok()) return Bad(list.status().message());
  if ((*list)->size() > kMaxSignatures) {
    return Bad("it carries " + std::to_string((*list)->size()) + " signatures; at most " +
               std::to_string(kMaxSignatures));
  }
  const std::string message = TransactionSigningMessage(*body);
  std::map<std::string, std::string> by_key;  // in key order
  for (size_t i = 0; i < (*list)->size(); ++i) {
    const json::Value& item = (**list)[i];
    const std::string at = "signature " + std::to_string(i + 1) + ": ";
    if (!item.is_object()) return Bad(at + "not a JSON object");
    for (const auto& [name, value] : item.as_object()) {
      if (name != "public_key" && name != "signature")
        return Bad(at + "unknown member \"" + name + "\"");
    }
    CREG_ASSIGN_OR_RETURN(std::string raw, Bytes(item, "public_key", PublicKey::kSize, at));
    CREG_ASSIGN_OR_RETURN(std::string sig, Bytes(item, "signature", PublicKey::kSignatureSize, at));
    StatusOr<PublicKey> key = PublicKey::FromRaw(raw);
    if (!key.ok()) return Bad(at + key.status().message());
    if (!key->Verify(message, sig)) {
      return Bad(at + "the signature by key " + KeyLabel(raw) + " does not verify over the body");
    }
    if (!by_key.emplace(raw, sig).second) return Bad(at + "key " + KeyLabel(raw) + " signs twice");
  }
  for (const auto& [raw, sig] : by_key) {
    pb::KeySignature* s = p.envelope.add_signatures();
    s->set_public_key(raw);
    s->set_signature(sig);
  }
  return p;
}

StatusOr<Proposal> LoadProposalFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return NotFoundError("no file " + path);
    return UnavailableError("cannot read " + path);
  }
  std::string text(kMaxProposalBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return UnavailableError("cannot read " + path);
  text.resize(static_cast<size_t>(in.gcount()));
  StatusOr<Proposal> p = ParseProposal(text);
  if (!p.ok()) return InvalidArgumentError(path + ": " + p.status().message());
  return p;
}

Status SaveProposalFile(const std::string& path, const Proposal& proposal, bool replace) {
  const std::string text = ProposalText(proposal);
  if (replace) return WriteFileAtomically(path, text);
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    return AlreadyExistsError(path + " already exists; give another -o FILE");
  }
  return WriteFileAtomically(path, text);
}

}  // namespace creg::cli
