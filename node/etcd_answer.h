// The answers of etcd 3.4's v3 JSON gateway to the requests of
// node/etcd_request.h, parsed as hostile input.
//
// What the gateway writes (measured on etcd 3.4.23):
//  - int64s are decimal JSON strings ("revision":"28"); following the
//    protobuf JSON mapping, a JSON integer is accepted too. Anything else
//    (a fraction, a number out of int64, "12abc", "+1", "012", true) is
//    refused, naming the field.
//  - fields at their default are omitted: a failed transaction has no
//    "succeeded", an empty range no "kvs" and no "count", a key without a
//    lease no "lease", an empty value no "value", and a keepalive for a
//    lease that is gone no "TTL". An absent field reads as its default; a
//    present one must have the right type.
//  - keys and values are standard base64, decoded here.
//  - every answer carries "header" with the store's "revision" (1 or
//    more); an answer without one is refused.
//  - a keepalive answer is wrapped in {"result":{...}} (a stream of one),
//    or is {"error":{"grpc_code":N,"message":"..."}}.
//  - an error answer (HTTP status other than 200) is
//    {"error":"...","message":"...","code":N}, N a gRPC code.
//
// Every parser returns DataLoss ("etcd answer: <what is wrong>") for text
// that is not such an answer: not JSON (json::Parse's bounds apply: depth
// 64, exact integers), not an object, a missing header, an ill-typed
// field, bad base64, a negative revision. They never crash and never
// allocate beyond a small multiple of the text's size; the caller bounds
// the text (node/etcd_client.h).
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/status.h"

namespace creg::etcd {

// One key as etcd stores it. Revisions are >= 0 (0 only where etcd omitted
// the field).
struct KeyValue {
  std::string key;    // decoded
  std::string value;  // decoded; empty for a keys_only range
  int64_t create_revision = 0;
  int64_t mod_revision = 0;
  int64_t version = 0;
  int64_t lease = 0;  // 0: not bound to a lease
};

// A lease grant or keepalive.
struct LeaseAnswer {
  int64_t revision = 0;  // the header's
  int64_t id = 0;
  // Seconds. The granted TTL for a grant; for a keepalive the TTL the lease
  // was renewed to, or 0 (or less) when the lease is gone.
  int64_t ttl = 0;
};

struct RangeAnswer {
  int64_t revision = 0;  // the header's
  std::vector<KeyValue> kvs;
};

// One entry of a transaction's "responses".
struct TxnResponse {
  enum class Kind { kPut, kRange, kOther };
  Kind kind = Kind::kOther;
  RangeAnswer range;  // kRange only; its revision is the inner header's, or 0
};

struct TxnAnswer {
  int64_t revision = 0;  // the header's: a successful put's mod_revision
  bool succeeded = false;
  std::vector<TxnResponse> responses;
};

StatusOr<LeaseAnswer> ParseGrantAnswer(std::string_view body);
// The error form of the stream ({"error":{...}}) is returned as the
// status its gRPC code maps to (see ErrorAnswerStatus), not as DataLoss.
StatusOr<LeaseAnswer> ParseKeepAliveAnswer(std::string_view body);
// The header's revision.
StatusOr<int64_t> ParseRevokeAnswer(std::string_view body);
StatusOr<RangeAnswer> ParseRangeAnswer(std::string_view body);
StatusOr<TxnAnswer> ParseTxnAnswer(std::string_view body);

// The status for an answer whose HTTP status is not 200, never OK. The
// gRPC code in the body picks the code: 3 InvalidArgument, 5 NotFound,
// 6 AlreadyExists, 7 and 16 PermissionDenied, 8 ResourceExhausted,
// 9 FailedPrecondition, 11 OutOfRange; any other code, or a body that is
// not an etcd error (say a proxy's page), Unavailable. The message holds
// the HTTP status and etcd's message (or the body's first line, printable
// ASCII, at most 200 bytes).
Status ErrorAnswerStatus(unsigned http_status, std::string_view body);

}  // namespace creg::etcd
