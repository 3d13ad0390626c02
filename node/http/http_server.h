// HttpServer: serves one Handler over HTTP/1.1, e.g. a node's tlog-tiles
// surface (docs/http.md, `cregd run --http HOST:PORT`) or another program's
// handler: accepts connections on its acceptor, up to
// HttpLimits::max_connections at once, and serves each with an
// http::Connection. Runs on the acceptor's io_context, whose threads the
// caller runs.
//
// Thread-safety: Start once; Stop from any thread, once or more.
#pragma once

#include <utility>  // before Asio (GCC 12, see DESIGN.md)

#include <boost/asio.hpp>
#include <memory>

#include "node/http/http_connection.h"

namespace creg::http {

class HttpServer {
 public:
  // Connections run on strands of `io`, which must outlive every one of
  // them (the acceptor should run on a strand of `io`).
  HttpServer(boost::asio::io_context& io, boost::asio::ip::tcp::acceptor acceptor,
             std::shared_ptr<const Handler> handler, HttpLimits limits);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  boost::asio::ip::tcp::endpoint endpoint() const { return endpoint_; }
  void Start();
  // Stops accepting and closes every connection.
  void Stop();

 private:
  boost::asio::awaitable<void> AcceptLoop();

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::ip::tcp::endpoint endpoint_;
  std::shared_ptr<ConnectionSet> connections_;
};

}  // namespace creg::http
