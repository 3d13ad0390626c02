// Session: one client connection. Reads frames, answers reads through the
// RequestHandler, hands submissions to the CommitPipeline and renders its
// verdicts as responses (errors through net/wire_status.h), streams
// subscriptions, and writes responses in whatever order they complete.
// The connection is plain TCP, or TLS when the node has a TLS context
// (NodeContext::tls); with TLS the handshake comes first and must finish
// within the read timeout, or the connection is closed like an idle one.
//
// Everything a session does runs on its own strand; answers from pipeline
// threads are posted onto it. Limits (frame size, in-flight requests,
// subscriptions, timeouts, write queue) are in NodeOptions. A bad frame
// never takes the node down: the client gets an Error response and, when
// the stream cannot be trusted any more (oversized or undecodable frame, or
// a request with the reserved id 0), an Error with id 0 and the connection
// is closed. No other error closes it (docs/protocol.md, "Errors").
//
// Reads, subscription pages included, run with the rights of the account
// the connection signed in as, or the public's (node/sign_in.h).
//
// Subscriptions: each is a coroutine on the strand, counted against the
// connection's and the node's caps and against max_in_flight for its
// life. They all sleep on one timer of the session (subscription_wake_),
// woken when the log grows (the session is registered once in the node's
// HeadWatch while it holds any), when the write queue drains, and at close.
#pragma once

#include <utility>  // before Asio (GCC 12, see DESIGN.md)

#include <boost/asio.hpp>
#include <deque>
#include <memory>
#include <string>

#include "creg/wire.pb.h"
#include "net/frame.h"
#include "node/session_stream.h"
#include "node/sign_in.h"

namespace creg {

struct NodeContext;

class Session : public std::enable_shared_from_this<Session> {
 public:
  using tcp = boost::asio::ip::tcp;

  Session(tcp::socket socket, NodeContext& node);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Starts the read, write and watchdog loops. Call once.
  void Start();
  // Stops reading new requests; answers to those already taken are still
  // written, then the connection closes. Thread-safe.
  void StopReading();
  // Closes the connection now. Thread-safe.
  void Close();
  // Instead of Start: tells the client why it is refused (after the TLS
  // handshake, if any) and closes.
  void RefuseAndClose(std::string why);

 private:
  static uint64_t NextConnectionId();
  // False (and the connection closing) if the TLS handshake failed.
  boost::asio::awaitable<bool> Handshake();
  boost::asio::awaitable<void> ReadLoop();
  boost::asio::awaitable<void> WriteLoop();
  boost::asio::awaitable<void> Watchdog();
  boost::asio::awaitable<void> Subscribe(uint64_t id, uint64_t start);
  // The subscribe case of Dispatch: refuses it over a cap, else starts it.
  void StartSubscription(uint64_t id, uint64_t start);
  // Releases what StartSubscription took; the subscription is answered.
  void EndSubscription();
  // Suspends until subscription_wake_ is cancelled (a wake-up).
  boost::asio::awaitable<void> WaitForWake();
  void Dispatch(pb::Request request);
  // Queues a response (on the strand) and wakes the writer.
  void Send(const pb::Response& response);
  void Finish();  // one request answered
  void CloseNow();
  void MaybeCloseAfterDrain();

  SessionStream stream_;
  NodeContext& node_;
  // Who this connection reads as (node/sign_in.h).
  SessionSignIn sign_in_;
  FrameDecoder decoder_;
  boost::asio::steady_timer write_signal_;
  boost::asio::steady_timer watchdog_;
  // Never expires; cancel() wakes every subscription waiting on it.
  boost::asio::steady_timer subscription_wake_;
  std::deque<std::string> write_queue_;
  size_t write_queue_bytes_ = 0;
  // Unanswered requests, subscriptions included.
  size_t in_flight_ = 0;
  size_t subscriptions_ = 0;
  // This session's entry in node_.head_watch while subscriptions_ > 0.
  uint64_t head_waiter_ = 0;
  bool reading_ = true;
  bool closed_ = false;
  bool writing_ = false;
  // Distinct for every session of the process: names it to the SyncGate.
  const uint64_t connection_id_ = NextConnectionId();
  // When the current frame (or the TLS handshake) must be complete, or the
  // idle deadline.
  std::chrono::steady_clock::time_point deadline_;
};

}  // namespace creg
