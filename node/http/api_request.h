// ApiRequest: a JSON API request target (docs/http.md, "JSON API") parsed
// strictly into the node's own wire request. Pure and thread-safe: no I/O,
// so it is fuzzed on its own (tests/fuzz/api_request_fuzzer.cc).
//
// Limits, all answered 400 (InvalidArgument) naming what was wrong:
//   - the path is /api/v1/ and one of the endpoints below; its segments are
//     percent-decoded once ('+' stays '+'); a segment that is empty, longer
//     than kMaxSegmentBytes decoded, not UTF-8, holds a control character
//     or a bad %-escape is refused;
//   - the query string is at most kMaxQueryBytes, `name=value` pairs joined
//     by '&', each name at most once, only the names the endpoint takes;
//   - numbers are decimal digits without sign or leading zeros, fitting 64
//     bits;
//   - a cursor is URL-safe base64 without padding (RFC 4648 section 5) of at
//     most kMaxCursorChars characters; empty means the first page.
// A path under /api/ that names no endpoint is NotFound (404).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "creg/wire.pb.h"
#include "ledger/status.h"

namespace creg::http {

inline constexpr size_t kMaxSegmentBytes = 256;
inline constexpr size_t kMaxQueryBytes = 2048;
inline constexpr size_t kMaxCursorChars = 1024;

enum class ApiEndpoint {
  kStatus,          // /api/v1/status
  kProjects,        // /api/v1/projects
  kProject,         // /api/v1/projects/{id}
  kProjectBatches,  // /api/v1/projects/{id}/batches
  kBatch,           // /api/v1/batches/{n}
  kRetirement,      // /api/v1/retirements/{id}
  kRetirements,     // /api/v1/retirements?beneficiary=|account=
  kEntry,           // /api/v1/entries/{index}
  kProvenance,      // /api/v1/provenance/{batch}/{serial}
  kSerial,          // /api/v1/serials/{serial string}
  kCertificate,     // /api/v1/certificates/{retirement id}
};

struct ApiRequest {
  ApiEndpoint endpoint = ApiEndpoint::kStatus;
  // The wire request that answers it (id 0). For kEntry a GetEntries of
  // one entry; for kSerial a BatchRequest from that serial on.
  pb::Request wire;
  // kSerial: the serial string as given.
  std::string serial;
};

// Parses `path` (the target up to '?') and `query` (after it).
StatusOr<ApiRequest> ParseApiRequest(std::string_view path, std::string_view query);

// The cursor encodings: URL-safe base64 without padding of the protocol's
// cursor bytes, and back (InvalidArgument for anything else).
std::string EncodeCursor(std::string_view bytes);
StatusOr<std::string> DecodeCursor(std::string_view text);

// A serial as the API takes it: "BATCH:SERIAL" (docs/cli.md) or a serial
// string "<batch>-<first>-<last>-CREG-..." (docs/serials.md), which names
// its first serial. InvalidArgument otherwise.
struct SerialRef {
  uint64_t batch = 0;
  uint64_t serial = 0;
};
StatusOr<SerialRef> ParseSerialRef(std::string_view text);

}  // namespace creg::http
