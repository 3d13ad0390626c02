// Server: a running registry node. Owns the io_context and its threads, the
// acceptor, the signal set and the sessions (and the HTTP servers of the
// metrics and of the public surface, when configured); shuts down by draining:
// stop accepting, stop reading requests, let the commit pipeline finish and
// answer what it holds, give clients a moment to receive their answers,
// close the connections, and only then return so the caller closes the
// database.
#pragma once

#include <utility>  // before Asio (GCC 12, see DESIGN.md)

#include <boost/asio.hpp>
#include <future>
#include <memory>
#include <thread>
#include <vector>

#include "node/node_context.h"

namespace creg {
namespace http {
class HttpServer;
}

class Server {
 public:
  using tcp = boost::asio::ip::tcp;

  // Binds the listening socket (and the metrics one, if configured).
  // Unavailable if the address is taken.
  static StatusOr<std::unique_ptr<Server>> Start(NodeContext& node);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound address (useful with port 0).
  tcp::endpoint endpoint() const { return endpoint_; }
  std::optional<tcp::endpoint> metrics_endpoint() const { return metrics_endpoint_; }
  // Where the tlog-tiles HTTP surface is served, if configured.
  std::optional<tcp::endpoint> http_endpoint() const { return http_endpoint_; }

  // Blocks until SIGINT/SIGTERM or RequestStop(), then drains and returns.
  void Run();
  void RequestStop();

 private:
  explicit Server(NodeContext& node);
  boost::asio::awaitable<void> AcceptLoop();
  void Drain();

  NodeContext& node_;
  boost::asio::io_context io_;
  tcp::acceptor acceptor_;
  boost::asio::signal_set signals_;
  tcp::endpoint endpoint_;
  std::optional<tcp::endpoint> metrics_endpoint_;
  std::unique_ptr<class Metrics> metrics_model_;
  std::unique_ptr<http::HttpServer> metrics_;
  std::optional<tcp::endpoint> http_endpoint_;
  std::unique_ptr<http::HttpServer> http_;
  // The JSON API's totals and timeline (with --http), and its waiter on
  // node_.head_watch.
  std::unique_ptr<class LogSummary> summary_;
  uint64_t summary_waiter_ = 0;
  void StopSummary();
  std::vector<std::thread> threads_;
  std::promise<void> stop_requested_;
  std::once_flag stop_once_;
};

}  // namespace creg
