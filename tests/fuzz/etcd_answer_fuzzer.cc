// Fuzzes what the node reads from etcd (node/etcd_answer.h) and the bodies
// it writes to it (node/etcd_request.h). The first input byte picks the
// mode, the rest is the text:
//   0 grant, 1 keepalive, 2 revoke, 3 range, 4 txn answers: the parser;
//   5 an error answer: ErrorAnswerStatus, the HTTP status from byte 1;
//   6 request bodies: the text split at its first NUL into key and value.
//
// Checks, besides "never crashes":
//  - a parser refuses with DataLoss only (a keepalive's stream error also
//    with the code its gRPC code maps to); what it accepts has a header
//    revision of 1 or more, and no negative revision, version or lease;
//  - ErrorAnswerStatus is never OK;
//  - every body is JSON whose base64 fields decode back to the key and
//    value given, and whose int64s are decimal strings.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/encoding.h"
#include "ledger/json.h"
#include "node/etcd_answer.h"
#include "node/etcd_request.h"

namespace {

namespace etcd = creg::etcd;
using creg::StatusCode;

[[noreturn]] void Fail(const std::string& what, std::string_view input) {
  std::fprintf(stderr, "etcd_answer_fuzzer: %s\ninput (%zu bytes): %.*s\n", what.c_str(),
               input.size(), static_cast<int>(std::min<size_t>(input.size(), 2000)), input.data());
  std::abort();
}

void CheckRefusal(const creg::Status& status, std::string_view input, bool stream_error = false) {
  if (status.code() == StatusCode::kDataLoss) return;
  if (stream_error && !status.ok()) return;
  Fail("refused with " + status.ToString(), input);
}

void CheckKeyValues(const std::vector<etcd::KeyValue>& kvs, std::string_view input) {
  for (const etcd::KeyValue& kv : kvs) {
    if (kv.create_revision < 0 || kv.mod_revision < 0 || kv.version < 0 || kv.lease < 0) {
      Fail("accepted a negative revision, version or lease", input);
    }
  }
}

void CheckHeader(int64_t revision, std::string_view input) {
  if (revision < 1) Fail("accepted a header revision of " + std::to_string(revision), input);
}

// `value` at `path` (member names) in `body`, which must be JSON.
const creg::json::Value& At(const creg::json::Value& body, std::initializer_list<const char*> path,
                            std::string_view input) {
  const creg::json::Value* v = &body;
  for (const char* name : path) {
    v = (v->is_array() && !v->as_array().empty()) ? &v->as_array()[0] : v;
    v = v->Find(name);
    if (v == nullptr) Fail(std::string("a body has no ") + name, input);
  }
  return *v;
}

void CheckBytes(const creg::json::Value& field, std::string_view want, std::string_view input) {
  if (!field.is_string()) Fail("a base64 field is not a string", input);
  creg::StatusOr<std::string> bytes = creg::Base64Decode(field.as_string());
  if (!bytes.ok() || *bytes != want) Fail("a base64 field does not decode to its bytes", input);
}

creg::json::Value ParseBody(const std::string& body, std::string_view input) {
  creg::StatusOr<creg::json::Value> value = creg::json::Parse(body);
  if (!value.ok()) Fail("a body is not JSON: " + value.status().ToString() + "\n" + body, input);
  return *value;
}

void CheckBodies(std::string_view text, std::string_view input) {
  const size_t nul = text.find('\0');
  const std::string_view key = text.substr(0, nul);
  const std::string_view value = nul == std::string_view::npos ? "" : text.substr(nul + 1);
  const int64_t lease = static_cast<int64_t>(text.size()) * 7919 - 1000;

  const creg::json::Value get = ParseBody(etcd::GetBody(key), input);
  CheckBytes(At(get, {"key"}, input), key, input);

  const creg::json::Value campaign = ParseBody(etcd::CampaignBody(key, value, lease), input);
  CheckBytes(At(campaign, {"compare", "key"}, input), key, input);
  if (At(campaign, {"compare", "create_revision"}, input) != creg::json::Value("0")) {
    Fail("the campaign does not compare create_revision with \"0\"", input);
  }
  CheckBytes(At(campaign, {"success", "request_put", "value"}, input), value, input);
  if (At(campaign, {"success", "request_put", "lease"}, input) !=
      creg::json::Value(std::to_string(lease))) {
    Fail("the campaign's lease is not its decimal string", input);
  }

  etcd::SwapRequest swap{key, lease, value, lease + 1, text};
  const creg::json::Value body = ParseBody(etcd::SwapBody(swap), input);
  const creg::json::Array& compares = At(body, {"compare"}, input).as_array();
  if (compares.size() != 2 || compares[0].Find("create_revision") == nullptr ||
      compares[1].Find("mod_revision") == nullptr) {
    Fail("the swap's compares are not create_revision then mod_revision", input);
  }
  CheckBytes(At(body, {"success", "request_put", "value"}, input), text, input);

  if (!key.empty()) {
    const std::string end = etcd::PrefixEnd(key);
    if (end != std::string(1, '\0') && !(std::string(key) < end)) {
      Fail("PrefixEnd is not above its prefix", input);
    }
    ParseBody(etcd::PrefixBody(key, true), input);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string_view text = input.substr(1);
  switch (data[0] % 7) {
    case 0: {
      auto got = etcd::ParseGrantAnswer(text);
      if (!got.ok()) {
        CheckRefusal(got.status(), input);
        return 0;
      }
      CheckHeader(got->revision, input);
      if (got->id < 0) Fail("accepted a negative lease ID", input);
      break;
    }
    case 1: {
      auto got = etcd::ParseKeepAliveAnswer(text);
      if (!got.ok()) {
        CheckRefusal(got.status(), input, true);
        return 0;
      }
      CheckHeader(got->revision, input);
      break;
    }
    case 2: {
      auto got = etcd::ParseRevokeAnswer(text);
      if (!got.ok()) {
        CheckRefusal(got.status(), input);
        return 0;
      }
      CheckHeader(*got, input);
      break;
    }
    case 3: {
      auto got = etcd::ParseRangeAnswer(text);
      if (!got.ok()) {
        CheckRefusal(got.status(), input);
        return 0;
      }
      CheckHeader(got->revision, input);
      CheckKeyValues(got->kvs, input);
      break;
    }
    case 4: {
      auto got = etcd::ParseTxnAnswer(text);
      if (!got.ok()) {
        CheckRefusal(got.status(), input);
        return 0;
      }
      CheckHeader(got->revision, input);
      for (const etcd::TxnResponse& response : got->responses) {
        CheckKeyValues(response.range.kvs, input);
      }
      break;
    }
    case 5: {
      const unsigned status = 300 + (size > 1 ? data[1] : 0);
      if (etcd::ErrorAnswerStatus(status, text.substr(text.empty() ? 0 : 1)).ok()) {
        Fail("an error answer read as OK", input);
      }
      break;
    }
    default:
      CheckBodies(text, input);
  }
  return 0;
}
