#include "tests/support/http_client.h"

#include <utility>  // before Asio (GCC 12, see DESIGN.md)

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

#include "net/address.h"

namespace creg::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

StatusOr<tcp::endpoint> Endpoint(const std::string& address) {
  CREG_ASSIGN_OR_RETURN(auto host_port, ParseHostPort(address));
  boost::system::error_code ec;
  auto ip = asio::ip::make_address(host_port.first, ec);
  if (ec) return InvalidArgumentError("not an IP address: " + address);
  return tcp::endpoint(ip, host_port.second);
}

}  // namespace

struct HttpClient::Impl {
  asio::io_context io;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
};

HttpClient::HttpClient(std::string address, std::chrono::milliseconds timeout)
    : impl_(new Impl), address_(std::move(address)), timeout_(timeout) {}

HttpClient::~HttpClient() { delete impl_; }

StatusOr<HttpResponse> HttpClient::Request(const std::string& method, const std::string& target,
                                           const std::string& body) {
  Impl& im = *impl_;
  boost::system::error_code ec;
  auto run = [&] {
    im.io.restart();
    im.io.run();
  };
  if (!im.stream.has_value()) {
    CREG_ASSIGN_OR_RETURN(tcp::endpoint endpoint, Endpoint(address_));
    im.stream.emplace(im.io);
    im.buffer.clear();
    im.stream->expires_after(timeout_);
    im.stream->async_connect(endpoint, [&](boost::system::error_code e) { ec = e; });
    run();
    ++connects_;
    if (ec) {
      im.stream.reset();
      return UnavailableError("cannot connect to " + address_ + ": " + ec.message());
    }
  }
  bhttp::request<bhttp::string_body> request{bhttp::string_to_verb(method), target, 11};
  if (request.method() == bhttp::verb::unknown) request.method_string(method);
  request.set(bhttp::field::host, address_);
  request.keep_alive(true);
  if (!body.empty()) {
    request.body() = body;
    request.prepare_payload();
  }
  im.stream->expires_after(timeout_);
  bhttp::async_write(*im.stream, request, [&](boost::system::error_code e, size_t) { ec = e; });
  run();
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 << 20);
  if (method == "HEAD") parser.skip(true);
  if (!ec) {
    bhttp::async_read(*im.stream, im.buffer, parser,
                      [&](boost::system::error_code e, size_t) { ec = e; });
    run();
  }
  if (ec) {
    im.stream.reset();
    if (ec == beast::error::timeout) {
      return UnavailableError(method + " " + target + ": no answer in time");
    }
    return UnavailableError(method + " " + target + ": " + ec.message());
  }
  HttpResponse out;
  const auto& message = parser.get();
  out.status = message.result_int();
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(field.value());
  }
  out.body = message.body();
  out.keep_alive = message.keep_alive();
  if (!out.keep_alive) im.stream.reset();
  return out;
}

RawExchange SendRaw(const std::string& address, const std::string& bytes,
                    std::chrono::milliseconds timeout) {
  RawExchange out;
  StatusOr<tcp::endpoint> endpoint = Endpoint(address);
  if (!endpoint.ok()) return out;
  asio::io_context io;
  beast::tcp_stream stream(io);
  boost::system::error_code ec;
  stream.expires_after(timeout);
  stream.async_connect(*endpoint, [&](boost::system::error_code e) { ec = e; });
  io.run();
  if (ec) return out;
  io.restart();
  asio::async_write(stream, asio::buffer(bytes), [&](boost::system::error_code, size_t) {});
  io.run();
  // Read until the node closes (or resets) the connection, or the deadline.
  std::array<char, 4096> chunk;
  for (;;) {
    io.restart();
    size_t n = 0;
    stream.async_read_some(asio::buffer(chunk), [&](boost::system::error_code e, size_t got) {
      ec = e;
      n = got;
    });
    io.run();
    out.received.append(chunk.data(), n);
    if (ec) {
      out.closed_by_node = ec != beast::error::timeout;
      break;
    }
  }
  return out;
}

}  // namespace creg::testing
