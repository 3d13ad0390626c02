#include "node/http/metrics_handler.h"

namespace creg::http {

Answer MetricsHandler::Handle(const Request& request) const {
  Answer answer;
  if (std::optional<Answer> refused = RefuseMethod(request.method)) {
    answer = std::move(*refused);
  } else if (request.path() != "/metrics") {
    answer = TextAnswer(404, "not found; this address serves only /metrics");
  } else {
    answer.content_type = "text/plain; version=0.0.4; charset=utf-8";
    answer.body = render_();
  }
  answer.any_origin = false;
  return answer;
}

HttpLimits MetricsLimits() {
  HttpLimits limits;
  limits.max_connections = 16;
  limits.read_timeout = std::chrono::seconds(2);
  limits.max_header_bytes = 8 * 1024;
  limits.max_body_bytes = 0;
  return limits;
}

}  // namespace creg::http
