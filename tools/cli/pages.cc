#include "tools/cli/pages.h"

namespace creg::cli {
namespace {

void SetCursor(pb::Request& request, const std::string& cursor) {
  switch (request.body_case()) {
    case pb::Request::kHoldings:
      request.mutable_holdings()->set_cursor(cursor);
      break;
    case pb::Request::kBatch:
      request.mutable_batch()->set_cursor(cursor);
      break;
    case pb::Request::kRetirements:
      request.mutable_retirements()->set_cursor(cursor);
      break;
    case pb::Request::kHistory:
      request.mutable_history()->set_cursor(cursor);
      break;
    case pb::Request::kProvenance:
      request.mutable_provenance()->set_cursor(cursor);
      break;
    case pb::Request::kProjects:
      request.mutable_projects()->set_cursor(cursor);
      break;
    default:
      break;
  }
}

const std::string& NextCursor(const pb::Response& response) {
  static const std::string kNone;
  switch (response.body_case()) {
    case pb::Response::kHoldings:
      return response.holdings().next_cursor();
    case pb::Response::kBatch:
      return response.batch().next_cursor();
    case pb::Response::kRetirements:
      return response.retirements().next_cursor();
    case pb::Response::kHistory:
      return response.history().next_cursor();
    case pb::Response::kProjects:
      return response.projects().next_cursor();
    default:
      return kNone;
  }
}

}  // namespace

bool ForEachPage(Context& ctx, pb::Request request,
                 const std::function<bool(const pb::Response&)>& visit) {
  std::string cursor;
  for (;;) {
    SetCursor(request, cursor);
    request.set_id(0);  // a fresh id for each page
    std::optional<pb::Response> page = ctx.Ask(request);
    if (!page) return false;
    if (!visit(*page)) return ctx.exit_code() == kExitOk;
    const std::string& next = NextCursor(*page);
    if (next.empty()) return true;
    if (next == cursor) {
      ctx.FailProtocol("the node at " + ctx.node() +
                       " answered a page with the cursor it was asked with, so the listing "
                       "would never end: protocol error");
      return false;
    }
    cursor = next;
  }
}

}  // namespace creg::cli
