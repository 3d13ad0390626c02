#include "tools/audit/account.h"

namespace creg::audit {

const char kAccountFlagsHint[] =
    "--account ID and --account-key FILE (or set CREG_ACCOUNT and CREG_KEY)";

void AddAccountFlags(CLI::App& app, AccountFlags& flags) {
  app.add_option("--account", flags.account,
                 "with --node: sign in as this account (an auditor or operator) to read what "
                 "the node's read policy keeps from the public")
      ->envname("CREG_ACCOUNT")
      ->type_name("ID");
  app.add_option("--account-key", flags.key_file, "with --account: its private key file")
      ->envname("CREG_KEY")
      ->type_name("FILE");
}

StatusOr<std::optional<Credentials>> LoadCredentials(const AccountFlags& flags,
                                                     const std::string& origin) {
  if (flags.account.empty() && flags.key_file.empty()) return std::optional<Credentials>();
  if (flags.key_file.empty()) {
    return InvalidArgumentError("give --account-key FILE, the private key of account '" +
                                flags.account + "' (or set CREG_KEY)");
  }
  if (flags.account.empty()) {
    return InvalidArgumentError("--account-key " + flags.key_file +
                                " needs --account ID, the account it is the key of (or set "
                                "CREG_ACCOUNT)");
  }
  CREG_ASSIGN_OR_RETURN(PrivateKey key, PrivateKey::LoadFile(flags.key_file));
  return std::optional<Credentials>(Credentials{flags.account, std::move(key), origin});
}

}  // namespace creg::audit
