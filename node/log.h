// Log lines for operators: "2026-11-29T05:31:02.123Z INFO message" on
// stderr. Thread-safe (one write per line).
#pragma once

#include <string_view>

namespace creg {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

// Lines below this level are dropped. Default: kInfo.
void SetLogLevel(LogLevel level);
void Log(LogLevel level, std::string_view message);
inline void LogInfo(std::string_view m) { Log(LogLevel::kInfo, m); }
inline void LogWarning(std::string_view m) { Log(LogLevel::kWarning, m); }
inline void LogError(std::string_view m) { Log(LogLevel::kError, m); }

}  // namespace creg
