// Self-signed TLS certificates for tests, made with the OpenSSL API at test
// time so no key material lives in the source tree.
#pragma once

#include <string>

#include "tests/support/temp_dir.h"

namespace creg::testing {

struct TlsFiles {
  std::string cert;  // PEM certificate, usable as its own CA
  std::string key;   // PEM private key (unencrypted PKCS#8)
};

// Writes a fresh P-256 key and a self-signed certificate valid for a day,
// with `common_name` as subject and `alt_names` as subjectAltName (OpenSSL
// config syntax), into dir/<name>.crt and dir/<name>.key. Records a gtest
// failure (and returns paths that may not exist) if OpenSSL fails.
TlsFiles MakeSelfSignedCert(const TempDir& dir, const std::string& name,
                            const std::string& common_name = "creg test node",
                            const std::string& alt_names = "IP:127.0.0.1,DNS:localhost");

}  // namespace creg::testing
