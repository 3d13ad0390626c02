// CSV as RFC 4180 writes it: fields separated by ',', quoted with '"' when
// they hold ',', '"' or a line break ("" inside quotes is one quote), records
// ending with LF or CRLF. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/status.h"

namespace creg::cli {

struct CsvRecord {
  size_t line = 0;                  // 1-based line where the record starts
  std::vector<std::string> fields;  // unquoted
  std::string raw;                  // the record's text, without its line break
};

// Every record, blank lines skipped. InvalidArgument naming the line of a
// quote that is never closed. A leading UTF-8 byte order mark is ignored.
StatusOr<std::vector<CsvRecord>> ParseCsv(std::string_view text);

// One field, quoted if it needs to be.
std::string CsvField(std::string_view field);
// One record and its "\n".
std::string CsvLine(const std::vector<std::string>& fields);

}  // namespace creg::cli
