// Entries per second on standard error while a long check runs, shown only
// when standard error is a terminal. Not thread-safe.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>

namespace creg::audit {

class Progress {
 public:
  explicit Progress(uint64_t total) : total_(total), enabled_(isatty(STDERR_FILENO) == 1) {}
  ~Progress() {
    if (printed_) std::fprintf(stderr, "\n");
  }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // `done` entries are checked so far.
  void Tick(uint64_t done) {
    if (!enabled_ || done % 256 != 0) return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(500)) return;
    last_ = now;
    double seconds = std::chrono::duration<double>(now - start_).count();
    std::fprintf(stderr, "\r  %llu of %llu entries checked, %.0f entries/s   ",
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_),
                 seconds > 0 ? static_cast<double>(done) / seconds : 0.0);
    printed_ = true;
  }

 private:
  uint64_t total_;
  bool enabled_;
  bool printed_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_ = start_;
};

}  // namespace creg::audit
