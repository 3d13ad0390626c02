#include "net/frame.h"

#include "ledger/encoding.h"

namespace creg {

std::string EncodeFrame(std::string_view body) {
  std::string frame;
  frame.reserve(kFrameHeaderSize + body.size());
  AppendBigEndian32(&frame, static_cast<uint32_t>(body.size()));
  frame.append(body);
  return frame;
}

StatusOr<std::optional<std::string>> FrameDecoder::Next() {
  if (buffered() < kFrameHeaderSize) return std::optional<std::string>();
  uint32_t length = ReadBigEndian32(std::string_view(buffer_).substr(consumed_));
  if (length > max_) {
    return InvalidArgumentError("frame of " + std::to_string(length) +
                                " bytes exceeds the limit of " + std::to_string(max_) + " bytes");
  }
  if (buffered() < kFrameHeaderSize + length) return std::optional<std::string>();
  std::string body = buffer_.substr(consumed_ + kFrameHeaderSize, length);
  consumed_ += kFrameHeaderSize + length;
  // Compact once the consumed prefix dominates, so the buffer stays small.
  if (consumed_ > 4096 && consumed_ * 2 > buffer_.size()) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  return std::optional<std::string>(std::move(body));
}

std::optional<uint32_t> FrameDecoder::announced() const {
  if (buffered() < kFrameHeaderSize) return std::nullopt;
  return ReadBigEndian32(std::string_view(buffer_).substr(consumed_));
}

size_t FrameDecoder::wanted() const {
  size_t have = buffered();
  if (have < kFrameHeaderSize) return kFrameHeaderSize - have;
  uint32_t length = ReadBigEndian32(std::string_view(buffer_).substr(consumed_));
  size_t need = kFrameHeaderSize + length;
  return need > have ? need - have : 1;
}

}  // namespace creg
