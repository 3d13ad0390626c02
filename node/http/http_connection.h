// One HTTP/1.1 connection on Boost.Beast: reads a request (its header, and
// its body when HttpLimits::max_body_bytes allows one), answers it with its
// Handler (node/http/handler.h), and goes on while the client keeps the
// connection alive.
//
// Limits: a request header over HttpLimits::max_header_bytes is answered
// 431 and the connection closed. With max_body_bytes 0 (cregd's read-only
// surfaces) a request that announces a body is answered (405, or 400 for
// GET/HEAD) without reading it and the connection closed; otherwise a body
// over max_body_bytes (announced or sent chunked) is answered 413 and the
// connection closed. A request (header and body) must arrive whole within
// read_timeout of the connection being ready for it (which also ends idle
// keep-alive connections), and an answer must be taken by the client
// within the same time, or the connection is closed. One request is
// answered at a time per connection, and a connection yields to the others
// between requests.
//
// At the connection cap, a new connection takes the place of the open one
// that has waited longest for a request (idle keep-alive, or a request not
// yet whole), which is closed, as nginx reuses keep-alive connections; only
// when every open connection is busy answering is the new one refused 503.
// So idle connections, however many, cannot keep a fresh client out. The
// same holds per client address at max_connections_per_address, among that
// address's connections only: one address cannot take every place, nor
// close other addresses' connections by opening its own.
//
// Thread-safety: each connection runs on its own strand; Close may be called
// from any thread.
#pragma once

#include <utility>  // before Asio (GCC 12, see DESIGN.md)

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "ledger/status.h"
#include "node/http/handler.h"

namespace creg::http {

struct HttpLimits {
  // Simultaneous connections; more are answered 503 and closed.
  size_t max_connections = 1024;
  // Simultaneous connections from one client IP address (see above).
  // Default: 64, many times what a browser (6) or a tile-reading monitor
  // opens, and far below max_connections.
  size_t max_connections_per_address = 64;
  // See above.
  std::chrono::milliseconds read_timeout{10'000};
  // Request line and header fields together. Default: 8 KiB, ample for
  // GET requests of tile paths.
  size_t max_header_bytes = 8 * 1024;
  // A request body. Default: 0, no body is read (see above); a server whose
  // handler takes POST bodies sets its bound.
  size_t max_body_bytes = 0;
};

class Connection;

// What the server and its connections share: the handler, the limits and
// the open connections (so the server can close them). Outlives both, so a
// connection ending after the server is gone is safe. Thread-safe.
class ConnectionSet {
 public:
  ConnectionSet(std::shared_ptr<const Handler> handler, HttpLimits limits)
      : handler_(std::move(handler)), limits_(limits) {}

  const Handler& handler() const { return *handler_; }
  const HttpLimits& limits() const { return limits_; }

  // Admits `connection`. At max_connections_per_address (for its address)
  // or max_connections, closes the connection that has waited longest for
  // a request to make room (one of the same address for the former).
  // ResourceExhausted naming the limit if none is waiting (all are
  // answering), FailedPrecondition if the set was closed.
  Status Add(const std::shared_ptr<Connection>& connection);
  void Remove(const Connection* connection);
  // Closes every open connection and refuses new ones.
  void CloseAll();

 private:
  // With mu_ held: takes out of open_ the connection for which `matches`
  // holds that has waited longest for a request, and sets `taken` to it
  // (null if it was ending anyway). False if no such connection waits.
  bool TakeLongestWaiting(const std::function<bool(const Connection&)>& matches,
                          std::shared_ptr<Connection>& taken);

  std::shared_ptr<const Handler> handler_;
  HttpLimits limits_;
  std::mutex mu_;
  bool closed_ = false;                                                    // guarded by mu_
  std::unordered_map<const Connection*, std::weak_ptr<Connection>> open_;  // guarded by mu_
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // `socket` should run on a strand of its own.
  Connection(boost::asio::ip::tcp::socket socket, std::shared_ptr<ConnectionSet> set);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Serves requests until the client or a limit ends the connection.
  void Start();
  // Answers 503 with `why` (which limit) and closes.
  void Refuse(std::string why);
  // Closes the connection (on its strand).
  void Close();

  // When the connection began waiting for its next request (steady clock,
  // nanoseconds since its epoch), or kBusy from when a request is
  // whole until its answer is sent. The set reads it to choose whom to
  // close at the cap.
  static constexpr int64_t kBusy = INT64_MAX;
  int64_t waiting_since() const { return waiting_since_.load(std::memory_order_relaxed); }
  // The client's IP address (unspecified if the socket could not tell).
  const boost::asio::ip::address& client_address() const { return client_address_; }

 private:
  boost::asio::awaitable<void> Serve();
  // Sends `answer`; false if it could not be sent within `timeout`.
  boost::asio::awaitable<bool> Write(Answer answer, unsigned version, bool keep_alive, bool head,
                                     std::chrono::milliseconds timeout);
  void CloseNow();

  void SetWaiting(bool waiting);

  // Before stream_, which takes the socket it is read from.
  const boost::asio::ip::address client_address_;
  boost::beast::tcp_stream stream_;
  std::shared_ptr<ConnectionSet> set_;
  std::atomic<int64_t> waiting_since_;
};

}  // namespace creg::http
