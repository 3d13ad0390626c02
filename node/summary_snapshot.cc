#include "node/summary_snapshot.h"

#include <ctime>
#include <filesystem>
#include <limits>

#include "ledger/data_dir.h"
#include "ledger/encoding.h"
#include "ledger/json.h"

namespace creg {
namespace {

constexpr std::string_view kFormat = "creg-log-summary/1";
constexpr int64_t kMicrosPerDay = int64_t{86'400} * 1'000'000;

// a + b, or false when it would pass 2^64 - 1.
bool AddTo(uint64_t& a, uint64_t b) {
  if (b > std::numeric_limits<uint64_t>::max() - a) return false;
  a += b;
  return true;
}

StatusOr<uint64_t> Element(const json::Array& row, size_t i) {
  if (!row[i].is_uint())
    return InvalidArgumentError("a day's counts must be non-negative integers");
  return row[i].as_uint();
}

StatusOr<std::pair<int64_t, SummaryDay>> DecodeDay(const json::Value& v) {
  if (!v.is_array() || v.as_array().size() != 4 || !v.as_array()[0].is_int()) {
    return InvalidArgumentError("a day must be [day, issued, retired, cancelled]");
  }
  const json::Array& row = v.as_array();
  const int64_t d = row[0].as_int();
  if (d < SummaryDayOf(std::numeric_limits<int64_t>::min()) ||
      d > SummaryDayOf(std::numeric_limits<int64_t>::max())) {
    return InvalidArgumentError("day " + std::to_string(d) + " is not one a timestamp can name");
  }
  SummaryDay day;
  CREG_ASSIGN_OR_RETURN(day.issued, Element(row, 1));
  CREG_ASSIGN_OR_RETURN(day.retired, Element(row, 2));
  CREG_ASSIGN_OR_RETURN(day.cancelled, Element(row, 3));
  if (day == SummaryDay{}) return InvalidArgumentError("a day without activity");
  return std::make_pair(d, day);
}

Status CheckTotals(const SummaryCounts& c) {
  SummaryDay sum;
  for (const auto& [d, day] : c.days) {
    if (!AddTo(sum.issued, day.issued) || !AddTo(sum.retired, day.retired) ||
        !AddTo(sum.cancelled, day.cancelled)) {
      return InvalidArgumentError("the days add up past 2^64");
    }
  }
  if (sum != c.totals) return InvalidArgumentError("the totals are not the sum of the days");
  return OkStatus();
}

// The JSON line of a snapshot, without its checksum line.
std::string EncodeBody(const SummarySnapshot& s) {
  json::Value doc = json::Value::EmptyObject();
  doc.Set("format", kFormat);
  doc.Set("size", s.size);
  doc.Set("root", s.root.ToHex());
  doc.Set("issued", s.counts.totals.issued);
  doc.Set("retired", s.counts.totals.retired);
  doc.Set("cancelled", s.counts.totals.cancelled);
  doc.Set("projects", s.counts.projects);
  doc.Set("batches", s.counts.batches);
  doc.Set("retirements", s.counts.retirements);
  json::Array days;
  days.reserve(s.counts.days.size());
  for (const auto& [d, day] : s.counts.days) {
    days.push_back(json::Array{d, day.issued, day.retired, day.cancelled});
  }
  doc.Set("days", std::move(days));
  return json::Serialize(doc);
}

StatusOr<SummarySnapshot> DecodeBody(std::string_view text) {
  CREG_ASSIGN_OR_RETURN(json::Value doc, json::Parse(text));
  CREG_ASSIGN_OR_RETURN(std::string format, doc.GetString("format"));
  if (format != kFormat) {
    return InvalidArgumentError("format '" + format + "' is not " + std::string(kFormat));
  }
  SummarySnapshot s;
  CREG_ASSIGN_OR_RETURN(s.size, doc.GetUint("size"));
  CREG_ASSIGN_OR_RETURN(std::string root_hex, doc.GetString("root"));
  StatusOr<std::string> root = HexDecode(root_hex);
  if (!root.ok() || root_hex.size() != 2 * Hash::kSize) {
    return InvalidArgumentError("root must be 64 hex digits");
  }
  CREG_ASSIGN_OR_RETURN(s.root, Hash::FromBytes(*root));
  SummaryCounts& c = s.counts;
  CREG_ASSIGN_OR_RETURN(c.totals.issued, doc.GetUint("issued"));
  CREG_ASSIGN_OR_RETURN(c.totals.retired, doc.GetUint("retired"));
  CREG_ASSIGN_OR_RETURN(c.totals.cancelled, doc.GetUint("cancelled"));
  CREG_ASSIGN_OR_RETURN(c.projects, doc.GetUint("projects"));
  CREG_ASSIGN_OR_RETURN(c.batches, doc.GetUint("batches"));
  CREG_ASSIGN_OR_RETURN(c.retirements, doc.GetUint("retirements"));
  CREG_ASSIGN_OR_RETURN(const json::Array* days, doc.GetArray("days"));
  if (days->size() > kMaxSummaryDays) {
    return InvalidArgumentError("more than " + std::to_string(kMaxSummaryDays) + " days");
  }
  for (const json::Value& v : *days) {
    CREG_ASSIGN_OR_RETURN(auto day, DecodeDay(v));
    if (!c.days.empty() && day.first <= c.days.rbegin()->first) {
      return InvalidArgumentError("the days are not in ascending order");
    }
    c.days.emplace_hint(c.days.end(), day);
  }
  CREG_RETURN_IF_ERROR(CheckTotals(c));
  // Exactly one text per snapshot: member order, spacing and number forms
  // are those Encode writes.
  if (EncodeBody(s) != text) {
    return InvalidArgumentError("not written as creg writes a summary (members, order, spacing)");
  }
  return s;
}

}  // namespace

int64_t SummaryDayOf(int64_t micros) {
  int64_t day = micros / kMicrosPerDay;
  if (micros < 0 && micros % kMicrosPerDay != 0) --day;
  return day;
}

std::string SummaryDate(int64_t day) {
  const auto seconds = static_cast<std::time_t>(day * 86'400);
  std::tm tm{};
  char buffer[32];
  if (gmtime_r(&seconds, &tm) == nullptr ||
      std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &tm) == 0) {
    return "";
  }
  return buffer;
}

std::string EncodeSummarySnapshot(const SummarySnapshot& s) {
  const std::string body = EncodeBody(s);
  return body + "\n" + Sha256(body).ToHex() + "\n";
}

StatusOr<SummarySnapshot> DecodeSummarySnapshot(std::string_view text) {
  if (text.size() > kMaxSummarySnapshotBytes) {
    return InvalidArgumentError("a summary of more than " +
                                std::to_string(kMaxSummarySnapshotBytes) + " bytes");
  }
  const size_t newline = text.find('\n');
  constexpr size_t kCheckLine = 2 * Hash::kSize + 1;
  if (newline == std::string_view::npos || text.size() - newline - 1 != kCheckLine ||
      text.back() != '\n') {
    return InvalidArgumentError("not a line of JSON followed by a line of its SHA-256");
  }
  const std::string_view body = text.substr(0, newline);
  if (text.substr(newline + 1, kCheckLine - 1) != Sha256(body).ToHex()) {
    return InvalidArgumentError("its SHA-256 line does not match (the file is damaged)");
  }
  return DecodeBody(body);
}

StatusOr<SummarySnapshot> ReadSummarySnapshot(const std::string& path) {
  std::error_code ec;
  const uintmax_t bytes = std::filesystem::file_size(path, ec);
  if (!ec && bytes > kMaxSummarySnapshotBytes) {
    return InvalidArgumentError(path + ": larger than " + std::to_string(kMaxSummarySnapshotBytes) +
                                " bytes");
  }
  CREG_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  StatusOr<SummarySnapshot> s = DecodeSummarySnapshot(text);
  if (!s.ok()) return InvalidArgumentError(path + ": " + s.status().message());
  return s;
}

Status WriteSummarySnapshot(const std::string& path, const SummarySnapshot& snapshot) {
  return WriteFileAtomically(path, EncodeSummarySnapshot(snapshot));
}

}  // namespace creg
