// HttpGetter: keep-alive HTTP/1.1 GETs on one loopback connection, for
// creg-bench's measures of a node's JSON API (docs/benchmarks.md). Blocking,
// not thread-safe.
#pragma once

#include <memory>
#include <string>

#include "ledger/status.h"

namespace creg::bench {

class HttpGetter {
 public:
  // Connects to `address` (IPv4 "HOST:PORT"). Unavailable if it cannot.
  static StatusOr<std::unique_ptr<HttpGetter>> Connect(const std::string& address);
  ~HttpGetter();
  HttpGetter(const HttpGetter&) = delete;
  HttpGetter& operator=(const HttpGetter&) = delete;

  struct Answer {
    unsigned status = 0;
    std::string body;
  };
  // GET `target` on the open connection. Unavailable on a connection error.
  StatusOr<Answer> Get(const std::string& target);

 private:
  struct Impl;
  explicit HttpGetter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::string host_;
};

}  // namespace creg::bench
