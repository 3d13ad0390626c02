#include "ledger/json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace creg::json {
namespace {

Value MustParse(std::string_view text) {
  StatusOr<Value> v = Parse(text);
  EXPECT_TRUE(v.ok()) << text << ": " << v.status().ToString();
  return v.ok() ? *v : Value();
}

// Expects Parse to refuse `text` with InvalidArgument at byte `offset`.
void ExpectRefused(std::string_view text, size_t offset) {
  StatusOr<Value> v = Parse(text);
  ASSERT_FALSE(v.ok()) << "accepted: " << text;
  EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument) << text;
  EXPECT_TRUE(v.status().message().ends_with(" at byte " + std::to_string(offset)))
      << text << " -> " << v.status().message();
}

TEST(JsonTest, ParsesScalars) {
  EXPECT_TRUE(MustParse("null").is_null());
  EXPECT_EQ(MustParse("true"), Value(true));
  EXPECT_EQ(MustParse("false"), Value(false));
  EXPECT_EQ(MustParse(" \t\r\n\"x\" \n"), Value("x"));
  EXPECT_EQ(MustParse("0"), Value(0));
  EXPECT_EQ(MustParse("-0"), Value(0));
  EXPECT_EQ(MustParse("-17").as_int(), -17);
  EXPECT_EQ(MustParse("1.5").as_double(), 1.5);
  EXPECT_EQ(MustParse("-2.5e3").as_double(), -2500.0);
  EXPECT_EQ(MustParse("1E2"), Value(100.0));
  EXPECT_EQ(MustParse("1e-2").as_double(), 0.01);
  EXPECT_TRUE(MustParse("1.0").is_double());
  EXPECT_NE(MustParse("1.0"), MustParse("1"));
}

