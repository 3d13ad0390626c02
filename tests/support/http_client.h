// HttpClient: a keep-alive HTTP/1.1 client on Boost.Beast for tests of an
// HTTP server (a node's tlog-tiles surface, docs/http.md, or a witness). IPv4 loopback addresses
// only; every exchange gives up after a timeout. Not thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "ledger/status.h"

namespace creg::testing {

struct HttpResponse {
  unsigned status = 0;
  // Header fields by lower-case name.
  std::map<std::string, std::string> headers;
  std::string body;
  bool keep_alive = false;

  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class HttpClient {
 public:
  explicit HttpClient(std::string address,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `method` `target` on the open connection (connecting first if
  // there is none, or it was closed) and reads the answer. Unavailable if
  // the node cannot be reached, closes the connection without an answer, or
  // does not answer within the timeout.
  // `body`, if not empty, is sent with its Content-Length.
  StatusOr<HttpResponse> Request(const std::string& method, const std::string& target,
                                 const std::string& body = "");
  StatusOr<HttpResponse> Get(const std::string& target) { return Request("GET", target); }
  // Connections opened so far (to check that keep-alive reuses one).
  int connects() const { return connects_; }

 private:
  struct Impl;
  Impl* impl_;
  std::string address_;
  std::chrono::milliseconds timeout_;
  int connects_ = 0;
};

// Writes `bytes` on a new connection to `address` (errors ignored: the node
// may close it first), then reads until the node closes it or `timeout`
// passes. Returns what was read and whether the node closed the connection.
struct RawExchange {
  std::string received;
  bool closed_by_node = false;
};
RawExchange SendRaw(const std::string& address, const std::string& bytes,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace creg::testing
