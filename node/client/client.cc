#include "node/client/client.h"

#include <utility>  // before Asio (GCC 12, see DESIGN.md)

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio.hpp>

#include "node/address.h"

namespace creg {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct Client::Impl {
  asio::io_context io;
  tcp::socket socket{io};
};

Client::~Client() = default;

StatusOr<std::unique_ptr<Client>> Client::Connect(const std::string& address,
                                                  ClientOptions options) {
  CREG_ASSIGN_OR_RETURN(auto host_port, ParseHostPort(address));
  auto client = std::unique_ptr<Client>(new Client());
  client->impl_ = std::make_unique<Impl>();
  client->address_ = address;
  client->decoder_ = FrameDecoder(options.max_frame_bytes);
  boost::system::error_code ec;
  tcp::resolver resolver(client->impl_->io);
  auto endpoints = resolver.resolve(host_port.first, std::to_string(host_port.second), ec);
  if (ec) return UnavailableError("cannot resolve " + address + ": " + ec.message());
  asio::connect(client->impl_->socket, endpoints, ec);
  if (ec) return UnavailableError("cannot connect to the node at " + address + ": " + ec.message());
  client->impl_->socket.set_option(tcp::no_delay(true), ec);
  timeval tv{};
  tv.tv_sec = options.timeout.count() / 1000;
  tv.tv_usec = (options.timeout.count() % 1000) * 1000;
  int fd = client->impl_->socket.native_handle();
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  return client;
}

Status Client::WriteAll(std::string_view bytes) {
  boost::system::error_code ec;
  asio::write(impl_->socket, asio::buffer(bytes.data(), bytes.size()), ec);
  if (ec) return UnavailableError("lost the connection to " + address_ + ": " + ec.message());
  return OkStatus();
}

Status Client::Send(pb::Request& request) {
  if (request.id() == 0) request.set_id(next_id_++);
  return WriteAll(EncodeFrame(request.SerializeAsString()));
}

StatusOr<pb::Response> Client::Receive() {
  std::array<char, 64 * 1024> buffer;
  for (;;) {
    CREG_ASSIGN_OR_RETURN(std::optional<std::string> frame, decoder_.Next());
    if (frame.has_value()) {
      pb::Response response;
      if (!response.ParseFromString(*frame))
        return InvalidArgumentError("the node sent an undecodable response");
      return response;
    }
    boost::system::error_code ec;
    size_t n = impl_->socket.read_some(asio::buffer(buffer), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      return UnavailableError("the node at " + address_ + " did not answer in time");
    }
    if (ec) {
      std::string why = ec == asio::error::eof ? "the node closed the connection" : ec.message();
      return UnavailableError("lost the connection to " + address_ + ": " + why);
    }
    decoder_.Feed(std::string_view(buffer.data(), n));
  }
}

StatusOr<pb::Response> Client::Call(pb::Request request) {
  CREG_RETURN_IF_ERROR(Send(request));
  for (;;) {
    CREG_ASSIGN_OR_RETURN(pb::Response response, Receive());
    if (response.id() == request.id()) return response;
    // id 0: the node speaks about the connection itself (e.g. closing it).
    if (response.id() == 0 && response.has_error()) return StatusOfError(response.error());
  }
}

Status Client::StatusOfError(const pb::Error& error) {
  static const std::pair<const char*, StatusCode> kCodes[] = {
      {"INVALID_ARGUMENT", StatusCode::kInvalidArgument},
      {"NOT_FOUND", StatusCode::kNotFound},
      {"ALREADY_EXISTS", StatusCode::kAlreadyExists},
      {"PERMISSION_DENIED", StatusCode::kPermissionDenied},
      {"FAILED_PRECONDITION", StatusCode::kFailedPrecondition},
      {"OUT_OF_RANGE", StatusCode::kOutOfRange},
      {"UNAVAILABLE", StatusCode::kUnavailable},
      {"DATA_LOSS", StatusCode::kDataLoss},
      {"RESOURCE_EXHAUSTED", StatusCode::kUnavailable},
  };
  for (const auto& [name, code] : kCodes) {
    if (error.code() == name) return Status(code, error.message());
  }
  return InternalError(error.code() + ": " + error.message());
}

StatusOr<pb::SubmitResponse> Client::Submit(std::string signed_transaction) {
  pb::Request request;
  request.mutable_submit()->set_signed_transaction(std::move(signed_transaction));
  CREG_ASSIGN_OR_RETURN(pb::Response response, Call(std::move(request)));
  if (response.has_error()) return StatusOfError(response.error());
  if (!response.has_submit())
    return InvalidArgumentError("the node answered a submission with something else");
  return std::move(*response.mutable_submit());
}

StatusOr<pb::StatusResponse> Client::GetStatus() {
  pb::Request request;
  request.mutable_status();
  CREG_ASSIGN_OR_RETURN(pb::Response response, Call(std::move(request)));
  if (response.has_error()) return StatusOfError(response.error());
  return std::move(*response.mutable_status());
}

StatusOr<pb::CheckpointResponse> Client::GetCheckpoint() {
  pb::Request request;
  request.mutable_get_checkpoint();
  CREG_ASSIGN_OR_RETURN(pb::Response response, Call(std::move(request)));
  if (response.has_error()) return StatusOfError(response.error());
  return std::move(*response.mutable_checkpoint());
}

}  // namespace creg
