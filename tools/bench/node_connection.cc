#include "tools/bench/node_connection.h"

#include "client/sign_in.h"

namespace creg::bench {

void AddNodeFlags(CLI::App& command, NodeFlags& flags) {
  cmdline::AddNodeFlag(command, flags.address, "the node");
  AddClientFlags(command, flags.client);
  command
      .add_option("--account", flags.account,
                  "sign every connection in as this account, for a node whose read policy keeps "
                  "what the benchmark reads from the public")
      ->envname("CREG_ACCOUNT")
      ->type_name("ID");
  command.add_option("--key", flags.key_file, "with --account: its private key file")
      ->envname("CREG_KEY")
      ->type_name("FILE");
}

StatusOr<NodeConnector> NodeConnector::FromFlags(const NodeFlags& flags) {
  if (flags.account.empty() && flags.key_file.empty()) return NodeConnector(flags, std::nullopt);
  if (flags.key_file.empty()) {
    return InvalidArgumentError("--account " + flags.account +
                                " needs --key FILE, the account's private key");
  }
  if (flags.account.empty()) {
    return InvalidArgumentError("--key " + flags.key_file +
                                " needs --account ID, the account it is the key of");
  }
  CREG_ASSIGN_OR_RETURN(PrivateKey key, PrivateKey::LoadFile(flags.key_file));
  return NodeConnector(flags, std::move(key));
}

StatusOr<std::unique_ptr<Client>> NodeConnector::Connect() const {
  CREG_ASSIGN_OR_RETURN(std::unique_ptr<Client> client, Client::Connect(address_, client_));
  if (key_.has_value()) {
    // The origin the node names: a benchmark expects no particular registry.
    CREG_RETURN_IF_ERROR(SignIn(*client, account_, *key_, ""));
  }
  return client;
}

}  // namespace creg::bench
