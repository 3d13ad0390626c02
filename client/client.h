// Client: a connection to a registry node, speaking the framed protobuf
// protocol (docs/protocol.md) over a blocking socket, in plain TCP or, with
// ClientOptions::tls_ca_file, inside TLS.
//
// Call() sends one request and waits for its answer. For pipelining, Send()
// several requests and Receive() their answers, which may come back in any
// order (match them by id). Errors: Unavailable when the node cannot be
// reached, the connection fails or times out (a timed-out connection is
// closed), or the TLS handshake fails (including a node certificate that
// does not verify: the message then says "certificate verification
// failed"); InvalidArgument for a TLS CA file that cannot be loaded;
// DataLoss, with a message starting "protocol error:", when what the node
// sent breaks the protocol (a frame over max_frame_bytes, a frame that is
// not a Response, a connection closed in the middle of a frame); the
// connection is closed then, as it cannot be resynchronized. An Error
// response from the node is returned as a Response, not as a Status, except
// by Call for an Error with id 0 (the node closing the connection) and by
// the typed helpers, which turn it into a Status with StatusFromWire
// (net/wire_status.h): RESOURCE_EXHAUSTED becomes kResourceExhausted.
//
// Not thread-safe: one Client per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "creg/wire.pb.h"
#include "ledger/status.h"
#include "net/frame.h"

namespace creg {

struct ClientOptions {
  // Default: 10 s for connecting, the TLS handshake, each write and each
  // answer. Commits take milliseconds; a node that takes longer is in trouble.
  std::chrono::milliseconds timeout{10'000};
  uint32_t max_frame_bytes = kDefaultMaxFrameBytes;
  // Connect with TLS and trust the node only if its certificate chains to a
  // certificate in this PEM file (the node's own self-signed certificate
  // will do) and names the host of the address (its IP address when the
  // address is one). Default: empty, plain TCP.
  std::string tls_ca_file;
};

class Client {
 public:
  // Connects to "HOST:PORT" (and completes the TLS handshake if asked).
  // Unavailable naming the address on failure; InvalidArgument for a
  // malformed address or an unusable TLS CA file.
  static StatusOr<std::unique_ptr<Client>> Connect(const std::string& address,
                                                   ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Assigns the next id to `request` (if it has none) and writes it.
  Status Send(pb::Request& request);
  // The same for several requests, written together (one system call for
  // the lot, where the kernel takes them at once).
  Status SendAll(std::span<pb::Request> requests);
  // The next response to arrive; Unavailable (and the connection closed)
  // if none comes within the timeout; DataLoss for a protocol error.
  StatusOr<pb::Response> Receive();
  // The next response to arrive before `deadline`, or nullopt if none has
  // by then; the connection stays usable and a read begun stays pending
  // until the next receive. For a caller that must also send on time.
  StatusOr<std::optional<pb::Response>> ReceiveBefore(
      std::chrono::steady_clock::time_point deadline);
  // A response that has already arrived (read along with an earlier one),
  // if there is one; never waits.
  StatusOr<std::optional<pb::Response>> ReceiveBuffered();
  // Send then Receive until the answer to this request arrives; answers to
  // other requests received meanwhile are dropped.
  StatusOr<pb::Response> Call(pb::Request request);

  // Typed helpers. A node Error becomes the Status StatusFromWire gives
  // (net/wire_status.h): the node's code and message.
  StatusOr<pb::SubmitResponse> Submit(std::string signed_transaction);
  StatusOr<pb::StatusResponse> GetStatus();
  StatusOr<pb::CheckpointResponse> GetCheckpoint();

  const std::string& address() const { return address_; }
  bool tls() const;
  // The connection's channel binding for signing in (client/sign_in.h):
  // with TLS, net/tls_context.h's TlsChannelBinding; without, "".
  StatusOr<std::string> ChannelBinding() const;

 private:
  Client() = default;
  Status WriteAll(std::string_view bytes);
  Status Handshake(const std::string& host, const std::string& ca_file);
  // Closes the connection and returns the DataLoss described above.
  Status ProtocolError(const std::string& what);

  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string address_;
  FrameDecoder decoder_;
  uint32_t max_frame_bytes_ = kDefaultMaxFrameBytes;
  uint64_t next_id_ = 1;
  bool received_any_ = false;
};

}  // namespace creg
