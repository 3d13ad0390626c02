// The seam between an HTTP connection and what it serves: a Handler maps a
// request (method, target, body) to an Answer, and never touches a socket, so
// each surface (tlog tiles, the JSON API, the explorer's files, metrics) is
// tested without a network. The connection (node/http/http_connection.h)
// reads requests, asks its Handler, and writes the answers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace creg::http {

// What the client asked. Views into the connection's buffer, valid for the
// call only.
struct Request {
  std::string_view method;
  // The request-target as sent, query string included.
  std::string_view target;
  // The body, whole; empty unless the server reads bodies
  // (HttpLimits::max_body_bytes) and the client sent one.
  std::string_view body = {};

  // The target up to any '?'.
  std::string_view path() const { return target.substr(0, target.find('?')); }
  // What follows the first '?', or empty.
  std::string_view query() const {
    const size_t q = target.find('?');
    return q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
  }
};

// What to answer. The connection adds Content-Length, Connection, Server and
// (unless any_origin is false) Access-Control-Allow-Origin: *, and leaves
// out the body for HEAD.
struct Answer {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string cache_control = "no-store";
  std::string allow;  // set for 405
  // Whether any web page may read the answer (Access-Control-Allow-Origin:
  // *). Default: true, the public surfaces are public; a private one
  // (metrics) sets false so that a page in an operator's browser cannot
  // read it.
  bool any_origin = true;
  // Further header fields, e.g. Content-Security-Policy.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// A text/plain answer of `status` whose body is `line` and a newline.
Answer TextAnswer(unsigned status, std::string line);

// 405 with Allow: GET, HEAD unless `method` is GET or HEAD (the only methods
// any creg HTTP surface serves); nullopt for those two.
std::optional<Answer> RefuseMethod(std::string_view method);

// Thread-safe: Handle may run on many connections' threads at once.
class Handler {
 public:
  virtual ~Handler() = default;
  virtual Answer Handle(const Request& request) const = 0;
};

}  // namespace creg::http
