// Ed25519 test keys from fixed seeds, wrapped by hand (RFC 8410 PKCS#8) so
// that known-answer tests do not depend on creg's own key code.
#pragma once

#include <string>
#include <string_view>

namespace creg::testing {

// "-----BEGIN PRIVATE KEY-----" PEM of the 32-byte RFC 8032 seed `seed`.
std::string SeedToPem(std::string_view seed);

}  // namespace creg::testing
