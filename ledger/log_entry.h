// Log entries: the edge between the opaque Merkle log and the LogEntry
// protobuf (proto/creg/log.proto, docs/data-model.md).
//
// Entries are serialized once, when the node sequences them; from then on
// their stored bytes are what every hash and proof uses. Pure functions,
// thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "creg/log.pb.h"
#include "ledger/merkle_log.h"
#include "ledger/status.h"

namespace creg {

// Decodes stored entry bytes. InvalidArgument if they are not a LogEntry, are
// not in canonical form (ledger/canonical_proto.h: one meaning for every
// reader), or its prev_hash is not 32 bytes. The transaction inside is
// checked by PrepareTransaction, not here.
StatusOr<pb::LogEntry> DecodeLogEntry(std::string_view entry_bytes);

// Serializes an entry for appending, in canonical form. The result is what
// gets stored.
std::string EncodeLogEntry(const pb::LogEntry& entry);

// Reads the chain link (index and prev_hash) of LogEntry bytes without
// decoding the rest: the other fields are only skipped, so their contents
// are not checked. InvalidArgument if the bytes are not a LogEntry at the
// top level or prev_hash is missing or not 32 bytes.
StatusOr<EntryLink> ReadEntryLink(std::string_view entry_bytes);

// The EntryLinkReader for LogEntry bytes (ReadEntryLink), for MerkleLog::Open.
EntryLinkReader LogEntryLinkReader();

// Current time in microseconds since the Unix epoch.
int64_t NowMicros();

}  // namespace creg
