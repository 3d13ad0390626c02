// Canonical form of protobuf bytes that are signed, hashed or stored, so that
// every parser reads them one way (docs/protocol.md, "Canonical form of
// signed bytes").
//
// Bytes are canonical for a message type when re-encoding the message they
// decode to, deterministically, gives back exactly those bytes. For proto3
// messages without map fields that means:
//  - every field is declared (no unknown fields, at any depth);
//  - fields appear in field-number order, a singular field at most once and
//    at most one member of each oneof;
//  - scalars without presence are left out when they hold their default
//    (0, false, empty); a oneof member or a message field is written when set;
//  - varints (tags, lengths, values) use the fewest bytes; an int32 or enum
//    value fits 32 bits (negative ones sign-extended to 10 bytes), a bool is
//    0 or 1, and an enum value is one the enum declares;
//  - repeated scalars are packed into one non-empty run (proto3's default);
//  - strings are valid UTF-8.
// Map fields and groups have no canonical form here and are always refused.
//
// This knows nothing of credits or transactions. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include "ledger/status.h"

namespace creg {

// Walks `bytes` alongside `type` and names the first rule above they break:
// "unknown field 99 in TransactionBody", "field 1 (origin) of
// TransactionBody appears twice", "field 4 (reason) of
// TransactionBody.retire holds 4294967297, out of range for enum
// RetirementReason", ... InvalidArgument; OK if the bytes are canonical.
// Also refuses bytes that do not decode at all (truncated, bad lengths).
Status CheckCanonicalEncoding(const google::protobuf::Descriptor& type, std::string_view bytes);

// For `message` already parsed from `bytes`: CheckCanonicalEncoding, then
// that `message` holds no unknown fields at any depth, then that its
// deterministic encoding equals `bytes` ("re-encoding differs at byte N"
// if a case the walk does not know of slipped through). InvalidArgument.
Status CheckCanonical(const google::protobuf::Message& message, std::string_view bytes);

// Parses `bytes` into `message` (cleared first) and checks they are
// canonical. InvalidArgument "bytes do not decode as a <type>" or
// "bytes are not in canonical form: <problem>".
Status ParseCanonical(std::string_view bytes, google::protobuf::Message& message);

// The deterministic encoding of `message`: canonical whenever the message
// has no unknown fields and its enum fields hold declared values.
std::string SerializeCanonical(const google::protobuf::Message& message);

}  // namespace creg
