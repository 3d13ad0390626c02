// SHA-256 digests. A Hash is exactly 32 bytes; building one from bytes of
// any other length fails, so a short or long hash never reaches a verifier.
// Thread-safe: all functions are pure.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/status.h"

namespace creg {

class Hash {
 public:
  static constexpr size_t kSize = 32;

  Hash() { bytes_.fill(0); }  // 32 zero bytes.
  // InvalidArgument unless `bytes` is exactly 32 bytes long.
  static StatusOr<Hash> FromBytes(std::string_view bytes);
  // InvalidArgument unless `text` is base64 of exactly 32 bytes.
  static StatusOr<Hash> FromBase64(std::string_view text);

  std::string_view view() const { return {reinterpret_cast<const char*>(bytes_.data()), kSize}; }
  std::string str() const { return std::string(view()); }
  std::string ToBase64() const;
  std::string ToHex() const;
  const uint8_t* data() const { return bytes_.data(); }
  uint8_t* data() { return bytes_.data(); }

  auto operator<=>(const Hash&) const = default;

 private:
  std::array<uint8_t, kSize> bytes_;
};

// SHA-256 of the concatenation of `parts`.
Hash Sha256(std::string_view data);
Hash Sha256(std::initializer_list<std::string_view> parts);

}  // namespace creg
