// set_account_keys: an account replaces its keys and threshold
// (docs/rules.md, "Multi-signature accounts").
#include "ledger/registry/account_keys.h"
#include "ledger/registry/internal/rules.h"

namespace creg::internal {

RuleResult ApplySetAccountKeys(RuleContext& ctx, const pb::SetAccountKeys& op) {
  if (op.account_id() != ctx.signer.account_id()) {
    return Reject(RuleCode::kNotAuthorized,
                  "account '" + ctx.signer.account_id() + "' may not change the keys of account '" +
                      op.account_id() + "'; an account changes only its own keys");
  }
  const AccountKeys keys = KeysOfSetting(op);
  if (std::optional<Rejection> refused = CheckKeySet(keys, op.account_id())) {
    return std::optional<Rejection>(std::move(*refused));
  }
  if (keys == KeysOfAccount(ctx.signer)) {
    return Reject(RuleCode::kInvalidKey,
                  "account '" + op.account_id() + "' already holds these keys with this threshold");
  }
  pb::AccountRecord account = ctx.signer;
  StoreKeys(keys, account);
  ctx.tables.PutAccount(ctx.overlay, account);
  ctx.tables.AddKeyHistory(ctx.overlay, op.account_id(), ctx.entry_index);
  return Accept();
}

}  // namespace creg::internal
