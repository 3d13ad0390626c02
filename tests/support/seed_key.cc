#include "tests/support/seed_key.h"

#include "ledger/encoding.h"

namespace creg::testing {

std::string SeedToPem(std::string_view seed) {
  // The DER of a PKCS#8 Ed25519 key up to its 32-byte seed.
  std::string der = HexDecode("302e020100300506032b657004220420").value();
  der += seed;
  return "-----BEGIN PRIVATE KEY-----\n" + Base64Encode(der) + "\n-----END PRIVATE KEY-----\n";
}

}  // namespace creg::testing
