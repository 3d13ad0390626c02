#include "ledger/keys.h"
#include "ledger/registry/account_keys.h"
#include "ledger/registry/internal/rules.h"
#include "ledger/registry/internal/text_rules.h"
#include "ledger/registry/internal/validate.h"

namespace creg::internal {

bool IsOperator(const pb::AccountRecord& account) { return account.role() == pb::ROLE_OPERATOR; }

StatusOr<std::optional<Rejection>> CheckCounterparty(const RuleContext& ctx, std::string_view id,
                                                     std::string_view what,
                                                     pb::AccountRecord* out) {
  CREG_ASSIGN_OR_RETURN(std::optional<pb::AccountRecord> account,
                        ctx.tables.Account(ctx.overlay, id));
  std::string name = std::string(what) + " account '" + std::string(id) + "'";
  if (!account.has_value()) return Reject(RuleCode::kUnknownAccount, name + " does not exist");
  if (account->status() == pb::ACCOUNT_SUSPENDED) {
    return Reject(RuleCode::kAccountSuspended, name + " is suspended");
  }
  if (account->status() == pb::ACCOUNT_CLOSED)
    return Reject(RuleCode::kAccountClosed, name + " is closed");
  if (account->role() == pb::ROLE_AUDITOR) {
    return Reject(RuleCode::kNotAuthorized,
                  name +
                      " is an auditor account; auditor accounts read the registry and "
                      "neither hold credits nor propose projects");
  }
  if (out != nullptr) *out = std::move(*account);
  return Accept();
}

RuleResult ApplyOpenAccount(RuleContext& ctx, const pb::OpenAccount& op) {
  // The very first transaction opens the operator's own account; the
  // registry checks it against the key it carries (Registry::Apply).
  if (!IsOperator(ctx.signer)) {
    return Reject(RuleCode::kNotAuthorized, "only a registry operator may open accounts");
  }
  if (std::string why = CheckId(op.account_id()); !why.empty()) {
    return Reject(RuleCode::kInvalidAccountId, "account id '" + op.account_id() + "' " + why);
  }
  if (op.role() != pb::ROLE_OPERATOR && op.role() != pb::ROLE_HOLDER &&
      op.role() != pb::ROLE_AUDITOR) {
    return Reject(RuleCode::kMalformed, "account role must be operator, holder or auditor");
  }
  const AccountKeys keys = KeysOfOpening(op);
  if (std::optional<Rejection> refused = CheckKeySet(keys, op.account_id())) {
    return std::optional<Rejection>(std::move(*refused));
  }
  if (auto refused = CheckFreeText("display name", op.display_name(), 200, false)) return refused;
  CREG_ASSIGN_OR_RETURN(std::optional<pb::AccountRecord> existing,
                        ctx.tables.Account(ctx.overlay, op.account_id()));
  if (existing.has_value()) {
    return Reject(RuleCode::kAccountExists,
                  "account id '" + op.account_id() + "' is already taken");
  }
  pb::AccountRecord record;
  record.set_account_id(op.account_id());
  record.set_role(op.role());
  StoreKeys(keys, record);
  record.set_display_name(op.display_name());
  record.set_status(pb::ACCOUNT_ACTIVE);
  record.set_opened_at_entry(ctx.entry_index);
  ctx.tables.PutAccount(ctx.overlay, record);
  ctx.tables.AddKeyHistory(ctx.overlay, op.account_id(), ctx.entry_index);
  ctx.accounts.insert(op.account_id());
  return Accept();
}

RuleResult ApplySetAccountStatus(RuleContext& ctx, const pb::SetAccountStatus& op) {
  if (!IsOperator(ctx.signer)) {
    return Reject(RuleCode::kNotAuthorized,
                  "only a registry operator may change an account's status");
  }
  if (op.account_id() == ctx.signer.account_id()) {
    return Reject(RuleCode::kNotAuthorized,
                  "an operator may not change the status of its own account");
  }
  if (auto refused = CheckFreeText("status change reason", op.reason(), 500, true)) return refused;
  CREG_ASSIGN_OR_RETURN(std::optional<pb::AccountRecord> account,
                        ctx.tables.Account(ctx.overlay, op.account_id()));
  if (!account.has_value()) {
    return Reject(RuleCode::kUnknownAccount, "account '" + op.account_id() + "' does not exist");
  }
  pb::AccountStatus to = op.status();
  if (to != pb::ACCOUNT_ACTIVE && to != pb::ACCOUNT_SUSPENDED && to != pb::ACCOUNT_CLOSED) {
    return Reject(RuleCode::kMalformed, "status must be active, suspended or closed");
  }
  if (account->status() == pb::ACCOUNT_CLOSED) {
    return Reject(RuleCode::kInvalidStatusChange,
                  "account '" + op.account_id() + "' is closed for good");
  }
  if (account->status() == to) {
    return Reject(
        RuleCode::kInvalidStatusChange,
        "account '" + op.account_id() + "' already has status " + pb::AccountStatus_Name(to));
  }
  if (to == pb::ACCOUNT_CLOSED) {
    bool holds = false;
    CREG_RETURN_IF_ERROR(
        ctx.tables.ScanHoldings(ctx.overlay, op.account_id(), 0, [&](const Holding&) {
          holds = true;
          return false;
        }));
    if (holds) {
      return Reject(RuleCode::kAccountNotEmpty,
                    "account '" + op.account_id() +
                        "' still holds active credits; transfer, retire or "
                        "cancel them before closing it");
    }
  }
  account->set_status(to);
  account->set_status_reason(op.reason());
  ctx.tables.PutAccount(ctx.overlay, *account);
  ctx.accounts.insert(op.account_id());
  return Accept();
}

RuleResult ApplyRotateKey(RuleContext& ctx, const pb::RotateKey& op) {
  if (op.account_id() != ctx.signer.account_id()) {
    return Reject(RuleCode::kNotAuthorized,
                  "a key rotation must be signed by the account's current key");
  }
  if (ctx.signer.additional_keys_size() > 0) {
    return Reject(RuleCode::kSeveralKeys,
                  "account '" + op.account_id() + "' holds " +
                      std::to_string(ctx.signer.additional_keys_size() + 1) +
                      " keys; change them with set_account_keys ('creg account keys'), "
                      "not rotate_key");
  }
  if (Status key = CheckPublicKey(op.new_public_key()); !key.ok()) {
    return Reject(RuleCode::kInvalidKey, "the new public key is refused: " + key.message());
  }
  if (op.new_public_key() == ctx.signer.public_key()) {
    return Reject(RuleCode::kInvalidKey, "new public key is the same as the current one");
  }
  pb::AccountRecord account = ctx.signer;
  account.set_public_key(op.new_public_key());
  ctx.tables.PutAccount(ctx.overlay, account);
  ctx.tables.AddKeyHistory(ctx.overlay, op.account_id(), ctx.entry_index);
  return Accept();
}

}  // namespace creg::internal
