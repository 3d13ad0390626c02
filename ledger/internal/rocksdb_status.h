// The one place where rocksdb::Status becomes a creg Status.
#pragma once

#include <rocksdb/status.h>

#include <string_view>

#include "ledger/status.h"

namespace creg::internal {

// Maps RocksDB's codes onto ours: NotFound -> NotFound, Corruption ->
// DataLoss, IOError/Busy/TimedOut/TryAgain -> Unavailable,
// InvalidArgument/NotSupported -> InvalidArgument, anything else -> Internal.
// `what` names the operation, e.g. "write batch".
Status FromRocksDb(const rocksdb::Status& status, std::string_view what);

}  // namespace creg::internal
