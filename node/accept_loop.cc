#include "node/accept_loop.h"

#include <chrono>
#include <utility>

namespace creg {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

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
