// CSV as RFC 4180 writes it: fields separated by ',', quoted with '"' when
// they hold ',', '"' or a line break ("" inside quotes is one quote), records
// ending with LF or CRLF. Pure functions, thread-safe.
//
// Every CSV file creg writes goes through CsvField, which also defuses
// spreadsheet formulas (docs/cli.md, "CSV files and spreadsheets").
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

// Every record, blank lines skipped. A leading UTF-8 byte order mark is
// ignored. InvalidArgument naming the line of a quote that is never closed,
// or the line and column (1-based, in characters) of anything but a ',' or
// a line break after the closing quote of a quoted field (`"ab"cd` is
// refused, not read as `abcd`). A '"' inside an unquoted field (`ab"cd`) is
// an ordinary character.
StatusOr<std::vector<CsvRecord>> ParseCsv(std::string_view text);

// True when a spreadsheet would run `field` as a formula: it starts with
// '=', '+', '-', '@', a tab or a carriage return (OWASP, "CSV Injection"),
// and is not a plain decimal number such as -12 or -0.5, which a
// spreadsheet reads as a number and never as a formula.
bool CsvLooksLikeFormula(std::string_view field);

// One field as written to a file. A field that looks like a formula gets a
// leading "'" (spreadsheets show it as text, and the "'" tells a reader it
// was added) and is always quoted; any other field is quoted when it holds
// ',', '"', a line break, ';' or a tab (so a spreadsheet that splits on ';'
// or tabs cannot start a new cell inside it). The one function through
// which creg writes a CSV cell.
std::string CsvField(std::string_view field);
// One record and its "\n", every field through CsvField.
std::string CsvLine(const std::vector<std::string>& fields);

}  // namespace creg::cli
