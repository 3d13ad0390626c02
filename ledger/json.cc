#include "ledger/json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <unordered_set>

namespace creg::json {
namespace {

// The two-character escapes of RFC 8259 section 7: the letter after the
// backslash, and the byte it stands for.
constexpr std::pair<char, char> kShortEscapes[] = {{'"', '"'},  {'\\', '\\'}, {'/', '/'},
                                                   {'b', '\b'}, {'f', '\f'},  {'n', '\n'},
                                                   {'r', '\r'}, {'t', '\t'}};

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  StatusOr<Value> ParseDocument() {
    SkipWhitespace();
    CREG_ASSIGN_OR_RETURN(Value value, ParseValue(0));
    SkipWhitespace();
    if (pos_ != text_.size()) return Error("unexpected text after the value");
    return value;
  }

 private:
  Status Error(std::string_view what) const { return ErrorAt(what, pos_); }
  Status ErrorAt(std::string_view what, size_t at) const {
    return InvalidArgumentError("json: " + std::string(what) + " at byte " + std::to_string(at));
  }

  bool AtEnd() const { return pos_ >= text_.size(); }
  unsigned char Peek() const { return static_cast<unsigned char>(text_[pos_]); }

  void SkipWhitespace() {
    while (!AtEnd() && (Peek() == ' ' || Peek() == '\t' || Peek() == '\n' || Peek() == '\r')) {
      ++pos_;
    }
  }

  // Skips whitespace, then consumes `c` if it comes next.
  bool Consume(char c) {
    SkipWhitespace();
    if (AtEnd() || Peek() != static_cast<unsigned char>(c)) return false;
    ++pos_;
    return true;
  }

  StatusOr<Value> ParseValue(int depth) {
    if (AtEnd()) return Error("unexpected end of input, expected a value");
    switch (Peek()) {
      case '{':
        return ParseObject(depth + 1);
      case '[':
        return ParseArray(depth + 1);
      case '"': {
        CREG_ASSIGN_OR_RETURN(std::string s, ParseString());
        return Value(std::move(s));
      }
      case 't':
        CREG_RETURN_IF_ERROR(ParseLiteral("true"));
        return Value(true);
      case 'f':
        CREG_RETURN_IF_ERROR(ParseLiteral("false"));
        return Value(false);
      case 'n':
        CREG_RETURN_IF_ERROR(ParseLiteral("null"));
        return Value();
      default:
        if (Peek() == '-' || (Peek() >= '0' && Peek() <= '9')) return ParseNumber();
        return Error("expected a value");
    }
  }

  Status ParseLiteral(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return Error("invalid literal");
    pos_ += word.size();
    return OkStatus();
  }

  StatusOr<Value> ParseArray(int depth) {
    if (depth > kMaxDepth) return Error("nesting deeper than " + std::to_string(kMaxDepth));
    ++pos_;  // '['
    Value result = Value::EmptyArray();
    if (Consume(']')) return result;
    do {
      SkipWhitespace();
      CREG_ASSIGN_OR_RETURN(Value element, ParseValue(depth));
      result.as_array().push_back(std::move(element));
    } while (Consume(','));
    if (!Consume(']')) return Error("expected ',' or ']' in array");
    return result;
  }

  StatusOr<Value> ParseObject(int depth) {
    if (depth > kMaxDepth) return Error("nesting deeper than " + std::to_string(kMaxDepth));
    ++pos_;  // '{'
    Value result = Value::EmptyObject();
    std::unordered_set<std::string> keys;
    if (Consume('}')) return result;
    do {
      SkipWhitespace();
      if (AtEnd() || Peek() != '"') return Error("expected a string key in object");
      const size_t key_at = pos_;
      CREG_ASSIGN_OR_RETURN(std::string key, ParseString());
      if (!keys.insert(key).second) return ErrorAt("duplicate key \"" + key + "\"", key_at);
      if (!Consume(':')) return Error("expected ':' after object key");
      SkipWhitespace();
      CREG_ASSIGN_OR_RETURN(Value member, ParseValue(depth));
      result.as_object().emplace_back(std::move(key), std::move(member));
    } while (Consume(','));
    if (!Consume('}')) return Error("expected ',' or '}' in object");
    return result;
  }

