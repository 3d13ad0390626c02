// ApiHandler: the node's read-only JSON API under /api/v1/ (docs/http.md,
// "JSON API"). Each request is parsed (node/http/api_request.h) into the
// node's own wire request and answered by the node's RequestHandler as the
// public reader, so the read policy and the response limits apply exactly
// as on the protocol port; the answer becomes JSON with the functions creg
// --json uses (ledger/records/). Errors are JSON too:
//   {"error": {"code": "NOT_FOUND", "message": "..."}}
// with the node's error code; HTTP status 400 bad input, 403 refused by the
// read policy, 404 not found (any other path under /api/), 503 not ready or
// overloaded, 500 otherwise. It never touches a socket.
//
// Thread-safe: Handle may run on many threads at once.
#pragma once

#include <functional>
#include <optional>

#include "ledger/json.h"
#include "node/http/handler.h"
#include "node/request_handler.h"

namespace creg::http {

class ApiHandler : public Handler {
 public:
  // The "totals" and "timeline" members of /api/v1/status, or an error
  // (Unavailable while not ready yet). Thread-safe.
  using SummarySource = std::function<StatusOr<json::Value>()>;

  // Items per page of every listing (the protocol port's pages hold up to
  // 10,000): a public reader's first page costs milliseconds, not a
  // listing's worth of reads.
  static constexpr size_t kPageItems = 100;

  // Answers as `node` would, with pages of kPageItems: `node`'s registry
  // and checkpointer must outlive the handler, and its read policy and
  // write state must be set before. Without `summary`, status answers
  // without totals and timeline.
  explicit ApiHandler(const RequestHandler& node, SummarySource summary = nullptr);

  Answer Handle(const Request& request) const override;

 private:
  const RequestHandler node_;
  SummarySource summary_;
};

}  // namespace creg::http
