#include "node/http/api_request.h"

#include <google/protobuf/stubs/common.h>

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "ledger/encoding.h"

namespace creg::http {
namespace {

constexpr std::string_view kPrefix = "/api/v1/";

// The length of the UTF-8 character at s[i], or 0 if none starts there.
size_t Utf8CharLength(std::string_view s, size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  const size_t n = c < 0x80           ? 1
                   : (c >> 5) == 0x6  ? 2
                   : (c >> 4) == 0xe  ? 3
                   : (c >> 3) == 0x1e ? 4
                                      : 0;
  if (n == 0 || i + n > s.size()) return 0;
  return google::protobuf::internal::IsStructurallyValidUTF8(s.data() + i, static_cast<int>(n)) ? n
                                                                                                : 0;
}

std::string Quoted(std::string_view s) {
  // For messages, which are JSON strings: at most 64 bytes of what was
  // given, whole UTF-8 characters only, control characters and bytes that
  // start no character as '?', so a hostile target cannot make a huge, odd
  // or unencodable error.
  std::string out = "'";
  size_t i = 0;
  while (i < s.size()) {
    const size_t n = Utf8CharLength(s, i);
    if (i + std::max<size_t>(n, 1) > 64) break;
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (n == 0 || c < 0x20 || c == 0x7f) {
      out += '?';
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  if (i < s.size()) out += "...";
  return out + "'";
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes `s` once and checks the result: UTF-8, no control
// characters, 1..kMaxSegmentBytes bytes. `what` names it in errors.
StatusOr<std::string> Decode(std::string_view s, const std::string& what) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    const int hi = i + 2 < s.size() ? HexValue(s[i + 1]) : -1;
    const int lo = i + 2 < s.size() ? HexValue(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      return InvalidArgumentError(what + " " + Quoted(s) +
                                  " has a '%' not followed by two hex digits");
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  if (out.empty()) return InvalidArgumentError(what + " is empty");
  if (out.size() > kMaxSegmentBytes) {
    return InvalidArgumentError(what + " is " + std::to_string(out.size()) +
                                " bytes decoded, over the " + std::to_string(kMaxSegmentBytes) +
                                " allowed");
  }
  if (!google::protobuf::internal::IsStructurallyValidUTF8(out.data(),
                                                           static_cast<int>(out.size()))) {
    return InvalidArgumentError(what + " " + Quoted(s) + " is not UTF-8 once decoded");
  }
  for (unsigned char c : out) {
    if (c < 0x20 || c == 0x7f)
      return InvalidArgumentError(what + " " + Quoted(s) + " holds a control character");
  }
  return out;
}

StatusOr<uint64_t> Number(std::string_view s, const std::string& what) {
  if (s.empty() || s.size() > 20 || (s.size() > 1 && s[0] == '0')) {
    return InvalidArgumentError(what + " must be a decimal number without leading zeros, not " +
                                Quoted(s));
  }
  uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return InvalidArgumentError(what + " must be a decimal number, not " + Quoted(s));
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (n > (UINT64_MAX - digit) / 10)
      return InvalidArgumentError(what + " " + Quoted(s) + " does not fit 64 bits");
    n = n * 10 + digit;
  }
  return n;
}

using Query = std::map<std::string, std::string>;

// Splits and decodes the query string; refuses names not in `allowed`,
// repeated names and oversized strings.
StatusOr<Query> ParseQuery(std::string_view query, const std::set<std::string_view>& allowed) {
  Query out;
  if (query.size() > kMaxQueryBytes) {
    return InvalidArgumentError("the query string is " + std::to_string(query.size()) +
                                " bytes, over the " + std::to_string(kMaxQueryBytes) + " allowed");
  }
  if (query.empty()) return out;
  size_t at = 0;
  while (at <= query.size()) {
    size_t amp = query.find('&', at);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view pair = query.substr(at, amp - at);
    at = amp + 1;
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos)
      return InvalidArgumentError("query parameter " + Quoted(pair) + " has no '=value'");
    std::string_view name = pair.substr(0, eq);
    std::string_view value = pair.substr(eq + 1);
    if (allowed.count(name) == 0) {
      std::string names;
      for (std::string_view a : allowed) names += (names.empty() ? "" : ", ") + std::string(a);
      return InvalidArgumentError(
          "unknown query parameter " + Quoted(name) +
          (names.empty() ? "; this endpoint takes none" : "; this endpoint takes " + names));
    }
    if (out.count(std::string(name)) != 0)
      return InvalidArgumentError("query parameter " + Quoted(name) + " is given twice");
    std::string decoded;
    if (!value.empty() || name != "cursor") {
      CREG_ASSIGN_OR_RETURN(decoded, Decode(value, "query parameter '" + std::string(name) + "'"));
    }
    out.emplace(std::string(name), std::move(decoded));
  }
  return out;
}

StatusOr<std::string> CursorOf(const Query& query) {
  auto it = query.find("cursor");
  if (it == query.end() || it->second.empty()) return std::string();
  return DecodeCursor(it->second);
}

StatusOr<std::vector<std::string>> Segments(std::string_view rest) {
  std::vector<std::string> out;
  size_t at = 0;
  while (true) {
    size_t slash = rest.find('/', at);
    std::string_view raw = rest.substr(at, slash == std::string_view::npos ? slash : slash - at);
    if (out.size() >= 3) return NotFoundError("no endpoint has that many path segments");
    CREG_ASSIGN_OR_RETURN(std::string seg,
                          Decode(raw, "path segment " + std::to_string(out.size() + 1)));
    out.push_back(std::move(seg));
    if (slash == std::string_view::npos) break;
    at = slash + 1;
  }
  return out;
}

Status UnknownEndpoint(std::string_view path) {
  return NotFoundError("no API endpoint at " + Quoted(path));
}

}  // namespace

std::string EncodeCursor(std::string_view bytes) {
  std::string s = Base64Encode(bytes);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return s;
}

StatusOr<std::string> DecodeCursor(std::string_view text) {
  if (text.size() > kMaxCursorChars) {
    return InvalidArgumentError("the cursor is " + std::to_string(text.size()) +
                                " characters, over the " + std::to_string(kMaxCursorChars) +
                                " allowed");
  }
  std::string s;
  s.reserve(text.size() + 2);
  for (char c : text) {
    if (c == '+' || c == '/' || c == '=')
      return InvalidArgumentError("the cursor is not URL-safe base64 without padding");
    s += c == '-' ? '+' : c == '_' ? '/' : c;
  }
  while (s.size() % 4 != 0) s += '=';
  StatusOr<std::string> bytes = Base64Decode(s);
  if (!bytes.ok() || bytes->empty())
    return InvalidArgumentError("the cursor is not one this API gave (URL-safe base64)");
  return bytes;
}

StatusOr<SerialRef> ParseSerialRef(std::string_view text) {
  SerialRef ref;
  const size_t colon = text.find(':');
  if (colon != std::string_view::npos) {
    CREG_ASSIGN_OR_RETURN(ref.batch, Number(text.substr(0, colon), "the batch"));
    CREG_ASSIGN_OR_RETURN(ref.serial, Number(text.substr(colon + 1), "the serial"));
    return ref;
  }
  const size_t d1 = text.find('-');
  const size_t d2 = d1 == std::string_view::npos ? d1 : text.find('-', d1 + 1);
  const size_t d3 = d2 == std::string_view::npos ? d2 : text.find('-', d2 + 1);
  if (d3 == std::string_view::npos || text.substr(d3, 6) != "-CREG-") {
    return InvalidArgumentError(
        "a serial is BATCH:SERIAL or a serial string "
        "BATCH-FIRST-LAST-CREG-... (docs/serials.md), not " +
        Quoted(text));
  }
  CREG_ASSIGN_OR_RETURN(ref.batch, Number(text.substr(0, d1), "the batch"));
  CREG_ASSIGN_OR_RETURN(ref.serial, Number(text.substr(d1 + 1, d2 - d1 - 1), "the first serial"));
  CREG_ASSIGN_OR_RETURN(uint64_t last, Number(text.substr(d2 + 1, d3 - d2 - 1), "the last serial"));
  if (last < ref.serial) return InvalidArgumentError("the serial string ends before it starts");
  return ref;
}

StatusOr<ApiRequest> ParseApiRequest(std::string_view path, std::string_view query) {
  if (path.substr(0, kPrefix.size()) != kPrefix) return UnknownEndpoint(path);
  CREG_ASSIGN_OR_RETURN(std::vector<std::string> seg, Segments(path.substr(kPrefix.size())));
  const std::string& head = seg[0];
  const size_t n = seg.size();
  ApiRequest out;
  pb::Request& wire = out.wire;
  std::set<std::string_view> allowed;
  const bool paged = (head == "projects" && n != 2) || (head == "batches" && n == 2) ||
                     (head == "retirements" && n == 1) || (head == "provenance" && n == 3);
  if (paged) allowed.insert("cursor");
  if (head == "retirements" && n == 1) allowed.insert({"beneficiary", "account"});
  CREG_ASSIGN_OR_RETURN(Query q, ParseQuery(query, allowed));
  std::string cursor;
  if (paged) {
    CREG_ASSIGN_OR_RETURN(cursor, CursorOf(q));
  }

  if (head == "status" && n == 1) {
    out.endpoint = ApiEndpoint::kStatus;
    wire.mutable_status();
  } else if (head == "projects" && n == 1) {
    out.endpoint = ApiEndpoint::kProjects;
    wire.mutable_projects()->set_cursor(cursor);
  } else if (head == "projects" && n == 2) {
    out.endpoint = ApiEndpoint::kProject;
    wire.mutable_project()->set_project_id(seg[1]);
  } else if (head == "projects" && n == 3 && seg[2] == "batches") {
    out.endpoint = ApiEndpoint::kProjectBatches;
    wire.mutable_project_batches()->set_project_id(seg[1]);
    wire.mutable_project_batches()->set_cursor(cursor);
  } else if (head == "batches" && n == 2) {
    out.endpoint = ApiEndpoint::kBatch;
    CREG_ASSIGN_OR_RETURN(uint64_t batch, Number(seg[1], "the batch number"));
    wire.mutable_batch()->set_batch(batch);
    wire.mutable_batch()->set_cursor(cursor);
  } else if (head == "retirements" && n == 2) {
    out.endpoint = ApiEndpoint::kRetirement;
    wire.mutable_retirement()->set_retirement_id(seg[1]);
  } else if (head == "retirements" && n == 1) {
    out.endpoint = ApiEndpoint::kRetirements;
    pb::RetirementsRequest* r = wire.mutable_retirements();
    const bool by_beneficiary = q.count("beneficiary") != 0;
    const bool by_account = q.count("account") != 0;
    if (by_beneficiary == by_account)
      return InvalidArgumentError("give exactly one of ?beneficiary=NAME and ?account=ID");
    if (by_beneficiary) r->set_beneficiary(q["beneficiary"]);
    if (by_account) r->set_account_id(q["account"]);
    r->set_cursor(cursor);
    r->set_newest_first(true);
  } else if (head == "entries" && n == 2) {
    out.endpoint = ApiEndpoint::kEntry;
    CREG_ASSIGN_OR_RETURN(uint64_t index, Number(seg[1], "the entry index"));
    wire.mutable_get_entries()->set_start(index);
    wire.mutable_get_entries()->set_count(1);
  } else if (head == "provenance" && n == 3) {
    out.endpoint = ApiEndpoint::kProvenance;
    CREG_ASSIGN_OR_RETURN(uint64_t batch, Number(seg[1], "the batch number"));
    CREG_ASSIGN_OR_RETURN(uint64_t serial, Number(seg[2], "the serial"));
    wire.mutable_provenance()->set_batch(batch);
    wire.mutable_provenance()->set_serial(serial);
    wire.mutable_provenance()->set_cursor(cursor);
  } else if (head == "serials" && n == 2) {
    out.endpoint = ApiEndpoint::kSerial;
    CREG_ASSIGN_OR_RETURN(SerialRef ref, ParseSerialRef(seg[1]));
    if (ref.serial == 0) return InvalidArgumentError("serials start at 1");
    out.serial = seg[1];
    wire.mutable_batch()->set_batch(ref.batch);
    wire.mutable_batch()->set_from_serial(ref.serial);
  } else if (head == "certificates" && n == 2) {
    out.endpoint = ApiEndpoint::kCertificate;
    wire.mutable_certificate()->set_retirement_id(seg[1]);
  } else {
    return UnknownEndpoint(path);
  }
  return out;
}

}  // namespace creg::http
