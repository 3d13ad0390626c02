#include "ledger/registry/registry.h"

#include <set>

#include "ledger/log_entry.h"
#include "ledger/registry/account_keys.h"
#include "ledger/registry/internal/rules.h"
#include "ledger/registry/internal/state_view.h"
#include "ledger/registry/internal/tables.h"
#include "ledger/registry/internal/undo_records.h"
#include "ledger/registry/leader_term.h"

namespace creg {

using internal::GroupSnapshotView;
using internal::RuleContext;
using internal::RuleResult;
using internal::StateOverlay;
using internal::StoreView;
using internal::Tables;
using internal::UndoRecords;

std::vector<std::string> Registry::ColumnNames() {
  std::vector<std::string> names = MerkleLog::ColumnNames();
  const auto& registry = StateColumnNames();
  names.insert(names.end(), registry.begin(), registry.end());
  names.push_back(internal::kUndoColumn);
  return names;
}

const std::vector<std::string>& Registry::StateColumnNames() {
  return internal::RegistryColumnNames();
}

Registry::Registry(Store* store, std::unique_ptr<MerkleLog> log, std::unique_ptr<Tables> tables,
                   std::string origin, std::optional<PublicKey> registry_key,
                   std::unique_ptr<UndoRecords> undo, uint64_t undo_from)
    : store_(store),
      committed_(std::make_unique<StoreView>(store)),
      log_(std::move(log)),
      tables_(std::move(tables)),
      origin_(std::move(origin)),
      registry_key_(std::move(registry_key)),
      undo_(std::move(undo)),
      undo_from_(undo_from) {}

Registry::~Registry() = default;

namespace {

// OK if a registry stamped `format` (nullopt: no stamp) can be opened by
// this build.
Status CheckFormat(const std::optional<std::string>& format) {
  const std::string ours = std::to_string(Registry::kFormatVersion);
  if (format == ours) return OkStatus();
  const std::string what =
      format.has_value() ? "is in data format " + *format
                         : "has no data format record (it was made by a creg build from before "
                           "data folders carried one)";
  return FailedPreconditionError(
      "this registry " + what + "; this build reads format " + ours +
      " only. Open it with the creg version that made it; docs/operations.md, "
      "\"Upgrading\", says what to do");
}

}  // namespace

StatusOr<std::unique_ptr<Registry>> Registry::Open(Store* store, const RegistryOptions& options) {
  // The format is checked before anything else is read, so a folder in
  // another layout is named as such rather than failing on some record.
  CREG_ASSIGN_OR_RETURN(Tables tables, Tables::Resolve(*store));
  StoreView view(store);
  CREG_ASSIGN_OR_RETURN(std::optional<std::string> stored_origin, tables.Origin(view));
  if (stored_origin.has_value()) {
    CREG_ASSIGN_OR_RETURN(std::optional<std::string> format, tables.Format(view));
    CREG_RETURN_IF_ERROR(CheckFormat(format));
  }
  MerkleLogOptions log_options;
  log_options.store_entries = options.store_log;
  CREG_ASSIGN_OR_RETURN(std::unique_ptr<MerkleLog> log,
                        MerkleLog::Open(store, LogEntryLinkReader(), log_options));
  std::string origin = options.origin;
  if (stored_origin.has_value()) {
    if (!origin.empty() && origin != *stored_origin) {
      return InvalidArgumentError("registry origin is '" + *stored_origin + "', not '" + origin +
                                  "'");
    }
    origin = *stored_origin;
  } else {
    if (origin.empty() || origin.find('\n') != std::string::npos) {
      return InvalidArgumentError(
          "a new registry needs an origin: one line of text, such as registry.example.org");
    }
    if (log->size() != 0) return DataLossError("registry has log entries but no stored origin");
    WriteBatch batch(*store);
    StateOverlay overlay(&view);
    tables.PutOrigin(overlay, origin);
    tables.PutFormat(overlay, std::to_string(kFormatVersion));
    overlay.FlushTo(batch);
    CREG_RETURN_IF_ERROR(store->Write(batch));
  }
  // Resolved only now, so that an older store that lacks the column is
  // refused by its format above, which names both versions.
  CREG_ASSIGN_OR_RETURN(UndoRecords undo, UndoRecords::Resolve(*store));
  std::unique_ptr<UndoRecords> keep_undo;
  uint64_t undo_from = log->size();
  if (options.store_log) {
    CREG_ASSIGN_OR_RETURN(std::optional<uint64_t> oldest, undo.Oldest(*store));
    undo_from = std::min(undo_from, oldest.value_or(undo_from));
    keep_undo = std::make_unique<UndoRecords>(std::move(undo));
  }
  return std::unique_ptr<Registry>(
      new Registry(store, std::move(log), std::make_unique<Tables>(std::move(tables)),
                   std::move(origin), options.registry_key, std::move(keep_undo), undo_from));
}

Registry::Group::Group(MerkleLog::PendingAppend pending,
                       std::unique_ptr<GroupSnapshotView> snapshot,
                       std::unique_ptr<StateOverlay> overlay)
    : pending_(std::move(pending)), snapshot_(std::move(snapshot)), overlay_(std::move(overlay)) {}
Registry::Group::Group(Group&&) noexcept = default;
Registry::Group& Registry::Group::operator=(Group&&) noexcept = default;
Registry::Group::~Group() = default;

Registry::Group Registry::BeginGroup() const {
  auto snapshot = std::make_unique<GroupSnapshotView>(store_);
  auto overlay = std::make_unique<StateOverlay>(snapshot.get());
  return Group(log_->BeginAppend(), std::move(snapshot), std::move(overlay));
}

StatusOr<std::optional<Rejection>> Registry::CheckSigner(const Group& group,
                                                         PreparedTransaction& tx,
                                                         pb::AccountRecord* signer) const {
  const std::string& signer_id = tx.envelope.signer();
  if (signer_id == kRegistrySigner) {
    // No account: the registry's own key, for leader terms.
    if (std::optional<Rejection> refused = CheckSignedByRegistry(tx, registry_key_)) {
      return std::optional<Rejection>(std::move(*refused));
    }
    signer->set_account_id(signer_id);
    signer->set_status(pb::ACCOUNT_ACTIVE);
    return std::optional<Rejection>();
  }
  CREG_ASSIGN_OR_RETURN(std::optional<pb::AccountRecord> account,
                        tables_->Account(*group.overlay_, signer_id));
  if (!account.has_value()) {
    // Bootstrap: the first transaction of a registry opens the operator's
    // own account and is checked against the key it carries.
    CREG_ASSIGN_OR_RETURN(bool any, tables_->HasAnyAccount(*group.overlay_));
    const bool bootstrap = !any && tx.body.has_open_account() &&
                           tx.body.open_account().account_id() == signer_id &&
                           tx.body.open_account().role() == pb::ROLE_OPERATOR;
    if (!bootstrap) {
      return internal::Reject(RuleCode::kUnknownAccount,
                              "signer account '" + signer_id + "' does not exist");
    }
    account.emplace();
    account->set_account_id(signer_id);
    account->set_role(pb::ROLE_OPERATOR);
    StoreKeys(KeysOfOpening(tx.body.open_account()), *account);
    account->set_status(pb::ACCOUNT_ACTIVE);
  }
  if (account->status() == pb::ACCOUNT_SUSPENDED) {
    return internal::Reject(RuleCode::kAccountSuspended,
                            "signer account '" + signer_id + "' is suspended");
  }
  if (account->status() == pb::ACCOUNT_CLOSED) {
    return internal::Reject(RuleCode::kAccountClosed,
                            "signer account '" + signer_id + "' is closed");
  }
  // The common case costs what it always did: a single-key account's
  // single signature, already verified with its key on a worker thread.
  const bool verified_single = tx.envelope.signatures_size() == 0 &&
                               account->additional_keys_size() == 0 &&
                               tx.verified_with_key == account->public_key();
  if (!verified_single) {
    if (std::optional<Rejection> unsigned_for = CheckSignedFor(tx, KeysOfAccount(*account))) {
      return std::optional<Rejection>(std::move(*unsigned_for));
    }
  }
  *signer = std::move(*account);
  return std::optional<Rejection>();
}

namespace {

RuleResult Dispatch(RuleContext& ctx, const pb::TransactionBody& body) {
  switch (body.kind_case()) {
    case pb::TransactionBody::kOpenAccount:
      return internal::ApplyOpenAccount(ctx, body.open_account());
    case pb::TransactionBody::kSetAccountStatus:
      return internal::ApplySetAccountStatus(ctx, body.set_account_status());
    case pb::TransactionBody::kRotateKey:
      return internal::ApplyRotateKey(ctx, body.rotate_key());
    case pb::TransactionBody::kRegisterProject:
      return internal::ApplyRegisterProject(ctx, body.register_project());
    case pb::TransactionBody::kIssue:
      return internal::ApplyIssue(ctx, body.issue());
    case pb::TransactionBody::kTransfer:
      return internal::ApplyTransfer(ctx, body.transfer());
    case pb::TransactionBody::kRetire:
      return internal::ApplyRetire(ctx, body.retire());
    case pb::TransactionBody::kCancel:
      return internal::ApplyCancel(ctx, body.cancel());
    case pb::TransactionBody::kLabel:
      return internal::ApplyLabel(ctx, body.label());
    case pb::TransactionBody::kAuthorize:
      return internal::ApplyAuthorize(ctx, body.authorize());
    case pb::TransactionBody::kCorrespondingAdjustment:
      return internal::ApplyCorrespondingAdjustment(ctx, body.corresponding_adjustment());
    case pb::TransactionBody::kSetAccountKeys:
      return internal::ApplySetAccountKeys(ctx, body.set_account_keys());
    case pb::TransactionBody::kLeaderTerm:
      return internal::ApplyLeaderTerm(ctx, body.leader_term());
    case pb::TransactionBody::KIND_NOT_SET:
      break;
  }
  return internal::Reject(RuleCode::kMalformed, "transaction body names no operation");
}

}  // namespace

StatusOr<Verdict> Registry::Apply(Group& group, PreparedTransaction tx, int64_t timestamp_micros) {
  if (IsRegistryTransaction(tx)) {
    return Verdict(Rejection{RuleCode::kNotAClientOperation,
                             "leader terms (and anything signed as " +
                                 std::string(kRegistrySigner) +
                                 ") are written by the registry's writer itself when it takes "
                                 "over a cluster; no client submits one"});
  }
  return ApplyAt(group, std::move(tx), timestamp_micros, nullptr);
}

StatusOr<Verdict> Registry::ApplyAt(Group& group, PreparedTransaction tx, int64_t timestamp_micros,
                                    const std::string_view* expected_entry) {
  if (tx.body.origin() != origin_) {
    return Verdict(Rejection{
        RuleCode::kWrongOrigin,
        "transaction is for registry '" + tx.body.origin() + "', this is '" + origin_ + "'"});
  }
  // A resubmission of the very same signed bytes returns the original
  // result and applies nothing; the same body under another signature or
  // signer is a replay.
  auto replayed = [&](uint64_t index) {
    return Verdict(Rejection{RuleCode::kReplayed,
                             "this transaction was already committed at entry " +
                                 std::to_string(index) + " with another signature or signer"});
  };
  if (auto it = group.accepted_.find(tx.tx_id); it != group.accepted_.end()) {
    if (tx.bytes != it->second.second) return replayed(it->second.first.entry_index);
    Accepted again = it->second.first;
    again.duplicate = true;
    return Verdict(again);
  }
  CREG_ASSIGN_OR_RETURN(std::optional<uint64_t> committed_at,
                        tables_->EntryOfTransaction(*committed_, tx.tx_id));
  if (committed_at.has_value()) {
    // Without the log there are no signed bytes to tell the two apart.
    if (!log_->stores_entries()) {
      return Verdict(Rejection{
          RuleCode::kReplayed,
          "this transaction was already committed at entry " + std::to_string(*committed_at)});
    }
    CREG_ASSIGN_OR_RETURN(pb::LogEntry original, Entry(*committed_at));
    if (original.signed_transaction() != tx.bytes) return replayed(*committed_at);
    return Verdict(Accepted{*committed_at, original.effects(), true});
  }

  pb::AccountRecord signer;
  CREG_ASSIGN_OR_RETURN(std::optional<Rejection> refused, CheckSigner(group, tx, &signer));
  if (refused.has_value()) return Verdict(*refused);
  CREG_ASSIGN_OR_RETURN(
      std::optional<Hash> nonce_owner,
      tables_->TransactionOfNonce(*group.overlay_, signer.account_id(), tx.body.nonce()));
  if (nonce_owner.has_value()) {
    return Verdict(Rejection{RuleCode::kReplayed, "nonce '" + tx.body.nonce() + "' of account '" +
                                                      signer.account_id() +
                                                      "' was already used by another transaction"});
  }

  const uint64_t entry_index = group.pending_.next_index();
  // The rules write into the group's overlay; a refusal takes that back,
  // and what the writes replaced is the entry's undo record.
  StateOverlay& overlay = *group.overlay_;
  StateOverlay::Undo undo(overlay);
  pb::Effects effects;
  // Every account involved gets the entry in its history; "@registry" is
  // no account.
  std::set<std::string> accounts;
  if (signer.account_id() != kRegistrySigner) accounts.insert(signer.account_id());
  std::set<uint64_t> batches;
  RuleContext ctx{*tables_,       overlay,          tx,      signer,   entry_index,
                  group.pending_, timestamp_micros, effects, accounts, batches};
  CREG_ASSIGN_OR_RETURN(refused, Dispatch(ctx, tx.body));
  if (refused.has_value()) return Verdict(*refused);

  effects.set_tx_id(tx.tx_id.str());
  tables_->PutTransaction(overlay, tx.tx_id, entry_index);
  tables_->PutNonce(overlay, signer.account_id(), tx.body.nonce(), tx.tx_id);
  for (const std::string& account : accounts)
    tables_->AddAccountHistory(overlay, account, entry_index);
  for (uint64_t batch : batches) tables_->AddBatchHistory(overlay, batch, entry_index);

  pb::LogEntry entry;
  entry.set_index(entry_index);
  entry.set_timestamp_micros(timestamp_micros);
  entry.set_prev_hash(group.pending_.last_leaf_hash().str());
  entry.set_signed_transaction(tx.bytes);
  entry.mutable_effects()->Swap(&effects);
  std::string entry_bytes = EncodeLogEntry(entry);
  if (expected_entry != nullptr) {
    if (entry_bytes != *expected_entry) {
      return DataLossError(
          "entry " + std::to_string(entry_index) +
          ": replaying its transaction resolves different effects than were stored");
    }
  }
  std::string undo_record;
  if (undo_ != nullptr) {
    CREG_ASSIGN_OR_RETURN(undo_record, undo_->Record(undo));
  }
  CREG_RETURN_IF_ERROR(
      group.pending_.Add(expected_entry != nullptr ? *expected_entry : entry_bytes));
  if (undo_ != nullptr) group.undo_records_.emplace_back(entry_index, std::move(undo_record));
  undo.Keep();
  Accepted accepted{entry_index, std::move(*entry.mutable_effects()), false};
  group.accepted_.emplace(tx.tx_id, std::make_pair(accepted, std::move(tx.bytes)));
  return Verdict(std::move(accepted));
}

Status Registry::ReplayEntry(Group& group, std::string_view entry_bytes) {
  return ReplayEntry(group, DecodeStoredEntry(entry_bytes));
}

Status Registry::ReplayEntry(Group& group, StoredEntry entry) {
  const uint64_t index = group.pending_.next_index();
  if (!entry.decoded.ok())
    return DataLossError("entry " + std::to_string(index) + ": " + entry.decoded.message());
  if (auto* rejection = std::get_if<Rejection>(&entry.tx)) {
    return DataLossError("entry " + std::to_string(index) +
                         ": stored transaction is refused: " + rejection->ToString());
  }
  const std::string_view entry_bytes = entry.bytes;
  CREG_ASSIGN_OR_RETURN(Verdict verdict,
                        ApplyAt(group, std::move(std::get<PreparedTransaction>(entry.tx)),
                                entry.timestamp_micros, &entry_bytes));
  if (auto* rejection = std::get_if<Rejection>(&verdict)) {
    return DataLossError("entry " + std::to_string(index) +
                         ": stored transaction is refused: " + rejection->ToString());
  }
  if (std::get<Accepted>(verdict).duplicate) {
    return DataLossError("entry " + std::to_string(index) + " repeats an earlier transaction");
  }
  return OkStatus();
}

StatusOr<TreeHead> Registry::Commit(Group group) {
  WriteBatch& batch = group.pending_.batch();
  group.overlay_->FlushTo(batch);
  const uint64_t undo_from = AddUndoWrites(group.undo_records_, batch);
  CREG_ASSIGN_OR_RETURN(TreeHead head, log_->Commit(std::move(group.pending_)));
  undo_from_ = undo_from;
  return head;
}

StatusOr<Verdict> Registry::Submit(std::string_view signed_transaction) {
  return ApplyAlone(PrepareTransaction(signed_transaction), NowMicros(), true);
}

StatusOr<Verdict> Registry::ApplyAlone(std::variant<PreparedTransaction, Rejection> prepared,
                                       int64_t timestamp_micros, bool from_client) {
  if (auto* rejection = std::get_if<Rejection>(&prepared)) return Verdict(*rejection);
  PreparedTransaction& tx = std::get<PreparedTransaction>(prepared);
  Group group = BeginGroup();
  CREG_ASSIGN_OR_RETURN(Verdict verdict,
                        from_client ? Apply(group, std::move(tx), timestamp_micros)
                                    : ApplyAt(group, std::move(tx), timestamp_micros, nullptr));
  if (std::holds_alternative<Accepted>(verdict) && !std::get<Accepted>(verdict).duplicate) {
    CREG_RETURN_IF_ERROR(Commit(std::move(group)).status());
  }
  return verdict;
}

}  // namespace creg
