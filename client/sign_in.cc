#include "client/sign_in.h"

#include "net/sign_in_message.h"
#include "net/wire_status.h"

namespace creg {

Status SignIn(Client& client, const std::string& account_id, const PrivateKey& key,
              const std::string& origin) {
  if (account_id.empty()) return InvalidArgumentError("signing in needs an account id");
  pb::Request ask;
  ask.mutable_sign_in_challenge();
  CREG_ASSIGN_OR_RETURN(pb::Response challenged, client.Call(std::move(ask)));
  if (challenged.has_error()) return StatusFromWire(challenged.error());
  if (!challenged.has_sign_in_challenge() ||
      challenged.sign_in_challenge().challenge().size() != kSignInChallengeSize) {
    return DataLossError("protocol error: the node at " + client.address() +
                         " answered a sign-in challenge request without a " +
                         std::to_string(kSignInChallengeSize) + "-byte challenge");
  }
  const std::string& challenge = challenged.sign_in_challenge().challenge();
  const std::string& signed_origin =
      origin.empty() ? challenged.sign_in_challenge().origin() : origin;
  if (signed_origin.empty()) {
    return DataLossError("protocol error: the node at " + client.address() +
                         " sent a sign-in challenge without its origin");
  }
  CREG_ASSIGN_OR_RETURN(std::string binding, client.ChannelBinding());
  pb::Request sign_in;
  pb::SignInRequest* body = sign_in.mutable_sign_in();
  body->set_account_id(account_id);
  body->set_origin(signed_origin);
  body->set_challenge(challenge);
  body->set_signature(key.Sign(SignInMessage(challenge, account_id, signed_origin, binding)));
  CREG_ASSIGN_OR_RETURN(pb::Response answer, client.Call(std::move(sign_in)));
  if (answer.has_error()) {
    Status refused = StatusFromWire(answer.error());
    return refused.WithContext("cannot sign in as '" + account_id + "' at " + client.address());
  }
  if (!answer.has_sign_in()) {
    return DataLossError("protocol error: the node at " + client.address() +
                         " answered a sign-in with something else");
  }
  return OkStatus();
}

}  // namespace creg
