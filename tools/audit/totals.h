// The reconciliation totals of verify-log: credits issued, retired,
// cancelled and outstanding per project and vintage, computed from the
// effects of the entries that replayed. Not thread-safe.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <string>
#include <tuple>

#include "creg/effects.pb.h"
#include "creg/transaction.pb.h"

namespace creg::audit {

class Totals {
 public:
  // True if entries with this transaction count in the totals (issue,
  // retire, cancel); Add may skip the others.
  static bool Counts(const pb::TransactionBody& body);
  // Adds one replayed entry: its transaction and the effects stored with it.
  void Add(const pb::TransactionBody& body, const pb::Effects& effects);
  // Prints the table, one row per (project, vintage) and a total row.
  void Print(std::ostream& out) const;

  struct Amounts {
    uint64_t issued = 0, retired = 0, cancelled = 0;
    uint64_t outstanding() const { return issued - retired - cancelled; }
  };
  // (project, vintage start, vintage end)
  using Key = std::tuple<std::string, std::string, std::string>;
  const std::map<Key, Amounts>& rows() const { return rows_; }

 private:
  std::map<uint64_t, Key> batches_;
  std::map<Key, Amounts> rows_;
};

}  // namespace creg::audit