  // Reads the four hex digits of a \u escape; pos_ is on the first digit.
  StatusOr<uint32_t> ParseHex4() {
    if (text_.size() - pos_ < 4) return Error("truncated \\u escape");
    uint32_t code = 0;
    const char* first = text_.data() + pos_;
    const char* end = std::from_chars(first, first + 4, code, 16).ptr;
    pos_ += end - first;
    if (end != first + 4) return Error("invalid hex digit in \\u escape");
    return code;
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
    static constexpr unsigned char kLead[] = {0x00, 0xC0, 0xE0, 0xF0};
    const int extra = cp < 0x80 ? 0 : cp < 0x800 ? 1 : cp < 0x10000 ? 2 : 3;
    out->push_back(static_cast<char>(kLead[extra] | (cp >> (6 * extra))));
    for (int i = extra - 1; i >= 0; --i) {
      out->push_back(static_cast<char>(0x80 | ((cp >> (6 * i)) & 0x3F)));
    }
  }

  // pos_ is just after the backslash.
  Status ParseEscape(std::string* out) {
    if (AtEnd()) return Error("unexpected end of input in escape");
    const size_t escape_at = pos_ - 1;
    const char c = static_cast<char>(Peek());
    ++pos_;
    if (c != 'u') {
      for (const auto& [letter, byte] : kShortEscapes) {
        if (c == letter) {
          out->push_back(byte);
          return OkStatus();
        }
      }
      return ErrorAt("invalid escape", escape_at);
    }
    CREG_ASSIGN_OR_RETURN(uint32_t cp, ParseHex4());
    if (cp >= 0xDC00 && cp <= 0xDFFF) return ErrorAt("unpaired low surrogate", escape_at);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (text_.substr(pos_, 2) != "\\u") return ErrorAt("unpaired high surrogate", escape_at);
      pos_ += 2;
      CREG_ASSIGN_OR_RETURN(uint32_t low, ParseHex4());
      if (low < 0xDC00 || low > 0xDFFF) return ErrorAt("unpaired high surrogate", escape_at);
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    AppendUtf8(cp, out);
    return OkStatus();
  }

  // Copies one UTF-8 sequence starting with a byte >= 0x80, refusing
  // overlong forms, surrogates and code points past U+10FFFF.
  Status CopyUtf8(std::string* out) {
    const size_t start = pos_;
    const unsigned char lead = Peek();
    if (lead < 0xC2 || lead > 0xF4) return Error("invalid UTF-8 in string");
    const int extra = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : 1;
    // The range of the second byte (RFC 3629 section 4); later ones are 80..BF.
    const unsigned char low = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
    const unsigned char high = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
    if (text_.size() - pos_ <= static_cast<size_t>(extra)) {
      return Error("truncated UTF-8 in string");
    }
    for (int i = 1; i <= extra; ++i) {
      const auto c = static_cast<unsigned char>(text_[pos_ + i]);
      const unsigned char lo = i == 1 ? low : 0x80;
      const unsigned char hi = i == 1 ? high : 0xBF;
      if (c < lo || c > hi) return Error("invalid UTF-8 in string");
    }
    pos_ += extra + 1;
    out->append(text_.substr(start, extra + 1));
    return OkStatus();
  }

  // pos_ is on the opening quote.
  StatusOr<std::string> ParseString() {
    const size_t start = pos_;
    ++pos_;
    std::string out;
    while (true) {
      if (AtEnd()) return ErrorAt("unterminated string", start);
      const unsigned char c = Peek();
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c == '\\') {
        ++pos_;
        CREG_RETURN_IF_ERROR(ParseEscape(&out));
      } else if (c < 0x20) {
        return Error("control character in string");
      } else if (c >= 0x80) {
        CREG_RETURN_IF_ERROR(CopyUtf8(&out));
      } else {
        out.push_back(static_cast<char>(c));
        ++pos_;
      }
    }
  }

