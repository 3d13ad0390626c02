// Accounts on a NodeProcess's registry for tests: makes keys, builds and
// signs transactions, submits them through a Client, and signs in with
// those keys (client/sign_in.h). Not thread-safe.
#pragma once

#include <map>
#include <string>

#include "client/client.h"
#include "creg/transaction.pb.h"
#include "creg/wire.pb.h"
#include "ledger/keys.h"
#include "tests/support/node_process.h"

namespace creg::testing {

class NodeAccounts {
 public:
  // Knows the operator ("operator", its key from the node's data folder).
  explicit NodeAccounts(const NodeProcess& node);

  const PrivateKey& Key(const std::string& account) const { return keys_.at(account); }

  // Each builds, signs (as the natural signer) and submits one transaction
  // on `client`, and returns the committed answer; a refusal or error is a
  // test failure (and an empty answer).
  pb::Committed OpenAccount(Client& client, const std::string& id, pb::Role role);
  pb::Committed RegisterProject(Client& client, const std::string& id,
                                const std::string& proponent);
  pb::Committed Issue(Client& client, const std::string& project, uint64_t quantity,
                      const std::string& to);
  pb::Committed Transfer(Client& client, const std::string& from, const std::string& to,
                         uint64_t batch, uint64_t quantity);
  pb::Committed Retire(Client& client, const std::string& account, uint64_t batch,
                       uint64_t quantity);
  // Replaces the account's key with a fresh one (Key() returns the new one).
  pb::Committed RotateKey(Client& client, const std::string& account);
  pb::Committed SetStatus(Client& client, const std::string& account, pb::AccountStatus status);

 private:
  pb::TransactionBody Body();
  pb::Committed Commit(Client& client, const pb::TransactionBody& body, const std::string& signer);

  std::map<std::string, PrivateKey> keys_;
  uint64_t nonce_ = 0;
};

// The signed bytes of the operator opening holder account `id` (with a fresh
// key) under `nonce`, not submitted: for tests that read the raw answer, or
// submit one transaction twice.
std::string SignedOpenHolderAccount(const NodeProcess& node, const std::string& id,
                                    const std::string& nonce);

}  // namespace creg::testing
