// The frame codec (net/frame.h) on its own: whatever way the bytes of a
// stream are cut into reads, the decoder hands out the same frames; a
// length over the limit is refused, naming both, before anything is
// allocated for it.
#include "net/frame.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ledger/encoding.h"

namespace creg {
namespace {

// Every frame `decoder` can hand out now; fails the test on an error.
std::vector<std::string> Drain(FrameDecoder& decoder) {
  std::vector<std::string> frames;
  for (;;) {
    StatusOr<std::optional<std::string>> next = decoder.Next();
    EXPECT_TRUE(next.ok()) << next.status().ToString();
    if (!next.ok() || !next->has_value()) return frames;
    frames.push_back(std::move(**next));
  }
}

std::string Header(uint32_t length) {
  std::string header;
  AppendBigEndian32(&header, length);
  return header;
}

TEST(FrameTest, EncodeWritesABigEndianLengthThenTheBody) {
  EXPECT_EQ(EncodeFrame(""), std::string(4, '\0'));
  EXPECT_EQ(EncodeFrame("abc"), std::string("\0\0\0\3abc", 7));
  EXPECT_EQ(EncodeFrame(std::string(0x010203, 'x')).substr(0, 4), std::string("\0\1\2\3", 4));
}

TEST(FrameTest, EveryCutOfTheStreamGivesTheSameFrames) {
  const std::vector<std::string> bodies = {"first", "", std::string(300, 'b'),
                                           std::string("\0\0\0\1", 4), "last"};
  std::string stream;
  for (const std::string& b : bodies) stream += EncodeFrame(b);
  // One cut at every byte boundary...
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    FrameDecoder decoder;
    decoder.Feed(std::string_view(stream).substr(0, cut));
    std::vector<std::string> frames = Drain(decoder);
    decoder.Feed(std::string_view(stream).substr(cut));
    std::vector<std::string> rest = Drain(decoder);
    frames.insert(frames.end(), rest.begin(), rest.end());
    EXPECT_EQ(frames, bodies);
    EXPECT_EQ(decoder.buffered(), 0u);
  }
  // ...and a byte at a time, asking after each.
  FrameDecoder decoder;
  std::vector<std::string> frames;
  for (char c : stream) {
    decoder.Feed(std::string_view(&c, 1));
    std::vector<std::string> got = Drain(decoder);
    frames.insert(frames.end(), got.begin(), got.end());
  }
  EXPECT_EQ(frames, bodies);
}

TEST(FrameTest, SeveralFramesInOneChunkComeOutInOrder) {
  FrameDecoder decoder;
  decoder.Feed(EncodeFrame("a") + EncodeFrame("bb") + EncodeFrame("ccc") + std::string(2, '\0'));
  EXPECT_EQ(Drain(decoder), (std::vector<std::string>{"a", "bb", "ccc"}));
  // Half a header is kept for the next read.
  EXPECT_EQ(decoder.buffered(), 2u);
  EXPECT_EQ(decoder.wanted(), 2u);
  EXPECT_FALSE(decoder.announced().has_value());
}

TEST(FrameTest, ZeroLengthFrameIsAnEmptyBody) {
  FrameDecoder decoder;
  decoder.Feed(EncodeFrame(""));
  StatusOr<std::optional<std::string>> next = decoder.Next();
  ASSERT_TRUE(next.ok());
  ASSERT_TRUE(next->has_value());
  EXPECT_EQ(**next, "");
  EXPECT_EQ(decoder.buffered(), 0u);
}

TEST(FrameTest, TruncatedInputWaitsAndSaysWhatItWants) {
  FrameDecoder decoder;
  EXPECT_EQ(decoder.wanted(), kFrameHeaderSize);
  const std::string frame = EncodeFrame("hello");
  decoder.Feed(frame.substr(0, 3));
  EXPECT_FALSE(decoder.Next().value().has_value());
  EXPECT_EQ(decoder.wanted(), 1u);
  decoder.Feed(frame.substr(3, 3));  // the header and two bytes of body
  EXPECT_FALSE(decoder.Next().value().has_value());
  EXPECT_EQ(decoder.announced(), 5u);
  EXPECT_EQ(decoder.wanted(), 3u);
  EXPECT_EQ(decoder.buffered(), 6u);
  decoder.Feed(frame.substr(6));
  EXPECT_EQ(decoder.Next().value(), "hello");
  // Nothing more: it waits again, for a header.
  EXPECT_FALSE(decoder.Next().value().has_value());
  EXPECT_EQ(decoder.wanted(), kFrameHeaderSize);
}

TEST(FrameTest, OversizeLengthIsRefusedNamingLengthAndLimit) {
  FrameDecoder decoder(1000);
  // The header alone is enough to refuse: no body bytes are waited for.
  decoder.Feed(Header(1001));
  StatusOr<std::optional<std::string>> next = decoder.Next();
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(next.status().message().find("1001"), std::string::npos) << next.status().ToString();
  EXPECT_NE(next.status().message().find("limit of 1000"), std::string::npos)
      << next.status().ToString();

  // 4 GiB announced by the default decoder costs nothing and is refused.
  FrameDecoder big;
  big.Feed(Header(0xFFFFFFFF));
  next = big.Next();
  ASSERT_FALSE(next.ok());
  EXPECT_NE(next.status().message().find(std::to_string(kDefaultMaxFrameBytes)), std::string::npos)
      << next.status().ToString();
  EXPECT_EQ(big.buffered(), kFrameHeaderSize);

  // A good frame before the bad one still comes out first.
  FrameDecoder mixed(10);
  mixed.Feed(EncodeFrame("ok") + Header(11));
  EXPECT_EQ(mixed.Next().value(), "ok");
  EXPECT_FALSE(mixed.Next().ok());
}

TEST(FrameTest, FrameOfExactlyTheLimitIsAccepted) {
  FrameDecoder small(16);
  small.Feed(EncodeFrame(std::string(16, 's')));
  EXPECT_EQ(small.Next().value(), std::string(16, 's'));

  FrameDecoder decoder;
  const std::string body(kDefaultMaxFrameBytes, 'm');
  decoder.Feed(EncodeFrame(body));
  StatusOr<std::optional<std::string>> next = decoder.Next();
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  ASSERT_TRUE(next->has_value());
  EXPECT_EQ((*next)->size(), body.size());
  EXPECT_EQ(**next, body);
}

TEST(FrameTest, ManySmallFramesKeepTheBufferSmall) {
  // Past the compaction threshold the consumed prefix is dropped, and
  // frames keep coming out right across it.
  FrameDecoder decoder;
  for (int i = 0; i < 5000; ++i) {
    std::string body = "frame " + std::to_string(i);
    decoder.Feed(EncodeFrame(body));
    decoder.Feed(std::string_view("\0\0", 2));  // half the next header, every time
    ASSERT_EQ(decoder.Next().value(), body);
    ASSERT_EQ(decoder.buffered(), 2u);
    std::string rest = EncodeFrame(body).substr(2);
    decoder.Feed(std::string_view(rest).substr(0, 2));
    decoder.Feed(std::string_view(rest).substr(2));
    ASSERT_EQ(decoder.Next().value(), body);
    ASSERT_EQ(decoder.buffered(), 0u);
  }
}

}  // namespace
}  // namespace creg
