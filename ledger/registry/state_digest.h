// The state digest of docs/data-model.md ("The state digest"): one SHA-256
// value over every registry state record, so that two registries built
// from the same log can be compared. Registry::StateDigest computes it
// from a store; an auditor that walks the records anyway feeds them here
// and gets the same value without a second pass.
#pragma once

#include <string_view>

#include "ledger/hash.h"

namespace creg {

class StateDigester {
 public:
  // Adds one record. Records must come column by column in the order of
  // Registry::ColumnNames() (state columns only), each column in key order.
  void Add(std::string_view column_name, std::string_view key, std::string_view value);
  // The digest of the records added so far (32 zero bytes for none).
  const Hash& digest() const { return digest_; }

 private:
  Hash digest_;
};

}  // namespace creg
