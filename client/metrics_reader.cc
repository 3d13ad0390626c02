#include "client/metrics_reader.h"

#include <utility>  // before Asio (GCC 12, see DESIGN.md)

#include <array>
#include <boost/asio.hpp>
#include <cctype>
#include <charconv>
#include <functional>
#include <limits>
#include <optional>

#include "net/address.h"

namespace creg {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

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

// The Content-Length of an HTTP reply head, if it names one.
std::optional<size_t> ContentLength(std::string_view head) {
  constexpr std::string_view kField = "\r\ncontent-length:";
  for (size_t at = 0; at + kField.size() <= head.size(); ++at) {
    bool match = true;
    for (size_t i = 0; i < kField.size() && match; ++i)
      match = std::tolower(static_cast<unsigned char>(head[at + i])) == kField[i];
    if (!match) continue;
    std::string_view rest = TrimFront(head.substr(at + kField.size()));
    size_t length = 0;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), length);
    if (ec != std::errc() || end == rest.data()) return std::nullopt;
    return length;
  }
  return std::nullopt;
}

// True for "HTTP/1.x 200" followed by the end or a reason phrase.
bool IsOkStatusLine(std::string_view line) {
  if (line.substr(0, 7) != "HTTP/1." || line.size() < 12 || line[8] != ' ') return false;
  return line.substr(9, 3) == "200" && (line.size() == 12 || line[12] == ' ');
}

// The samples of a whole HTTP reply from `address`.
StatusOr<MetricSamples> SamplesOfReply(const std::string& address, std::string_view reply) {
  if (reply.empty()) return UnavailableError(address + " closed the connection without a reply");
  const size_t head_end = reply.find("\r\n\r\n");
  const std::string_view status_line = reply.substr(0, reply.find("\r\n"));
  if (head_end == std::string::npos || !IsOkStatusLine(status_line)) {
    return InvalidArgumentError("metrics from " + address + " did not come back as HTTP 200: " +
                                std::string(status_line.substr(0, 200)));
  }
  std::string_view body = reply.substr(head_end + 4);
  std::optional<size_t> length = ContentLength(reply.substr(0, head_end));
  if (length.has_value()) {
    if (body.size() < *length) {
      return UnavailableError("the metrics reply from " + address + " was cut off after " +
                              std::to_string(body.size()) + " of " + std::to_string(*length) +
                              " bytes");
    }
    body = body.substr(0, *length);
  }
  return ParseMetricsText(body);
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
  CREG_ASSIGN_OR_RETURN(auto host_port, ParseHostPort(address));
  const std::string request = "GET /metrics HTTP/1.0\r\nHost: " + host_port.first + "\r\n\r\n";
  std::string reply;
  std::array<char, 16 * 1024> chunk;
  boost::system::error_code failure;
  bool done = false;  // the whole reply is in, or the server closed
  asio::io_context io;
  tcp::socket socket(io);
  tcp::resolver resolver(io);

  // Reads until the body reaches its Content-Length or the server closes.
  std::function<void(boost::system::error_code, size_t)> on_read = [&](boost::system::error_code ec,
                                                                       size_t n) {
    reply.append(chunk.data(), n);
    if (ec == asio::error::eof) {
      done = true;
      return;
    }
    if (ec) {
      failure = ec;
      return;
    }
    const size_t head_end = reply.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      std::optional<size_t> length = ContentLength(std::string_view(reply).substr(0, head_end));
      if (length.has_value() && reply.size() >= head_end + 4 + *length) {
        done = true;
        return;
      }
    }
    if (reply.size() > kMaxReplyBytes) {
      failure = asio::error::message_size;
      return;
    }
    socket.async_read_some(asio::buffer(chunk), on_read);
  };
  auto on_connect = [&](boost::system::error_code ec) {
    if (ec) {
      failure = ec;
      return;
    }
    asio::async_write(socket, asio::buffer(request), [&](boost::system::error_code ec, size_t) {
      if (ec) {
        failure = ec;
        return;
      }
      socket.async_read_some(asio::buffer(chunk), on_read);
    });
  };
  // A numeric address needs no resolver, whose lookups the timeout cannot
  // interrupt.
  boost::system::error_code not_numeric;
  asio::ip::address ip = asio::ip::make_address(host_port.first, not_numeric);
  if (!not_numeric) {
    socket.async_connect(tcp::endpoint(ip, host_port.second), on_connect);
  } else {
    resolver.async_resolve(
        host_port.first, std::to_string(host_port.second),
        [&](boost::system::error_code ec, const tcp::resolver::results_type& endpoints) {
          if (ec) {
            failure = ec;
            return;
          }
          asio::async_connect(
              socket, endpoints,
              [&](boost::system::error_code ec, const tcp::endpoint&) { on_connect(ec); });
        });
  }
  io.run_for(timeout);
  boost::system::error_code ignored;
  socket.close(ignored);
  resolver.cancel();

  if (failure) {
    return UnavailableError("cannot read metrics from " + address + ": " + failure.message());
  }
  if (!done) {
    return UnavailableError("no metrics from " + address + " within " +
                            std::to_string(timeout.count()) + " ms");
  }
  return SamplesOfReply(address, reply);
}

}  // namespace creg