  bool AtDigit() const { return !AtEnd() && Peek() >= '0' && Peek() <= '9'; }

  StatusOr<Value> ParseNumber() {
    const size_t start = pos_;
    if (Peek() == '-') ++pos_;
    if (!AtDigit()) return Error("expected a digit");
    if (Peek() == '0') {
      ++pos_;
      if (AtDigit()) return Error("leading zero in number");
    } else {
      while (AtDigit()) ++pos_;
    }
    bool integer = true;
    if (!AtEnd() && Peek() == '.') {
      integer = false;
      ++pos_;
      if (!AtDigit()) return Error("expected a digit after '.'");
      while (AtDigit()) ++pos_;
    }
    if (!AtEnd() && (Peek() == 'e' || Peek() == 'E')) {
      integer = false;
      ++pos_;
      if (!AtEnd() && (Peek() == '+' || Peek() == '-')) ++pos_;
      if (!AtDigit()) return Error("expected a digit in exponent");
      while (AtDigit()) ++pos_;
    }
    const char* first = text_.data() + start;
    const char* last = text_.data() + pos_;
    if (integer && *first == '-') {
      int64_t i = 0;
      auto [end, ec] = std::from_chars(first, last, i);
      if (ec != std::errc() || end != last) return ErrorAt("integer below INT64_MIN", start);
      return Value(i);
    }
    if (integer) {
      uint64_t u = 0;
      auto [end, ec] = std::from_chars(first, last, u);
      if (ec != std::errc() || end != last) return ErrorAt("integer above UINT64_MAX", start);
      return Value(u);
    }
    double d = 0;
    auto [end, ec] = std::from_chars(first, last, d);
    if (ec != std::errc() || end != last || !std::isfinite(d)) {
      return ErrorAt("number out of double range", start);
    }
    return Value(d);
  }

  std::string_view text_;
  size_t pos_ = 0;
};

void WriteString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c != '"' && c != '\\') {
      out->push_back(ch);
      continue;
    }
    const auto* e = std::find_if(std::begin(kShortEscapes), std::end(kShortEscapes),
                                 [&](const auto& esc) { return esc.second == ch; });
    out->push_back('\\');
    if (e != std::end(kShortEscapes)) {
      out->push_back(e->first);
    } else {
      out->append("u00");
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 0xF]);
    }
  }
  out->push_back('"');
}

void WriteDouble(double d, std::string* out) {
  if (!std::isfinite(d)) {
    out->append("null");
    return;
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d);
  std::string_view text(buf, end - buf);
  out->append(text);
  if (text.find_first_of(".eE") == std::string_view::npos) out->append(".0");
}

void NewLine(int indent, std::string* out) {
  out->push_back('\n');
  out->append(static_cast<size_t>(indent) * 2, ' ');
}

void Write(const Value& v, bool pretty, int indent, std::string* out) {
  switch (v.type()) {
    case Type::kNull:
      out->append("null");
      return;
    case Type::kBool:
      out->append(v.as_bool() ? "true" : "false");
      return;
    case Type::kInt:
      out->append(v.is_int() ? std::to_string(v.as_int()) : std::to_string(v.as_uint()));
      return;
    case Type::kDouble:
      WriteDouble(v.as_double(), out);
      return;
    case Type::kString:
      WriteString(v.as_string(), out);
      return;
    case Type::kArray: {
      const Array& a = v.as_array();
      out->push_back('[');
      for (size_t i = 0; i < a.size(); ++i) {
        if (i > 0) out->push_back(',');
        if (pretty) NewLine(indent + 1, out);
        Write(a[i], pretty, indent + 1, out);
      }
      if (pretty && !a.empty()) NewLine(indent, out);
      out->push_back(']');
      return;
    }
    case Type::kObject: {
      const Object& o = v.as_object();
      out->push_back('{');
      for (size_t i = 0; i < o.size(); ++i) {
        if (i > 0) out->push_back(',');
        if (pretty) NewLine(indent + 1, out);
        WriteString(o[i].first, out);
        out->append(pretty ? ": " : ":");
        Write(o[i].second, pretty, indent + 1, out);
      }
      if (pretty && !o.empty()) NewLine(indent, out);
      out->push_back('}');
      return;
    }
  }
}

