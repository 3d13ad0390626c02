// One HTTP/1.1 exchange on Boost.Beast: a GET or POST sent on a fresh TCP
// connection to "HOST:PORT" ("[::1]:PORT" for IPv6), the answer read
// whole, the connection closed. Used wherever creg speaks HTTP as a client
// (the node asking witnesses to cosign, docs/witness.md).
//
// Every answer is hostile: the whole exchange (lookup aside, see below,
// connect, write, read) has one deadline, the status line and header are
// bounded (8 KiB), the body by `max_body_bytes`, and chunked framing
// (chunk sizes, extensions, trailer) by 64 KiB: memory stays bounded
// whatever the peer sends.
// Errors name what failed:
//   InvalidArgument  the address is not HOST:PORT or the host does not resolve
//   Unavailable      the connection was refused or reset, the peer closed it
//                    before a whole answer, or the deadline passed (the
//                    message says "timed out" and during which step)
//   DataLoss         the answer is not HTTP: a malformed status line or
//                    header, or a header, body or framing over its bound
// Any status code is returned as an answer, not as an error.
//
// Thread-safety: free functions with no shared state; call from any thread.
// Each call runs its own io_context and blocks until done. A host name
// (not an IP literal) is resolved with a blocking lookup before the
// deadline starts; loopback and IP addresses never wait on it.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "ledger/status.h"

namespace creg {

struct HttpExchangeOptions {
  // The whole exchange must finish within this. Default: 10 s.
  std::chrono::milliseconds timeout{10'000};
  // Largest response body accepted. Default: 1 MiB.
  size_t max_body_bytes = 1u << 20;
  // Sent as Content-Type with a POST body. Default: text/plain.
  std::string content_type = "text/plain";
};

struct HttpExchangeAnswer {
  unsigned status = 0;
  std::string content_type;  // As sent; empty if none.
  std::string body;
};

// GET `target` (e.g. "/checkpoint") from `address`.
StatusOr<HttpExchangeAnswer> HttpGet(const std::string& address, const std::string& target,
                                     const HttpExchangeOptions& options = {});
// POST `body` to `target` at `address`.
StatusOr<HttpExchangeAnswer> HttpPost(const std::string& address, const std::string& target,
                                      const std::string& body,
                                      const HttpExchangeOptions& options = {});

// The first line of an answer's body as an error message may quote it: at
// most 200 bytes, every byte outside printable ASCII written as '?'.
// Inline, so that parsers of answers (node/etcd_answer.cc) link without
// the exchange and its Asio code.
inline std::string BodyExcerpt(std::string_view body) {
  std::string out;
  for (char c : body.substr(0, std::min<size_t>(body.find('\n'), 200))) {
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  return out;
}

}  // namespace creg
