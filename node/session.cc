#include "node/session.h"

#include "net/wire_status.h"
#include "node/log.h"
#include "node/mirroring.h"
#include "node/node_context.h"
#include "node/request_handler.h"
#include "node/sync_gate.h"

namespace creg {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using Clock = std::chrono::steady_clock;

namespace {

// The answer to a submission: Committed or Refused, or the Error saying
// why it was not judged.
pb::Response SubmitAnswer(StatusOr<Judgement> verdict) {
  if (!verdict.ok()) return ErrorResponse(verdict.status());
  pb::Response response;
  if (auto* committed = std::get_if<Committed>(&*verdict)) {
    pb::Committed* out = response.mutable_submit()->mutable_committed();
    out->set_entry_index(committed->accepted.entry_index);
    *out->mutable_effects() = std::move(committed->accepted.effects);
    out->set_duplicate(committed->accepted.duplicate);
    out->set_tree_size(committed->tree_size);
  } else {
    const Rejection& rejection = std::get<Rejection>(*verdict);
    pb::Refused* out = response.mutable_submit()->mutable_refused();
    out->set_code(std::string(RuleCodeName(rejection.code)));
    out->set_code_number(static_cast<uint32_t>(rejection.code));
    out->set_message(rejection.message);
  }
  return response;
}

// The Error (id 0) about a stream that cannot be trusted any more.
pb::Response UntrustedStream(std::string message) {
  return ErrorResponse(InvalidArgumentError(std::move(message)));
}

std::string ReservedIdMessage(bool empty_frame) {
  return std::string(empty_frame ? "empty frame" : "request id 0") +
         ": id 0 is reserved for the node's messages about the connection, use ids from 1; "
         "closing the connection";
}

}  // namespace

uint64_t Session::NextConnectionId() {
  static std::atomic<uint64_t> next{1};
  return next++;
}

Session::Session(tcp::socket socket, NodeContext& node)
    : stream_(std::move(socket), node.tls),
      node_(node),
      sign_in_(node, stream_.RemoteAddress()),
      decoder_(node.options.max_frame_bytes),
      write_signal_(stream_.get_executor()),
      watchdog_(stream_.get_executor()),
      subscription_wake_(stream_.get_executor()) {
  write_signal_.expires_at(Clock::time_point::max());
  subscription_wake_.expires_at(Clock::time_point::max());
}

Session::~Session() {
  if (head_waiter_ != 0) node_.head_watch.RemoveWaiter(head_waiter_);
  node_.sessions.Remove(this);
}

void Session::Start() {
  auto self = shared_from_this();
  // A TLS handshake is held to the read timeout, like a frame.
  deadline_ =
      Clock::now() + (stream_.tls() ? node_.options.read_timeout : node_.options.idle_timeout);
  asio::co_spawn(
      stream_.get_executor(), [self] { return self->ReadLoop(); }, asio::detached);
  asio::co_spawn(
      stream_.get_executor(), [self] { return self->WriteLoop(); }, asio::detached);
  asio::co_spawn(
      stream_.get_executor(), [self] { return self->Watchdog(); }, asio::detached);
}

void Session::StopReading() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] {
    self->reading_ = false;
    self->stream_.ShutdownReceive();
    self->MaybeCloseAfterDrain();
  });
}

void Session::RefuseAndClose(std::string why) {
  auto self = shared_from_this();
  // The watchdog drops a client that never completes the TLS handshake.
  deadline_ = Clock::now() + node_.options.read_timeout;
  asio::co_spawn(
      stream_.get_executor(), [self] { return self->Watchdog(); }, asio::detached);
  std::string frame =
      EncodeFrame(ErrorResponse(ResourceExhaustedError(std::move(why))).SerializeAsString());
  asio::co_spawn(
      stream_.get_executor(),
      [self, frame = std::move(frame)]() -> awaitable<void> {
        if (co_await self->Handshake()) {
          boost::system::error_code ec;
          co_await self->stream_.WriteAll(asio::buffer(frame), ec);
        }
        self->CloseNow();
      },
      asio::detached);
}

void Session::Close() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] { self->CloseNow(); });
}

void Session::CloseNow() {
  if (closed_) return;
  closed_ = true;
  reading_ = false;
  stream_.Close();
  write_signal_.cancel();
  watchdog_.cancel();
  subscription_wake_.cancel();
  if (node_.sync_gate != nullptr) node_.sync_gate->Disconnected(connection_id_);
  node_.sessions.Remove(this);
}

void Session::MaybeCloseAfterDrain() {
  // Subscriptions never end by themselves: they do not hold the connection
  // open once it stopped reading.
  if (!reading_ && in_flight_ <= subscriptions_ && write_queue_.empty() && !writing_) CloseNow();
}

