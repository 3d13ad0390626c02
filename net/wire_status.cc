#include "net/wire_status.h"

namespace creg {

pb::Error WireError(const Status& status) {
  pb::Error error;
  if (status.ok()) {
    error.set_code(std::string(StatusCodeName(StatusCode::kInternal)));
    error.set_message("an error response was built from an OK status");
    return error;
  }
  error.set_code(std::string(StatusCodeName(status.code())));
  error.set_message(status.message());
  return error;
}

pb::Response ErrorResponse(const Status& status, uint64_t id) {
  pb::Response response;
  response.set_id(id);
  *response.mutable_error() = WireError(status);
  return response;
}

Status StatusFromWire(const pb::Error& error) {
  for (StatusCode code : kAllStatusCodes) {
    if (code != StatusCode::kOk && StatusCodeName(code) == error.code())
      return Status(code, error.message());
  }
  return InternalError("unknown error code '" + error.code() + "': " + error.message());
}

}  // namespace creg
