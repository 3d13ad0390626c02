// The checks on the free-text fields of transactions (names people read as
// an identity: beneficiary, display and project names, verification and
// claim references, reasons, memos), and the form in which verification
// references are compared. docs/rules.md, "Free text", lists the rules.
//
// The checks refuse text that would show as something other than what it
// is: control characters, bidirectional embeddings, overrides and isolates,
// line and paragraph separators, invisible characters, unassigned and
// private-use code points, text that is only white space, and white space at
// the start or end. Scripts are not restricted: "Société Générale",
// "北京绿色交易所" and Arabic or Hebrew names pass.
//
// Character properties come from libunistring (Debian 12: 1.0, Unicode
// 14.0). Refusing unassigned code points keeps ReferenceKey stable across
// library versions: Unicode's stability policies fix the normalisation,
// case folding and white-space properties of assigned characters, so two
// builds compute the same key for every reference either would accept.
//
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "ledger/registry/rule_code.h"
#include "ledger/status.h"

namespace creg::internal {

// nullopt when `text` is acceptable as the field called `field` (the name
// messages use, e.g. "beneficiary"); otherwise the refusal:
//  - MALFORMED "beneficiary is required" when `required` and `text` is
//    empty, or "... is longer than 200 bytes" beyond `max_bytes`;
//  - INVALID_TEXT naming the first offending code point and its position
//    in characters, counted from 1, e.g. "beneficiary contains U+202E
//    RIGHT-TO-LEFT OVERRIDE at character 6", or "beneficiary is not valid
//    UTF-8 at byte 3", "beneficiary is only white space", "beneficiary
//    ends with U+00A0 NO-BREAK SPACE (white space at the start or end)".
// An empty optional field is acceptable.
std::optional<Rejection> CheckFreeText(std::string_view field, std::string_view text,
                                       size_t max_bytes, bool required);

// The form under which two verification references of a project are the
// same report: NFKC, case-folded (then NFKC again), with every white-space
// and dash character (Unicode Dash property or Pd category, e.g. U+2010,
// U+2011, U+2013, U+2014, U+2212) removed. "VR-A", "vr-a", "VR-A " and
// "VR‐A" (U+2010) all become "vra". Empty for a reference made only of
// white space and dashes.
// Precondition: `ref` is valid UTF-8 (CheckFreeText accepted it).
// Internal if libunistring cannot allocate; InvalidArgument if
// the precondition does not hold.
StatusOr<std::string> ReferenceKey(std::string_view ref);

}  // namespace creg::internal
