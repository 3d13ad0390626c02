#include "tools/cli/output.h"

#include <algorithm>
#include <cctype>
#include <ctime>

namespace creg::cli {
namespace {

bool IsNumber(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Display width: counts UTF-8 code points, not bytes.
size_t Width(const std::string& s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

void PrintJson(const json::Value& value) { std::cout << json::Serialize(value, true) << "\n"; }

namespace {

struct Layout {
  std::vector<size_t> width;
  std::vector<bool> numeric;
};

Layout LayoutOf(const std::vector<std::string>& headers,
                const std::vector<std::vector<std::string>>& rows) {
  size_t columns = headers.size();
  Layout layout{std::vector<size_t>(columns, 0), std::vector<bool>(columns, true)};
  for (size_t c = 0; c < columns; ++c) layout.width[c] = Width(headers[c]);
  for (const auto& row : rows) {
    for (size_t c = 0; c < columns && c < row.size(); ++c) {
      layout.width[c] = std::max(layout.width[c], Width(row[c]));
      if (!row[c].empty() && !IsNumber(row[c])) layout.numeric[c] = false;
    }
  }
  return layout;
}

void PrintRow(const std::vector<size_t>& width, const std::vector<bool>& numeric,
              const std::vector<std::string>& row, bool header, std::ostream& out) {
  const size_t columns = width.size();
  std::string line;
  for (size_t c = 0; c < columns; ++c) {
    const std::string cell = c < row.size() ? row[c] : "";
    std::string pad(width[c] - std::min(width[c], Width(cell)), ' ');
    bool last = c + 1 == columns;
    if (numeric[c] && !header) {
      line += pad + cell;
    } else {
      line += cell + (last ? "" : pad);
    }
    if (!last) line += "  ";
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  out << line << "\n";
}

}  // namespace

void Table::Print(std::ostream& out) const {
  Layout layout = LayoutOf(headers_, rows_);
  PrintRow(layout.width, layout.numeric, headers_, true, out);
  for (const auto& row : rows_) PrintRow(layout.width, layout.numeric, row, false, out);
}

TableStream::TableStream(std::vector<std::string> headers, std::ostream& out, size_t sample_rows)
    : headers_(std::move(headers)), out_(out), sample_rows_(std::max<size_t>(sample_rows, 1)) {}

void TableStream::AddRow(std::vector<std::string> cells) {
  ++rows_;
  if (printing_) {
    PrintRow(width_, numeric_, cells, false, out_);
    return;
  }
  kept_.push_back(std::move(cells));
  if (kept_.size() >= sample_rows_) Flush();
}

void TableStream::Flush() {
  Layout layout = LayoutOf(headers_, kept_);
  width_ = std::move(layout.width);
  numeric_ = std::move(layout.numeric);
  PrintRow(width_, numeric_, headers_, true, out_);
  for (const auto& row : kept_) PrintRow(width_, numeric_, row, false, out_);
  kept_.clear();
  kept_.shrink_to_fit();
  printing_ = true;
}

void TableStream::Finish() {
  if (!printing_) Flush();
  out_.flush();
}

void PrintFields(const Fields& fields, std::ostream& out) {
  size_t width = 0;
  for (const auto& [key, value] : fields) {
    if (!value.empty()) width = std::max(width, Width(key));
  }
  for (const auto& [key, value] : fields) {
    if (value.empty()) continue;
    out << key << ":" << std::string(width - Width(key) + 2, ' ') << value << "\n";
  }
}

}  // namespace creg::cli
