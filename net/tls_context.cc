#include "net/tls_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "net/sign_in_message.h"

namespace creg {

namespace ssl = boost::asio::ssl;

namespace {

// The reason of the oldest error OpenSSL queued on this thread (and clears
// the queue), or `fallback` if there is none. For our own OpenSSL calls;
// Asio's error codes already carry the reason of theirs.
std::string OpenSslReason(const std::string& fallback) {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return fallback;
  const char* reason = ERR_reason_error_string(code);
  return reason != nullptr ? reason : fallback;
}

// InvalidArgument naming `path` if it cannot be opened for reading.
Status CheckReadable(const std::string& path, const std::string& what) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return InvalidArgumentError("cannot read the TLS " + what + " " + path + ": " +
                                std::strerror(errno));
  }
  std::fclose(file);
  return OkStatus();
}

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};

// TLS 1.2 and 1.3 only, no renegotiation.
void RestrictProtocols(ssl::context& context) {
  SSL_CTX* native = context.native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION);
}

}  // namespace

StatusOr<std::unique_ptr<ssl::context>> MakeServerTlsContext(const std::string& cert_file,
                                                             const std::string& key_file) {
  CREG_RETURN_IF_ERROR(CheckReadable(cert_file, "certificate"));
  CREG_RETURN_IF_ERROR(CheckReadable(key_file, "private key"));
  ERR_clear_error();
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  RestrictProtocols(*context);
  SSL_CTX* native = context->native_handle();
  SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE);
  // Clients do not resume sessions; tickets would be bytes for nothing.
  SSL_CTX_set_num_tickets(native, 0);

  boost::system::error_code ec;
  context->use_certificate_chain_file(cert_file, ec);
  if (ec) {
    ERR_clear_error();
    return InvalidArgumentError("cannot load the TLS certificate " + cert_file + ": " +
                                ec.message() + " (expected a PEM certificate)");
  }
  std::unique_ptr<BIO, BioFree> bio(BIO_new_file(key_file.c_str(), "r"));
  std::unique_ptr<EVP_PKEY, PkeyFree> key(
      bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key) {
    return InvalidArgumentError("cannot load the TLS private key " + key_file + ": " +
                                OpenSslReason("unreadable") +
                                " (expected an unencrypted PEM private key)");
  }
  X509* cert = SSL_CTX_get0_certificate(native);
  if (cert == nullptr || X509_check_private_key(cert, key.get()) != 1 ||
      SSL_CTX_use_PrivateKey(native, key.get()) != 1 || SSL_CTX_check_private_key(native) != 1) {
    ERR_clear_error();
    return InvalidArgumentError("the TLS private key " + key_file +
                                " does not match the certificate " + cert_file);
  }
  return context;
}

StatusOr<std::unique_ptr<ssl::context>> MakeClientTlsContext(const std::string& ca_file) {
  CREG_RETURN_IF_ERROR(CheckReadable(ca_file, "CA file"));
  ERR_clear_error();
  auto context = std::make_unique<ssl::context>(ssl::context::tls_client);
  RestrictProtocols(*context);
  boost::system::error_code ec;
  context->load_verify_file(ca_file, ec);
  if (ec) {
    ERR_clear_error();
    return InvalidArgumentError("cannot load trusted certificates from the TLS CA file " + ca_file +
                                ": " + ec.message() + " (expected PEM certificates)");
  }
  context->set_verify_mode(ssl::verify_peer);
  return context;
}

Status ExpectTlsPeerName(SSL* ssl, const std::string& host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  bool ok = false;
  if (!ec) {
    ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) == 1;
  } else {
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    ok = SSL_set1_host(ssl, host.c_str()) == 1 && SSL_set_tlsext_host_name(ssl, host.c_str()) == 1;
  }
  if (!ok) {
    return InvalidArgumentError("cannot check TLS certificates for the host '" + host +
                                "': " + OpenSslReason("refused by OpenSSL"));
  }
  return OkStatus();
}

StatusOr<std::string> TlsChannelBinding(SSL* ssl) {
  if (ssl == nullptr || SSL_is_init_finished(ssl) != 1) {
    return FailedPreconditionError("the TLS handshake has not finished");
  }
  if (SSL_version(ssl) < TLS1_3_VERSION && SSL_get_extms_support(ssl) != 1) {
    return FailedPreconditionError(
        "this TLS 1.2 connection has no extended master secret, so it has no channel binding "
        "(RFC 9266); use TLS 1.3");
  }
  std::string out(kChannelBindingSize, '\0');
  if (SSL_export_keying_material(ssl, reinterpret_cast<unsigned char*>(out.data()), out.size(),
                                 kChannelBindingLabel, sizeof kChannelBindingLabel - 1, nullptr, 0,
                                 0) != 1) {
    return InternalError(OpenSslReason("TLS keying material export failed"));
  }
  return out;
}

}  // namespace creg
