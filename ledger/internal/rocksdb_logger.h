// RocksDB's own log, kept out of the database folder: its warnings and
// errors go to a function the program gives (StoreOptions::on_rocksdb_message),
// the rest is dropped. A LOG file beside the data would be written on the
// same disk as the data, and on a full disk RocksDB's debug-checked builds
// abort when asked to log the very error that filled it.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

namespace rocksdb {
class Logger;
}  // namespace rocksdb

namespace creg::internal {

// A logger passing RocksDB's messages of warning level and above to
// `sink` ("WARN: ..." / "ERROR: ..." / "FATAL: ..."). Thread-safe as long
// as `sink` is.
std::shared_ptr<rocksdb::Logger> NewRocksDbLogger(std::function<void(std::string_view)> sink);

}  // namespace creg::internal
