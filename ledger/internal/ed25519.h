// The one place that decides what a valid Ed25519 signature and an
// acceptable Ed25519 public key are, for the node, the CLI and creg-audit
// alike (ledger/keys.h calls it; docs/security.md states the rule).
//
// A signature (R, S) of message M under public key A is valid exactly when
//   - S < L (the group order): the scalar is canonical;
//   - A and R are canonical encodings (RFC 8032 5.1.3: y < p, and no sign
//     bit on x = 0) and neither is one of the 8 points of small order;
//   - the cofactorless equation [S]B = R + [SHA-512(R || A || M)]A holds.
// The encoding checks are made here, on the bytes; the equation is
// libsodium 1.0.18's crypto_sign_verify_detached, which compares the
// canonical encoding of [S]B - [k]A with the bytes of R. libsodium 1.0.19
// and later use the cofactored equation instead, so the first use checks
// the linked library with a test vector that tells the two apart
// (ed25519-speccheck case 4) and aborts if it gives the other verdict.
//
// Every function is thread-safe; the first call readies libsodium
// (sodium_init) exactly once.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace creg::internal::ed25519 {

inline constexpr size_t kPublicKeySize = 32;
inline constexpr size_t kSignatureSize = 64;
inline constexpr size_t kSeedSize = 32;
// libsodium's secret key: the 32-byte seed followed by the public key.
inline constexpr size_t kSecretKeySize = 64;

// Readies libsodium and checks its verification equation, once per
// process. Aborts with a message if libsodium cannot start or verifies
// with another equation (a build against an unsuitable library).
void EnsureLibrary();

// The low-level checks of the rule, on raw bytes (exactly 32 of them).
// True if `point` is the canonical encoding of a y coordinate and sign:
// y < p = 2^255 - 19, and the sign bit is clear when x = 0 (y = 1 or p-1).
// Says nothing of whether the point is on the curve.
bool IsCanonicalPoint(const unsigned char point[32]);
// True if `point` encodes one of the 8 points of small order (order 1, 2,
// 4 or 8), in any encoding, canonical or not.
bool HasSmallOrder(const unsigned char point[32]);
// True if the little-endian scalar is below L = 2^252 + 27742317777372353535851937790883648493.
bool IsCanonicalScalar(const unsigned char scalar[32]);

// Empty if `raw` is an acceptable public key: 32 bytes, a canonical
// encoding, not of small order, and a point of the curve. Otherwise what is
// wrong, as a phrase that follows "the key" ("is a point of small order...").
std::string PublicKeyProblem(std::string_view raw);

// True exactly when `signature` is a valid signature of `message` under
// `public_key` by the rule above. Wrong sizes are false.
bool Verify(std::string_view public_key, std::string_view message, std::string_view signature);

// Signs with a libsodium secret key (seed || public key). Cannot fail.
std::string Sign(const unsigned char secret_key[kSecretKeySize], std::string_view message);

// The libsodium secret key and public key of a 32-byte seed (RFC 8032's
// private key), as OpenSSL's PKCS#8 files hold it.
void KeyPairFromSeed(const unsigned char seed[kSeedSize], unsigned char public_key[kPublicKeySize],
                     unsigned char secret_key[kSecretKeySize]);
// A fresh key pair from libsodium's CSPRNG (the kernel's getrandom).
void GenerateKeyPair(unsigned char public_key[kPublicKeySize],
                     unsigned char secret_key[kSecretKeySize]);
// Overwrites `n` bytes with zeros in a way the compiler cannot drop.
void Wipe(void* bytes, size_t n);

}  // namespace creg::internal::ed25519
