#include "tools/cli/csv.h"

namespace creg::cli {
namespace {

// 1-based column, in UTF-8 characters, of text[i] on the line that starts at
// text[line_start].
size_t Column(std::string_view text, size_t line_start, size_t i) {
  size_t column = 1;
  for (size_t k = line_start; k < i; ++k) {
    if ((static_cast<unsigned char>(text[k]) & 0xc0) != 0x80) ++column;
  }
  return column;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// -?[0-9]+(\.[0-9]+)?
bool IsPlainNumber(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  size_t digits = i;
  while (i < s.size() && IsDigit(s[i])) ++i;
  if (i == digits) return false;
  if (i < s.size() && s[i] == '.') {
    size_t fraction = ++i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i == fraction) return false;
  }
  return i == s.size();
}

}  // namespace

StatusOr<std::vector<CsvRecord>> ParseCsv(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<CsvRecord> records;
  size_t i = 0, line = 1, line_start = 0;
  while (i < text.size()) {
    CsvRecord record;
    record.line = line;
    const size_t start = i;
    std::string field;
    // quoted: this field opened with '"'; in_quotes: inside those quotes;
    // closed: after its closing quote, where only ',' or a line break may come.
    bool quoted = false, in_quotes = false, closed = false, end_of_record = false;
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
          closed = true;
        } else {
          if (c == '\n') {
            ++line;
            line_start = i + 1;
          }
          field += c;
        }
        ++i;
        continue;
      }
      const bool line_break =
          c == '\n' || (c == '\r' && (i + 1 == text.size() || text[i + 1] == '\n'));
      if (closed && c != ',' && !line_break) {
        return InvalidArgumentError(
            "line " + std::to_string(line) + ", column " +
            std::to_string(Column(text, line_start, i)) +
            ": text after the closing quote of a quoted field; put the whole field inside "
            "the quotes and write a quote in it as \"\" (\"ab\"\"cd\")");
      }
      if (c == '"' && field.empty() && !quoted) {
        in_quotes = quoted = true;
      } else if (c == ',') {
        record.fields.push_back(std::move(field));
        field.clear();
        quoted = closed = false;
      } else if (c == '\n') {
        end_of_record = true;
        ++line;
        line_start = i + 1;
      } else if (!line_break) {
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

bool CsvLooksLikeFormula(std::string_view field) {
  if (field.empty()) return false;
  switch (field[0]) {
    case '=':
    case '+':
    case '@':
    case '\t':
    case '\r':
      return true;
    case '-':
      return !IsPlainNumber(field);
    default:
      return false;
  }
}

std::string CsvField(std::string_view field) {
  const bool formula = CsvLooksLikeFormula(field);
  if (!formula && field.find_first_of(",\"\r\n;\t") == std::string_view::npos) {
    return std::string(field);
  }
  std::string out = formula ? "\"'" : "\"";
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