awaitable<bool> Session::Handshake() {
  if (!stream_.tls()) co_return true;
  boost::system::error_code ec;
  co_await stream_.Handshake(ec);
  if (!ec && !closed_) co_return true;
  ++node_.counters.tls_handshakes_failed;
  Log(LogLevel::kDebug, "TLS handshake failed: " + (closed_ ? "timed out" : ec.message()));
  CloseNow();
  co_return false;
}

awaitable<void> Session::ReadLoop() {
  std::array<char, 16 * 1024> buffer;
  try {
    if (co_await Handshake()) deadline_ = Clock::now() + node_.options.idle_timeout;
    while (reading_) {
      boost::system::error_code ec;
      size_t n = co_await stream_.ReadSome(asio::buffer(buffer), ec);
      if (ec || n == 0) break;
      bool frame_started = decoder_.buffered() == 0;
      decoder_.Feed(std::string_view(buffer.data(), n));
      for (;;) {
        StatusOr<std::optional<std::string>> frame = decoder_.Next();
        if (!frame.ok()) {
          ++node_.counters.bad_frames;
          Send(UntrustedStream(frame.status().message() + "; closing the connection"));
          reading_ = false;
          break;
        }
        if (!frame->has_value()) break;
        // A frame that is not a Request, or a request with id 0, leaves
        // nothing to answer: id 0 is the node's, for errors that close the
        // connection (an empty frame decodes as a request with id 0).
        pb::Request request;
        std::string refusal;
        if (!request.ParseFromString(**frame)) {
          refusal = "frame is not a Request message; closing the connection";
        } else if (request.id() == 0) {
          refusal = ReservedIdMessage((*frame)->empty());
        }
        if (!refusal.empty()) {
          ++node_.counters.bad_frames;
          Send(UntrustedStream(std::move(refusal)));
          reading_ = false;
          break;
        }
        ++node_.counters.requests;
        Dispatch(std::move(request));
      }
      // Idle deadline between frames; read deadline inside one, counted
      // from its first byte.
      if (decoder_.buffered() == 0) {
        deadline_ = Clock::now() + node_.options.idle_timeout;
      } else if (frame_started) {
        deadline_ = Clock::now() + node_.options.read_timeout;
      }
    }
  } catch (const std::exception&) {
    // A session never takes the node down; the connection just ends.
  }
  reading_ = false;
  MaybeCloseAfterDrain();
}

void Session::Dispatch(pb::Request request) {
  const uint64_t id = request.id();
  if (in_flight_ >= node_.options.max_in_flight) {
    ++in_flight_;
    Send(ErrorResponse(
        ResourceExhaustedError(
            "more than " + std::to_string(node_.options.max_in_flight) +
            " requests unanswered on this connection; wait for answers before sending more"),
        id));
    Finish();
    return;
  }
  ++in_flight_;
  std::optional<pb::Response> answer =
      sign_in_.Answer(request, [this] { return stream_.ChannelBinding(); });
  if (!answer && request.has_subscribe())
    answer = node_.handler.Refusal(request, sign_in_.CurrentReader());
  if (answer) {
    answer->set_id(id);
    Send(*answer);
    Finish();
    return;
  }
  switch (request.body_case()) {
    case pb::Request::kSubmit: {
      if (node_.follower != nullptr) {
        Send(NotLeaderResponse(*node_.follower, id));
        Finish();
        return;
      }
      auto self = shared_from_this();
      auto started = Clock::now();
      node_.pipeline.Submit(
          std::move(*request.mutable_submit()->mutable_signed_transaction()),
          [self, id, started](StatusOr<Judgement> verdict) {
            if (self->node_.observe_commit_latency) {
              auto micros =
                  std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started);
              self->node_.observe_commit_latency(static_cast<uint64_t>(micros.count()));
            }
            pb::Response response = SubmitAnswer(std::move(verdict));
            response.set_id(id);
            asio::post(self->stream_.get_executor(), [self, response = std::move(response)] {
              self->Send(response);
              self->Finish();
            });
          });
      return;
    }
    case pb::Request::kSubscribe:
      StartSubscription(id, request.subscribe().start());
      return;
    case pb::Request::kMirrorSynced: {
      pb::Response response = AnswerMirrorSynced(node_.sync_gate, sign_in_.CurrentReader(),
                                                 connection_id_, request.mirror_synced());
      response.set_id(id);
      Send(response);
      Finish();
      return;
    }
    default: {
      pb::Response response;
      try {
        response = node_.handler.Handle(request, sign_in_.CurrentReader());
      } catch (const std::exception& e) {
        response = ErrorResponse(InternalError(std::string("request failed: ") + e.what()));
      }
      response.set_id(id);
      Send(response);
      Finish();
      return;
    }
  }
}

