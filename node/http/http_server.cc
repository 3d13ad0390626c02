#include "node/http/http_server.h"

#include "node/accept_loop.h"

namespace creg::http {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using tcp = asio::ip::tcp;

HttpServer::HttpServer(asio::io_context& io, tcp::acceptor acceptor,
                       std::shared_ptr<const Handler> handler, HttpLimits limits)
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
  return AcceptConnections(io_, acceptor_, [this](tcp::socket socket) {
    auto connection = std::make_shared<Connection>(std::move(socket), connections_);
    if (Status admitted = connections_->Add(connection); !admitted.ok()) {
      connection->Refuse(admitted.message());
      return;
    }
    connection->Start();
  });
}

}  // namespace creg::http
