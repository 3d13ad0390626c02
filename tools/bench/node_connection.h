// How creg-bench reaches a node: the members --node names, TLS, and the
// account its connections read as (docs/benchmarks.md, "Against a node").
//
//   NodeFlags flags;
//   AddNodeFlags(*command, flags);  // before parsing
//   auto connector = NodeConnector::FromFlags(flags);
//   auto first = connector->ConnectToAMember();  // signed in if --account was given
//   auto more = connector->Connect();            // to the same node, from any thread
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "client/client.h"
#include "client/client_flags.h"
#include "client/members.h"
#include "cmdline/app.h"
#include "creg/wire.pb.h"
#include "ledger/keys.h"
#include "ledger/status.h"

namespace creg::bench {

struct NodeFlags {
  std::string address = cmdline::kDefaultNodeAddress;  // HOST:PORT[,HOST:PORT...]
  ClientOptions client;
  std::string account;   // "": read as the public
  std::string key_file;  // the account's private key
};

// Adds --node (CREG_NODE), --tls-ca (CREG_TLS_CA), --account (CREG_ACCOUNT)
// and --key (CREG_KEY) to `command`, bound to `flags`.
void AddNodeFlags(CLI::App& command, NodeFlags& flags);

// Opens connections to the node a run measures, each signed in as the
// flags' account when they name one (so that a node whose read policy
// keeps what a benchmark reads from the public serves it to that account).
// The node is the first member of --node that answers, or the writer a
// mirror named when a write was refused with NOT_LEADER (FollowLeader).
class NodeConnector {
 public:
  // InvalidArgument naming --node and what is wrong with its member list
  // (Members::Parse), or the missing flag when only one of --account and
  // --key is given; the errors of PrivateKey::LoadFile for the key.
  static StatusOr<NodeConnector> FromFlags(const NodeFlags& flags);

  // A connection to the writer FollowLeader() named, else to the first
  // member that answers and takes the sign-in, starting with the one the
  // last call reached (Members::Connect); each member passed over is named
  // on stderr. The errors of Members::Connect.
  StatusOr<std::unique_ptr<Client>> ConnectToAMember();
  // Another connection to the node ConnectToAMember() reached last
  // (precondition: it succeeded), signed in likewise: the errors of
  // Client::Connect and of SignIn (PermissionDenied with the node's reason
  // for a refused sign-in). Safe from several threads at once while
  // ConnectToAMember() and FollowLeader() are not running.
  StatusOr<std::unique_ptr<Client>> Connect() const;
  // Members::FollowLeader: true when `error` (the answer to a write) is
  // NOT_LEADER naming a writer, which ConnectToAMember() then reaches.
  bool FollowLeader(const pb::Error& error) { return members_.FollowLeader(error); }

  // The node ConnectToAMember() reached last; "" before.
  const std::string& address() const { return members_.connected(); }
  const ClientOptions& client_options() const { return client_; }

 private:
  NodeConnector(Members members, const NodeFlags& flags, std::optional<PrivateKey> key)
      : members_(std::move(members)),
        client_(flags.client),
        account_(flags.account),
        key_(std::move(key)) {}

  // Signs `client` in when an account was given.
  Status SignInIfGiven(Client& client) const;

  Members members_;
  ClientOptions client_;
  std::string account_;
  std::optional<PrivateKey> key_;
};

}  // namespace creg::bench
