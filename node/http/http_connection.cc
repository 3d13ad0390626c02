#include "node/http/http_connection.h"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <string_view>

namespace creg::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::awaitable;
using asio::use_awaitable;

namespace {

// How long a refused client gets to take its 503.
constexpr std::chrono::seconds kRefusalTimeout{1};

std::string_view View(beast::string_view s) { return {s.data(), s.size()}; }

int64_t Now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

asio::ip::address ClientAddress(const asio::ip::tcp::socket& socket) {
  boost::system::error_code ec;
  const asio::ip::tcp::endpoint peer = socket.remote_endpoint(ec);
  return ec ? asio::ip::address() : peer.address();
}

}  // namespace

bool ConnectionSet::TakeLongestWaiting(const std::function<bool(const Connection&)>& matches,
                                       std::shared_ptr<Connection>& taken) {
  auto oldest = open_.end();
  int64_t oldest_since = Connection::kBusy;
  for (auto it = open_.begin(); it != open_.end(); ++it) {
    const int64_t since = it->first->waiting_since();
    if (since < oldest_since && matches(*it->first)) {
      oldest = it;
      oldest_since = since;
    }
  }
  if (oldest == open_.end()) return false;
  taken = oldest->second.lock();
  open_.erase(oldest);
  return true;
}

Status ConnectionSet::Add(const std::shared_ptr<Connection>& connection) {
  std::vector<std::shared_ptr<Connection>> make_room;
  {
    std::lock_guard lock(mu_);
    if (closed_) return FailedPreconditionError("the server is stopping");
    const boost::asio::ip::address& address = connection->client_address();
    auto same_address = [&address](const Connection& c) { return c.client_address() == address; };
    auto from_address = [&] {
      size_t n = 0;
      for (const auto& [c, _] : open_) n += same_address(*c) ? 1 : 0;
      return n;
    };
    // Each connection taken out lowers the count by one (one that was
    // ending anyway too): the loops end.
    while (from_address() >= limits_.max_connections_per_address) {
      std::shared_ptr<Connection> taken;
      if (!TakeLongestWaiting(same_address, taken)) {
        return ResourceExhaustedError("too many connections from " + address.to_string() +
                                      " (limit " +
                                      std::to_string(limits_.max_connections_per_address) + ")");
      }
      if (taken) make_room.push_back(std::move(taken));
    }
    while (open_.size() >= limits_.max_connections) {
      std::shared_ptr<Connection> taken;
      if (!TakeLongestWaiting([](const Connection&) { return true; }, taken)) {
        return ResourceExhaustedError("too many connections (limit " +
                                      std::to_string(limits_.max_connections) + ")");
      }
      if (taken) make_room.push_back(std::move(taken));
    }
    open_.emplace(connection.get(), connection);
  }
  for (auto& c : make_room) c->Close();
  return OkStatus();
}

void ConnectionSet::Remove(const Connection* connection) {
  std::lock_guard lock(mu_);
  open_.erase(connection);
}

void ConnectionSet::CloseAll() {
  std::vector<std::shared_ptr<Connection>> all;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    for (auto& [_, weak] : open_) {
      if (auto c = weak.lock()) all.push_back(std::move(c));
    }
  }
  for (auto& c : all) c->Close();
}

Connection::Connection(asio::ip::tcp::socket socket, std::shared_ptr<ConnectionSet> set)
    : client_address_(ClientAddress(socket)),
      stream_(std::move(socket)),
      set_(std::move(set)),
      waiting_since_(Now()) {}

Connection::~Connection() { set_->Remove(this); }

void Connection::Start() {
  asio::co_spawn(
      stream_.get_executor(), [self = shared_from_this()] { return self->Serve(); },
      asio::detached);
}

void Connection::Refuse(std::string why) {
  asio::co_spawn(
      stream_.get_executor(),
      [self = shared_from_this(), why = std::move(why)]() -> awaitable<void> {
        co_await self->Write(TextAnswer(503, why + "; try again later"), 11, false, false,
                             kRefusalTimeout);
        self->CloseNow();
      },
      asio::detached);
}

void Connection::Close() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] { self->CloseNow(); });
}

void Connection::SetWaiting(bool waiting) {
  waiting_since_.store(waiting ? Now() : kBusy, std::memory_order_relaxed);
}

void Connection::CloseNow() {
  boost::system::error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.close();
}

