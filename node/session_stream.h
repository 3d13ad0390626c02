// SessionStream: the byte stream of one client connection, plain TCP or TLS
// over TCP, so that one Session implementation serves both.
//
// Not thread-safe: every call, and every operation it starts, must run on
// the connection's strand (the executor of the accepted socket). One read
// and one write may be outstanding at the same time, in both modes.
#pragma once

#include <utility>  // before Asio (GCC 12, see DESIGN.md)

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <string>
#include <variant>

#include "ledger/status.h"

namespace creg {

class SessionStream {
 public:
  using tcp = boost::asio::ip::tcp;
  using executor_type = tcp::socket::executor_type;

  // Plain TCP when `tls` is null; else the server side of TLS with that
  // context, which must outlive the stream.
  SessionStream(tcp::socket socket, boost::asio::ssl::context* tls);
  SessionStream(const SessionStream&) = delete;
  SessionStream& operator=(const SessionStream&) = delete;

  executor_type get_executor() { return Lowest().get_executor(); }
  bool tls() const { return std::holds_alternative<TlsStream>(stream_); }

  // TLS: the server handshake (sets `ec` on failure). Plain: nothing.
  boost::asio::awaitable<void> Handshake(boost::system::error_code& ec);
  // Some bytes from the client; 0 and `ec` set on failure or end of stream.
  boost::asio::awaitable<size_t> ReadSome(boost::asio::mutable_buffer buffer,
                                          boost::system::error_code& ec);
  // All of `buffer`, or `ec` set.
  boost::asio::awaitable<void> WriteAll(boost::asio::const_buffer buffer,
                                        boost::system::error_code& ec);
  // The client's IP address ("" if the socket is gone).
  std::string RemoteAddress();
  // TLS: the connection's channel binding (net/tls_context.h,
  // TlsChannelBinding); plain TCP: "".
  StatusOr<std::string> ChannelBinding();
  // Ends the TCP receive side (a pending read completes), or all of the
  // connection. Errors are ignored: the peer may be gone already.
  void ShutdownReceive();
  void Close();

 private:
  using TlsStream = boost::asio::ssl::stream<tcp::socket>;
  tcp::socket::lowest_layer_type& Lowest();

  std::variant<tcp::socket, TlsStream> stream_;
};

}  // namespace creg
