// Rows of a bulk CSV file (docs/cli.md, "Bulk files") and the transactions
// they become.
//
//   transfer: to_account, and batch+quantity or serials; optional memo,
//             request_id
//   retire:   beneficiary, reason, and batch+quantity or serials; optional
//             details (required with reason other), country_of_use,
//             claim_reference, use (as retire --use; empty is voluntary),
//             using_entity, request_id
//
// The nonce of a row is derived, never random, so that the same file run
// again after an interruption yields byte-identical signed transactions
// (Ed25519 signatures are deterministic, created_micros is 0) and the node
// answers the rows it already has with their original result:
//   with a request_id: SHA-256("creg-bulk/v1" LF kind LF "request_id" LF id)
//   without:           SHA-256("creg-bulk/v1" LF kind LF file digest LF line
//                              LF row text), file digest = SHA-256(file)
// So an unchanged file reruns safely; a file with request_ids may even be
// edited between runs (an edited row that already committed is refused as
// REPLAYED rather than applied twice).
//
// Pure, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "creg/transaction.pb.h"
#include "ledger/status.h"
#include "tools/cli/csv.h"

namespace creg::cli {

enum class BulkKind { kTransfer, kRetire };

std::string_view BulkKindName(BulkKind kind);  // "transfer", "retire"
// The column names of a kind, for help and error messages.
std::string BulkColumnsText(BulkKind kind);

class BulkLayout {
 public:
  // InvalidArgument naming an unknown or repeated column, or the columns a
  // kind needs that the header lacks.
  static StatusOr<BulkLayout> FromHeader(BulkKind kind, const CsvRecord& header);

  // The transaction of one row, signed by `signer`, origin and nonce unset.
  // InvalidArgument naming the column at fault: missing or extra fields,
  // empty required fields (details too when reason is other), quantities
  // that are not whole numbers >= 1, an unknown reason or use.
  StatusOr<pb::TransactionBody> Body(const CsvRecord& row, const std::string& signer) const;

  // The row's derived nonce (see the file comment).
  std::string Nonce(const CsvRecord& row, std::string_view file_digest) const;

  BulkKind kind() const { return kind_; }

 private:
  BulkLayout() = default;
  // The row's field of `column`, "" when the file has no such column.
  std::string Field(const CsvRecord& row, std::string_view column) const;

  BulkKind kind_ = BulkKind::kTransfer;
  std::vector<std::string> columns_;
};

}  // namespace creg::cli
