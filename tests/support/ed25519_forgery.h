// Ed25519 keys of small order and signatures forged under them, for the
// tests that the strict rule (ledger/internal/ed25519.h) refuses them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace creg::testing {

// The canonical encodings of the 8 points of small order: the identity
// (01 00...00), the point of order 2, the 2 of order 4 and the 4 of order 8.
std::vector<std::string> SmallOrderPoints();

// Non-canonical encodings of small-order points: y = p and y = p + 1, and
// a sign bit on x = 0 (y = 1 and y = p - 1).
std::vector<std::string> NonCanonicalSmallOrderPoints();

// A signature of `message` that satisfies the cofactorless equation
// [S]B = R + [k]A for the small-order key `key`, made without any secret:
// R = [s]B and S = s for a random s for which k = SHA-512(R || A || M) mod L
// is a multiple of 8, so that [k]A is the identity. A verifier that does
// not refuse small-order keys accepts it.
std::string ForgeUnderSmallOrderKey(std::string_view key, std::string_view message);

// Whether OpenSSL's Ed25519 (the verifier creg used before libsodium)
// accepts `signature` of `message` under the raw key `key`.
bool OpensslAccepts(std::string_view key, std::string_view message, std::string_view signature);

}  // namespace creg::testing
