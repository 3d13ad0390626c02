// Which key each account holds at each point of a log, as the log's
// entries say: keys come from open_account entries and change with
// rotate_key and set_account_keys entries (the first entry, the operator opening its own
// account, is signed with the key it carries); leader terms are signed by
// the registry's key (signer "@registry"), if the tracker was given it.
//
// Fed every entry's transaction in log order, it names the key a
// transaction's signer holds just before it, so signatures can be checked
// on other threads ahead of the replay. It checks nothing itself and
// believes every entry: a refused open_account or rotate_key still changes
// its answer. That is sound because the replay (Registry::ReplayEntry)
// re-checks any signature whose key is not the one the rules say the
// signer holds; a wrong answer costs one more check, never a false
// acceptance. Not thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "ledger/keys.h"
#include "ledger/registry/transaction.h"

namespace creg::audit {

class KeyTracker {
 public:
  // `registry_key`: the registry's checkpoint key, the key of "@registry";
  // none: KeyBefore gives no key for it.
  explicit KeyTracker(std::optional<PublicKey> registry_key = std::nullopt)
      : registry_key_(std::move(registry_key)) {}

  // The key the signer of `tx` holds before `tx`, for the single-key
  // signature form (keyed signatures name their own keys; of an account
  // opened with several keys this is the first), or nullopt when the log
  // so far gives it none (an unknown account, an account a set_account_keys
  // gave several keys, or a key CheckPublicKey
  // refuses: malformed, not canonical or of small order; no signature
  // verifies under such a key, and the replay reports the entry that set
  // it).
  std::optional<PublicKey> KeyBefore(const PreparedTransaction& tx) const;

  // Takes in the key changes of `tx`, the next transaction of the log.
  void Record(const PreparedTransaction& tx);

 private:
  // account id -> its key (nullopt: the log gives it bytes that are no
  // acceptable key)
  std::map<std::string, std::optional<PublicKey>, std::less<>> keys_;
  std::optional<PublicKey> registry_key_;
};

}  // namespace creg::audit
