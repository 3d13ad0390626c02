// Reading many things from the node at once: pipelined requests, entries by
// index, and a walk over the whole log (for history, provenance and
// exports). Failures are printed through the Context (see context.h).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "creg/wire.pb.h"
#include "tools/cli/context.h"
#include "tools/cli/entry_view.h"

namespace creg::cli {

// Sends the requests pipelined (at most 256 unanswered) and returns the
// answers in request order. Error answers are returned, not printed.
// nullopt after printing a connection failure.
std::optional<std::vector<pb::Response>> AskMany(Context& ctx, std::vector<pb::Request> requests);

// The entries at `indexes`, in that order.
std::optional<std::vector<EntryView>> FetchEntries(Context& ctx,
                                                   const std::vector<uint64_t>& indexes);

// Calls `visit` for every entry in the log as it is now, oldest first.
// False after printing a failure.
bool WalkLog(Context& ctx, const std::function<void(const EntryView&)>& visit);

// Prints entries as a table, or with --json as `doc` with an "entries"
// member. Returns kExitOk.
int PrintEntryList(Context& ctx, const std::vector<EntryView>& entries, json::Value doc);

}  // namespace creg::cli
