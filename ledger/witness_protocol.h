// The bodies of C2SP tlog-witness (c2sp.org/tlog-witness), the HTTP
// protocol a log asks a witness for cosignatures with (docs/witness.md):
//
// POST <prefix>/add-checkpoint, body:
//   old <size>\n                 the size the witness last cosigned (decimal)
//   <base64 hash>\n              0 to 63 consistency-proof lines (RFC 9162)
//   \n
//   <checkpoint note>            body, blank line, signature lines
//
// 409 answer, Content-Type text/x.tlog.size, body:
//   <size>\n                     the size the witness holds
//
// Parsing is strict: decimals with no sign, no leading zero and at most
// 2^64-1; every line ends in "\n" (no "\r"); proof lines are canonical base64
// of exactly 32 bytes. Errors: InvalidArgument saying what is wrong. Pure
// functions, thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/hash.h"
#include "ledger/status.h"

namespace creg {

// Most consistency-proof lines an add-checkpoint body may carry (the spec's
// bound; a 64th line is refused).
inline constexpr size_t kMaxWitnessProofLines = 63;
// The media type of a 409 answer's body.
inline constexpr std::string_view kTlogSizeContentType = "text/x.tlog.size";

struct AddCheckpointRequest {
  uint64_t old_size = 0;
  std::vector<Hash> proof;  // From old_size to the checkpoint's size.
  std::string note;         // The signed checkpoint, not yet verified.
};

// The request body. Precondition: proof.size() <= kMaxWitnessProofLines.
std::string AddCheckpointBody(uint64_t old_size, std::span<const Hash> proof,
                              std::string_view note);

// Strict inverse of AddCheckpointBody. Refuses a missing or malformed "old"
// line, a proof line that is not base64 of 32 bytes, more than
// kMaxWitnessProofLines of them, no blank line before the note, and an
// empty note. The note itself is checked by whoever verifies it
// (OpenNote, VerifyCheckpoint).
StatusOr<AddCheckpointRequest> ParseAddCheckpointBody(std::string_view body);

// "<size>\n".
std::string TreeSizeBody(uint64_t size);
// Strict inverse of TreeSizeBody.
StatusOr<uint64_t> ParseTreeSizeBody(std::string_view body);

}  // namespace creg
