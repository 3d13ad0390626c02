#include "client/metrics_reader.h"

#include <charconv>
#include <limits>
#include <optional>

#include "client/http_client.h"

namespace creg {
namespace {

// The most a metrics reply may hold; a node's is a few kilobytes.
constexpr size_t kMaxReplyBytes = 16 << 20;

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimFront(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  return s;
}

// Where the label set that `line` starts with ends (just past its '}'), or
// npos if it is not closed.
size_t LabelsEnd(std::string_view line) {
  bool quoted = false;
  for (size_t i = 1; i < line.size(); ++i) {
    if (quoted && line[i] == '\\') {
      ++i;  // an escaped character inside a label value
    } else if (line[i] == '"') {
      quoted = !quoted;
    } else if (!quoted && line[i] == '}') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// A sample value: a decimal or exponent number, or +Inf, -Inf, NaN.
std::optional<double> ParseValue(std::string_view text) {
  if (text == "+Inf" || text == "Inf") return std::numeric_limits<double>::infinity();
  if (text == "-Inf") return -std::numeric_limits<double>::infinity();
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  // Out of a double's range (1e999, or 1e-999) is refused too: no
  // metric of a node comes near either end.
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

StatusOr<MetricSamples> ParseMetricsText(std::string_view text) {
  MetricSamples samples;
  size_t number = 0;
  while (!text.empty()) {
    ++number;
    size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    line = TrimFront(line);
    if (line.empty() || line.front() == '#') continue;
    auto bad = [&](const std::string& why) {
      return InvalidArgumentError("metrics line " + std::to_string(number) + " (" +
                                  std::string(line) + "): " + why);
    };
    size_t name_end = 0;
    while (name_end < line.size() && !IsSpace(line[name_end]) && line[name_end] != '{') ++name_end;
    if (name_end == 0) return bad("no metric name");
    std::string name(line.substr(0, name_end));
    std::string_view rest = TrimFront(line.substr(name_end));
    if (!rest.empty() && rest.front() == '{') {
      size_t labels_end = LabelsEnd(rest);
      if (labels_end == std::string_view::npos) return bad("its label set is not closed");
      name.append(rest.substr(0, labels_end));
      rest = TrimFront(rest.substr(labels_end));
    }
    std::string_view value_text = rest.substr(0, rest.find_first_of(" \t"));
    if (value_text.empty()) return bad("no value after the name");
    std::optional<double> value = ParseValue(value_text);
    if (!value.has_value()) return bad("the value is not a number");
    samples[std::move(name)] = *value;
  }
  return samples;
}

StatusOr<MetricSamples> FetchMetrics(const std::string& address,
                                     std::chrono::milliseconds timeout) {
  HttpExchangeOptions options;
  options.timeout = timeout;
  options.max_body_bytes = kMaxReplyBytes;
  CREG_ASSIGN_OR_RETURN(HttpExchangeAnswer answer, HttpGet(address, "/metrics", options));
  if (answer.status != 200) {
    const std::string_view said = std::string_view(answer.body).substr(0, 200);
    return InvalidArgumentError("metrics from " + address + " came back as HTTP " +
                                std::to_string(answer.status) +
                                ", not 200: " + std::string(said.substr(0, said.find('\n'))));
  }
  return ParseMetricsText(answer.body);
}

}  // namespace creg
