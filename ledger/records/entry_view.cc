#include "ledger/records/entry_view.h"

#include "ledger/encoding.h"
#include "ledger/log_entry.h"
#include "ledger/records/names.h"
#include "ledger/records/record_json.h"
#include "ledger/registry/article6.h"
#include "ledger/registry/transaction.h"

namespace creg {
namespace {

std::string SelectionText(const pb::CreditSelection& s, const pb::Effects& effects) {
  std::string moved = Credits(effects.quantity());
  if (effects.blocks_size() > 0) return moved + " (" + BlocksText(effects.blocks()) + ")";
  if (s.blocks_size() > 0) return moved + " (" + BlocksText(s.blocks()) + ")";
  return moved + " of batch " + std::to_string(s.batch());
}

json::Value KeysJson(const google::protobuf::RepeatedPtrField<std::string>& keys) {
  json::Array out;
  for (const std::string& key : keys) out.emplace_back(Base64Encode(key));
  return json::Value(std::move(out));
}

json::Value BlockSelectionJson(const pb::BlockSelection& s) {
  json::Value v = json::Value::EmptyObject();
  if (s.blocks_size() > 0) {
    v.Set("blocks", SerialBlocksJson(s.blocks()));
  } else {
    v.Set("batch", s.batch());
  }
  return v;
}

json::Value SelectionJson(const pb::CreditSelection& s) {
  json::Value v = json::Value::EmptyObject();
  if (s.blocks_size() > 0) {
    v.Set("blocks", SerialBlocksJson(s.blocks()));
  } else {
    v.Set("batch", s.batch());
    v.Set("quantity", s.quantity());
  }
  return v;
}

std::string Summary(const pb::TransactionBody& b, const pb::Effects& e) {
  switch (b.kind_case()) {
    case pb::TransactionBody::kOpenAccount: {
      const auto& op = b.open_account();
      std::string name = op.display_name().empty() ? "" : ", \"" + op.display_name() + "\"";
      std::string keys = op.additional_keys_size() == 0
                             ? ""
                             : ", " + std::to_string(op.threshold()) + " of " +
                                   std::to_string(op.additional_keys_size() + 1) + " keys";
      return "opened account " + op.account_id() + " (" + RoleName(op.role()) + name + keys + ")";
    }
    case pb::TransactionBody::kSetAccountStatus: {
      const auto& op = b.set_account_status();
      std::string verb = op.status() == pb::ACCOUNT_ACTIVE   ? "reinstated"
                         : op.status() == pb::ACCOUNT_CLOSED ? "closed"
                                                             : "suspended";
      return verb + " account " + op.account_id() + (op.reason().empty() ? "" : ": " + op.reason());
    }
    case pb::TransactionBody::kRotateKey:
      return "replaced the key of account " + b.rotate_key().account_id();
    case pb::TransactionBody::kSetAccountKeys: {
      const auto& op = b.set_account_keys();
      return "set the keys of account " + op.account_id() + ": " + std::to_string(op.threshold()) +
             " of " + std::to_string(op.public_keys_size()) + " must sign";
    }
    case pb::TransactionBody::kRegisterProject: {
      const auto& op = b.register_project();
      return "registered project " + op.project_id() + " (\"" + op.name() + "\", " + op.standard() +
             " " + op.methodology() + ", " + op.country() + ", proponent " + op.proponent() + ")";
    }
    case pb::TransactionBody::kIssue: {
      const auto& op = b.issue();
      return "issued batch " + std::to_string(e.batch()) + ": " + Credits(op.quantity()) +
             " of project " + op.project_id() + ", vintage " + op.vintage_start() + " to " +
             op.vintage_end() + ", to " + op.to_account();
    }
    case pb::TransactionBody::kTransfer: {
      const auto& op = b.transfer();
      return "transferred " + SelectionText(op.credits(), e) + " from " + op.from_account() +
             " to " + op.to_account();
    }
    case pb::TransactionBody::kRetire: {
      const auto& op = b.retire();
      return "retired " + SelectionText(op.credits(), e) + " of " + op.account() + " as " +
             e.retirement_id() + " for " + op.beneficiary() + " (" + ReasonName(op.reason()) + ")" +
             CreditUseText(op.use(), op.using_entity());
    }
    case pb::TransactionBody::kCancel: {
      const auto& op = b.cancel();
      return "cancelled " + SelectionText(op.credits(), e) + " held by " + op.account() + ": " +
             op.reason() + CreditUseText(op.use(), op.using_entity());
    }
    case pb::TransactionBody::kLabel: {
      const auto& op = b.label();
      const std::string credits = Credits(e.quantity()) + " (" + BlocksText(e.blocks()) + ")";
      const std::string change = op.action() == pb::LABEL_ADD
                                     ? "labelled " + credits + " " + op.label()
                                     : "removed label " + op.label() + " from " + credits;
      return change + " on reference " + op.reference();
    }
    case pb::TransactionBody::kAuthorize: {
      return "authorised " + Credits(e.quantity()) + " (" + BlocksText(e.blocks()) + ") under " +
             "Article 6: " + AuthorizationText(b.authorize().authorization());
    }
    case pb::TransactionBody::kCorrespondingAdjustment: {
      const auto& op = b.corresponding_adjustment();
      return "corresponding adjustment " + AdjustmentStatusName(op.status()) + " for " +
             Credits(e.quantity()) + " (" + BlocksText(e.blocks()) + ") on reference " +
             op.reference();
    }
    case pb::TransactionBody::kLeaderTerm: {
      const auto& op = b.leader_term();
      const std::string aside =
          op.quarantined() == 0
              ? ""
              : ", setting aside " + std::to_string(op.quarantined()) + " entries past it";
      return op.leader() + " became the writer of cluster " + op.cluster() + " (etcd revision " +
             std::to_string(op.etcd_revision()) + "), taking over the checkpoint of size " +
             std::to_string(op.previous_size()) + aside;
    }
    case pb::TransactionBody::KIND_NOT_SET:
      break;
  }
  return "an empty transaction";
}

json::Value TransactionJson(const pb::TransactionBody& b) {
  json::Value v = json::Value::EmptyObject();
  switch (b.kind_case()) {
    case pb::TransactionBody::kOpenAccount: {
      const auto& op = b.open_account();
      v.Set("account_id", op.account_id());
      v.Set("role", RoleName(op.role()));
      v.Set("public_key", Base64Encode(op.public_key()));
      v.Set("display_name", op.display_name());
      if (op.additional_keys_size() > 0) {
        v.Set("additional_keys", KeysJson(op.additional_keys()));
        v.Set("threshold", uint64_t{op.threshold()});
      }
      break;
    }
    case pb::TransactionBody::kSetAccountStatus: {
      const auto& op = b.set_account_status();
      v.Set("account_id", op.account_id());
      v.Set("status", AccountStatusName(op.status()));
      v.Set("reason", op.reason());
      break;
    }
    case pb::TransactionBody::kRotateKey:
      v.Set("account_id", b.rotate_key().account_id());
      v.Set("new_public_key", Base64Encode(b.rotate_key().new_public_key()));
      break;
    case pb::TransactionBody::kSetAccountKeys:
      v.Set("account_id", b.set_account_keys().account_id());
      v.Set("public_keys", KeysJson(b.set_account_keys().public_keys()));
      v.Set("threshold", uint64_t{b.set_account_keys().threshold()});
      break;
    case pb::TransactionBody::kRegisterProject: {
      const auto& op = b.register_project();
      v.Set("project_id", op.project_id());
      v.Set("name", op.name());
      v.Set("standard", op.standard());
      v.Set("methodology", op.methodology());
      v.Set("country", op.country());
      v.Set("proponent", op.proponent());
      break;
    }
    case pb::TransactionBody::kIssue: {
      const auto& op = b.issue();
      v.Set("project_id", op.project_id());
      v.Set("vintage_start", op.vintage_start());
      v.Set("vintage_end", op.vintage_end());
      v.Set("quantity", op.quantity());
      v.Set("to_account", op.to_account());
      v.Set("verification_ref", op.verification_ref());
      break;
    }
    case pb::TransactionBody::kTransfer: {
      const auto& op = b.transfer();
      v.Set("from_account", op.from_account());
      v.Set("to_account", op.to_account());
      v.Set("credits", SelectionJson(op.credits()));
      v.Set("memo", op.memo());
      break;
    }
    case pb::TransactionBody::kRetire: {
      const auto& op = b.retire();
      v.Set("account", op.account());
      v.Set("credits", SelectionJson(op.credits()));
      v.Set("beneficiary", op.beneficiary());
      v.Set("reason", ReasonName(op.reason()));
      v.Set("details", op.details());
      v.Set("country_of_use", op.country_of_use());
      v.Set("claim_reference", op.claim_reference());
      v.Set("use", CreditUseName(op.use()));
      v.Set("using_entity", op.using_entity());
      break;
    }
    case pb::TransactionBody::kCancel: {
      const auto& op = b.cancel();
      v.Set("account", op.account());
      v.Set("credits", SelectionJson(op.credits()));
      v.Set("reason", op.reason());
      v.Set("use", CreditUseName(op.use()));
      v.Set("using_entity", op.using_entity());
      break;
    }
    case pb::TransactionBody::kLabel: {
      const auto& op = b.label();
      v.Set("action", LabelActionName(op.action()));
      v.Set("label", op.label());
      if (op.credits().blocks_size() > 0) {
        v.Set("blocks", SerialBlocksJson(op.credits().blocks()));
      } else {
        v.Set("batch", op.credits().batch());
      }
      v.Set("reference", op.reference());
      break;
    }
    case pb::TransactionBody::kAuthorize:
      v.Set("credits", BlockSelectionJson(b.authorize().credits()));
      v.Set("authorization", AuthorizationJson(b.authorize().authorization()));
      break;
    case pb::TransactionBody::kCorrespondingAdjustment: {
      const auto& op = b.corresponding_adjustment();
      v.Set("credits", BlockSelectionJson(op.credits()));
      v.Set("status", AdjustmentStatusName(op.status()));
      v.Set("reference", op.reference());
      break;
    }
    case pb::TransactionBody::kLeaderTerm: {
      const auto& op = b.leader_term();
      v.Set("leader", op.leader());
      v.Set("etcd_revision", op.etcd_revision());
      v.Set("cluster", op.cluster());
      v.Set("previous_size", op.previous_size());
      v.Set("previous_root", HexEncode(op.previous_root()));
      v.Set("quarantined", op.quarantined());
      break;
    }
    case pb::TransactionBody::KIND_NOT_SET:
      break;
  }
  return v;
}

}  // namespace

std::string KindName(const pb::TransactionBody& body) {
  switch (body.kind_case()) {
    case pb::TransactionBody::kOpenAccount:
      return "open-account";
    case pb::TransactionBody::kSetAccountStatus:
      return "set-account-status";
    case pb::TransactionBody::kRotateKey:
      return "rotate-key";
    case pb::TransactionBody::kSetAccountKeys:
      return "set-account-keys";
    case pb::TransactionBody::kRegisterProject:
      return "register-project";
    case pb::TransactionBody::kIssue:
      return "issue";
    case pb::TransactionBody::kTransfer:
      return "transfer";
    case pb::TransactionBody::kRetire:
      return "retire";
    case pb::TransactionBody::kCancel:
      return "cancel";
    case pb::TransactionBody::kLabel:
      return "label";
    case pb::TransactionBody::kAuthorize:
      return "authorize";
    case pb::TransactionBody::kCorrespondingAdjustment:
      return "corresponding-adjustment";
    case pb::TransactionBody::kLeaderTerm:
      return "leader-term";
    case pb::TransactionBody::KIND_NOT_SET:
      break;
  }
  return "none";
}

StatusOr<EntryView> ViewEntry(std::string_view entry_bytes) {
  EntryView view;
  CREG_ASSIGN_OR_RETURN(view.entry, DecodeLogEntry(entry_bytes));
  auto tx = PrepareTransaction(view.entry.signed_transaction());
  if (auto* refused = std::get_if<Rejection>(&tx)) {
    return InvalidArgumentError("entry " + std::to_string(view.entry.index()) +
                                " holds a transaction that does not decode: " + refused->message);
  }
  view.envelope = std::move(std::get<PreparedTransaction>(tx).envelope);
  view.body = std::move(std::get<PreparedTransaction>(tx).body);
  view.kind = KindName(view.body);
  view.summary = Summary(view.body, view.entry.effects());
  return view;
}

json::Value EntryJson(const EntryView& view) {
  json::Value v = json::Value::EmptyObject();
  v.Set("entry_index", view.entry.index());
  v.Set("timestamp", IsoTime(view.entry.timestamp_micros()));
  v.Set("kind", view.kind);
  v.Set("signer", view.envelope.signer());
  if (view.envelope.signatures_size() > 0) {
    json::Array keys;
    for (const pb::KeySignature& s : view.envelope.signatures())
      keys.emplace_back(Base64Encode(s.public_key()));
    v.Set("signing_keys", json::Value(std::move(keys)));
  }
  v.Set("summary", view.summary);
  v.Set("nonce", view.body.nonce());
  v.Set("transaction", TransactionJson(view.body));
  v.Set("effects", EffectsJson(view.entry.effects()));
  v.Set("prev_hash", HexEncode(view.entry.prev_hash()));
  return v;
}

json::Value TransactionBodyJson(const pb::TransactionBody& body) { return TransactionJson(body); }

}  // namespace creg
