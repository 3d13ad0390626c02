// Reading many things from the node at once: pipelined requests, entries by
// index, and a walk over the whole log (for history, provenance and
// exports). Failures are printed through the Context (see context.h).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "creg/wire.pb.h"
#include "ledger/records/entry_view.h"
#include "tools/cli/context.h"
#include "tools/cli/json_stream.h"
#include "tools/cli/output.h"

namespace creg::cli {

// Sends the requests pipelined (at most 256 unanswered) and returns the
// answers in request order. Error answers are returned, not printed.
// nullopt after printing a connection failure.
std::optional<std::vector<pb::Response>> AskMany(Context& ctx, std::vector<pb::Request> requests);

// The entries at `indexes`, in that order.
std::optional<std::vector<EntryView>> FetchEntries(Context& ctx,
                                                   const std::vector<uint64_t>& indexes);
// The same a few at a time (pipelined), each handed to `visit` in order;
// memory stays at one chunk of entries. False after printing a failure.
bool ForEachEntry(Context& ctx, const std::vector<uint64_t>& indexes,
                  const std::function<void(const EntryView&)>& visit);

// Calls `visit` for every entry in the log as it is now, oldest first,
// until it returns false (after printing why). False after printing a
// failure, or when `visit` returned false.
bool WalkLog(Context& ctx, const std::function<bool(const EntryView&)>& visit);

// Prints entries as they come: a table, or with --json one document made of
// `doc`'s members and an "entries" array, written incrementally.
class EntryListPrinter {
 public:
  EntryListPrinter(Context& ctx, const json::Value& doc);
  void Add(const EntryView& entry);
  // Ends the output; prints `none` instead of an empty table (not --json).
  void Finish(const std::string& none);

 private:
  Context& ctx_;
  JsonStream json_;
  TableStream table_;
  size_t count_ = 0;
};

}  // namespace creg::cli
