// Router: one Handler made of several, chosen by the request's path: an
// exact path ("/checkpoint") or a prefix ending in '/' ("/tile/",
// "/api/v1/"); the longest match wins, and a path nothing matches goes to
// the fallback. Methods other than GET and HEAD are refused (405) before
// any route is asked.
//
// Thread-safety: configure before serving; Handle is then thread-safe if
// the routed handlers are.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "node/http/handler.h"

namespace creg::http {

class Router : public Handler {
 public:
  // `fallback` answers paths no route matches.
  explicit Router(std::shared_ptr<const Handler> fallback);

  // Routes `path` (exactly) or, if it ends in '/', every path starting with
  // it, to `handler`, which sees the request unchanged.
  void Add(std::string path, std::shared_ptr<const Handler> handler);

  Answer Handle(const Request& request) const override;

 private:
  struct Route {
    std::string path;
    std::shared_ptr<const Handler> handler;
  };
  std::shared_ptr<const Handler> fallback_;
  std::vector<Route> routes_;
};

// A handler that answers every path 404 with `message`.
std::shared_ptr<const Handler> NotFoundHandler(std::string message);

}  // namespace creg::http
