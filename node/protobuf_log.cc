#include "node/protobuf_log.h"

#include <google/protobuf/stubs/logging.h>

#include <mutex>
#include <string>

#include "node/log.h"

namespace creg {
namespace {

struct RateLimit {
  std::mutex mu;
  uint32_t burst = 5;
  std::chrono::steady_clock::duration window{};
  std::chrono::steady_clock::time_point window_start{};
  uint32_t written_in_window = 0;
  uint64_t dropped = 0;
};

RateLimit& Limit() {
  static RateLimit limit;
  return limit;
}

LogLevel LevelOf(google::protobuf::LogLevel level) {
  switch (level) {
    case google::protobuf::LOGLEVEL_INFO:
      return LogLevel::kDebug;
    case google::protobuf::LOGLEVEL_WARNING:
    case google::protobuf::LOGLEVEL_ERROR:
      // Most are about bytes a client sent, which the client is told of.
      return LogLevel::kWarning;
    default:
      return LogLevel::kError;
  }
}

void Handle(google::protobuf::LogLevel level, const char* /*file*/, int /*line*/,
            const std::string& message) {
  RateLimit& limit = Limit();
  std::string line;
  {
    std::lock_guard<std::mutex> lock(limit.mu);
    auto now = std::chrono::steady_clock::now();
    if (now - limit.window_start >= limit.window) {
      limit.window_start = now;
      limit.written_in_window = 0;
    }
    if (limit.written_in_window >= limit.burst) {
      ++limit.dropped;
      return;
    }
    ++limit.written_in_window;
    line = "protobuf: " + message;
    while (!line.empty() && (line.back() == ' ' || line.back() == '\n')) line.pop_back();
    if (limit.dropped > 0) {
      line += " (" + std::to_string(limit.dropped) + " earlier protobuf messages not logged)";
      limit.dropped = 0;
    }
  }
  Log(LevelOf(level), line);
}

}  // namespace

void RouteProtobufLogToNodeLog(uint32_t burst, std::chrono::seconds window) {
  {
    RateLimit& limit = Limit();
    std::lock_guard<std::mutex> lock(limit.mu);
    limit.burst = burst;
    limit.window = window;
  }
  google::protobuf::SetLogHandler(&Handle);
}

}  // namespace creg
