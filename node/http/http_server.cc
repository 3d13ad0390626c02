#include "node/http/http_server.h"

namespace creg::http {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using tcp = asio::ip::tcp;

HttpServer::HttpServer(asio::io_context& io, tcp::acceptor acceptor,
                       std::shared_ptr<const TlogHandler> handler, HttpLimits limits)
    : io_(io),
      acceptor_(std::move(acceptor)),
      connections_(std::make_shared<ConnectionSet>(std::move(handler), limits)) {
  boost::system::error_code ec;
  endpoint_ = acceptor_.local_endpoint(ec);
}

void HttpServer::Start() {
  asio::co_spawn(
      acceptor_.get_executor(), [this] { return AcceptLoop(); }, asio::detached);
}

void HttpServer::Stop() {
  asio::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  });
  connections_->CloseAll();
}

awaitable<void> HttpServer::AcceptLoop() {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor_.async_accept(asio::make_strand(io_),
                                                         asio::redirect_error(use_awaitable, ec));
    if (ec) {
      if (!acceptor_.is_open()) co_return;
      // Out of file descriptors or similar: back off briefly, keep serving.
      asio::steady_timer pause(io_, std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::redirect_error(use_awaitable, ec));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto connection = std::make_shared<Connection>(std::move(socket), connections_);
    if (!connections_->Add(connection)) {
      connection->Refuse();
      continue;
    }
    connection->Start();
  }
}

}  // namespace creg::http
