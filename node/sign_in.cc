#include "node/sign_in.h"

#include <openssl/rand.h>

#include <algorithm>

#include "ledger/keys.h"
#include "ledger/registry/account_keys.h"
#include "net/sign_in_message.h"
#include "net/wire_status.h"
#include "node/log.h"
#include "node/node_context.h"

namespace creg {
namespace {

using Clock = std::chrono::steady_clock;

std::string StatusWord(pb::AccountStatus status) {
  switch (status) {
    case pb::ACCOUNT_SUSPENDED:
      return "suspended";
    case pb::ACCOUNT_CLOSED:
      return "closed";
    default:
      return "not active";
  }
}

}  // namespace

SessionSignIn::SessionSignIn(NodeContext& node, std::string remote_address)
    : node_(node), remote_address_(std::move(remote_address)) {}

std::optional<pb::Response> SessionSignIn::Answer(
    const pb::Request& request, const std::function<StatusOr<std::string>()>& channel_binding) {
  if (request.has_sign_in_challenge()) {
    std::string challenge(kSignInChallengeSize, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(challenge.data()),
                   static_cast<int>(challenge.size())) != 1) {
      return ErrorResponse(UnavailableError("the node could not make a random challenge; retry"));
    }
    challenge_ = challenge;
    challenge_expires_ = Clock::now() + kChallengeLifetime;
    pb::Response response;
    pb::SignInChallengeResponse* challenged = response.mutable_sign_in_challenge();
    challenged->set_challenge(std::move(challenge));
    challenged->set_origin(node_.handler.registry().origin());
    return response;
  }
  if (request.has_sign_in()) return SignIn(request.sign_in(), channel_binding());
  return std::nullopt;
}

pb::Response SessionSignIn::Refuse(const std::string& why) {
  ++node_.counters.sign_ins_refused;
  Log(LogLevel::kDebug, "sign-in from " + remote_address_ + " refused: " + why);
  return ErrorResponse(PermissionDeniedError("sign-in refused: " + why));
}

pb::Response SessionSignIn::SignIn(const pb::SignInRequest& request,
                                   const StatusOr<std::string>& binding) {
  // Any attempt ends an earlier sign-in, and uses up the challenge.
  account_id_.clear();
  key_.clear();
  ended_.clear();
  const std::string challenge = std::move(challenge_);
  challenge_.clear();
  if (++attempts_ > node_.options.sign_in_attempts_per_connection) {
    ++node_.counters.sign_ins_rate_limited;
    return ErrorResponse(
        ResourceExhaustedError("this connection has used its " +
                               std::to_string(node_.options.sign_in_attempts_per_connection) +
                               " sign-in attempts; open a new connection to try again"));
  }
  if (!node_.sign_in_limiter.TryAcquire(remote_address_)) {
    ++node_.counters.sign_ins_rate_limited;
    return ErrorResponse(ResourceExhaustedError("too many sign-in attempts from " +
                                                remote_address_ +
                                                "; wait a few seconds and try again"));
  }
  if (challenge.empty()) {
    return Refuse(
        "this connection has no challenge outstanding; ask for one with sign_in_challenge "
        "(each is good for one sign_in)");
  }
  if (Clock::now() > challenge_expires_) {
    return Refuse("the challenge expired (" + std::to_string(kChallengeLifetime.count()) +
                  " s); ask for a new one");
  }
  if (request.challenge() != challenge) {
    return Refuse("the challenge answered is not the one this connection was given last");
  }
  const Registry& registry = node_.handler.registry();
  if (request.origin() != registry.origin()) {
    return Refuse("the sign-in was signed for origin '" + request.origin() +
                  "', but this registry is '" + registry.origin() + "'");
  }
  if (!binding.ok()) return Refuse(binding.status().message());
  const std::string& id = request.account_id();
  StatusOr<std::optional<pb::AccountRecord>> account = registry.Account(id);
  if (!account.ok()) {
    ++node_.counters.sign_ins_refused;
    return ErrorResponse(
        UnavailableError("cannot read account '" + id + "': " + account.status().message()));
  }
  // One answer for an unknown account and a wrong key: a sign-in must not
  // tell the public which accounts exist. Any one current key of a
  // multi-signature account signs in (reading needs no quorum).
  const std::string message = SignInMessage(challenge, id, request.origin(), *binding);
  std::string signed_by;
  if (account->has_value()) {
    for (const std::string& raw : KeysOfAccount(**account).keys) {
      StatusOr<PublicKey> key = PublicKey::FromRaw(raw);
      if (key.ok() && key->Verify(message, request.signature())) {
        signed_by = raw;
        break;
      }
    }
  }
  if (signed_by.empty()) {
    return Refuse("the signature does not verify under the current key of account '" + id +
                  "', or there is no such account");
  }
  if ((*account)->status() != pb::ACCOUNT_ACTIVE) {
    return Refuse("account '" + id + "' is " + StatusWord((*account)->status()));
  }
  account_id_ = id;
  key_ = signed_by;
  ++node_.counters.sign_ins;
  pb::Response response;
  response.mutable_sign_in()->set_account_id(id);
  response.mutable_sign_in()->set_role((*account)->role());
  return response;
}

Reader SessionSignIn::CurrentReader() {
  Reader reader;
  if (account_id_.empty()) {
    reader.ended = ended_;
    return reader;
  }
  StatusOr<std::optional<pb::AccountRecord>> account =
      node_.handler.registry().Account(account_id_);
  std::string why;
  if (!account.ok()) {
    why = "its account could not be read (" + account.status().message() + ")";
  } else if (!account->has_value()) {
    why = "account '" + account_id_ + "' no longer exists";
  } else if (std::vector<std::string> keys = KeysOfAccount(**account).keys;
             std::find(keys.begin(), keys.end(), key_) == keys.end()) {
    why = "the key of account '" + account_id_ + "' was rotated; sign in again with the new key";
  } else if ((*account)->status() != pb::ACCOUNT_ACTIVE) {
    why = "account '" + account_id_ + "' is " + StatusWord((*account)->status());
  }
  if (!why.empty()) {
    ended_ = "the sign-in as '" + account_id_ + "' ended: " + why;
    account_id_.clear();
    key_.clear();
    reader.ended = ended_;
    return reader;
  }
  reader.account_id = account_id_;
  reader.role = (*account)->role();
  return reader;
}

}  // namespace creg
