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

std::string Lower(std::string_view name) {
  std::string out;
  for (char c : name) out += c == '_' ? '-' : static_cast<char>(std::tolower(c));
  return out;
}

struct ReasonInfo {
  pb::RetirementReason reason;
  const char* description;
};

constexpr ReasonInfo kReasons[] = {
    {pb::VOLUNTARY_EVENT_OFFSET, "offsetting the emissions of an event"},
    {pb::VOLUNTARY_CORPORATE_INVENTORY, "a company's emissions inventory"},
    {pb::VOLUNTARY_PRODUCT_OR_SERVICE, "a claim for a product or service"},
    {pb::VOLUNTARY_INDIVIDUAL, "a person's footprint"},
    {pb::COMPLIANCE, "a compliance scheme obligation"},
    {pb::OTHER, "anything else, explained in --details"},
};

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

std::string IsoTime(int64_t micros) {
  if (micros == 0) return "";
  std::time_t seconds = static_cast<std::time_t>(micros / 1'000'000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string ReasonName(pb::RetirementReason reason) {
  if (reason == pb::RETIREMENT_REASON_UNSPECIFIED) return "";
  return Lower(pb::RetirementReason_Name(reason));
}

std::optional<pb::RetirementReason> ParseReason(std::string_view name) {
  for (const ReasonInfo& r : kReasons) {
    if (Lower(name) == ReasonName(r.reason)) return r.reason;
  }
  return std::nullopt;
}

std::string ReasonList() {
  std::string out;
  for (const ReasonInfo& r : kReasons) {
    std::string name = ReasonName(r.reason);
    out += "  " + name + std::string(32 - name.size(), ' ') + r.description + "\n";
  }
  return out;
}

std::optional<pb::Role> RoleNamed(std::string_view name) {
  for (pb::Role role : {pb::ROLE_HOLDER, pb::ROLE_OPERATOR, pb::ROLE_AUDITOR}) {
    if (name == RoleName(role)) return role;
  }
  return std::nullopt;
}

std::string RoleName(pb::Role role) {
  switch (role) {
    case pb::ROLE_OPERATOR:
      return "operator";
    case pb::ROLE_HOLDER:
      return "holder";
    case pb::ROLE_AUDITOR:
      return "auditor";
    default:
      return "unspecified";
  }
}

std::string AccountStatusName(pb::AccountStatus status) {
  switch (status) {
    case pb::ACCOUNT_ACTIVE:
      return "active";
    case pb::ACCOUNT_SUSPENDED:
      return "suspended";
    case pb::ACCOUNT_CLOSED:
      return "closed";
    default:
      return "unspecified";
  }
}

std::string BlockStatusName(pb::BlockStatus status) {
  switch (status) {
    case pb::BLOCK_ACTIVE:
      return "active";
    case pb::BLOCK_RETIRED:
      return "retired";
    case pb::BLOCK_CANCELLED:
      return "cancelled";
    default:
      return "unspecified";
  }
}

std::string BlockText(const pb::SerialBlock& block) {
  std::string text = std::to_string(block.batch()) + ":" + std::to_string(block.first());
  if (block.last() != block.first()) text += "-" + std::to_string(block.last());
  return text;
}

std::string BlocksText(const google::protobuf::RepeatedPtrField<pb::SerialBlock>& blocks) {
  std::string text;
  for (const pb::SerialBlock& b : blocks) text += (text.empty() ? "" : ",") + BlockText(b);
  return text;
}

std::string Credits(uint64_t n) { return std::to_string(n) + (n == 1 ? " credit" : " credits"); }

}  // namespace creg::cli
