#include "ledger/encoding.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace creg {
namespace {

std::string AllBytes() {
  std::string s;
  for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
  return s;
}

// RFC 4648 section 10.
const std::vector<std::pair<std::string, std::string>> kRfc4648Base64 = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};
const std::vector<std::pair<std::string, std::string>> kRfc4648Base16 = {
    {"", ""},
    {"f", "66"},
    {"fo", "666F"},
    {"foo", "666F6F"},
    {"foob", "666F6F62"},
    {"fooba", "666F6F6261"},
    {"foobar", "666F6F626172"},
};

TEST(EncodingTest, Base64Rfc4648Vectors) {
  for (const auto& [plain, encoded] : kRfc4648Base64) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    StatusOr<std::string> decoded = Base64Decode(encoded);
    ASSERT_TRUE(decoded.ok()) << encoded << ": " << decoded.status().ToString();
    EXPECT_EQ(*decoded, plain);
  }
}

TEST(EncodingTest, Base64UsesStandardAlphabet) {
  EXPECT_EQ(Base64Encode("\xfb\xff\xbf"), "+/+/");
  EXPECT_EQ(Base64Encode(std::string(3, '\0')), "AAAA");
  std::string bytes;
  for (int i = 0; i < 32; ++i) bytes.push_back(static_cast<char>(i));
  EXPECT_EQ(Base64Encode(bytes), "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
}

TEST(EncodingTest, Base64RoundTripsEveryLength) {
  const std::string all = AllBytes();
  for (size_t n = 0; n <= all.size(); ++n) {
    std::string prefix = all.substr(0, n);
    std::string encoded = Base64Encode(prefix);
    EXPECT_EQ(encoded.size(), (n + 2) / 3 * 4);
    StatusOr<std::string> back = Base64Decode(encoded);
    ASSERT_TRUE(back.ok()) << n;
    EXPECT_EQ(*back, prefix);
  }
}

TEST(EncodingTest, Base64RefusesMalformedText) {
  for (const char* bad : {
           "Zg",            // Missing padding.
           "Zg=",           // Length not a multiple of 4.
           "Zm9vY",         // Length not a multiple of 4.
           "Zh==",          // Non-zero padding bits: non-canonical "f".
           "Zm9=",          // Non-zero padding bits: non-canonical "fo".
           "Z===",          // Three padding characters.
           "====",          // Only padding.
           "Zg==Zm8=",      // Padding in the middle.
           "Zm=v",          // '=' inside a quantum.
           "Zm9v\n",        // Newline.
           "Zm9 v",         // Space.
           "Zm-_",          // URL-safe alphabet.
           "Zm9v\xc3\xa9",  // Non-ASCII.
       }) {
    StatusOr<std::string> decoded = Base64Decode(bad);
    EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument) << '"' << bad << '"';
  }
  EXPECT_FALSE(Base64Decode(std::string_view("Zm9v\0AAA", 8)).ok());
}

TEST(EncodingTest, HexRfc4648Vectors) {
  for (const auto& [plain, upper] : kRfc4648Base16) {
    std::string lower = upper;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(HexEncode(plain), lower);                   // We write lower case ...
    StatusOr<std::string> from_upper = HexDecode(upper);  // ... and read both.
    StatusOr<std::string> from_lower = HexDecode(lower);
    ASSERT_TRUE(from_upper.ok() && from_lower.ok()) << upper;
    EXPECT_EQ(*from_upper, plain);
    EXPECT_EQ(*from_lower, plain);
  }
}

TEST(EncodingTest, HexRoundTripsAllBytes) {
  const std::string all = AllBytes();
  std::string hex = HexEncode(all);
  EXPECT_EQ(hex.substr(0, 8), "00010203");
  EXPECT_EQ(hex.substr(hex.size() - 4), "feff");
  StatusOr<std::string> back = HexDecode(hex);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, all);
  EXPECT_EQ(*HexDecode("DeadBeef"), "\xde\xad\xbe\xef");
}

TEST(EncodingTest, HexRefusesMalformedText) {
  for (const char* bad : {"0", "abc", "0g", "g0", "0x00", " 00", "00 ", "+1", "zz"}) {
    EXPECT_EQ(HexDecode(bad).status().code(), StatusCode::kInvalidArgument) << '"' << bad << '"';
  }
}

TEST(EncodingTest, BigEndian64) {
  std::string out;
  AppendBigEndian64(&out, 0x0102030405060708ull);
  EXPECT_EQ(out, "\x01\x02\x03\x04\x05\x06\x07\x08");
  EXPECT_EQ(ReadBigEndian64(out), 0x0102030405060708ull);

  std::string zero;
  AppendBigEndian64(&zero, 0);
  EXPECT_EQ(zero, std::string(8, '\0'));
  std::string max;
  AppendBigEndian64(&max, UINT64_MAX);
  EXPECT_EQ(max, std::string(8, '\xff'));
  EXPECT_EQ(ReadBigEndian64(max), UINT64_MAX);

  // Appends, and reads only the first 8 bytes.
  std::string two = "x";
  AppendBigEndian64(&two, 7);
  EXPECT_EQ(two.size(), 9u);
  EXPECT_EQ(ReadBigEndian64(two.substr(1) + "trailing"), 7u);
}

TEST(EncodingTest, BigEndian32) {
  std::string out;
  AppendBigEndian32(&out, 0xc74f20a3u);
  EXPECT_EQ(out, "\xc7\x4f\x20\xa3");
  EXPECT_EQ(ReadBigEndian32(out), 0xc74f20a3u);
  std::string max;
  AppendBigEndian32(&max, UINT32_MAX);
  EXPECT_EQ(ReadBigEndian32(max), UINT32_MAX);
}

// Byte order equals numeric order, which storage keys rely on.
TEST(EncodingTest, BigEndianSortsNumerically) {
  const uint64_t values[] = {0,          1,
                             255,        256,
                             65535,      65536,
                             1ull << 32, (1ull << 56) - 1,
                             1ull << 56, UINT64_MAX - 1,
                             UINT64_MAX};
  for (uint64_t a : values) {
    for (uint64_t b : values) {
      std::string ka, kb;
      AppendBigEndian64(&ka, a);
      AppendBigEndian64(&kb, b);
      EXPECT_EQ(a < b, ka < kb) << a << " " << b;
      std::string ja, jb;
      AppendBigEndian32(&ja, static_cast<uint32_t>(a));
      AppendBigEndian32(&jb, static_cast<uint32_t>(b));
      EXPECT_EQ(static_cast<uint32_t>(a) < static_cast<uint32_t>(b), ja < jb) << a << " " << b;
    }
  }
}

}  // namespace
}  // namespace creg