Status FieldError(std::string_view key, std::string_view problem) {
  return InvalidArgumentError("field \"" + std::string(key) + "\" " + std::string(problem));
}

// The member `key` of `object` when `is` holds for it.
StatusOr<const Value*> Member(const Value& object, std::string_view key, bool (Value::*is)() const,
                              std::string_view problem) {
  const Value* v = object.Find(key);
  if (v == nullptr) return FieldError(key, "is missing");
  if (!(v->*is)()) return FieldError(key, problem);
  return v;
}

}  // namespace

Type Value::type() const {
  // Indexed by the alternatives of v_.
  static constexpr Type kTypes[] = {Type::kNull,   Type::kBool,   Type::kInt,   Type::kInt,
                                    Type::kDouble, Type::kString, Type::kArray, Type::kObject};
  return kTypes[v_.index()];
}

uint64_t Value::as_uint() const {
  if (const int64_t* i = std::get_if<int64_t>(&v_)) {
    assert(*i >= 0 && "json::Value::as_uint on a negative integer");
    return static_cast<uint64_t>(*i);
  }
  return std::get<uint64_t>(v_);
}

double Value::as_double() const {
  if (const int64_t* i = std::get_if<int64_t>(&v_)) return static_cast<double>(*i);
  if (const uint64_t* u = std::get_if<uint64_t>(&v_)) return static_cast<double>(*u);
  return std::get<double>(v_);
}

const Value* Value::Find(std::string_view key) const {
  if (!is_object()) return nullptr;
  for (const auto& [k, v] : as_object()) {
    if (k == key) return &v;
  }
  return nullptr;
}

Value* Value::Find(std::string_view key) {
  return const_cast<Value*>(static_cast<const Value*>(this)->Find(key));
}

Value& Value::Set(std::string_view key, Value value) {
  if (Value* existing = Find(key)) {
    *existing = std::move(value);
    return *existing;
  }
  return as_object().emplace_back(std::string(key), std::move(value)).second;
}

Value& Value::Append(Value value) { return as_array().emplace_back(std::move(value)); }

StatusOr<std::string> Value::GetString(std::string_view key) const {
  CREG_ASSIGN_OR_RETURN(const Value* v, Member(*this, key, &Value::is_string, "must be a string"));
  return v->as_string();
}

StatusOr<int64_t> Value::GetInt(std::string_view key) const {
  CREG_ASSIGN_OR_RETURN(const Value* v,
                        Member(*this, key, &Value::is_number, "must be an integer"));
  if (v->is_double()) return FieldError(key, "must be an integer");
  if (!v->is_int()) return FieldError(key, "is out of range");
  return v->as_int();
}

StatusOr<uint64_t> Value::GetUint(std::string_view key) const {
  CREG_ASSIGN_OR_RETURN(const Value* v,
                        Member(*this, key, &Value::is_uint, "must be a non-negative integer"));
  return v->as_uint();
}

StatusOr<bool> Value::GetBool(std::string_view key) const {
  CREG_ASSIGN_OR_RETURN(const Value* v,
                        Member(*this, key, &Value::is_bool, "must be true or false"));
  return v->as_bool();
}

StatusOr<const Array*> Value::GetArray(std::string_view key) const {
  CREG_ASSIGN_OR_RETURN(const Value* v, Member(*this, key, &Value::is_array, "must be an array"));
  return &v->as_array();
}

StatusOr<const Value*> Value::GetObject(std::string_view key) const {
  return Member(*this, key, &Value::is_object, "must be an object");
}

StatusOr<Value> Parse(std::string_view text) { return Parser(text).ParseDocument(); }

std::string Serialize(const Value& value, bool pretty) {
  std::string out;
  Write(value, pretty, 0, &out);
  return out;
}

}  // namespace creg::json
