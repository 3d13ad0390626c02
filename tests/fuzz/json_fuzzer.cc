// Fuzzes the strict JSON parser (ledger/json.h, json::Parse) and its writer.
//
// Checks, besides "never crashes" (deep nesting, long numbers, bad UTF-8):
//  - a refusal is InvalidArgument;
//  - what parses serializes, compact and pretty, to text that parses back
//    to the same value, and serializing that again gives the same text.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ledger/json.h"

namespace {

[[noreturn]] void Fail(const std::string& what, std::string_view input) {
  std::fprintf(stderr, "json_fuzzer: %s\ninput (%zu bytes): %.*s\n", what.c_str(), input.size(),
               static_cast<int>(std::min<size_t>(input.size(), 2000)), input.data());
  std::abort();
}

void CheckRoundTrip(const creg::json::Value& value, bool pretty, std::string_view input) {
  std::string text = creg::json::Serialize(value, pretty);
  creg::StatusOr<creg::json::Value> again = creg::json::Parse(text);
  if (!again.ok())
    Fail("serialized text does not parse: " + again.status().ToString() + "\ntext: " + text, input);
  if (!(*again == value)) Fail("serialized text parses to another value\ntext: " + text, input);
  if (creg::json::Serialize(*again, pretty) != text)
    Fail("serializing is not stable\ntext: " + text, input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  creg::StatusOr<creg::json::Value> value = creg::json::Parse(input);
  if (!value.ok()) {
    if (value.status().code() != creg::StatusCode::kInvalidArgument)
      Fail("refused with " + value.status().ToString(), input);
    return 0;
  }
  CheckRoundTrip(*value, false, input);
  CheckRoundTrip(*value, true, input);
  return 0;
}
