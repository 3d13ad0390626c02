// The request bodies creg sends to etcd 3.4's v3 JSON gateway (POST
// http://HOST:PORT/v3/...), all built here and nowhere else.
//
// etcd silently ignores request fields it does not know, and accepts both
// `create_revision` and `createRevision`: a misspelt field in a compare is
// no error, it makes the compare weaker (a compare on a missing field
// compares against 0). So each message's field names are written once, in
// this file's .cc, and tests/node/etcd_request_test.cc pins every body byte
// for byte; the real-etcd tests check that each compare refuses what it
// must.
//
// Keys and values are sent as standard base64 (RFC 4648 section 4), int64s
// as decimal JSON strings (lease IDs exceed 2^53, which a JSON number does
// not carry exactly through every reader). Every compare is EQUAL.
//
// Pure functions of their arguments; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace creg::etcd {

inline constexpr std::string_view kGrantPath = "/v3/lease/grant";
inline constexpr std::string_view kKeepAlivePath = "/v3/lease/keepalive";
inline constexpr std::string_view kRevokePath = "/v3/lease/revoke";
inline constexpr std::string_view kRangePath = "/v3/kv/range";
inline constexpr std::string_view kTxnPath = "/v3/kv/txn";
// Answered with GET (not under /v3): {"health":"true"} once the member
// serves.
inline constexpr std::string_view kHealthPath = "/health";

// {"TTL":"<ttl_seconds>"}: a new lease. etcd may grant a longer TTL (2 s
// at least with its default election timeout).
std::string GrantBody(int64_t ttl_seconds);

// {"ID":"<lease_id>"}: the body of a keepalive and of a revoke.
std::string LeaseBody(int64_t lease_id);

// {"key":"<b64 key>"}: the one key.
std::string GetBody(std::string_view key);

// {"key":"<b64 prefix>","range_end":"<b64 PrefixEnd(prefix)>"}, with
// "keys_only":true when asked: every key that starts with `prefix`.
// Precondition: `prefix` is not empty.
std::string PrefixBody(std::string_view prefix, bool keys_only);

// The smallest key greater than every key that starts with `prefix`: the
// prefix with trailing 0xff bytes dropped and its last byte incremented
// ("/a/" -> "/a0"). A prefix of 0xff bytes only has none; etcd reads the
// range end "\0" as "every key from here", which is returned then.
std::string PrefixEnd(std::string_view prefix);

// The campaign transaction: if `key` does not exist (its create_revision
// is 0), put `value` there bound to lease `lease_id`; else read `key`.
//   {"compare":[{"key":K,"target":"CREATE","result":"EQUAL","create_revision":"0"}],
//    "success":[{"request_put":{"key":K,"value":V,"lease":"<id>"}}],
//    "failure":[{"request_range":{"key":K}}]}
std::string CampaignBody(std::string_view key, std::string_view value, int64_t lease_id);

// The fenced swap transaction: if `leader_key`'s create_revision is
// `term_revision` and `key`'s mod_revision is `mod_revision` (0: `key` is
// absent), put `value` at `key` (no lease); else read both keys, leader
// key first.
struct SwapRequest {
  std::string_view leader_key;
  int64_t term_revision = 0;
  std::string_view key;
  int64_t mod_revision = 0;
  std::string_view value;
};
std::string SwapBody(const SwapRequest& request);

}  // namespace creg::etcd
