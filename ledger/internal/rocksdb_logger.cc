#include "ledger/internal/rocksdb_logger.h"

#include <rocksdb/env.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <string>

namespace creg::internal {
namespace {

class ForwardingLogger : public rocksdb::Logger {
 public:
  explicit ForwardingLogger(std::function<void(std::string_view)> sink)
      : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL), sink_(std::move(sink)) {}

  // Messages without a level (headers, some info lines) are not passed on.
  void Logv(const char*, va_list) override {}

  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (level < rocksdb::InfoLogLevel::WARN_LEVEL || level == rocksdb::InfoLogLevel::HEADER_LEVEL)
      return;
    char buffer[1024];
    va_list copy;
    va_copy(copy, ap);
    int n = std::vsnprintf(buffer, sizeof buffer, format, copy);
    va_end(copy);
    if (n < 0) return;
    // A database copy (Store::CopyTo) pauses file deletions twice, nested,
    // and RocksDB warns about the nesting each time: nothing is wrong.
    if (std::string_view(buffer).find("] File Deletions ") != std::string_view::npos) return;
    std::string message = level == rocksdb::InfoLogLevel::WARN_LEVEL    ? "WARN: "
                          : level == rocksdb::InfoLogLevel::ERROR_LEVEL ? "ERROR: "
                                                                        : "FATAL: ";
    message.append(buffer, std::min<size_t>(static_cast<size_t>(n), sizeof buffer - 1));
    sink_(message);
  }

 private:
  std::function<void(std::string_view)> sink_;
};

}  // namespace

std::shared_ptr<rocksdb::Logger> NewRocksDbLogger(std::function<void(std::string_view)> sink) {
  return std::make_shared<ForwardingLogger>(std::move(sink));
}

}  // namespace creg::internal
