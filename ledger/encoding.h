// Byte encodings used in checkpoints, keys, certificates and the CLI:
// standard base64 (RFC 4648 section 4, with padding) and lower-case hex.
// All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/status.h"

namespace creg {

std::string Base64Encode(std::string_view bytes);
// Refuses characters outside the alphabet, bad padding and non-canonical
// trailing bits, so one byte string has exactly one accepted encoding.
StatusOr<std::string> Base64Decode(std::string_view text);

std::string HexEncode(std::string_view bytes);
// Accepts upper- or lower-case digits; refuses odd lengths and other characters.
StatusOr<std::string> HexDecode(std::string_view text);

// Big-endian fixed-width integers, used in storage keys so that byte order
// equals numeric order.
void AppendBigEndian64(std::string* out, uint64_t value);
uint64_t ReadBigEndian64(std::string_view bytes);  // Precondition: size() >= 8.
void AppendBigEndian32(std::string* out, uint32_t value);
uint32_t ReadBigEndian32(std::string_view bytes);  // Precondition: size() >= 4.

// A decimal number as signed notes and tlog protocols write it: ASCII
// digits only, no sign, no leading zero (other than "0" itself), at most
// 2^64-1. InvalidArgument naming `what` ("checkpoint tree size") otherwise.
StatusOr<uint64_t> ParseDecimalUint64(std::string_view text, std::string_view what);

}  // namespace creg
