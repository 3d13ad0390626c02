// Following a paged listing (docs/protocol.md, "Paging"): holdings, batch
// blocks, retirements, history, provenance and projects come a page at a time, each
// answer naming the cursor to ask with next. A caller handles one page at
// a time, so its memory stays at one page whatever the listing's length.
#pragma once

#include <functional>

#include "creg/wire.pb.h"
#include "tools/cli/context.h"

namespace creg::cli {

// Asks `request` (a holdings, batch, retirements, history, provenance or
// projects request; its cursor is set here) page after page and calls
// `visit` with each answer, until the answer is the last page or `visit` returns false
// (having seen enough, or after printing a failure). True unless a failure
// was printed, here (the node unreachable, an error answer, a node that
// repeats a cursor, which would never end) or by `visit`.
bool ForEachPage(Context& ctx, pb::Request request,
                 const std::function<bool(const pb::Response&)>& visit);

}  // namespace creg::cli
