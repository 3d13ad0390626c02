#include "node/accept_loop.h"

#include <chrono>
#include <sstream>
#include <utility>

#include "net/address.h"

namespace creg {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

StatusOr<tcp::endpoint> ResolveAddress(asio::io_context& io, const std::string& text) {
  CREG_ASSIGN_OR_RETURN(auto host_port, ParseHostPort(text));
  boost::system::error_code ec;
  tcp::resolver resolver(io);
  auto results = resolver.resolve(host_port.first, std::to_string(host_port.second),
                                  tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    return InvalidArgumentError("cannot resolve '" + host_port.first + "': " + ec.message());
  }
  return results.begin()->endpoint();
}

StatusOr<tcp::acceptor> Listen(asio::io_context& io, const tcp::endpoint& endpoint) {
  tcp::acceptor acceptor(asio::make_strand(io));
  boost::system::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    std::ostringstream where;
    where << endpoint;
    return UnavailableError("cannot listen on " + where.str() + ": " + ec.message());
  }
  return acceptor;
}

asio::awaitable<void> AcceptConnections(asio::io_context& io, tcp::acceptor& acceptor,
                                        std::function<void(tcp::socket)> take) {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(
        asio::make_strand(io), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (!acceptor.is_open()) co_return;
      asio::steady_timer pause(io, std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    take(std::move(socket));
  }
}

}  // namespace creg
