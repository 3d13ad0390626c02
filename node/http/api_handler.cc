#include "node/http/api_handler.h"

#include <algorithm>

#include "ledger/records/entry_view.h"
#include "ledger/records/record_json.h"
#include "net/wire_status.h"
#include "node/http/api_request.h"

namespace creg::http {
namespace {

constexpr char kJson[] = "application/json; charset=utf-8";
// Certificates and entries never change once they exist.
constexpr char kShortCache[] = "public, max-age=60";

constexpr char kEndpoints[] =
    "GET /api/v1/status, /api/v1/projects, /api/v1/projects/{project_id}, "
    "/api/v1/projects/{project_id}/batches, /api/v1/batches/{n}, "
    "/api/v1/retirements/{retirement_id}, /api/v1/retirements?beneficiary=NAME or ?account=ID, "
    "/api/v1/entries/{index}, /api/v1/provenance/{batch}/{serial}, "
    "/api/v1/serials/{serial}, /api/v1/certificates/{retirement_id}";

unsigned HttpStatusOf(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kNotFound:
    case StatusCode::kOutOfRange:
      return 404;
    case StatusCode::kNotAuthorized:
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kResourceExhausted:
    case StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

Answer JsonAnswer(const json::Value& value, unsigned status = 200) {
  Answer a;
  a.status = status;
  a.content_type = kJson;
  a.body = json::Serialize(value) + "\n";
  return a;
}

Answer ErrorAnswer(const Status& status) {
  json::Value error = json::Value::EmptyObject();
  error.Set("code", std::string(StatusCodeName(status.code())));
  error.Set("message", status.message());
  json::Value body = json::Value::EmptyObject();
  body.Set("error", std::move(error));
  return JsonAnswer(body, HttpStatusOf(status.code()));
}

// Asks the node as the public reader; the wire error as a Status.
StatusOr<pb::Response> Ask(const RequestHandler& node, const pb::Request& request) {
  pb::Response response = node.Handle(request, Reader::Public());
  if (response.has_error()) return StatusFromWire(response.error());
  return response;
}

void SetCursor(json::Value& v, const std::string& next) {
  v.Set("next_cursor", EncodeCursor(next));
}

StatusOr<json::Value> EntryAt(const RequestHandler& node, uint64_t index) {
  pb::Request request;
  request.mutable_get_entries()->set_start(index);
  request.mutable_get_entries()->set_count(1);
  CREG_ASSIGN_OR_RETURN(pb::Response response, Ask(node, request));
  if (response.entries().entries_size() != 1)
    return InternalError("the node answered entry " + std::to_string(index) + " with no entry");
  CREG_ASSIGN_OR_RETURN(EntryView view, ViewEntry(response.entries().entries(0)));
  return EntryJson(view);
}

StatusOr<json::Value> Batch(const RequestHandler& node, pb::Request request) {
  // A read policy that hides holders still shows the batch record.
  bool hidden = node.Refusal(request, Reader::Public()).has_value();
  if (hidden) request.mutable_batch()->set_without_blocks(true);
  CREG_ASSIGN_OR_RETURN(pb::Response response, Ask(node, request));
  const pb::BatchResponse& b = response.batch();
  json::Value v = BatchWithProjectJson(b.batch(), b.project());
  if (hidden) {
    v.Set("blocks_hidden", true);
    return v;
  }
  json::Value blocks = json::Value::EmptyArray();
  for (const pb::BlockRecord& block : b.blocks()) blocks.Append(BlockRecordJson(block));
  v.Set("blocks", std::move(blocks));
  SetCursor(v, b.next_cursor());
  return v;
}

StatusOr<json::Value> Serial(const RequestHandler& node, const ApiRequest& api) {
  CREG_ASSIGN_OR_RETURN(pb::Response response, Ask(node, api.wire));
  const pb::BatchResponse& b = response.batch();
  const uint64_t serial = api.wire.batch().from_serial();
  if (b.blocks_size() == 0 || b.blocks(0).first() > serial || b.blocks(0).last() < serial) {
    return NotFoundError("batch " + std::to_string(b.batch().batch()) + " has no serial " +
                         std::to_string(serial) + " (it holds 1 to " +
                         std::to_string(b.batch().quantity()) + ")");
  }
  json::Value v = json::Value::EmptyObject();
  v.Set("serial", api.serial);
  v.Set("batch", b.batch().batch());
  v.Set("serial_number", serial);
  v.Set("block", BlockRecordJson(b.blocks(0)));
  return v;
}

StatusOr<json::Value> Provenance(const RequestHandler& node, const pb::Request& request) {
  CREG_ASSIGN_OR_RETURN(pb::Response response, Ask(node, request));
  json::Value v = json::Value::EmptyObject();
  v.Set("batch", request.provenance().batch());
  v.Set("serial", request.provenance().serial());
  json::Value entries = json::Value::EmptyArray();
  for (uint64_t index : response.history().entry_indexes()) {
    CREG_ASSIGN_OR_RETURN(json::Value entry, EntryAt(node, index));
    entries.Append(std::move(entry));
  }
  v.Set("entries", std::move(entries));
  SetCursor(v, response.history().next_cursor());
  return v;
}

}  // namespace

namespace {

ResponseLimits ApiLimits(ResponseLimits limits) {
  limits.page_items = std::min(limits.page_items, ApiHandler::kPageItems);
  return limits;
}

}  // namespace

ApiHandler::ApiHandler(const RequestHandler& node, SummarySource summary)
    : node_(node.WithLimits(ApiLimits(node.limits()))), summary_(std::move(summary)) {}

Answer ApiHandler::Handle(const Request& request) const {
  if (auto refused = RefuseMethod(request.method)) return *std::move(refused);
  StatusOr<ApiRequest> api = ParseApiRequest(request.path(), request.query());
  if (!api.ok()) {
    if (api.status().code() != StatusCode::kNotFound) return ErrorAnswer(api.status());
    return ErrorAnswer(NotFoundError(api.status().message() + "; this node serves " + kEndpoints));
  }
  StatusOr<json::Value> body = [&]() -> StatusOr<json::Value> {
    switch (api->endpoint) {
      case ApiEndpoint::kStatus: {
        CREG_ASSIGN_OR_RETURN(pb::Response r, Ask(node_, api->wire));
        json::Value v = StatusJson(r.status());
        v.Set("read_policy", std::string(ReadPolicyName(node_.read_policy())));
        if (summary_) {
          CREG_ASSIGN_OR_RETURN(json::Value summary, summary_());
          for (auto& [key, value] : summary.as_object()) v.Set(key, std::move(value));
        }
        return v;
      }
      case ApiEndpoint::kProjects: {
        CREG_ASSIGN_OR_RETURN(pb::Response r, Ask(node_, api->wire));
        json::Value v = json::Value::EmptyObject();
        json::Value projects = json::Value::EmptyArray();
        for (const pb::ProjectRecord& p : r.projects().projects()) projects.Append(ProjectJson(p));
        v.Set("projects", std::move(projects));
        SetCursor(v, r.projects().next_cursor());
        return v;
      }
      case ApiEndpoint::kProject: {
        CREG_ASSIGN_OR_RETURN(pb::Response r, Ask(node_, api->wire));
        return ProjectJson(r.project().project());
      }
      case ApiEndpoint::kProjectBatches: {
        CREG_ASSIGN_OR_RETURN(pb::Response r, Ask(node_, api->wire));
        json::Value v = json::Value::EmptyObject();
        v.Set("project_id", api->wire.project_batches().project_id());
        json::Value batches = json::Value::EmptyArray();
        for (const pb::BatchRecord& b : r.project_batches().batches()) batches.Append(BatchJson(b));
        v.Set("batches", std::move(batches));
        SetCursor(v, r.project_batches().next_cursor());
        return v;
      }
      case ApiEndpoint::kBatch:
        return Batch(node_, api->wire);
      case ApiEndpoint::kRetirement: {
        CREG_ASSIGN_OR_RETURN(pb::Response r, Ask(node_, api->wire));
        return RetirementResponseJson(r.retirement());
      }
      case ApiEndpoint::kRetirements: {
        CREG_ASSIGN_OR_RETURN(pb::Response r, Ask(node_, api->wire));
        json::Value v = json::Value::EmptyObject();
        json::Value list = json::Value::EmptyArray();
        for (const pb::RetirementRecord& rec : r.retirements().retirements())
          list.Append(RetirementJson(rec));
        v.Set("retirements", std::move(list));
        SetCursor(v, r.retirements().next_cursor());
        return v;
      }
      case ApiEndpoint::kEntry:
        return EntryAt(node_, api->wire.get_entries().start());
      case ApiEndpoint::kProvenance:
        return Provenance(node_, api->wire);
      case ApiEndpoint::kSerial:
        return Serial(node_, *api);
      case ApiEndpoint::kCertificate:
        break;  // answered below, as the node wrote it
    }
    return json::Value();
  }();
  if (!body.ok()) return ErrorAnswer(body.status());
  if (api->endpoint == ApiEndpoint::kCertificate) {
    StatusOr<pb::Response> r = Ask(node_, api->wire);
    if (!r.ok()) return ErrorAnswer(r.status());
    Answer a;
    a.content_type = kJson;
    a.cache_control = kShortCache;
    // Byte for byte what creg cert writes.
    a.body = r->certificate().json();
    if (!a.body.empty() && a.body.back() != '\n') a.body += '\n';
    return a;
  }
  Answer a = JsonAnswer(*body);
  if (api->endpoint == ApiEndpoint::kEntry) a.cache_control = kShortCache;
  return a;
}

}  // namespace creg::http
