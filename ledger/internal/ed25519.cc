#include "ledger/internal/ed25519.h"

#include <sodium.h>

#include <array>
#include <cstdio>
#include <cstdlib>

namespace creg::internal::ed25519 {
namespace {

using Bytes32 = std::array<unsigned char, 32>;

constexpr unsigned char HexDigit(char c) {
  return static_cast<unsigned char>(c <= '9' ? c - '0' : c - 'a' + 10);
}

template <size_t N>
constexpr std::array<unsigned char, N> FromHex(const char (&hex)[2 * N + 1]) {
  std::array<unsigned char, N> out{};
  for (size_t i = 0; i < N; ++i) out[i] = HexDigit(hex[2 * i]) << 4 | HexDigit(hex[2 * i + 1]);
  return out;
}

// The y coordinates (low 255 bits of the encoding) of the points of small
// order: 0 and 1 canonical and as y + p, p - 1, and the two of order 8.
// With either sign bit this covers every encoding of the 8 points: y alone
// names at most two points (x and -x), both of the same order.
constexpr std::array<Bytes32, 7> kSmallOrderY = {
    FromHex<32>("0000000000000000000000000000000000000000000000000000000000000000"),  // order 4
    FromHex<32>("0100000000000000000000000000000000000000000000000000000000000000"),  // identity
    FromHex<32>("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),  // order 8
    FromHex<32>("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),  // order 8
    FromHex<32>("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),  // order 2
    FromHex<32>("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),  // 0 + p
    FromHex<32>("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),  // 1 + p
};

// L, little-endian.
constexpr Bytes32 kOrder =
    FromHex<32>("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");

// ed25519-speccheck (Chalkias, Garillot, Nikolaenko, "Taming the many
// EdDSAs") cases 3 and 4: mixed-order A and R, canonical everywhere. Case 3
// holds under both equations; case 4 only under the cofactored one.
struct Case {
  std::array<unsigned char, 32> message, key;
  std::array<unsigned char, 64> signature;
};
constexpr Case kBothEquations = {
    FromHex<32>("9bd9f44f4dcc75bd531b56b2cd280b0bb38fc1cd6d1230e14861d861de092e79"),
    FromHex<32>("cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d"),
    FromHex<64>("9046a64750444938de19f227bb80485e92b83fdb4b6506c160484c016cc1852f"
                "87909e14428a7a1d62e9f22f3d3ad7802db02eb2e688b6c52fcd6648a98bd009")};
constexpr Case kCofactoredOnly = {
    FromHex<32>("e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec4011eaccd55b53f56c"),
    FromHex<32>("cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d"),
    FromHex<64>("160a1cb0dc9c0258cd0a7d23e94d8fa878bcb1925f2c64246b2dee1796bed512"
                "5ec6bc982a269b723e0668e540911a9a6a58921d6925e434ab10aa7940551a09")};

bool LibraryAccepts(const Case& c) {
  return crypto_sign_verify_detached(c.signature.data(), c.message.data(), c.message.size(),
                                     c.key.data()) == 0;
}

[[noreturn]] void Fatal(const char* what) {
  std::fprintf(stderr, "creg: fatal: libsodium %s: %s\n", sodium_version_string(), what);
  std::abort();
}

const unsigned char* Data(std::string_view s) {
  static const unsigned char kEmpty = 0;
  return s.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

void EnsureLibrary() {
  // A function-local static is initialised once, and other threads wait for
  // it (C++11 [stmt.dcl]).
  static const bool ready = [] {
    if (sodium_init() < 0) Fatal("sodium_init failed");
    if (!LibraryAccepts(kBothEquations) || LibraryAccepts(kCofactoredOnly)) {
      Fatal(
          "crypto_sign_verify_detached does not use the cofactorless equation that creg's "
          "signature rule needs (docs/security.md); build creg with libsodium 1.0.18");
    }
    return true;
  }();
  static_cast<void>(ready);
}

bool IsCanonicalPoint(const unsigned char point[32]) {
  // y >= p exactly when bits 8..254 are all ones and the low byte is at
  // least 0xed (p = 2^255 - 19).
  bool high_ones = (point[31] & 0x7f) == 0x7f;
  for (int i = 1; i < 31 && high_ones; ++i) high_ones = point[i] == 0xff;
  if (high_ones && point[0] >= 0xed) return false;
  if ((point[31] & 0x80) == 0) return true;
  // A sign bit on x = 0, which only y = 1 and y = p - 1 have.
  for (size_t k : {size_t{1}, size_t{4}}) {
    bool same = true;
    for (int i = 0; i < 31 && same; ++i) same = point[i] == kSmallOrderY[k][i];
    if (same && (point[31] & 0x7f) == kSmallOrderY[k][31]) return false;
  }
  return true;
}

bool HasSmallOrder(const unsigned char point[32]) {
  for (const Bytes32& y : kSmallOrderY) {
    bool same = (point[31] & 0x7f) == y[31];
    for (int i = 0; i < 31 && same; ++i) same = point[i] == y[i];
    if (same) return true;
  }
  return false;
}

bool IsCanonicalScalar(const unsigned char scalar[32]) {
  for (int i = 31; i >= 0; --i) {
    if (scalar[i] != kOrder[i]) return scalar[i] < kOrder[i];
  }
  return false;  // Equal to L.
}

std::string PublicKeyProblem(std::string_view raw) {
  if (raw.size() != kPublicKeySize) {
    return "is " + std::to_string(raw.size()) + " bytes; an Ed25519 public key is 32";
  }
  const unsigned char* key = Data(raw);
  if (!IsCanonicalPoint(key)) {
    return "is not a canonical encoding of a curve point (RFC 8032 5.1.3: its y coordinate is "
           "not below 2^255 - 19, or it sets the sign of x = 0)";
  }
  if (HasSmallOrder(key)) {
    return "is a point of small order (such as the identity point, 01 00 ... 00); anyone can "
           "forge signatures that verify under such a key";
  }
  EnsureLibrary();
  // libsodium 1.0.18's crypto_core_ed25519_add refuses an operand that does
  // not decode to a point of the curve (ge25519_frombytes, ge25519_is_on_curve),
  // and checks nothing else about it.
  unsigned char sum[crypto_core_ed25519_BYTES];
  if (crypto_core_ed25519_add(sum, key, key) != 0) return "is not a point of the Ed25519 curve";
  return "";
}

bool Verify(std::string_view public_key, std::string_view message, std::string_view signature) {
  if (public_key.size() != kPublicKeySize || signature.size() != kSignatureSize) return false;
  const unsigned char* a = Data(public_key);
  const unsigned char* r = Data(signature);
  const unsigned char* s = r + 32;
  if (!IsCanonicalScalar(s)) return false;
  if (!IsCanonicalPoint(a) || HasSmallOrder(a)) return false;
  if (!IsCanonicalPoint(r) || HasSmallOrder(r)) return false;
  EnsureLibrary();
  return crypto_sign_verify_detached(r, Data(message), message.size(), a) == 0;
}

std::string Sign(const unsigned char secret_key[kSecretKeySize], std::string_view message) {
  EnsureLibrary();
  std::string signature(kSignatureSize, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr, Data(message),
                       message.size(), secret_key);
  return signature;
}

void KeyPairFromSeed(const unsigned char seed[kSeedSize], unsigned char public_key[kPublicKeySize],
                     unsigned char secret_key[kSecretKeySize]) {
  EnsureLibrary();
  crypto_sign_seed_keypair(public_key, secret_key, seed);
}

void GenerateKeyPair(unsigned char public_key[kPublicKeySize],
                     unsigned char secret_key[kSecretKeySize]) {
  EnsureLibrary();
  crypto_sign_keypair(public_key, secret_key);
}

void Wipe(void* bytes, size_t n) { sodium_memzero(bytes, n); }

}  // namespace creg::internal::ed25519
