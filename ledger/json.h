// A small, strict JSON value type (RFC 8259), for retirement certificates and
// test vectors.
//
// Parse accepts exactly RFC 8259 JSON text and refuses everything else with
// InvalidArgument, naming the byte offset: trailing garbage, a byte order
// mark, control characters or invalid UTF-8 in strings, bad escapes, unpaired
// surrogates, leading zeros, duplicate object keys, nesting deeper than
// kMaxDepth arrays and objects. \uXXXX escapes, surrogate pairs included,
// are decoded to UTF-8.
//
// Numbers: an integer literal (no fraction, no exponent) is kept exactly,
// as any value in [INT64_MIN, UINT64_MAX] ("-0" becomes 0); one outside that
// range is refused rather than rounded. Any other number is a double; one
// that overflows a double is refused. 1 and 1.0 are different values.
//
// Objects keep their members in insertion order; Serialize writes them in
// that order, so output is deterministic. Serialize writes strings' bytes as
// they are, escaping only '"', '\\' and control characters; callers keep
// strings in UTF-8.
//
// Value is a regular value type (copyable, movable). A Value may be read from
// several threads at once; writing needs external synchronization. Parse and
// Serialize are pure and thread-safe.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "ledger/status.h"

namespace creg::json {

// Arrays and objects may be nested at most this deep when parsed.
inline constexpr int kMaxDepth = 64;

class Value;
using Array = std::vector<Value>;
// Members in insertion order; keys are unique.
using Object = std::vector<std::pair<std::string, Value>>;

// kInt is an integer in [INT64_MIN, UINT64_MAX].
enum class Type { kNull, kBool, kInt, kDouble, kString, kArray, kObject };

class Value {
 public:
  Value() = default;  // null
  Value(std::nullptr_t) {}
  Value(bool b) : v_(b) {}
  // Any integer type, kept exactly.
  template <typename T>
  requires(std::is_integral_v<T> && !std::is_same_v<T, bool>) Value(T i) {
    if constexpr (std::is_signed_v<T>) {
      v_ = static_cast<int64_t>(i);
    } else if (static_cast<uint64_t>(i) > static_cast<uint64_t>(INT64_MAX)) {
      v_ = static_cast<uint64_t>(i);
    } else {
      v_ = static_cast<int64_t>(i);
    }
  }
  // Non-finite doubles serialize as null.
  Value(double d) : v_(d) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(std::string_view s) : v_(std::string(s)) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(Array a) : v_(std::move(a)) {}
  Value(Object o) : v_(std::move(o)) {}

  static Value EmptyArray() { return Value(Array()); }
  static Value EmptyObject() { return Value(Object()); }

  Type type() const;
  bool is_null() const { return type() == Type::kNull; }
  bool is_bool() const { return type() == Type::kBool; }
  // An integer that fits in an int64.
  bool is_int() const { return std::holds_alternative<int64_t>(v_); }
  // A non-negative integer (that fits in a uint64).
  bool is_uint() const { return is_int() ? as_int() >= 0 : std::holds_alternative<uint64_t>(v_); }
  bool is_double() const { return type() == Type::kDouble; }
  bool is_number() const { return type() == Type::kInt || type() == Type::kDouble; }
  bool is_string() const { return type() == Type::kString; }
  bool is_array() const { return type() == Type::kArray; }
  bool is_object() const { return type() == Type::kObject; }

  // Preconditions: the matching is_*() holds; breaking one is a bug (std::get
  // throws std::bad_variant_access).
  bool as_bool() const { return std::get<bool>(v_); }
  int64_t as_int() const { return std::get<int64_t>(v_); }
  uint64_t as_uint() const;
  // An integer converts to double; precondition: is_number().
  double as_double() const;
  const std::string& as_string() const { return std::get<std::string>(v_); }
  const Array& as_array() const { return std::get<Array>(v_); }
  Array& as_array() { return std::get<Array>(v_); }
  const Object& as_object() const { return std::get<Object>(v_); }
  Object& as_object() { return std::get<Object>(v_); }

  // The member named `key`, or nullptr when absent or when this is not an
  // object. The pointer lives until the object is next modified.
  const Value* Find(std::string_view key) const;
  Value* Find(std::string_view key);

  // Precondition: is_object(). Replaces the member `key` in place, or
  // appends it. Returns the stored value.
  Value& Set(std::string_view key, Value value);
  // Precondition: is_array(). Appends and returns the stored value.
  Value& Append(Value value);

  // Checked member access for reading documents: InvalidArgument naming the
  // key when this is not an object, the member is missing, or it has another
  // type. GetInt refuses integers outside int64, GetUint negative ones.
  StatusOr<std::string> GetString(std::string_view key) const;
  StatusOr<int64_t> GetInt(std::string_view key) const;
  StatusOr<uint64_t> GetUint(std::string_view key) const;
  StatusOr<bool> GetBool(std::string_view key) const;
  // The pointers live as long as this value is not modified.
  StatusOr<const Array*> GetArray(std::string_view key) const;
  StatusOr<const Value*> GetObject(std::string_view key) const;

  // Same type and same value; objects compare members in order.
  friend bool operator==(const Value& a, const Value& b) { return a.v_ == b.v_; }

 private:
  // uint64_t holds only integers above INT64_MAX, so equal numbers have
  // equal representations.
  std::variant<std::monostate, bool, int64_t, uint64_t, double, std::string, Array, Object> v_;
};

// Parses one JSON text. InvalidArgument "json: <reason> at byte <offset>".
StatusOr<Value> Parse(std::string_view text);

// Compact output has no whitespace. Pretty output indents by two spaces,
// puts one member or element per line, writes "key": value, keeps empty
// arrays and objects as [] and {}, and ends without a newline. Doubles use
// the shortest text that reads back to the same double, with ".0" added
// when it would otherwise read back as an integer.
std::string Serialize(const Value& value, bool pretty = false);

}  // namespace creg::json
