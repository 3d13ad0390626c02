// SessionSignIn: signing in on one connection (docs/protocol.md, "Signing
// in"), and who that connection reads as.
//
// A client asks for a challenge (32 random bytes, good for one sign_in
// within kChallengeLifetime), then signs, with the current key of an
// account, the SignInMessage (net/sign_in_message.h) over that challenge,
// the account id, the registry's origin and the connection's TLS channel
// binding (empty without TLS). The node checks the signature under the
// strict Ed25519 rule (ledger/keys.h) against the key the registry holds
// now, and that the account is active. From then on the connection reads
// with that account's rights; CurrentReader() re-reads the account before
// every read, and a rotated key, a suspended or closed account ends them.
//
// Limits: sign_in_attempts_per_connection per connection, and the node's
// SignInLimiter per remote IP address (NodeOptions). Each sign_in request
// counts, whatever its outcome; challenges do not (they cost nothing to
// check). Every refusal is counted in NodeCounters.
//
// Not thread-safe: one per session, used on the session's strand.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "creg/wire.pb.h"
#include "ledger/status.h"
#include "node/read_policy.h"

namespace creg {

struct NodeContext;

class SessionSignIn {
 public:
  static constexpr std::chrono::seconds kChallengeLifetime{60};

  // `remote_address`: the client's IP address, for the per-address limit.
  SessionSignIn(NodeContext& node, std::string remote_address);
  SessionSignIn(const SessionSignIn&) = delete;
  SessionSignIn& operator=(const SessionSignIn&) = delete;

  // The answer to a sign_in_challenge or sign_in request (without its id);
  // nullopt for any other request. `channel_binding` returns the
  // connection's channel binding (empty without TLS) or why it has none;
  // it is called only for a sign_in.
  std::optional<pb::Response> Answer(const pb::Request& request,
                                     const std::function<StatusOr<std::string>()>& channel_binding);

  // Who reads now: the signed-in account with its current role, or the
  // public. Re-reads the account: if its key is no longer the one that
  // signed in, or it is no longer active (or cannot be read), the sign-in
  // ends here and Reader::ended says why.
  Reader CurrentReader();

 private:
  pb::Response SignIn(const pb::SignInRequest& request, const StatusOr<std::string>& binding);
  pb::Response Refuse(const std::string& why);

  NodeContext& node_;
  const std::string remote_address_;
  size_t attempts_ = 0;
  std::string challenge_;  // empty: none outstanding
  std::chrono::steady_clock::time_point challenge_expires_;
  // The signed-in account and the key it signed with; empty: the public.
  std::string account_id_;
  std::string key_;
  // Why the last sign-in ended on its own, for later refusals.
  std::string ended_;
};

}  // namespace creg
