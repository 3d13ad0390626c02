#include "node/client/metrics_reader.h"

#include <utility>  // before Asio (GCC 12, see DESIGN.md)

#include <boost/asio.hpp>
#include <cerrno>
#include <cstdlib>

#include "node/address.h"

namespace creg {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

// Where the sample name (with its labels) of `line` ends, or npos if its
// label set is not closed.
size_t NameEnd(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && !IsSpace(line[i]) && line[i] != '{') ++i;
  if (i == line.size() || line[i] != '{') return i;
  bool quoted = false;
  for (++i; i < line.size(); ++i) {
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
    while (!line.empty() && IsSpace(line.front())) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    auto bad = [&](const std::string& why) {
      return InvalidArgumentError("metrics line " + std::to_string(number) + " (" +
                                  std::string(line) + "): " + why);
    };
    size_t name_end = NameEnd(line);
    if (name_end == std::string_view::npos) return bad("its label set is not closed");
    if (name_end == 0 || line.front() == '{') return bad("no metric name");
    std::string_view rest = line.substr(name_end);
    if (rest.empty() || !IsSpace(rest.front())) return bad("no value after the name");
    while (!rest.empty() && IsSpace(rest.front())) rest.remove_prefix(1);
    std::string value_text(rest.substr(0, rest.find_first_of(" \t")));
    char* parsed_to = nullptr;
    errno = 0;
    double value = std::strtod(value_text.c_str(), &parsed_to);
    if (value_text.empty() || *parsed_to != '\0' || errno == ERANGE)
      return bad("the value is not a number");
    samples[std::string(line.substr(0, name_end))] = value;
  }
  return samples;
}

StatusOr<MetricSamples> FetchMetrics(const std::string& address,
                                     std::chrono::milliseconds timeout) {
  CREG_ASSIGN_OR_RETURN(auto host_port, ParseHostPort(address));
  asio::io_context io;
  tcp::socket socket(io);
  const std::string request = "GET /metrics HTTP/1.0\r\nHost: " + host_port.first + "\r\n\r\n";
  std::string reply;
  boost::system::error_code failure;
  bool done = false;
  tcp::resolver resolver(io);
  resolver.async_resolve(
      host_port.first, std::to_string(host_port.second),
      [&](boost::system::error_code ec, const tcp::resolver::results_type& endpoints) {
        if (ec) {
          failure = ec;
          return;
        }
        asio::async_connect(
            socket, endpoints, [&](boost::system::error_code ec, const tcp::endpoint&) {
              if (ec) {
                failure = ec;
                return;
              }
              asio::async_write(socket, asio::buffer(request),
                                [&](boost::system::error_code ec, size_t) {
                                  if (ec) {
                                    failure = ec;
                                    return;
                                  }
                                  // HTTP/1.0: the node closes the connection after its reply.
                                  asio::async_read(socket, asio::dynamic_buffer(reply),
                                                   [&](boost::system::error_code ec, size_t) {
                                                     if (ec && ec != asio::error::eof) failure = ec;
                                                     done = true;
                                                   });
                                });
            });
      });
  io.run_for(timeout);
  if (failure) {
    return UnavailableError("cannot read metrics from " + address + ": " + failure.message());
  }
  if (!done) {
    return UnavailableError("no metrics from " + address + " within " +
                            std::to_string(timeout.count()) + " ms");
  }
  const size_t body = reply.find("\r\n\r\n");
  const std::string_view status_line = std::string_view(reply).substr(0, reply.find("\r\n"));
  if (body == std::string::npos || status_line.find(" 200 ") == std::string_view::npos) {
    return InvalidArgumentError("metrics from " + address +
                                " did not come back as HTTP 200: " + std::string(status_line));
  }
  return ParseMetricsText(std::string_view(reply).substr(body + 4));
}

}  // namespace creg
