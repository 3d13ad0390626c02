#include "tools/bench/http_get.h"

#include <utility>  // before Asio (GCC 12, see DESIGN.md)

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "net/address.h"

namespace creg::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

struct HttpGetter::Impl {
  asio::io_context io;
  asio::ip::tcp::socket socket{io};
  beast::flat_buffer buffer;
};

HttpGetter::HttpGetter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpGetter::~HttpGetter() = default;

StatusOr<std::unique_ptr<HttpGetter>> HttpGetter::Connect(const std::string& address) {
  CREG_ASSIGN_OR_RETURN(auto host_port, ParseHostPort(address));
  boost::system::error_code ec;
  auto ip = asio::ip::make_address(host_port.first, ec);
  if (ec) return InvalidArgumentError("not an IP address: " + address);
  auto impl = std::make_unique<Impl>();
  impl->socket.connect(asio::ip::tcp::endpoint(ip, host_port.second), ec);
  if (ec) return UnavailableError("cannot connect to " + address + ": " + ec.message());
  std::unique_ptr<HttpGetter> getter(new HttpGetter(std::move(impl)));
  getter->host_ = address;
  return getter;
}

StatusOr<HttpGetter::Answer> HttpGetter::Get(const std::string& target) {
  bhttp::request<bhttp::empty_body> request{bhttp::verb::get, target, 11};
  request.set(bhttp::field::host, host_);
  request.keep_alive(true);
  boost::system::error_code ec;
  bhttp::write(impl_->socket, request, ec);
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 << 20);
  if (!ec) bhttp::read(impl_->socket, impl_->buffer, parser, ec);
  if (ec) return UnavailableError("GET " + target + ": " + ec.message());
  Answer answer;
  answer.status = parser.get().result_int();
  answer.body = std::move(parser.get().body());
  return answer;
}

}  // namespace creg::bench
