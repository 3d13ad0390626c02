#include "ledger/log_entry.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include <chrono>

#include "ledger/canonical_proto.h"

namespace creg {

StatusOr<pb::LogEntry> DecodeLogEntry(std::string_view entry_bytes) {
  pb::LogEntry entry;
  if (!entry.ParseFromArray(entry_bytes.data(), static_cast<int>(entry_bytes.size()))) {
    return InvalidArgumentError("entry bytes are not a LogEntry");
  }
  if (Status canonical = CheckCanonical(entry, entry_bytes); !canonical.ok()) {
    return InvalidArgumentError("entry bytes are not in canonical form: " + canonical.message());
  }
  if (entry.prev_hash().size() != Hash::kSize) {
    return InvalidArgumentError("entry prev_hash has " + std::to_string(entry.prev_hash().size()) +
                                " bytes, want 32");
  }
  return entry;
}

std::string EncodeLogEntry(const pb::LogEntry& entry) { return SerializeCanonical(entry); }

StatusOr<EntryLink> ReadEntryLink(std::string_view entry_bytes) {
  // Reads only fields 1 (index) and 3 (prev_hash) and skips the rest: this
  // runs for every appended and audited entry, and a full parse would cost
  // more than hashing it.
  using google::protobuf::internal::WireFormatLite;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(entry_bytes.data()),
                                            static_cast<int>(entry_bytes.size()));
  auto not_an_entry = [] { return InvalidArgumentError("entry bytes are not a LogEntry"); };
  EntryLink link;
  bool have_prev = false;
  for (;;) {
    uint32_t tag = in.ReadTag();
    if (tag == 0) break;
    int field = WireFormatLite::GetTagFieldNumber(tag);
    auto type = WireFormatLite::GetTagWireType(tag);
    if (field == 1 && type == WireFormatLite::WIRETYPE_VARINT) {
      if (!in.ReadVarint64(&link.index)) return not_an_entry();
    } else if (field == 3 && type == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      uint32_t length = 0;
      if (!in.ReadVarint32(&length)) return not_an_entry();
      if (length != Hash::kSize) {
        return InvalidArgumentError("entry prev_hash has " + std::to_string(length) +
                                    " bytes, want 32");
      }
      if (!in.ReadRaw(link.prev_hash.data(), Hash::kSize)) return not_an_entry();
      have_prev = true;
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      return not_an_entry();
    }
  }
  if (!in.ConsumedEntireMessage() || in.CurrentPosition() != static_cast<int>(entry_bytes.size())) {
    return not_an_entry();
  }
  if (!have_prev) return InvalidArgumentError("entry has no prev_hash");
  return link;
}

EntryLinkReader LogEntryLinkReader() { return ReadEntryLink; }

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace creg
