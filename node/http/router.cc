#include "node/http/router.h"

namespace creg::http {

Router::Router(std::shared_ptr<const Handler> fallback) : fallback_(std::move(fallback)) {}

void Router::Add(std::string path, std::shared_ptr<const Handler> handler) {
  routes_.push_back(Route{std::move(path), std::move(handler)});
}

Answer Router::Handle(const Request& request) const {
  if (auto refused = RefuseMethod(request.method)) return *std::move(refused);
  const std::string_view path = request.path();
  const Route* best = nullptr;
  for (const Route& route : routes_) {
    const bool prefix = !route.path.empty() && route.path.back() == '/';
    const bool match =
        prefix ? path.substr(0, route.path.size()) == route.path : path == route.path;
    if (match && (best == nullptr || route.path.size() > best->path.size())) best = &route;
  }
  return (best != nullptr ? *best->handler : *fallback_).Handle(request);
}

namespace {

class NotFound : public Handler {
 public:
  explicit NotFound(std::string message) : message_(std::move(message)) {}
  Answer Handle(const Request&) const override { return TextAnswer(404, message_); }

 private:
  std::string message_;
};

}  // namespace

std::shared_ptr<const Handler> NotFoundHandler(std::string message) {
  return std::make_shared<NotFound>(std::move(message));
}

}  // namespace creg::http
