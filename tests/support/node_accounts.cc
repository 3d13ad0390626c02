#include "tests/support/node_accounts.h"

#include <gtest/gtest.h>

#include "ledger/log_entry.h"
#include "ledger/registry/transaction.h"

namespace creg::testing {

NodeAccounts::NodeAccounts(const NodeProcess& node) {
  keys_.emplace("operator", node.OperatorKey());
}

pb::TransactionBody NodeAccounts::Body() {
  pb::TransactionBody body;
  body.set_origin(NodeProcess::kOrigin);
  body.set_nonce("a" + std::to_string(++nonce_) + "-" + std::to_string(NowMicros()));
  return body;
}

pb::Committed NodeAccounts::Commit(Client& client, const pb::TransactionBody& body,
                                   const std::string& signer) {
  auto answer = client.Submit(SignTransaction(body, signer, keys_.at(signer)));
  EXPECT_TRUE(answer.ok()) << answer.status().ToString();
  if (!answer.ok()) return {};
  EXPECT_TRUE(answer->has_committed())
      << answer->refused().code() << ": " << answer->refused().message();
  return answer->committed();
}

pb::Committed NodeAccounts::OpenAccount(Client& client, const std::string& id, pb::Role role) {
  keys_.insert_or_assign(id, PrivateKey::Generate().value());
  pb::TransactionBody body = Body();
  body.mutable_open_account()->set_account_id(id);
  body.mutable_open_account()->set_role(role);
  body.mutable_open_account()->set_public_key(keys_.at(id).public_key().raw());
  return Commit(client, body, "operator");
}

pb::Committed NodeAccounts::RegisterProject(Client& client, const std::string& id,
                                            const std::string& proponent) {
  pb::TransactionBody body = Body();
  auto* op = body.mutable_register_project();
  op->set_project_id(id);
  op->set_name("Cookstoves");
  op->set_standard("VCS");
  op->set_methodology("AMS-II.G");
  op->set_country("KE");
  op->set_proponent(proponent);
  return Commit(client, body, "operator");
}

pb::Committed NodeAccounts::Issue(Client& client, const std::string& project, uint64_t quantity,
                                  const std::string& to) {
  pb::TransactionBody body = Body();
  auto* op = body.mutable_issue();
  op->set_project_id(project);
  op->set_vintage_start("2025-01-01");
  op->set_vintage_end("2025-12-31");
  op->set_quantity(quantity);
  op->set_to_account(to);
  op->set_verification_ref("VR-" + body.nonce());
  return Commit(client, body, "operator");
}

pb::Committed NodeAccounts::Transfer(Client& client, const std::string& from, const std::string& to,
                                     uint64_t batch, uint64_t quantity) {
  pb::TransactionBody body = Body();
  body.mutable_transfer()->set_from_account(from);
  body.mutable_transfer()->set_to_account(to);
  body.mutable_transfer()->mutable_credits()->set_batch(batch);
  body.mutable_transfer()->mutable_credits()->set_quantity(quantity);
  return Commit(client, body, from);
}

pb::Committed NodeAccounts::Retire(Client& client, const std::string& account, uint64_t batch,
                                   uint64_t quantity) {
  pb::TransactionBody body = Body();
  auto* op = body.mutable_retire();
  op->set_account(account);
  op->mutable_credits()->set_batch(batch);
  op->mutable_credits()->set_quantity(quantity);
  op->set_beneficiary("Belt and Road Green Development Forum 2026");
  op->set_reason(pb::VOLUNTARY_EVENT_OFFSET);
  return Commit(client, body, account);
}

pb::Committed NodeAccounts::RotateKey(Client& client, const std::string& account) {
  PrivateKey fresh = PrivateKey::Generate().value();
  pb::TransactionBody body = Body();
  body.mutable_rotate_key()->set_account_id(account);
  body.mutable_rotate_key()->set_new_public_key(fresh.public_key().raw());
  pb::Committed committed = Commit(client, body, account);
  keys_.insert_or_assign(account, std::move(fresh));
  return committed;
}

pb::Committed NodeAccounts::SetStatus(Client& client, const std::string& account,
                                      pb::AccountStatus status) {
  pb::TransactionBody body = Body();
  body.mutable_set_account_status()->set_account_id(account);
  body.mutable_set_account_status()->set_status(status);
  body.mutable_set_account_status()->set_reason("test");
  return Commit(client, body, "operator");
}

std::string SignedOpenHolderAccount(const NodeProcess& node, const std::string& id,
                                    const std::string& nonce) {
  pb::TransactionBody body;
  body.set_origin(NodeProcess::kOrigin);
  body.set_nonce(nonce);
  body.mutable_open_account()->set_account_id(id);
  body.mutable_open_account()->set_role(pb::ROLE_HOLDER);
  body.mutable_open_account()->set_public_key(PrivateKey::Generate()->public_key().raw());
  return SignTransaction(body, "operator", node.OperatorKey());
}

}  // namespace creg::testing
