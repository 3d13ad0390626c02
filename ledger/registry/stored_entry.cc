#include "ledger/registry/stored_entry.h"

#include <utility>

#include "ledger/log_entry.h"

namespace creg {

StoredEntry DecodeStoredEntry(std::string_view entry_bytes) {
  StoredEntry stored;
  stored.bytes = std::string(entry_bytes);
  StatusOr<pb::LogEntry> entry = DecodeLogEntry(entry_bytes);
  if (!entry.ok()) {
    stored.decoded = entry.status();
    return stored;
  }
  stored.timestamp_micros = entry->timestamp_micros();
  stored.effects = std::move(*entry->mutable_effects());
  stored.tx = PrepareTransaction(entry->signed_transaction());
  return stored;
}

}  // namespace creg
