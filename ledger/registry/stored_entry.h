// A stored log entry decoded for the registry rules: what
// Registry::ReplayEntry needs, made ahead of the replay.
//
// Decoding is pure and thread-safe, so a caller that replays a long log
// (an auditor) may decode entries, and check their signatures with
// VerifyTransactionSignature, on other threads before the sequential replay.
// The replay trusts nothing decoded here beyond what it re-derives: the
// stored bytes are compared with the entry the rules resolve, and a
// signature is re-checked unless tx.verified_with_key is the signer's
// current key.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "creg/effects.pb.h"
#include "ledger/registry/rule_code.h"
#include "ledger/registry/transaction.h"
#include "ledger/status.h"

namespace creg {

struct StoredEntry {
  // The entry exactly as stored.
  std::string bytes;
  // OK, or why the bytes do not decode as a LogEntry (InvalidArgument,
  // without an entry index; the replay adds it).
  Status decoded;
  // Meaningful only when `decoded` is OK.
  int64_t timestamp_micros = 0;
  pb::Effects effects;
  // The entry's transaction, or why it does not decode.
  std::variant<PreparedTransaction, Rejection> tx;

  // The transaction, or null when the entry or its transaction does not decode.
  PreparedTransaction* prepared() {
    return decoded.ok() ? std::get_if<PreparedTransaction>(&tx) : nullptr;
  }
  const PreparedTransaction* prepared() const {
    return decoded.ok() ? std::get_if<PreparedTransaction>(&tx) : nullptr;
  }
};

// Decodes `entry_bytes` (copied into the result). Never fails: what does
// not decode is recorded in the result for the replay to report.
StoredEntry DecodeStoredEntry(std::string_view entry_bytes);

}  // namespace creg
