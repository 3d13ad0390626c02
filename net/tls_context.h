// TLS contexts for the node and its clients (boost::asio::ssl on OpenSSL).
//
// Both sides accept TLS 1.2 and 1.3 only; OpenSSL picks 1.3 whenever the
// peer offers it. Inside TLS the protocol is unchanged (docs/protocol.md);
// docs/operations.md shows how to make a certificate.
//
// The factories read files once and return a context that is then only
// read: a context may be shared by any number of connections and threads.
#pragma once

#include <utility>  // before Asio (GCC 12, see DESIGN.md)

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "ledger/status.h"

namespace creg {

// The node's context: its certificate chain from `cert_file` (PEM, the
// node's own certificate first) and the matching private key from
// `key_file` (PEM, unencrypted). InvalidArgument naming the file that cannot
// be read or holds no certificate or key, or saying that the key does not
// belong to the certificate.
StatusOr<std::unique_ptr<boost::asio::ssl::context>> MakeServerTlsContext(
    const std::string& cert_file, const std::string& key_file);

// A client's context: the node's certificate must chain to a certificate in
// `ca_file` (PEM; a self-signed node certificate may be its own CA). The
// host name or IP address is checked per connection (ExpectTlsPeerName).
// InvalidArgument naming the file if it cannot be read or holds no
// certificate.
StatusOr<std::unique_ptr<boost::asio::ssl::context>> MakeClientTlsContext(
    const std::string& ca_file);

// Makes the client connection `ssl` (not yet handshaken) check that the
// node's certificate is for `host`: an IP address (IPv4 or IPv6, matched
// against the certificate's IP subjectAltNames) or a DNS name (also sent as
// SNI). InvalidArgument if OpenSSL refuses the name.
Status ExpectTlsPeerName(SSL* ssl, const std::string& host);

// The connection's RFC 9266 tls-exporter channel binding: 32 bytes of
// keying material exported with the label "EXPORTER-Channel-Binding" and no
// context, the same on both ends of one connection and unlike any other's.
// Call after the handshake. FailedPrecondition on a TLS 1.2 connection
// without the extended master secret (RFC 9266 forbids the binding there)
// or before the handshake; Internal if OpenSSL fails.
StatusOr<std::string> TlsChannelBinding(SSL* ssl);

}  // namespace creg
