// Frames on the wire: a 4-byte big-endian length, then that many bytes of
// one protobuf message (docs/protocol.md, "Framing").
//
// FrameDecoder only parses bytes: it is fed whatever the socket delivered
// and hands out complete frames. It checks the announced length against the
// limit before allocating anything, so a header announcing 4 GiB costs
// nothing. Not thread-safe; one per connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ledger/status.h"

namespace creg {

inline constexpr size_t kFrameHeaderSize = 4;
// Default largest frame body: 4 MiB, far above any transaction (a few KiB)
// and any page of entries the node builds (capped at 3 MiB,
// ResponseLimits in node/request_handler.h).
inline constexpr uint32_t kDefaultMaxFrameBytes = 4u << 20;

// Header + body, ready to write.
std::string EncodeFrame(std::string_view body);

class FrameDecoder {
 public:
  explicit FrameDecoder(uint32_t max_frame_bytes = kDefaultMaxFrameBytes) : max_(max_frame_bytes) {}

  // Appends received bytes.
  void Feed(std::string_view bytes) { buffer_.append(bytes); }

  // The next complete frame body, nullopt if more bytes are needed, or
  // InvalidArgument if the announced length exceeds the limit (the stream
  // cannot be resynchronized after that; close the connection).
  StatusOr<std::optional<std::string>> Next();

  // Bytes received but not yet returned as a frame.
  size_t buffered() const { return buffer_.size() - consumed_; }
  // Bytes the decoder still needs to complete the current frame (at least 1).
  size_t wanted() const;
  // The length the current frame's header announces, once its 4 bytes are in.
  std::optional<uint32_t> announced() const;

 private:
  uint32_t max_;
  std::string buffer_;
  size_t consumed_ = 0;
};

}  // namespace creg
