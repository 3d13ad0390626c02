#include "client/client.h"

#include <utility>  // before Asio (GCC 12, see DESIGN.md)

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <array>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <cstdio>
#include <optional>

#include "net/address.h"
#include "net/tls_context.h"
#include "net/wire_status.h"

namespace creg {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

// Every operation runs asynchronously on a private io_context for at most
// `timeout`, so a silent node cannot block a caller for ever; on timeout
// the socket is closed and the connection is unusable. A read can stay
// pending between calls (ReceiveBefore returning at its deadline); writes
// run beside it, and its bytes are taken by the next receive.
struct Client::Impl {
  asio::io_context io;
  tcp::socket socket{io};
  std::unique_ptr<ssl::context> tls_context;
  std::optional<ssl::stream<tcp::socket&>> tls;
  std::chrono::milliseconds timeout{0};

  // The read in progress or completed and not yet taken.
  std::array<char, 64 * 1024> read_buffer;
  bool reading = false;
  bool read_done = false;
  error_code read_error;
  size_t read_bytes = 0;

  // Runs `start(done)`, which begins one asynchronous operation whose
  // handler calls done(ec, bytes). Returns its error, or timed_out.
  template <typename Start>
  error_code Run(Start start, size_t* bytes = nullptr) {
    bool finished = false;
    error_code result;
    start([&](const error_code& ec, size_t n) {
      finished = true;
      result = ec;
      if (bytes != nullptr) *bytes = n;
    });
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    io.restart();
    while (!finished && io.run_one_until(deadline) > 0) {
    }
    if (finished) return result;
    Abort();
    return asio::error::timed_out;
  }

  // Closes the socket, which cancels what is in progress (a pending read
  // too), and lets the cancelled handlers run: the connection is unusable.
  void Abort() {
    error_code ignored;
    socket.close(ignored);
    io.restart();
    io.run();
  }

