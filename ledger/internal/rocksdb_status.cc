#include "ledger/internal/rocksdb_status.h"

#include <string>

namespace creg::internal {

Status FromRocksDb(const rocksdb::Status& status, std::string_view what) {
  if (status.ok()) return OkStatus();
  std::string message = std::string(what) + ": " + status.ToString();
  if (status.IsNotFound()) return NotFoundError(std::move(message));
  if (status.IsCorruption()) return DataLossError(std::move(message));
  if (status.IsIOError() || status.IsBusy() || status.IsTimedOut() || status.IsTryAgain() ||
      status.IsIncomplete()) {
    return UnavailableError(std::move(message));
  }
  if (status.IsInvalidArgument() || status.IsNotSupported()) {
    return InvalidArgumentError(std::move(message));
  }
  return InternalError(std::move(message));
}

}  // namespace creg::internal
