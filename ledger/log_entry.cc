#include "ledger/log_entry.h"

#include <chrono>

namespace creg {

StatusOr<pb::LogEntry> DecodeLogEntry(std::string_view entry_bytes) {
  pb::LogEntry entry;
  if (!entry.ParseFromArray(entry_bytes.data(), static_cast<int>(entry_bytes.size()))) {
    return InvalidArgumentError("entry bytes are not a LogEntry");
  }
  if (entry.prev_hash().size() != Hash::kSize) {
    return InvalidArgumentError("entry prev_hash has " + std::to_string(entry.prev_hash().size()) +
                                " bytes, want 32");
  }
  return entry;
}

std::string EncodeLogEntry(const pb::LogEntry& entry) {
  std::string bytes;
  entry.SerializeToString(&bytes);
  return bytes;
}

EntryLinkReader LogEntryLinkReader() {
  return [](std::string_view entry_bytes) -> StatusOr<EntryLink> {
    CREG_ASSIGN_OR_RETURN(pb::LogEntry entry, DecodeLogEntry(entry_bytes));
    EntryLink link;
    link.index = entry.index();
    CREG_ASSIGN_OR_RETURN(link.prev_hash, Hash::FromBytes(entry.prev_hash()));
    return link;
  };
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace creg
