// The Article 6 columns of creg export (docs/cli.md, "creg export"): the
// authorisation credits carry and their corresponding adjustment status
// now, read from the node's blocks of each batch.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "creg/state.pb.h"
#include "tools/cli/context.h"

namespace creg::cli {

// A share column: each value the credits of a row have, "; " between them,
// with "(N of Q t)" after a value only some of the row's Q credits have.
// `credits` is credits per value; values with none are left out.
std::string ShareColumn(const std::map<std::string, uint64_t>& credits, uint64_t quantity);

// "GH for ndc (GH LoA 2026-001 of 2026-03-02, first transfer at
// authorization)"; "" for credits without an authorisation.
std::string AuthorizationColumnValue(const pb::BlockAttributes& attributes);

// The Article 6 facts of batches as they are now, asked once per batch (a
// paged listing of its blocks). Not thread-safe.
class Article6Now {
 public:
  explicit Article6Now(Context& ctx) : ctx_(ctx) {}

  // Credits of `batch` per authorisation (AuthorizationColumnValue; none
  // for unauthorised ones) and per adjustment status name. nullptr after
  // printing a failure.
  struct Batch {
    std::map<std::string, uint64_t> authorizations;
    std::map<std::string, uint64_t> adjustments;
    // Retirement id -> its credits in this batch per adjustment status name.
    std::map<std::string, std::map<std::string, uint64_t>> retired_adjustments;
  };
  const Batch* Get(uint64_t batch);

 private:
  Context& ctx_;
  std::map<uint64_t, Batch> known_;
};

}  // namespace creg::cli
