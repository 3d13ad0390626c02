// How creg-bench reaches a node: its address, TLS, and the account its
// connections read as (docs/benchmarks.md, "Against a node").
//
//   NodeFlags flags;
//   AddNodeFlags(*command, flags);  // before parsing
//   auto connector = NodeConnector::FromFlags(flags);
//   auto client = connector->Connect();  // signed in if --account was given
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "client/client.h"
#include "client/client_flags.h"
#include "cmdline/app.h"
#include "ledger/keys.h"
#include "ledger/status.h"

namespace creg::bench {

struct NodeFlags {
  std::string address = cmdline::kDefaultNodeAddress;
  ClientOptions client;
  std::string account;   // "": read as the public
  std::string key_file;  // the account's private key
};

// Adds --node (CREG_NODE), --tls-ca (CREG_TLS_CA), --account (CREG_ACCOUNT)
// and --key (CREG_KEY) to `command`, bound to `flags`.
void AddNodeFlags(CLI::App& command, NodeFlags& flags);

// Opens connections to one node, each signed in as the flags' account when
// they name one (so that a node whose read policy keeps what a benchmark
// reads from the public serves it to that account).
class NodeConnector {
 public:
  // InvalidArgument naming the missing flag when only one of --account and
  // --key is given; the errors of PrivateKey::LoadFile for the key.
  static StatusOr<NodeConnector> FromFlags(const NodeFlags& flags);

  // A new connection, signed in when an account was given: the errors of
  // Client::Connect, and of SignIn (PermissionDenied with the node's reason
  // for a refused sign-in).
  StatusOr<std::unique_ptr<Client>> Connect() const;

  const std::string& address() const { return address_; }
  const ClientOptions& client_options() const { return client_; }

 private:
  NodeConnector(const NodeFlags& flags, std::optional<PrivateKey> key)
      : address_(flags.address),
        client_(flags.client),
        account_(flags.account),
        key_(std::move(key)) {}

  std::string address_;
  ClientOptions client_;
  std::string account_;
  std::optional<PrivateKey> key_;
};

}  // namespace creg::bench
