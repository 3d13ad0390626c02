#include "node/http/handler.h"

namespace creg::http {

Answer TextAnswer(unsigned status, std::string line) {
  Answer a;
  a.status = status;
  a.body = std::move(line) + "\n";
  return a;
}

std::optional<Answer> RefuseMethod(std::string_view method) {
  if (method == "GET" || method == "HEAD") return std::nullopt;
  Answer a = TextAnswer(405, "only GET and HEAD are served here");
  a.allow = "GET, HEAD";
  return a;
}

}  // namespace creg::http