TEST(JsonTest, IntegersAreExact) {
  Value min = MustParse("-9223372036854775808");
  ASSERT_TRUE(min.is_int());
  EXPECT_EQ(min.as_int(), std::numeric_limits<int64_t>::min());
  EXPECT_FALSE(min.is_uint());
  Value max = MustParse("9223372036854775807");
  EXPECT_EQ(max.as_int(), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(max.as_uint(), uint64_t{9223372036854775807u});
  Value above = MustParse("9223372036854775808");
  EXPECT_FALSE(above.is_int());
  ASSERT_TRUE(above.is_uint());
  EXPECT_EQ(above.type(), Type::kInt);
  EXPECT_EQ(above.as_uint(), uint64_t{1} << 63);
  Value umax = MustParse("18446744073709551615");
  EXPECT_EQ(umax.as_uint(), std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(Serialize(umax), "18446744073709551615");
  EXPECT_EQ(umax, Value(std::numeric_limits<uint64_t>::max()));
  // Unsigned values that fit an int64 are the same value as the signed ones.
  EXPECT_EQ(Value(uint64_t{5}), Value(5));
  EXPECT_TRUE(Value(uint64_t{5}).is_int());
  // 2^53 + 1 is not a double; it must survive exactly.
  EXPECT_EQ(Serialize(MustParse("9007199254740993")), "9007199254740993");
  EXPECT_EQ(Serialize(Value(std::numeric_limits<int64_t>::min())), "-9223372036854775808");
  ExpectRefused("18446744073709551616", 0);
  ExpectRefused("[-9223372036854775809]", 1);
  ExpectRefused("1e400", 0);
  ExpectRefused("-1e400", 0);
}

TEST(JsonTest, DoublesRoundTripAndStayDoubles) {
  EXPECT_EQ(Serialize(Value(1.0)), "1.0");
  EXPECT_EQ(Serialize(Value(0.1)), "0.1");
  EXPECT_EQ(Serialize(Value(-2.5)), "-2.5");
  EXPECT_EQ(Serialize(Value(1e300)), "1e+300");
  EXPECT_EQ(Serialize(Value(-0.0)), "-0.0");
  EXPECT_EQ(Serialize(Value(std::nan(""))), "null");
  EXPECT_EQ(Serialize(Value(std::numeric_limits<double>::infinity())), "null");
  for (double d : {0.1, 1.0 / 3.0, 123456789.125, 5e-324, 1.7976931348623157e308, 1e21}) {
    Value back = MustParse(Serialize(Value(d)));
    ASSERT_TRUE(back.is_double()) << d;
    EXPECT_EQ(back.as_double(), d);
  }
}

TEST(JsonTest, ParsesContainersInOrder) {
  Value v = MustParse(R"({"z": 1, "a": [true, null, "s", {"k": []}], "m": {}})");
  ASSERT_TRUE(v.is_object());
  const Object& o = v.as_object();
  ASSERT_EQ(o.size(), 3u);
  EXPECT_EQ(o[0].first, "z");
  EXPECT_EQ(o[1].first, "a");
  EXPECT_EQ(o[2].first, "m");
  ASSERT_NE(v.Find("a"), nullptr);
  EXPECT_EQ(v.Find("a")->as_array().size(), 4u);
  EXPECT_TRUE(v.Find("a")->as_array()[3].Find("k")->as_array().empty());
  EXPECT_EQ(v.Find("missing"), nullptr);
  EXPECT_EQ(Value(3).Find("z"), nullptr);
  EXPECT_EQ(Serialize(v), R"({"z":1,"a":[true,null,"s",{"k":[]}],"m":{}})");
  EXPECT_EQ(MustParse("[]"), Value::EmptyArray());
  EXPECT_EQ(MustParse(" { } "), Value::EmptyObject());
}

TEST(JsonTest, DecodesEscapesAndSurrogates) {
  EXPECT_EQ(MustParse(R"("\"\\\/\b\f\n\r\t")").as_string(), "\"\\/\b\f\n\r\t");
  EXPECT_EQ(MustParse(R"("\u00e9")").as_string(), "\xC3\xA9");
  EXPECT_EQ(MustParse(R"("\u20AC")").as_string(), "\xE2\x82\xAC");
  EXPECT_EQ(MustParse(R"("\ud83d\ude00")").as_string(), "\xF0\x9F\x98\x80");
  EXPECT_EQ(MustParse(R"("\uDBFF\uDFFF")").as_string(), "\xF4\x8F\xBF\xBF");
  EXPECT_EQ(MustParse(R"("a\u0000b")").as_string(), std::string("a\0b", 3));
  // Raw UTF-8 passes through unchanged, up to U+10FFFF.
  EXPECT_EQ(MustParse("\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF\"").as_string(),
            "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF");
}

TEST(JsonTest, RefusesMalformedText) {
  ExpectRefused("", 0);
  ExpectRefused("   ", 3);
  ExpectRefused("[1] x", 4);
  ExpectRefused("{} {}", 3);
  ExpectRefused("1 2", 2);
  ExpectRefused("[1,]", 3);
  ExpectRefused("[1 2]", 3);
  ExpectRefused("[", 1);
  ExpectRefused("{\"a\":1,}", 7);
  ExpectRefused("{\"a\"}", 4);
  ExpectRefused("{\"a\" 1}", 5);
  ExpectRefused("{a:1}", 1);
  ExpectRefused("{'a':1}", 1);
  ExpectRefused("tru", 0);
  ExpectRefused("nul", 0);
  ExpectRefused("True", 0);
  ExpectRefused("NaN", 0);
  ExpectRefused("Infinity", 0);
  ExpectRefused("-Infinity", 1);
  ExpectRefused("01", 1);
  ExpectRefused("-01", 2);
  ExpectRefused("+1", 0);
  ExpectRefused(".5", 0);
  ExpectRefused("1.", 2);
  ExpectRefused("1.e3", 2);
  ExpectRefused("1e", 2);
  ExpectRefused("1e+", 3);
  ExpectRefused("0x10", 1);
  ExpectRefused("[1] // comment", 4);
  ExpectRefused("\xEF\xBB\xBF{}", 0);  // A byte order mark.
  ExpectRefused("\f1", 0);             // Form feed is not JSON whitespace.
}

TEST(JsonTest, RefusesBadStrings) {
  ExpectRefused("\"abc", 0);
  ExpectRefused("\"a\x01\"", 2);
  ExpectRefused("\"a\nb\"", 2);
  ExpectRefused("\"tab\there\"", 4);
  ExpectRefused("\"\x7f\"x", 3);  // DEL is allowed; the trailing x is not.
  ExpectRefused(R"("\x")", 1);
  ExpectRefused(R"("\U0041")", 1);
  ExpectRefused(R"("\u12")", 3);
  ExpectRefused(R"("\u12G4")", 5);
  ExpectRefused(R"("\ud800")", 1);
  ExpectRefused(R"("\ud800x")", 1);
  ExpectRefused(R"("\ud800\u0041")", 1);
  ExpectRefused(R"("\ud800\ud800")", 1);
  ExpectRefused(R"(["ok", "\udc00"])", 8);
  ExpectRefused("\"\xC0\x80\"", 1);          // Overlong NUL.
  ExpectRefused("\"\xE0\x80\xAF\"", 1);      // Overlong '/'.
  ExpectRefused("\"\xED\xA0\x80\"", 1);      // A surrogate in UTF-8.
  ExpectRefused("\"\xF4\x90\x80\x80\"", 1);  // Past U+10FFFF.
  ExpectRefused("\"\xF8\x88\x80\x80\x80\"", 1);
  ExpectRefused("\"\x80\"", 1);  // A lone continuation byte.
  ExpectRefused("\"\xE2\x82\"", 1);
  ExpectRefused("\"\xE2\x82", 1);
}

TEST(JsonTest, RefusesDuplicateKeys) {
  ExpectRefused(R"({"a":1,"b":2,"a":3})", 13);
  ExpectRefused(R"({"a":1,"\u0061":2})", 7);  // The same key once unescaped.
  ExpectRefused(R"({"x":{"a":1,"a":1}})", 12);
  EXPECT_TRUE(Parse(R"({"a":{"a":1},"b":{"a":2}})").ok());
}

TEST(JsonTest, LimitsNestingDepth) {
  const std::string deepest = std::string(kMaxDepth, '[') + std::string(kMaxDepth, ']');
  EXPECT_TRUE(Parse(deepest).ok());
  ExpectRefused("[" + deepest + "]", 64);
  std::string objects;
  for (int i = 0; i < kMaxDepth; ++i) objects += "{\"k\":";
  objects += "1" + std::string(kMaxDepth, '}');
  EXPECT_TRUE(Parse(objects).ok());
  ExpectRefused("[" + objects + "]", 1 + 5 * 63);
  // Far too deep input is refused, not a stack overflow.
  ExpectRefused(std::string(100000, '['), 64);
}

TEST(JsonTest, SerializesEscapes) {
  std::string raw = "q\" b\\ /\b\f\n\r\t";
  raw.push_back('\0');
  raw += "\x01\x1f\x7f\xC3\xA9";
  const std::string text = Serialize(Value(raw));
  EXPECT_EQ(text, "\"q\\\" b\\\\ /\\b\\f\\n\\r\\t\\u0000\\u0001\\u001f\x7f\xC3\xA9\"");
  EXPECT_EQ(MustParse(text).as_string(), raw);
}

TEST(JsonTest, PrettyOutputIsExact) {
  Value doc = Value::EmptyObject();
  doc.Set("format", "creg-retirement-certificate/1");
  doc.Set("entry_index", 41);
  Value& proof = doc.Set("inclusion_proof", Value::EmptyArray());
  proof.Append("aGFzaA==");
  proof.Append(nullptr);
  doc.Set("empty", Value::EmptyObject());
  doc.Set("nested", Value(Object{{"a", Value(Array{1, 2.5})}, {"b", false}}));
  const std::string pretty = Serialize(doc, /*pretty=*/true);
  EXPECT_EQ(pretty,
            "{\n"
            "  \"format\": \"creg-retirement-certificate/1\",\n"
            "  \"entry_index\": 41,\n"
            "  \"inclusion_proof\": [\n"
            "    \"aGFzaA==\",\n"
            "    null\n"
            "  ],\n"
            "  \"empty\": {},\n"
            "  \"nested\": {\n"
            "    \"a\": [\n"
            "      1,\n"
            "      2.5\n"
            "    ],\n"
            "    \"b\": false\n"
            "  }\n"
            "}");
  EXPECT_EQ(MustParse(pretty), doc);
  EXPECT_EQ(Serialize(MustParse(pretty), true), pretty);
  EXPECT_EQ(Serialize(doc),
            R"({"format":"creg-retirement-certificate/1","entry_index":41,)"
            R"("inclusion_proof":["aGFzaA==",null],"empty":{},"nested":{"a":[1,2.5],"b":false}})");
  EXPECT_EQ(Serialize(Value::EmptyArray(), true), "[]");
  EXPECT_EQ(Serialize(Value("x"), true), "\"x\"");
}

TEST(JsonTest, RoundTripsEveryKindOfValue) {
  const char* texts[] = {"null",
                         "true",
                         "-1",
                         "18446744073709551615",
                         "0.5",
                         "\"\"",
                         "[]",
                         "{}",
                         R"({"a":[1,{"b":[[],{}]},"\u0001"],"c":-9223372036854775808,"d":1e-07})"};
  for (const char* text : texts) {
    Value v = MustParse(text);
    EXPECT_EQ(MustParse(Serialize(v)), v) << text;
    EXPECT_EQ(MustParse(Serialize(v, true)), v) << text;
    EXPECT_EQ(Serialize(MustParse(Serialize(v))), Serialize(v)) << text;
  }
}

TEST(JsonTest, SetReplacesInPlace) {
  Value doc = Value::EmptyObject();
  doc.Set("a", 1);
  doc.Set("b", 2);
  doc.Set("a", "one");
  EXPECT_EQ(Serialize(doc), R"({"a":"one","b":2})");
}

TEST(JsonTest, CheckedGettersNameTheField) {
  Value doc = MustParse(
      R"({"s":"x","i":-3,"u":7,"big":18446744073709551615,"b":true,"a":[1],"o":{"k":1}})");
  EXPECT_EQ(doc.GetString("s").value(), "x");
  EXPECT_EQ(doc.GetInt("i").value(), -3);
  EXPECT_EQ(doc.GetUint("u").value(), 7u);
  EXPECT_EQ(doc.GetUint("big").value(), std::numeric_limits<uint64_t>::max());
  EXPECT_TRUE(doc.GetBool("b").value());
  EXPECT_EQ(doc.GetArray("a").value()->size(), 1u);
  EXPECT_EQ(doc.GetObject("o").value()->GetInt("k").value(), 1);

  auto expect_error = [](const Status& s, std::string_view message) {
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(s.message(), message);
  };
  expect_error(doc.GetString("nope").status(), "field \"nope\" is missing");
  expect_error(doc.GetString("i").status(), "field \"i\" must be a string");
  expect_error(doc.GetInt("s").status(), "field \"s\" must be an integer");
  expect_error(doc.GetInt("big").status(), "field \"big\" is out of range");
  expect_error(doc.GetUint("i").status(), "field \"i\" must be a non-negative integer");
  expect_error(doc.GetBool("s").status(), "field \"s\" must be true or false");
  expect_error(doc.GetArray("o").status(), "field \"o\" must be an array");
  expect_error(doc.GetObject("a").status(), "field \"a\" must be an object");
  expect_error(Value(1).GetInt("k").status(), "field \"k\" is missing");
}

}  // namespace
}  // namespace creg::json