void Session::StartSubscription(uint64_t id, uint64_t start) {
  // Already counted in flight by Dispatch, and stays so while it lasts.
  const size_t per_connection = node_.options.max_subscriptions_per_connection;
  if (subscriptions_ >= per_connection) {
    ++node_.counters.subscriptions_refused;
    Send(ErrorResponse(
        ResourceExhaustedError("this connection already holds the most subscriptions allowed per "
                               "connection (" +
                               std::to_string(per_connection) +
                               "); a subscription ends only when its connection closes"),
        id));
    Finish();
    return;
  }
  if (!node_.head_watch.TryAcquire(node_.options.max_subscriptions)) {
    ++node_.counters.subscriptions_refused;
    Send(ErrorResponse(ResourceExhaustedError("this node allows at most " +
                                              std::to_string(node_.options.max_subscriptions) +
                                              " subscriptions and all are in use; retry later"),
                       id));
    Finish();
    return;
  }
  if (subscriptions_++ == 0) {
    head_waiter_ =
        node_.head_watch.AddWaiter([weak = weak_from_this(), executor = stream_.get_executor()] {
          asio::post(executor, [weak] {
            if (auto self = weak.lock()) self->subscription_wake_.cancel();
          });
        });
  }
  auto self = shared_from_this();
  asio::co_spawn(
      stream_.get_executor(), [self, id, start] { return self->Subscribe(id, start); },
      asio::detached);
}

void Session::EndSubscription() {
  node_.head_watch.Release();
  if (--subscriptions_ == 0 && head_waiter_ != 0) {
    node_.head_watch.RemoveWaiter(head_waiter_);
    head_waiter_ = 0;
  }
  Finish();
}

awaitable<void> Session::WaitForWake() {
  boost::system::error_code ec;
  co_await subscription_wake_.async_wait(asio::redirect_error(use_awaitable, ec));
}

awaitable<void> Session::Subscribe(uint64_t id, uint64_t start) {
  uint64_t next = start;
  try {
    // Every check below and the wait that follows it run without a
    // suspension in between, on the strand where wake-ups are delivered,
    // so a wake-up is never missed.
    while (!closed_) {
      // Let a slow reader catch up before producing more.
      if (write_queue_bytes_ > node_.options.max_write_queue_bytes / 4) {
        co_await WaitForWake();
        continue;
      }
      uint64_t size = node_.log.size();
      if (next >= size) {
        co_await WaitForWake();
        continue;
      }
      pb::Request page;
      page.mutable_get_entries()->set_start(next);
      page.mutable_get_entries()->set_count(size - next);
      pb::Response response = node_.handler.Handle(page, sign_in_.CurrentReader());
      response.set_id(id);
      if (response.has_error()) {
        Send(response);
        break;
      }
      next += static_cast<uint64_t>(response.entries().entries_size());
      Send(response);
    }
  } catch (const std::exception&) {
  }
  EndSubscription();
}

void Session::Send(const pb::Response& response) {
  if (closed_) return;
  std::string frame = EncodeFrame(response.SerializeAsString());
  write_queue_bytes_ += frame.size();
  write_queue_.push_back(std::move(frame));
  if (write_queue_bytes_ > node_.options.max_write_queue_bytes) {
    CloseNow();  // a client that does not read its answers
    return;
  }
  write_signal_.cancel();
}

void Session::Finish() {
  if (in_flight_ > 0) --in_flight_;
  MaybeCloseAfterDrain();
}

awaitable<void> Session::WriteLoop() {
  try {
    while (!closed_) {
      if (write_queue_.empty()) {
        boost::system::error_code ec;
        write_signal_.expires_at(Clock::time_point::max());
        co_await write_signal_.async_wait(asio::redirect_error(use_awaitable, ec));
        continue;
      }
      // Coalesce everything queued into one write.
      std::string batch;
      batch.reserve(write_queue_bytes_);
      while (!write_queue_.empty()) {
        batch += write_queue_.front();
        write_queue_.pop_front();
      }
      boost::system::error_code ec;
      writing_ = true;
      co_await stream_.WriteAll(asio::buffer(batch), ec);
      writing_ = false;
      write_queue_bytes_ =
          write_queue_bytes_ >= batch.size() ? write_queue_bytes_ - batch.size() : 0;
      if (subscriptions_ > 0) subscription_wake_.cancel();  // room for more pages
      if (ec) {
        CloseNow();
        break;
      }
      MaybeCloseAfterDrain();
    }
  } catch (const std::exception&) {
    CloseNow();
  }
}

awaitable<void> Session::Watchdog() {
  try {
    while (!closed_) {
      watchdog_.expires_after(std::chrono::seconds(1));
      boost::system::error_code ec;
      co_await watchdog_.async_wait(asio::redirect_error(use_awaitable, ec));
      if (closed_) break;
      // Mid-frame: the read deadline always applies. Idle: only while the
      // client waits for nothing; a subscription is in flight for its life,
      // since a subscriber may wait quietly for hours for the next commit.
      bool mid_frame = decoder_.buffered() > 0;
      bool waiting = in_flight_ > 0;
      if (reading_ && Clock::now() > deadline_ && (mid_frame || !waiting)) CloseNow();
    }
  } catch (const std::exception&) {
  }
}

}  // namespace creg
