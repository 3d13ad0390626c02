#include "node/server.h"

#include <iostream>

#include "ledger/data_dir.h"
#include "node/accept_loop.h"
#include "node/http/api_handler.h"
#include "node/http/explorer_handler.h"
#include "node/http/http_server.h"
#include "node/http/metrics_handler.h"
#include "node/http/router.h"
#include "node/http/tlog_handler.h"
#include "node/log.h"
#include "node/log_summary.h"
#include "node/metrics.h"
#include "node/session.h"

namespace creg {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;

Server::Server(NodeContext& node) : node_(node), acceptor_(io_), signals_(io_, SIGINT, SIGTERM) {}

Server::~Server() {
  RequestStop();
  io_.stop();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  StopSummary();
}

void Server::StopSummary() {
  if (!summary_) return;
  node_.head_watch.RemoveWaiter(summary_waiter_);
  summary_->Stop();
}

StatusOr<std::unique_ptr<Server>> Server::Start(NodeContext& node) {
  auto server = std::unique_ptr<Server>(new Server(node));
  CREG_ASSIGN_OR_RETURN(tcp::endpoint endpoint, ResolveAddress(server->io_, node.options.listen));
  CREG_ASSIGN_OR_RETURN(server->acceptor_, Listen(server->io_, endpoint));
  server->endpoint_ = server->acceptor_.local_endpoint();
  if (!node.options.metrics_listen.empty()) {
    CREG_ASSIGN_OR_RETURN(tcp::endpoint metrics_endpoint,
                          ResolveAddress(server->io_, node.options.metrics_listen));
    CREG_ASSIGN_OR_RETURN(tcp::acceptor metrics_acceptor, Listen(server->io_, metrics_endpoint));
    server->metrics_endpoint_ = metrics_acceptor.local_endpoint();
    server->metrics_model_ = std::make_unique<Metrics>(node);
    Metrics* model = server->metrics_model_.get();
    node.observe_commit_latency = [model](uint64_t micros) { model->ObserveCommitLatency(micros); };
    server->metrics_ = std::make_unique<http::HttpServer>(
        server->io_, std::move(metrics_acceptor),
        std::make_shared<http::MetricsHandler>([model] { return model->Render(); }),
        http::MetricsLimits());
    server->metrics_->Start();
  }
  if (!node.options.http_listen.empty()) {
    CREG_ASSIGN_OR_RETURN(tcp::endpoint http_endpoint,
                          ResolveAddress(server->io_, node.options.http_listen));
    CREG_ASSIGN_OR_RETURN(tcp::acceptor http_acceptor, Listen(server->io_, http_endpoint));
    server->http_endpoint_ = http_acceptor.local_endpoint();
    const Checkpointer& checkpointer = node.handler.checkpointer();
    auto tlog = std::make_shared<http::TlogHandler>(
        node.log,
        [&checkpointer] {
          auto latest = checkpointer.latest();
          return latest ? latest->note : std::string();
        },
        node.options.read_policy);
    // The explorer's pages answer every path no other surface claims.
    auto handler = std::make_shared<http::Router>(std::make_shared<http::ExplorerHandler>(
        http::ExplorerFiles(),
        "not found; this node serves the explorer at /, the JSON API at /api/v1/, /checkpoint, "
        "/tile/<L>/<N>[.p/<W>] and "
        "/tile/entries/<N>[.p/<W>] (C2SP tlog-tiles)"));
    handler->Add("/checkpoint", tlog);
    handler->Add("/tile/", tlog);
    server->summary_ =
        std::make_unique<LogSummary>(node.log, DataDir(node.options.data_dir).summary_path());
    LogSummary* summary = server->summary_.get();
    server->summary_waiter_ = node.head_watch.AddWaiter([summary] { summary->Wake(); });
    summary->Start();
    auto api =
        std::make_shared<http::ApiHandler>(node.handler, [summary] { return summary->Json(); });
    handler->Add("/api/", api);
    http::HttpLimits limits;
    limits.max_connections = node.options.http_max_connections;
    limits.max_connections_per_address = node.options.http_max_connections_per_address;
    limits.read_timeout = node.options.http_read_timeout;
    server->http_ = std::make_unique<http::HttpServer>(server->io_, std::move(http_acceptor),
                                                       std::move(handler), limits);
    server->http_->Start();
  }
  Server* raw = server.get();
  server->signals_.async_wait([raw](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    LogInfo("received signal " + std::to_string(signal) + ", shutting down");
    raw->RequestStop();
  });
  asio::co_spawn(
      server->acceptor_.get_executor(), [raw] { return raw->AcceptLoop(); }, asio::detached);
  int threads = std::max(1, node.options.io_threads);
  for (int i = 0; i < threads; ++i) server->threads_.emplace_back([raw] { raw->io_.run(); });
  return server;
}

awaitable<void> Server::AcceptLoop() {
  return AcceptConnections(io_, acceptor_, [this](tcp::socket socket) {
    auto session = std::make_shared<Session>(std::move(socket), node_);
    if (!node_.sessions.Add(session, node_.options.max_connections)) {
      ++node_.counters.connections_refused;
      session->RefuseAndClose("too many connections (limit " +
                              std::to_string(node_.options.max_connections) + ")");
      return;
    }
    ++node_.counters.connections_accepted;
    session->Start();
  });
}

void Server::RequestStop() {
  std::call_once(stop_once_, [this] { stop_requested_.set_value(); });
}

void Server::Run() {
  stop_requested_.get_future().wait();
  Drain();
}

void Server::Drain() {
  // 1. No new connections or requests.
  asio::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    signals_.cancel(ignored);
  });
  if (metrics_) metrics_->Stop();
  if (http_) http_->Stop();
  node_.sessions.ForEach([](Session& s) { s.StopReading(); });
  // 2. Finish and answer every transaction already taken.
  node_.pipeline.Stop();
  // 3. Give clients a moment to receive their answers, then close. Each
  // session leaves the set when its connection closes.
  using Clock = std::chrono::steady_clock;
  if (!node_.sessions.WaitUntilEmpty(Clock::now() + node_.options.drain_timeout)) {
    node_.sessions.ForEach([](Session& s) { s.Close(); });
    // The closes run on the io threads; a session stuck past this is
    // dropped with the io_context.
    if (!node_.sessions.WaitUntilEmpty(Clock::now() + std::chrono::seconds(1))) {
      LogWarning(std::to_string(node_.sessions.size()) +
                 " connections did not close at shutdown; dropping them");
    }
  }
  io_.stop();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
  StopSummary();
}

}  // namespace creg
