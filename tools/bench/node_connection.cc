#include "tools/bench/node_connection.h"

#include <iostream>

#include "client/sign_in.h"

namespace creg::bench {

void AddNodeFlags(CLI::App& command, NodeFlags& flags) {
  cmdline::AddNodeFlag(command, flags.address,
                       "the node; several, comma-separated (the members of a cluster), are tried "
                       "in turn, and writes a mirror refuses (NOT_LEADER) go to the writer it "
                       "names");
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
  StatusOr<Members> members = Members::Parse(flags.address);
  if (!members.ok()) {
    return InvalidArgumentError("--node (CREG_NODE): " + members.status().message());
  }
  if (flags.account.empty() && flags.key_file.empty()) {
    return NodeConnector(std::move(*members), flags, std::nullopt);
  }
  if (flags.key_file.empty()) {
    return InvalidArgumentError("--account " + flags.account +
                                " needs --key FILE, the account's private key");
  }
  if (flags.account.empty()) {
    return InvalidArgumentError("--key " + flags.key_file +
                                " needs --account ID, the account it is the key of");
  }
  CREG_ASSIGN_OR_RETURN(PrivateKey key, PrivateKey::LoadFile(flags.key_file));
  return NodeConnector(std::move(*members), flags, std::move(key));
}

Status NodeConnector::SignInIfGiven(Client& client) const {
  if (!key_.has_value()) return OkStatus();
  // The origin the node names: a benchmark expects no particular registry.
  return SignIn(client, account_, *key_, "");
}

StatusOr<std::unique_ptr<Client>> NodeConnector::ConnectToAMember() {
  return members_.Connect(
      client_, [this](Client& client, const std::string&) { return SignInIfGiven(client); },
      SkipNoteTo(std::cerr, "creg-bench: "));
}

StatusOr<std::unique_ptr<Client>> NodeConnector::Connect() const {
  CREG_ASSIGN_OR_RETURN(std::unique_ptr<Client> client,
                        Client::Connect(members_.connected(), client_));
  CREG_RETURN_IF_ERROR(SignInIfGiven(*client));
  return client;
}

}  // namespace creg::bench
