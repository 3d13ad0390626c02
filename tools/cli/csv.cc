#include "tools/cli/csv.h"

namespace creg::cli {

StatusOr<std::vector<CsvRecord>> ParseCsv(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<CsvRecord> records;
  size_t i = 0, line = 1;
  while (i < text.size()) {
    CsvRecord record;
    record.line = line;
    const size_t start = i;
    std::string field;
    bool quoted = false, in_quotes = false, end_of_record = false;
    while (i < text.size() && !end_of_record) {
      char c = text[i];
      if (in_quotes) {
        if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          i += 2;
          continue;
        }
        if (c == '"') {
          in_quotes = false;
        } else {
          if (c == '\n') ++line;
          field += c;
        }
        ++i;
        continue;
      }
      if (c == '"' && field.empty() && !quoted) {
        in_quotes = quoted = true;
      } else if (c == ',') {
        record.fields.push_back(std::move(field));
        field.clear();
        quoted = false;
      } else if (c == '\n') {
        end_of_record = true;
        ++line;
      } else if (c != '\r' || (i + 1 < text.size() && text[i + 1] != '\n')) {
        field += c;
      }
      ++i;
    }
    if (in_quotes) {
      return InvalidArgumentError("line " + std::to_string(record.line) +
                                  ": a quoted field is never closed");
    }
    record.fields.push_back(std::move(field));
    size_t end = i;
    while (end > start && (text[end - 1] == '\n' || text[end - 1] == '\r')) --end;
    record.raw = std::string(text.substr(start, end - start));
    bool blank = record.fields.size() == 1 && record.fields[0].empty() && !quoted;
    if (!blank) records.push_back(std::move(record));
  }
  return records;
}

std::string CsvField(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string CsvLine(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += CsvField(fields[i]);
  }
  return out + "\n";
}

}  // namespace creg::cli
