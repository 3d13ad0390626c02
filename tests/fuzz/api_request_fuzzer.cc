// Fuzzes the JSON API's request parser (node/http/api_request.h) and the
// answers built on it (node/http/api_handler.h), on the fixed registry.
//
// Checks, besides "never crashes":
//  - ParseApiRequest accepts only /api/v1/ paths, and every text it puts
//    in the wire request is UTF-8 of at most kMaxSegmentBytes bytes
//    without control characters;
//  - the handler answers only 200, 400, 403, 404, 405 or 503, never 500
//    on the fixed registry, and every answer but a certificate's is JSON;
//    400 only where the parser or the node said INVALID_ARGUMENT;
//  - cursors round-trip: DecodeCursor(EncodeCursor(bytes)) == bytes.
#include <google/protobuf/stubs/common.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ledger/json.h"
#include "node/http/api_handler.h"
#include "node/http/api_request.h"
#include "tests/fuzz/fuzz_registry.h"

namespace {

struct Fixture {
  std::unique_ptr<creg::fuzz::FuzzRegistry> registry = creg::fuzz::FuzzRegistry::Create();
  creg::RequestHandler node{registry->registry(), registry->checkpointer()};
  creg::http::ApiHandler handler{node};
  Fixture() { node.SetReadPolicy(creg::ReadPolicy::kPublicLog); }
};
Fixture* fixture = nullptr;

[[noreturn]] void Fail(const std::string& what, std::string_view input) {
  std::fprintf(stderr, "api_request_fuzzer: %s\ninput (%zu bytes): %.*s\n", what.c_str(),
               input.size(), static_cast<int>(std::min<size_t>(input.size(), 2000)), input.data());
  std::abort();
}

void CheckText(const std::string& text, std::string_view input) {
  if (text.size() > creg::http::kMaxSegmentBytes) Fail("text over the segment limit", input);
  if (!google::protobuf::internal::IsStructurallyValidUTF8(text.data(),
                                                           static_cast<int>(text.size()))) {
    Fail("text that is not UTF-8", input);
  }
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) Fail("text with a control character", input);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fixture = new Fixture();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t q = input.find('?');
  const std::string_view path = input.substr(0, q);
  const std::string_view query = q == std::string_view::npos ? "" : input.substr(q + 1);

  creg::StatusOr<creg::http::ApiRequest> parsed = creg::http::ParseApiRequest(path, query);
  if (parsed.ok()) {
    if (!path.starts_with("/api/v1/")) Fail("parsed a path outside /api/v1/", input);
    const creg::pb::Request& w = parsed->wire;
    for (const std::string* text :
         {&w.project().project_id(), &w.project_batches().project_id(),
          &w.retirement().retirement_id(), &w.retirements().beneficiary(),
          &w.retirements().account_id(), &w.certificate().retirement_id()}) {
      CheckText(*text, input);
    }
  }

  creg::http::Answer answer = fixture->handler.Handle({"GET", input});
  switch (answer.status) {
    case 200:
    case 400:
    case 403:
    case 404:
    case 405:
    case 503:
      break;
    default:
      Fail("status " + std::to_string(answer.status), input);
  }
  creg::StatusOr<creg::json::Value> body = creg::json::Parse(answer.body);
  if (!body.ok()) Fail("an answer that is not JSON: " + body.status().message(), input);
  if (answer.status == 400) {
    const creg::json::Value* error = body->Find("error");
    if (error == nullptr || error->GetString("code").value() != "INVALID_ARGUMENT")
      Fail("400 without INVALID_ARGUMENT", input);
  }

  const std::string encoded = creg::http::EncodeCursor(input);
  creg::StatusOr<std::string> back = creg::http::DecodeCursor(encoded);
  if (!input.empty() && encoded.size() <= creg::http::kMaxCursorChars &&
      (!back.ok() || *back != input)) {
    Fail("cursor does not round-trip", input);
  }
  return 0;
}
