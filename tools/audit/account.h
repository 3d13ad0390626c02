// The account the remote modes of creg-audit sign in as (docs/audit.md,
// "Signing in"): a node whose read policy keeps the full log from the
// public serves it to an auditor or operator account signed in on the
// connection (docs/security.md, "Read access").
//
//   --account ID          the account (or CREG_ACCOUNT)
//   --account-key FILE    its private key file (or CREG_KEY)
//
// The environment variables are the ones creg reads. The key flag is not
// creg's --key: in creg-audit --key is the registry's verifier key.
#pragma once

#include <optional>
#include <string>

#include "cmdline/app.h"
#include "ledger/keys.h"
#include "ledger/status.h"

namespace creg::audit {

// What to pass, for messages: "--account ID and --account-key FILE (or set
// CREG_ACCOUNT and CREG_KEY)".
extern const char kAccountFlagsHint[];

struct AccountFlags {
  std::string account;   // "": not given
  std::string key_file;  // "": not given
};

// Adds --account and --account-key to `app`, bound to `flags`.
void AddAccountFlags(CLI::App& app, AccountFlags& flags);

// Who a connection signs in as, and the registry it expects.
struct Credentials {
  std::string account;
  PrivateKey key;
  // The origin the auditor expects: its verifier key's name (a creg node
  // names its checkpoint key after its origin). Empty: the origin the node
  // reports in its status.
  std::string origin;
};

// The credentials `flags` give, for `origin`; nullopt when neither flag is
// given. InvalidArgument naming the missing flag when only one is; the
// errors of PrivateKey::LoadFile (NotFound, InvalidArgument, Unavailable,
// naming the file) for the key.
StatusOr<std::optional<Credentials>> LoadCredentials(const AccountFlags& flags,
                                                     const std::string& origin);

}  // namespace creg::audit
