#include "node/etcd_answer.h"

#include <charconv>
#include <utility>

#include "client/http_client.h"
#include "ledger/encoding.h"
#include "ledger/json.h"

namespace creg::etcd {
namespace {

Status Malformed(std::string_view what) {
  return DataLossError("etcd answer: " + std::string(what));
}

// `where` names the object a field belongs to: "" at the top, else a path
// ending in '.' ("kvs[2].").
std::string Name(std::string_view where, std::string_view field) {
  return std::string(where) + std::string(field);
}

StatusOr<json::Value> ParseObject(std::string_view body) {
  StatusOr<json::Value> value = json::Parse(body);
  if (!value.ok()) return Malformed("not JSON (" + value.status().message() + ")");
  if (!value->is_object()) return Malformed("not a JSON object");
  return value;
}

// A canonical decimal int64: an optional '-', then "0" or digits without a
// leading zero; nothing else.
bool ParseDecimalInt64(std::string_view text, int64_t* out) {
  const std::string_view digits = text.starts_with('-') ? text.substr(1) : text;
  if (digits.empty() || digits.size() > 19 || (digits.size() > 1 && digits[0] == '0')) return false;
  if (digits.find_first_not_of("0123456789") != std::string_view::npos) return false;
  if (text == "-0") return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

// An int64 field: a decimal string or a JSON integer; 0 when absent.
StatusOr<int64_t> Int64Field(const json::Value& object, std::string_view field,
                             std::string_view where) {
  const json::Value* v = object.Find(field);
  if (v == nullptr) return int64_t{0};
  int64_t out = 0;
  if (v->is_int()) return v->as_int();
  if (v->is_string() && ParseDecimalInt64(v->as_string(), &out)) return out;
  return Malformed(Name(where, field) +
                   " is not an int64 (a decimal string): " + BodyExcerpt(json::Serialize(*v)));
}

// A revision (or version, or lease ID): an int64 field that is not negative.
StatusOr<int64_t> CountField(const json::Value& object, std::string_view field,
                             std::string_view where) {
  CREG_ASSIGN_OR_RETURN(int64_t value, Int64Field(object, field, where));
  if (value < 0) return Malformed(Name(where, field) + " is negative: " + std::to_string(value));
  return value;
}

// A base64 field, decoded; "" when absent.
StatusOr<std::string> BytesField(const json::Value& object, std::string_view field,
                                 std::string_view where) {
  const json::Value* v = object.Find(field);
  if (v == nullptr) return std::string();
  if (!v->is_string()) return Malformed(Name(where, field) + " is not a string");
  StatusOr<std::string> bytes = Base64Decode(v->as_string());
  if (!bytes.ok())
    return Malformed(Name(where, field) + " is not base64: " + bytes.status().message());
  return bytes;
}

StatusOr<bool> BoolField(const json::Value& object, std::string_view field,
                         std::string_view where) {
  const json::Value* v = object.Find(field);
  if (v == nullptr) return false;
  if (!v->is_bool()) return Malformed(Name(where, field) + " is not true or false");
  return v->as_bool();
}

// An array field; empty when absent. The pointer lives as long as `object`.
StatusOr<const json::Array*> ArrayField(const json::Value& object, std::string_view field,
                                        std::string_view where) {
  static const json::Array kEmpty;
  const json::Value* v = object.Find(field);
  if (v == nullptr) return &kEmpty;
  if (!v->is_array()) return Malformed(Name(where, field) + " is not an array");
  return &v->as_array();
}

// An object field; nullptr when absent.
StatusOr<const json::Value*> ObjectField(const json::Value& object, std::string_view field,
                                         std::string_view where) {
  const json::Value* v = object.Find(field);
  if (v != nullptr && !v->is_object()) return Malformed(Name(where, field) + " is not an object");
  return v;
}

// The revision of the header every answer carries: 1 or more.
StatusOr<int64_t> HeaderRevision(const json::Value& answer, std::string_view where) {
  CREG_ASSIGN_OR_RETURN(const json::Value* header, ObjectField(answer, "header", where));
  if (header == nullptr) return Malformed(Name(where, "header") + " is missing");
  const std::string inside = Name(where, "header.");
  CREG_ASSIGN_OR_RETURN(int64_t revision, CountField(*header, "revision", inside));
  if (revision == 0) return Malformed(inside + "revision is missing or 0");
  return revision;
}

StatusOr<KeyValue> ParseKeyValue(const json::Value& kv, const std::string& where) {
  if (!kv.is_object()) return Malformed(where + " is not an object");
  const std::string inside = where + ".";
  KeyValue out;
  CREG_ASSIGN_OR_RETURN(out.key, BytesField(kv, "key", inside));
  CREG_ASSIGN_OR_RETURN(out.value, BytesField(kv, "value", inside));
  CREG_ASSIGN_OR_RETURN(out.create_revision, CountField(kv, "create_revision", inside));
  CREG_ASSIGN_OR_RETURN(out.mod_revision, CountField(kv, "mod_revision", inside));
  CREG_ASSIGN_OR_RETURN(out.version, CountField(kv, "version", inside));
  CREG_ASSIGN_OR_RETURN(out.lease, CountField(kv, "lease", inside));
  return out;
}

// A range answer: at the top level, whose header is required, or inside a
// transaction, where etcd writes a header with the revision alone, which
// is read when present.
StatusOr<RangeAnswer> ParseRange(const json::Value& range, std::string_view where, bool top_level) {
  RangeAnswer out;
  if (top_level) {
    CREG_ASSIGN_OR_RETURN(out.revision, HeaderRevision(range, where));
  } else {
    CREG_ASSIGN_OR_RETURN(const json::Value* header, ObjectField(range, "header", where));
    if (header != nullptr) {
      CREG_ASSIGN_OR_RETURN(out.revision, CountField(*header, "revision", Name(where, "header.")));
    }
  }
  CREG_ASSIGN_OR_RETURN(const json::Array* kvs, ArrayField(range, "kvs", where));
  out.kvs.reserve(kvs->size());
  for (size_t i = 0; i < kvs->size(); ++i) {
    CREG_ASSIGN_OR_RETURN(KeyValue kv,
                          ParseKeyValue((*kvs)[i], Name(where, "kvs[" + std::to_string(i) + "]")));
    out.kvs.push_back(std::move(kv));
  }
  return out;
}

StatusOr<TxnResponse> ParseTxnResponse(const json::Value& response, const std::string& where) {
  if (!response.is_object()) return Malformed(where + " is not an object");
  const std::string inside = where + ".";
  TxnResponse out;
  CREG_ASSIGN_OR_RETURN(const json::Value* put, ObjectField(response, "response_put", inside));
  CREG_ASSIGN_OR_RETURN(const json::Value* range, ObjectField(response, "response_range", inside));
  if (put != nullptr && range != nullptr) return Malformed(where + " is both a put and a range");
  if (put != nullptr) out.kind = TxnResponse::Kind::kPut;
  if (range != nullptr) {
    out.kind = TxnResponse::Kind::kRange;
    CREG_ASSIGN_OR_RETURN(out.range, ParseRange(*range, inside + "response_range.", false));
  }
  return out;
}

// A gRPC code as carried in an error answer, mapped to ours.
Status GrpcStatus(int64_t grpc_code, std::string message) {
  switch (grpc_code) {
    case 3:
      return InvalidArgumentError(std::move(message));
    case 5:
      return NotFoundError(std::move(message));
    case 6:
      return AlreadyExistsError(std::move(message));
    case 7:
    case 16:
      return PermissionDeniedError(std::move(message));
    case 8:
      return ResourceExhaustedError(std::move(message));
    case 9:
      return FailedPreconditionError(std::move(message));
    case 11:
      return OutOfRangeError(std::move(message));
    default:
      return UnavailableError(std::move(message));
  }
}

// The stream form of an error: {"error":{"grpc_code":N,"message":"..."}}.
Status StreamError(const json::Value& error) {
  const json::Value* code = error.Find("grpc_code");
  const json::Value* message = error.Find("message");
  std::string text = "etcd answered with an error";
  if (message != nullptr && message->is_string()) text += ": " + BodyExcerpt(message->as_string());
  const int64_t grpc_code = code != nullptr && code->is_int() ? code->as_int() : -1;
  return GrpcStatus(grpc_code, text + " (gRPC code " + std::to_string(grpc_code) + ")");
}

}  // namespace

StatusOr<LeaseAnswer> ParseGrantAnswer(std::string_view body) {
  CREG_ASSIGN_OR_RETURN(json::Value answer, ParseObject(body));
  LeaseAnswer out;
  CREG_ASSIGN_OR_RETURN(out.revision, HeaderRevision(answer, ""));
  CREG_ASSIGN_OR_RETURN(out.id, CountField(answer, "ID", ""));
  CREG_ASSIGN_OR_RETURN(out.ttl, Int64Field(answer, "TTL", ""));
  return out;
}

StatusOr<LeaseAnswer> ParseKeepAliveAnswer(std::string_view body) {
  CREG_ASSIGN_OR_RETURN(json::Value answer, ParseObject(body));
  CREG_ASSIGN_OR_RETURN(const json::Value* error, ObjectField(answer, "error", ""));
  if (error != nullptr) return StreamError(*error);
  CREG_ASSIGN_OR_RETURN(const json::Value* result, ObjectField(answer, "result", ""));
  if (result == nullptr) return Malformed("result is missing");
  LeaseAnswer out;
  CREG_ASSIGN_OR_RETURN(out.revision, HeaderRevision(*result, "result."));
  CREG_ASSIGN_OR_RETURN(out.id, CountField(*result, "ID", "result."));
  CREG_ASSIGN_OR_RETURN(out.ttl, Int64Field(*result, "TTL", "result."));
  return out;
}

StatusOr<int64_t> ParseRevokeAnswer(std::string_view body) {
  CREG_ASSIGN_OR_RETURN(json::Value answer, ParseObject(body));
  return HeaderRevision(answer, "");
}

StatusOr<RangeAnswer> ParseRangeAnswer(std::string_view body) {
  CREG_ASSIGN_OR_RETURN(json::Value answer, ParseObject(body));
  return ParseRange(answer, "", true);
}

StatusOr<TxnAnswer> ParseTxnAnswer(std::string_view body) {
  CREG_ASSIGN_OR_RETURN(json::Value answer, ParseObject(body));
  TxnAnswer out;
  CREG_ASSIGN_OR_RETURN(out.revision, HeaderRevision(answer, ""));
  CREG_ASSIGN_OR_RETURN(out.succeeded, BoolField(answer, "succeeded", ""));
  CREG_ASSIGN_OR_RETURN(const json::Array* responses, ArrayField(answer, "responses", ""));
  out.responses.reserve(responses->size());
  for (size_t i = 0; i < responses->size(); ++i) {
    CREG_ASSIGN_OR_RETURN(
        TxnResponse response,
        ParseTxnResponse((*responses)[i], "responses[" + std::to_string(i) + "]"));
    out.responses.push_back(std::move(response));
  }
  return out;
}

Status ErrorAnswerStatus(unsigned http_status, std::string_view body) {
  const std::string prefix = "etcd answered HTTP " + std::to_string(http_status);
  StatusOr<json::Value> answer = json::Parse(body);
  const json::Value* code = answer.ok() ? answer->Find("code") : nullptr;
  if (code == nullptr || !code->is_int()) {
    return UnavailableError(prefix + ", not an etcd error: " + BodyExcerpt(body));
  }
  const json::Value* message = answer->Find("message");
  if (message == nullptr || !message->is_string()) message = answer->Find("error");
  const std::string text =
      message != nullptr && message->is_string() ? BodyExcerpt(message->as_string()) : "";
  return GrpcStatus(code->as_int(),
                    prefix + ": " + text + " (gRPC code " + std::to_string(code->as_int()) + ")");
}

}  // namespace creg::etcd
