// Where a report goes: stdout, or a file written whole or not at all. The
// report is written to FILE.tmp as it is produced, so memory stays flat
// whatever its length, and renamed over FILE once complete and synced; a
// failed or abandoned report leaves FILE as it was.
//
// Not thread-safe; one per report.
#pragma once

#include <fstream>
#include <optional>
#include <ostream>
#include <string>

#include "tools/cli/context.h"

namespace creg::cli {

class ReportFile {
 public:
  // `path`: the file named by -o/--output; nullopt or "-" for stdout.
  explicit ReportFile(std::optional<std::string> path) : path_(std::move(path)) {}
  // Removes FILE.tmp if the report was not closed.
  ~ReportFile();
  ReportFile(const ReportFile&) = delete;
  ReportFile& operator=(const ReportFile&) = delete;

  // Creates FILE.tmp. False after printing a failure.
  bool Open(Context& ctx);
  // Where to write, once opened.
  std::ostream& out() { return *out_; }
  // Ends the report: flushes stdout, or syncs FILE.tmp, renames it over
  // FILE and prints "wrote <what> to FILE" on stderr. The exit code (after
  // printing a failure).
  int Close(Context& ctx, const std::string& what);

 private:
  std::optional<std::string> path_;
  std::ofstream file_;
  std::string temp_;
  std::ostream* out_ = nullptr;
};

}  // namespace creg::cli
