// LoopbackHttpServer: a creg_http HttpServer serving one Handler on a free
// port of a loopback address, run by a thread of its own, for tests of HTTP
// clients and of the server itself. Stops and joins when destroyed.
#pragma once

#include <utility>  // before Asio (GCC 12, see DESIGN.md)

#include <boost/asio.hpp>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "node/http/http_server.h"

namespace creg::testing {

class LoopbackHttpServer {
 public:
  // `ip` is 127.0.0.1 or ::1.
  LoopbackHttpServer(std::shared_ptr<const http::Handler> handler, http::HttpLimits limits,
                     const std::string& ip = "127.0.0.1") {
    boost::asio::ip::tcp::acceptor acceptor(
        io_, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address(ip), 0));
    server_ =
        std::make_unique<http::HttpServer>(io_, std::move(acceptor), std::move(handler), limits);
    server_->Start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~LoopbackHttpServer() {
    server_->Stop();
    work_.reset();
    thread_.join();
  }
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  // HOST:PORT, the IPv6 host in brackets.
  std::string address() const {
    const boost::asio::ip::tcp::endpoint ep = server_->endpoint();
    std::string host = ep.address().to_string();
    if (ep.address().is_v6()) host = "[" + host + "]";
    return host + ":" + std::to_string(ep.port());
  }

 private:
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_{
      boost::asio::make_work_guard(io_)};
  std::unique_ptr<http::HttpServer> server_;
  std::thread thread_;
};

}  // namespace creg::testing
