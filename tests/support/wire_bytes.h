// Protobuf wire bytes written by hand, so that tests can make every form a
// lenient parser accepts (padded varints, repeated or out-of-order fields,
// unknown fields) and that no serializer would produce.
#pragma once

#include <cstdint>
#include <string>

namespace creg::testing {

// Base-128 varint of `v`, in the fewest bytes.
inline std::string Varint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  return out + static_cast<char>(v);
}

// The key of field `number` with `wire_type` (0 varint, 2 length-delimited).
inline std::string Tag(int number, int wire_type) {
  return Varint(static_cast<uint64_t>(number) << 3 | static_cast<uint64_t>(wire_type));
}

inline std::string VarintField(int number, uint64_t v) { return Tag(number, 0) + Varint(v); }

// A length-delimited field: bytes, a string or a nested message.
inline std::string LdField(int number, const std::string& payload) {
  return Tag(number, 2) + Varint(payload.size()) + payload;
}

}  // namespace creg::testing
