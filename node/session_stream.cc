#include "node/session_stream.h"

#include "net/tls_context.h"

namespace creg {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;

namespace {

using tcp = asio::ip::tcp;
using Variant = std::variant<tcp::socket, asio::ssl::stream<tcp::socket>>;

Variant MakeStream(tcp::socket socket, asio::ssl::context* tls) {
  if (tls == nullptr) return Variant(std::in_place_index<0>, std::move(socket));
  return Variant(std::in_place_index<1>, std::move(socket), *tls);
}

}  // namespace

SessionStream::SessionStream(tcp::socket socket, asio::ssl::context* tls)
    : stream_(MakeStream(std::move(socket), tls)) {}

SessionStream::tcp::socket::lowest_layer_type& SessionStream::Lowest() {
  return std::visit(
      [](auto& stream) -> tcp::socket::lowest_layer_type& { return stream.lowest_layer(); },
      stream_);
}

awaitable<void> SessionStream::Handshake(boost::system::error_code& ec) {
  if (auto* stream = std::get_if<TlsStream>(&stream_)) {
    co_await stream->async_handshake(asio::ssl::stream_base::server,
                                     asio::redirect_error(use_awaitable, ec));
  }
}

awaitable<size_t> SessionStream::ReadSome(asio::mutable_buffer buffer,
                                          boost::system::error_code& ec) {
  if (auto* stream = std::get_if<TlsStream>(&stream_)) {
    co_return co_await stream->async_read_some(buffer, asio::redirect_error(use_awaitable, ec));
  }
  co_return co_await std::get<tcp::socket>(stream_).async_read_some(
      buffer, asio::redirect_error(use_awaitable, ec));
}

awaitable<void> SessionStream::WriteAll(asio::const_buffer buffer, boost::system::error_code& ec) {
  if (auto* stream = std::get_if<TlsStream>(&stream_)) {
    co_await asio::async_write(*stream, buffer, asio::redirect_error(use_awaitable, ec));
  } else {
    co_await asio::async_write(std::get<tcp::socket>(stream_), buffer,
                               asio::redirect_error(use_awaitable, ec));
  }
}

std::string SessionStream::RemoteAddress() {
  boost::system::error_code ec;
  tcp::endpoint remote = Lowest().remote_endpoint(ec);
  return ec ? std::string() : remote.address().to_string();
}

StatusOr<std::string> SessionStream::ChannelBinding() {
  if (auto* stream = std::get_if<TlsStream>(&stream_)) {
    return TlsChannelBinding(stream->native_handle());
  }
  return std::string();
}

void SessionStream::ShutdownReceive() {
  boost::system::error_code ignored;
  Lowest().shutdown(tcp::socket::shutdown_receive, ignored);
}

void SessionStream::Close() {
  boost::system::error_code ignored;
  Lowest().shutdown(tcp::socket::shutdown_both, ignored);
  Lowest().close(ignored);
}

}  // namespace creg
