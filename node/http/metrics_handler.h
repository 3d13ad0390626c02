// MetricsHandler: the Prometheus text (docs/operations.md, "Metrics") at
// GET or HEAD /metrics, for the node's private `--metrics` address, served
// by an http::HttpServer with MetricsLimits(). Any other path is 404, any
// other method 405. Answers carry no Access-Control-Allow-Origin, so a web
// page in an operator's browser cannot read them.
//
// Thread-safe if `render` is.
#pragma once

#include <functional>
#include <string>

#include "node/http/handler.h"
#include "node/http/http_connection.h"

namespace creg::http {

class MetricsHandler : public Handler {
 public:
  // `render` returns the whole exposition text; it is called once per GET
  // or HEAD of /metrics.
  explicit MetricsHandler(std::function<std::string()> render) : render_(std::move(render)) {}
  Answer Handle(const Request& request) const override;

 private:
  std::function<std::string()> render_;
};

// The limits of the metrics listener: a few scrapers, small requests.
// max_connections 16: Prometheus servers and an operator's curl, not the
// public; at the cap the longest idle connection makes room, as on --http.
// read_timeout 2 s: a scraper sends its request at once, so a slow one
// (or a slowloris) is closed quickly. max_header_bytes 8 KiB, no bodies.
HttpLimits MetricsLimits();

}  // namespace creg::http
