// Signing in on a client's connection (docs/protocol.md, "Signing in"), so
// that the node's read policy lets it read what the account may read.
#pragma once

#include <string>

#include "client/client.h"
#include "ledger/keys.h"
#include "ledger/status.h"

namespace creg {

// Asks `client`'s node for a challenge and answers it with `key`'s
// signature for `account_id`, naming `origin`: the registry origin the
// caller expects (its checkpoints' origin line, as in its verifier key or
// configuration). An empty `origin` takes the one the node sends with the
// challenge, for callers that expect none (as when signing transactions for
// the node's own origin). With TLS the signature also covers the
// connection's channel binding, so it is good on this connection only and a
// node relaying it to another cannot use it.
//
// OK once the node has taken the sign-in; from then on the connection
// reads with the account's rights until it closes or the account's key or
// status changes. Errors: InvalidArgument for an empty account id; PermissionDenied with the node's
// reason if it refuses (wrong key, unknown or inactive account, another origin); Unavailable when
// rate-limited or the connection fails; the other errors of Client::Call.
Status SignIn(Client& client, const std::string& account_id, const PrivateKey& key,
              const std::string& origin);

}  // namespace creg