  // Starts a read into read_buffer unless one is pending or not taken.
  void StartRead() {
    if (reading || read_done) return;
    reading = true;
    auto handler = [this](const error_code& ec, size_t n) {
      reading = false;
      read_done = true;
      read_error = ec;
      read_bytes = n;
    };
    if (tls) {
      tls->async_read_some(asio::buffer(read_buffer), handler);
    } else {
      socket.async_read_some(asio::buffer(read_buffer), handler);
    }
  }
};

Client::~Client() = default;

bool Client::tls() const { return impl_->tls.has_value(); }

StatusOr<std::string> Client::ChannelBinding() const {
  if (!impl_->tls) return std::string();
  return TlsChannelBinding(impl_->tls->native_handle());
}

StatusOr<std::unique_ptr<Client>> Client::Connect(const std::string& address,
                                                  ClientOptions options) {
  CREG_ASSIGN_OR_RETURN(auto host_port, ParseHostPort(address));
  auto client = std::unique_ptr<Client>(new Client());
  client->impl_ = std::make_unique<Impl>();
  Impl& impl = *client->impl_;
  impl.timeout = options.timeout;
  client->address_ = address;
  client->decoder_ = FrameDecoder(options.max_frame_bytes);
  client->max_frame_bytes_ = options.max_frame_bytes;
  if (!options.tls_ca_file.empty()) {
    CREG_ASSIGN_OR_RETURN(impl.tls_context, MakeClientTlsContext(options.tls_ca_file));
  }
  error_code ec;
  tcp::resolver resolver(impl.io);
  auto endpoints = resolver.resolve(host_port.first, std::to_string(host_port.second), ec);
  if (ec) return UnavailableError("cannot resolve " + address + ": " + ec.message());
  ec = impl.Run([&](auto done) {
    asio::async_connect(impl.socket, endpoints,
                        [done](const error_code& e, const tcp::endpoint&) { done(e, 0); });
  });
  if (ec) return UnavailableError("cannot connect to the node at " + address + ": " + ec.message());
  impl.socket.set_option(tcp::no_delay(true), ec);
  if (impl.tls_context) {
    CREG_RETURN_IF_ERROR(client->Handshake(host_port.first, options.tls_ca_file));
  }
  return client;
}

Status Client::Handshake(const std::string& host, const std::string& ca_file) {
  Impl& impl = *impl_;
  impl.tls.emplace(impl.socket, *impl.tls_context);
  SSL* native = impl.tls->native_handle();
  CREG_RETURN_IF_ERROR(ExpectTlsPeerName(native, host));
  error_code ec = impl.Run([&](auto done) {
    impl.tls->async_handshake(ssl::stream_base::client,
                              [done](const error_code& e) { done(e, 0); });
  });
  if (!ec) return OkStatus();
  long verify = SSL_get_verify_result(native);
  if (verify != X509_V_OK) {
    return UnavailableError("TLS certificate verification failed for the node at " + address_ +
                            ": " + X509_verify_cert_error_string(verify) +
                            " (trusted certificates: " + ca_file + ")");
  }
  if (ec == asio::error::timed_out) {
    return UnavailableError("the node at " + address_ +
                            " did not complete the TLS handshake in time");
  }
  std::string why = ec == asio::error::eof || ec == ssl::error::stream_truncated
                        ? "the node closed the connection"
                        : ec.message();
  return UnavailableError("TLS handshake with the node at " + address_ + " failed: " + why +
                          " (does the node serve TLS?)");
}

Status Client::WriteAll(std::string_view bytes) {
  Impl& impl = *impl_;
  error_code ec = impl.Run([&](auto done) {
    auto buffer = asio::buffer(bytes.data(), bytes.size());
    auto handler = [done](const error_code& e, size_t n) { done(e, n); };
    if (impl.tls) {
      asio::async_write(*impl.tls, buffer, handler);
    } else {
      asio::async_write(impl.socket, buffer, handler);
    }
  });
  if (ec == asio::error::timed_out) {
    return UnavailableError("the node at " + address_ + " did not take a request in time");
  }
  if (ec) return UnavailableError("lost the connection to " + address_ + ": " + ec.message());
  return OkStatus();
}

Status Client::Send(pb::Request& request) { return SendAll(std::span<pb::Request>(&request, 1)); }

Status Client::SendAll(std::span<pb::Request> requests) {
  std::string frames;
  for (pb::Request& request : requests) {
    if (request.id() == 0) request.set_id(next_id_++);
    frames += EncodeFrame(request.SerializeAsString());
  }
  return WriteAll(frames);
}

namespace {

// The first bytes of a TLS record from a server: alert or handshake, then
// major version 3.
bool LooksLikeTls(std::string_view bytes) {
  return bytes.size() >= 2 && (bytes[0] == 0x15 || bytes[0] == 0x16) && bytes[1] == 0x03;
}

// "4 MiB", "9.4 MiB", "512 KiB", "100 bytes".
std::string SizeText(uint64_t bytes) {
  auto unit = [&](double size, const char* name) {
    char text[32];
    if (size == static_cast<double>(static_cast<uint64_t>(size))) {
      std::snprintf(text, sizeof text, "%llu %s", static_cast<unsigned long long>(size), name);
    } else {
      std::snprintf(text, sizeof text, "%.1f %s", size, name);
    }
    return std::string(text);
  };
  if (bytes >= (1u << 20)) return unit(static_cast<double>(bytes) / (1u << 20), "MiB");
  if (bytes >= (1u << 10)) return unit(static_cast<double>(bytes) / (1u << 10), "KiB");
  return std::to_string(bytes) + " bytes";
}

}  // namespace

Status Client::ProtocolError(const std::string& what) {
  impl_->Abort();
  return DataLossError("protocol error: the node at " + address_ + " " + what);
}

StatusOr<std::optional<pb::Response>> Client::ReceiveBuffered() {
  StatusOr<std::optional<std::string>> frame = decoder_.Next();
  if (!frame.ok()) {
    return ProtocolError("sent a frame of " + SizeText(decoder_.announced().value_or(0)) +
                         ", over the " + SizeText(max_frame_bytes_) + " limit");
  }
  if (!frame->has_value()) return std::optional<pb::Response>();
  pb::Response response;
  if (!response.ParseFromString(**frame)) {
    return ProtocolError("sent a frame that is not a Response message");
  }
  return std::optional<pb::Response>(std::move(response));
}

StatusOr<pb::Response> Client::Receive() {
  CREG_ASSIGN_OR_RETURN(std::optional<pb::Response> response,
                        ReceiveBefore(std::chrono::steady_clock::now() + impl_->timeout));
  if (response.has_value()) return std::move(*response);
  impl_->Abort();
  return UnavailableError("the node at " + address_ + " did not answer in time");
}

StatusOr<std::optional<pb::Response>> Client::ReceiveBefore(
    std::chrono::steady_clock::time_point deadline) {
  Impl& impl = *impl_;
  for (;;) {
    CREG_ASSIGN_OR_RETURN(std::optional<pb::Response> buffered, ReceiveBuffered());
    if (buffered.has_value()) return buffered;
    impl.StartRead();
    impl.io.restart();
    impl.io.poll();  // what has arrived already, even past the deadline
    while (!impl.read_done && impl.io.run_one_until(deadline) > 0) {
    }
    if (!impl.read_done) return std::optional<pb::Response>();
    impl.read_done = false;
    if (const error_code& ec = impl.read_error) {
      bool closed = ec == asio::error::eof || ec == ssl::error::stream_truncated;
      if (closed && decoder_.buffered() > 0) {
        std::optional<uint32_t> length = decoder_.announced();
        return ProtocolError(
            "closed the connection in the middle of a frame (" +
            std::to_string(decoder_.buffered()) + " bytes received" +
            (length ? " of " + std::to_string(kFrameHeaderSize + *length) : std::string()) + ")");
      }
      std::string why = closed ? "the node closed the connection" : ec.message();
      if (closed && !received_any_ && !impl.tls) {
        why += " without answering (a node that serves TLS does this to plain connections)";
      }
      return UnavailableError("lost the connection to " + address_ + ": " + why);
    }
    std::string_view bytes(impl.read_buffer.data(), impl.read_bytes);
    if (!received_any_ && !impl.tls && LooksLikeTls(bytes)) {
      return UnavailableError("the node at " + address_ +
                              " answered with TLS; connect with TLS (--tls-ca FILE)");
    }
    received_any_ = true;
    decoder_.Feed(bytes);
  }
}

StatusOr<pb::Response> Client::Call(pb::Request request) {
  CREG_RETURN_IF_ERROR(Send(request));
  for (;;) {
    CREG_ASSIGN_OR_RETURN(pb::Response response, Receive());
    if (response.id() == request.id()) return response;
    // id 0: the node speaks about the connection itself (e.g. closing it).
    if (response.id() == 0 && response.has_error()) return StatusFromWire(response.error());
  }
}

StatusOr<pb::SubmitResponse> Client::Submit(std::string signed_transaction) {
  pb::Request request;
  request.mutable_submit()->set_signed_transaction(std::move(signed_transaction));
  CREG_ASSIGN_OR_RETURN(pb::Response response, Call(std::move(request)));
  if (response.has_error()) return StatusFromWire(response.error());
  if (!response.has_submit())
    return InvalidArgumentError("the node answered a submission with something else");
  return std::move(*response.mutable_submit());
}

StatusOr<pb::StatusResponse> Client::GetStatus() {
  pb::Request request;
  request.mutable_status();
  CREG_ASSIGN_OR_RETURN(pb::Response response, Call(std::move(request)));
  if (response.has_error()) return StatusFromWire(response.error());
  return std::move(*response.mutable_status());
}

StatusOr<pb::CheckpointResponse> Client::GetCheckpoint() {
  pb::Request request;
  request.mutable_get_checkpoint();
  CREG_ASSIGN_OR_RETURN(pb::Response response, Call(std::move(request)));
  if (response.has_error()) return StatusFromWire(response.error());
  return std::move(*response.mutable_checkpoint());
}

}  // namespace creg
