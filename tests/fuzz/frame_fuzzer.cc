// Fuzzes FrameDecoder (net/frame.h) with arbitrary byte streams cut into
// arbitrary chunks, against a reference parser of the same stream.
//
// Input: the frame limit and the chunk sizes are taken from the end of the
// input (FuzzedDataProvider), the stream bytes from the front.
//
// Checks, besides "never crashes":
//  - the frames handed out are exactly those of the stream, in order,
//    whatever the chunking; a header above the limit is an error exactly
//    where the reference meets it;
//  - buffered() and wanted() agree with the reference;
//  - Next() never allocates more than the limit (plus a small constant),
//    whatever length a header announces.
#include <fuzzer/FuzzedDataProvider.h>
#include <sanitizer/allocator_interface.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "ledger/encoding.h"
#include "net/frame.h"

namespace {

// Largest allocation made on this thread while `watching` is set.
thread_local bool watching = false;
thread_local size_t largest_allocation = 0;

void OnMalloc(const volatile void*, size_t size) {
  if (watching) largest_allocation = std::max(largest_allocation, size);
}
void OnFree(const volatile void*) {}

// What Next() may allocate besides the body: an error message.
constexpr size_t kAllocationSlack = 512;

void Fail(const char* what) {
  std::fprintf(stderr, "frame_fuzzer: %s\n", what);
  std::abort();
}

// The stream parsed at once: frame bodies until the first incomplete frame
// or the first header over the limit.
struct Reference {
  std::vector<std::string> frames;
  bool over_limit = false;
  size_t consumed = 0;  // bytes of the returned frames, headers included
  size_t wanted = 0;    // what the decoder should still want
};

Reference Parse(const std::string& stream, uint32_t limit) {
  Reference ref;
  for (;;) {
    size_t have = stream.size() - ref.consumed;
    if (have < creg::kFrameHeaderSize) {
      ref.wanted = creg::kFrameHeaderSize - have;
      return ref;
    }
    uint32_t length = creg::ReadBigEndian32(std::string_view(stream).substr(ref.consumed, 4));
    if (length > limit) {
      ref.over_limit = true;
      return ref;
    }
    if (have < creg::kFrameHeaderSize + length) {
      ref.wanted = creg::kFrameHeaderSize + length - have;
      return ref;
    }
    ref.frames.push_back(stream.substr(ref.consumed + creg::kFrameHeaderSize, length));
    ref.consumed += creg::kFrameHeaderSize + length;
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (__sanitizer_install_malloc_and_free_hooks(OnMalloc, OnFree) == 0)
    Fail("cannot install malloc hooks");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static constexpr std::array<uint32_t, 7> kLimits = {
      0, 1, 5, 64, 300, 4096, creg::kDefaultMaxFrameBytes};
  FuzzedDataProvider input(data, size);
  const uint32_t limit = kLimits[input.ConsumeIntegralInRange<size_t>(0, kLimits.size() - 1)];

  creg::FrameDecoder decoder(limit);
  std::string stream;
  size_t frames_seen = 0;
  while (input.remaining_bytes() > 0) {
    size_t chunk = input.ConsumeIntegralInRange<size_t>(0, 300);
    std::string bytes = input.ConsumeBytesAsString(chunk);
    stream += bytes;
    decoder.Feed(bytes);
    const Reference ref = Parse(stream, limit);
    for (;;) {
      largest_allocation = 0;
      watching = true;
      creg::StatusOr<std::optional<std::string>> next = decoder.Next();
      watching = false;
      if (largest_allocation > static_cast<size_t>(limit) + kAllocationSlack) {
        Fail("Next() allocated more than the frame limit");
      }
      if (!next.ok()) {
        if (!ref.over_limit || frames_seen != ref.frames.size())
          Fail("error where the stream is valid");
        if (next.status().code() != creg::StatusCode::kInvalidArgument)
          Fail("over-limit error is not InvalidArgument");
        return 0;  // The stream cannot be resynchronized; the caller closes.
      }
      if (!next->has_value()) break;
      if (frames_seen >= ref.frames.size() || **next != ref.frames[frames_seen])
        Fail("wrong frame");
      if (creg::EncodeFrame(**next).size() != creg::kFrameHeaderSize + (*next)->size())
        Fail("bad EncodeFrame");
      ++frames_seen;
    }
    if (frames_seen != ref.frames.size()) Fail("a complete frame was not handed out");
    if (ref.over_limit) Fail("an over-limit header was not refused");
    if (decoder.buffered() != stream.size() - ref.consumed) Fail("buffered() is wrong");
    if (decoder.wanted() != ref.wanted) Fail("wanted() is wrong");
  }
  return 0;
}
