// RawConnection: a plain TCP connection to a node, for tests that send what
// no client library would (garbage, frames cut off, a byte at a time, or
// nothing at all). IPv4 loopback addresses only; not thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "creg/wire.pb.h"
#include "net/frame.h"

namespace creg::testing {

class RawConnection {
 public:
  // Connects to `address` (HOST:PORT), from `source_ip` if given (another
  // loopback address, 127.0.0.2, to be a second client). Reads give up
  // after `read_timeout`.
  explicit RawConnection(const std::string& address,
                         std::chrono::seconds read_timeout = std::chrono::seconds(5),
                         const std::string& source_ip = "");
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }
  // Writes all of `bytes`; false if the connection would not take them
  // (never raises SIGPIPE).
  bool Write(std::string_view bytes);
  // Reads one response frame; nullopt on close, timeout or a frame that
  // does not decode.
  std::optional<pb::Response> ReadResponse();
  // True once the node closes the connection (end of stream, or an error
  // other than the read timeout) before the read timeout; bytes that
  // arrive first are read and dropped.
  bool ClosedByPeer();
  // True if the node has closed the connection by now, without waiting;
  // bytes already there are read and dropped.
  bool ClosedByPeerNow();

 private:
  int fd_ = -1;
  bool connected_ = false;
  FrameDecoder decoder_;
};

}  // namespace creg::testing