// GCC 12 reports Asio's own frame deallocation in this coroutine as a
// mismatched new/delete (a false positive of its coroutine lowering; Asio
// allocates and frees the frame with the same recycling allocator).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
awaitable<void> Connection::Serve() {
  const HttpLimits& limits = set_->limits();
  // Room for one header at its limit; a client that sends more before its
  // header ends meets the limit either way.
  beast::flat_buffer buffer(limits.max_header_bytes + limits.max_body_bytes);
  for (;;) {
    bhttp::request_parser<bhttp::empty_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
    if (limits.max_body_bytes > 0) parser.body_limit(limits.max_body_bytes);
    // One deadline for the header and any body: a request arrives whole
    // within read_timeout.
    stream_.expires_after(limits.read_timeout);
    boost::system::error_code ec;
    co_await bhttp::async_read_header(stream_, buffer, parser,
                                      asio::redirect_error(use_awaitable, ec));
    // A Content-Length over max_body_bytes fails here, a chunked body over
    // it while its body is read.
    std::optional<bhttp::request_parser<bhttp::string_body>> with_body;
    if (!ec && !parser.is_done() && limits.max_body_bytes > 0) {
      with_body.emplace(std::move(parser));
      co_await bhttp::async_read(stream_, buffer, *with_body,
                                 asio::redirect_error(use_awaitable, ec));
    }
    if (ec == bhttp::error::body_limit && limits.max_body_bytes > 0) {
      co_await Write(
          TextAnswer(413, "request body over " + std::to_string(limits.max_body_bytes) + " bytes"),
          11, false, false, limits.read_timeout);
      break;
    }
    if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
      co_await Write(TextAnswer(431, "request header over " +
                                         std::to_string(limits.max_header_bytes) + " bytes"),
                     11, false, false, limits.read_timeout);
      break;
    }
    if (ec && ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
        ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
      co_await Write(TextAnswer(400, "malformed request: " + ec.message()), 11, false, false,
                     limits.read_timeout);
      break;
    }
    if (ec) break;  // closed, reset or too slow: nothing to answer
    SetWaiting(false);
    using Header = bhttp::request_header<>;
    const Header& request = with_body ? static_cast<const Header&>(with_body->get())
                                      : static_cast<const Header&>(parser.get());
    const std::string_view body = with_body ? std::string_view(with_body->get().body()) : "";
    const bool head = request.method() == bhttp::verb::head;
    Answer answer = set_->handler().Handle(
        Request{View(request.method_string()), View(request.target()), body});
    // Without max_body_bytes a body is never read: answer and close rather
    // than parse it.
    const bool body_follows = !with_body && !parser.is_done();
    if (body_follows && answer.status != 405) {
      answer = TextAnswer(400, "requests to this server carry no body");
    }
    const bool client_keep_alive = with_body ? with_body->keep_alive() : parser.keep_alive();
    const bool keep_alive = client_keep_alive && !body_follows;
    if (!co_await Write(std::move(answer), request.version(), keep_alive, head,
                        limits.read_timeout) ||
        !keep_alive) {
      break;
    }
    SetWaiting(true);
    // Let the other connections' requests run before this one's next.
    co_await asio::post(stream_.get_executor(), use_awaitable);
  }
  CloseNow();
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

awaitable<bool> Connection::Write(Answer answer, unsigned version, bool keep_alive, bool head,
                                  std::chrono::milliseconds timeout) {
  bhttp::response<bhttp::string_body> response{static_cast<bhttp::status>(answer.status), version};
  response.set(bhttp::field::server, "cregd");
  response.set(bhttp::field::content_type, answer.content_type);
  response.set(bhttp::field::cache_control, answer.cache_control);
  if (answer.any_origin) response.set(bhttp::field::access_control_allow_origin, "*");
  if (!answer.allow.empty()) response.set(bhttp::field::allow, answer.allow);
  for (const auto& [name, value] : answer.headers) response.set(name, value);
  response.keep_alive(keep_alive);
  if (head) {
    response.content_length(answer.body.size());
  } else {
    response.body() = std::move(answer.body);
    response.prepare_payload();
  }
  stream_.expires_after(timeout);
  boost::system::error_code ec;
  co_await bhttp::async_write(stream_, response, asio::redirect_error(use_awaitable, ec));
  co_return !ec;
}

}  // namespace creg::http
