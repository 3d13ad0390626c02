// A log entry as creg shows it: what kind of transaction, who signed it, a
// one-line summary for people, and a JSON object with stable field names.
// The same for creg --json and the node's JSON API. Pure functions,
// thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "creg/log.pb.h"
#include "creg/transaction.pb.h"
#include "ledger/json.h"
#include "ledger/status.h"

namespace creg {

struct EntryView {
  pb::LogEntry entry;
  pb::SignedTransaction envelope;
  pb::TransactionBody body;
  // "open-account", "set-account-status", "rotate-key", "register-project",
  // "issue", "transfer", "retire", "cancel", "set-account-keys", "label",
  // "authorize", "corresponding-adjustment", "leader-term".
  std::string kind;
  std::string summary;
};

// Decodes stored entry bytes. InvalidArgument if they do not decode.
StatusOr<EntryView> ViewEntry(std::string_view entry_bytes);

// {"entry_index", "timestamp", "kind", "signer", "summary", "nonce",
//  "transaction": {kind-specific fields}, "effects": {...}, "prev_hash"}.
json::Value EntryJson(const EntryView& view);

// The "transaction" member of EntryJson: the operation's fields.
json::Value TransactionBodyJson(const pb::TransactionBody& body);

// The kind name of a transaction body.
std::string KindName(const pb::TransactionBody& body);

}  // namespace creg
