#include "client/http_client.h"

#include <utility>  // before Asio (GCC 12, see DESIGN.md)

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "net/address.h"

namespace creg {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

// Bounds of what a response may hold besides its body. The parser moves
// body bytes out of the read buffer as they come, so the buffer holds the
// header, then at most one unparsed piece: a chunk-size line (with its
// extensions) or the trailer must fit in kMaxFramingBytes.
constexpr size_t kMaxHeaderBytes = 8 * 1024;
constexpr size_t kMaxFramingBytes = 64 * 1024;

StatusOr<std::vector<tcp::endpoint>> Endpoints(asio::io_context& io, const std::string& address) {
  CREG_ASSIGN_OR_RETURN(auto host_port, ParseHostPort(address));
  error_code ec;
  asio::ip::address ip = asio::ip::make_address(host_port.first, ec);
  if (!ec) return std::vector<tcp::endpoint>{tcp::endpoint(ip, host_port.second)};
  tcp::resolver resolver(io);
  auto results = resolver.resolve(host_port.first, std::to_string(host_port.second), ec);
  if (ec || results.empty()) {
    return InvalidArgumentError("cannot resolve " + address + ": " + ec.message());
  }
  std::vector<tcp::endpoint> out;
  for (const auto& r : results) out.push_back(r.endpoint());
  return out;
}

// Runs `io` until the pending operation completes; returns its error.
error_code RunOne(asio::io_context& io, const error_code& ec) {
  io.restart();
  io.run();
  return ec;
}

StatusOr<HttpExchangeAnswer> Exchange(bhttp::verb verb, const std::string& address,
                                      const std::string& target, const std::string* body,
                                      const HttpExchangeOptions& options) {
  const std::string what = std::string(bhttp::to_string(verb)) + " http://" + address + target;
  asio::io_context io;
  CREG_ASSIGN_OR_RETURN(std::vector<tcp::endpoint> endpoints, Endpoints(io, address));
  beast::tcp_stream stream(io);
  stream.expires_after(options.timeout);
  const std::string limit = " (deadline " + std::to_string(options.timeout.count()) + " ms)";
  error_code ec;

  stream.async_connect(endpoints, [&](error_code e, const tcp::endpoint&) { ec = e; });
  if (RunOne(io, ec)) {
    if (ec == beast::error::timeout) return UnavailableError(what + ": connect timed out" + limit);
    return UnavailableError(what + ": cannot connect: " + ec.message());
  }

  bhttp::request<bhttp::string_body> request{verb, target, 11};
  request.set(bhttp::field::host, address);
  request.keep_alive(false);
  if (body != nullptr) {
    request.set(bhttp::field::content_type, options.content_type);
    request.body() = *body;
  }
  request.prepare_payload();
  bhttp::async_write(stream, request, [&](error_code e, size_t) { ec = e; });
  if (RunOne(io, ec)) {
    if (ec == beast::error::timeout) {
      return UnavailableError(what + ": timed out sending the request" + limit);
    }
    return UnavailableError(what + ": cannot send the request: " + ec.message());
  }

  // `buffer` is bounded, so that an endless chunk-size line or trailer
  // (which Beast's parser reads without a limit of its own) ends as
  // buffer_overflow, not in memory.
  bhttp::response_parser<bhttp::string_body> parser;
  parser.header_limit(kMaxHeaderBytes);
  parser.body_limit(options.max_body_bytes);
  beast::flat_buffer buffer(kMaxHeaderBytes + kMaxFramingBytes);
  // Read piece by piece and check the bound after each: Boost 1.74's
  // async_read does not always stop at the parser's body_limit.
  bool too_big = false;
  while (!ec && !parser.is_done()) {
    bhttp::async_read_some(stream, buffer, parser, [&](error_code e, size_t) { ec = e; });
    RunOne(io, ec);
    // content_length() may only be asked once the header is parsed (Beast
    // asserts it).
    if (!parser.is_header_done()) continue;
    const auto length = parser.content_length();
    if ((length && *length > options.max_body_bytes) ||
        parser.get().body().size() > options.max_body_bytes) {
      too_big = true;
      break;
    }
  }
  error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  if (too_big || ec == bhttp::error::body_limit) {
    return DataLossError(what + ": response body over " + std::to_string(options.max_body_bytes) +
                         " bytes");
  }
  if (ec == bhttp::error::header_limit) {
    return DataLossError(what + ": response header over " + std::to_string(kMaxHeaderBytes) +
                         " bytes");
  }
  if (ec == bhttp::error::buffer_overflow) {
    return DataLossError(what + ": response framing (a chunk-size line or trailer) over " +
                         std::to_string(kMaxFramingBytes) + " bytes");
  }
  if (ec == beast::error::timeout) {
    return UnavailableError(what + ": timed out reading the " +
                            (parser.is_header_done() ? "response body" : "status line and header") +
                            limit);
  }
  if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
      ec == asio::error::connection_reset || ec == bhttp::error::partial_message) {
    return UnavailableError(what + ": connection closed before a whole answer (" + ec.message() +
                            ")");
  }
  if (ec && ec.category() == bhttp::make_error_code(bhttp::error::bad_version).category()) {
    return DataLossError(what + ": malformed " +
                         (parser.is_header_done() ? "response body" : "status line or header") +
                         ": " + ec.message());
  }
  if (ec) return UnavailableError(what + ": cannot read the answer: " + ec.message());
  HttpExchangeAnswer answer;
  answer.status = parser.get().result_int();
  answer.content_type = std::string(parser.get()[bhttp::field::content_type]);
  answer.body = std::move(parser.get().body());
  return answer;
}

}  // namespace

StatusOr<HttpExchangeAnswer> HttpGet(const std::string& address, const std::string& target,
                                     const HttpExchangeOptions& options) {
  return Exchange(bhttp::verb::get, address, target, nullptr, options);
}

StatusOr<HttpExchangeAnswer> HttpPost(const std::string& address, const std::string& target,
                                      const std::string& body, const HttpExchangeOptions& options) {
  return Exchange(bhttp::verb::post, address, target, &body, options);
}

}  // namespace creg
