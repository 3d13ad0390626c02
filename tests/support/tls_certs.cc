#include "tests/support/tls_certs.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdint>
#include <memory>

namespace creg::testing {
namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};

bool AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, Free> ext(
      X509V3_EXT_conf_nid(nullptr, &ctx, nid, const_cast<char*>(value)));
  return ext != nullptr && X509_add_ext(cert, ext.get(), -1) == 1;
}

bool Make(const std::string& common_name, const std::string& alt_names, const TlsFiles& files) {
  std::unique_ptr<EVP_PKEY, Free> key(EVP_EC_gen("P-256"));
  std::unique_ptr<X509, Free> cert(X509_new());
  if (!key || !cert) return false;
  uint64_t serial = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof serial) != 1) return false;
  serial >>= 2;  // positive and fits a long
  bool ok = X509_set_version(cert.get(), 2) == 1 &&
            ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), static_cast<long>(serial)) == 1 &&
            X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) != nullptr &&
            X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600) != nullptr &&
            X509_set_pubkey(cert.get(), key.get()) == 1;
  X509_NAME* name = X509_get_subject_name(cert.get());
  ok = ok &&
       X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                  reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                  -1, 0) == 1 &&
       X509_set_issuer_name(cert.get(), name) == 1 &&
       AddExtension(cert.get(), NID_basic_constraints, "critical,CA:TRUE") &&
       AddExtension(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign") &&
       AddExtension(cert.get(), NID_subject_key_identifier, "hash") &&
       AddExtension(cert.get(), NID_subject_alt_name, alt_names.c_str()) &&
       X509_sign(cert.get(), key.get(), EVP_sha256()) > 0;
  if (!ok) return false;
  std::unique_ptr<BIO, Free> cert_out(BIO_new_file(files.cert.c_str(), "w"));
  std::unique_ptr<BIO, Free> key_out(BIO_new_file(files.key.c_str(), "w"));
  return cert_out && key_out && PEM_write_bio_X509(cert_out.get(), cert.get()) == 1 &&
         PEM_write_bio_PrivateKey(key_out.get(), key.get(), nullptr, nullptr, 0, nullptr,
                                  nullptr) == 1;
}

}  // namespace

TlsFiles MakeSelfSignedCert(const TempDir& dir, const std::string& name,
                            const std::string& common_name, const std::string& alt_names) {
  TlsFiles files{dir.Sub(name + ".crt"), dir.Sub(name + ".key")};
  EXPECT_TRUE(Make(common_name, alt_names, files))
      << "cannot make a test certificate " << files.cert;
  return files;
}

}  // namespace creg::testing
