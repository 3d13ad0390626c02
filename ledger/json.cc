#include "ledger/json.h"

#include <charconv>
#include <cmath>
#include <unordered_set>

namespace creg::json {
namespace {

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

  // Consumes `c` after optional whitespace, or fails with `what`.
  Status Expect(char c, std::string_view what) {
    SkipWhitespace();
    if (AtEnd()) return Error("unexpected end of input, " + std::string(what));
    if (Peek() != static_cast<unsigned char>(c)) return Error(what);
    ++pos_;
    return OkStatus();
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
    SkipWhitespace();
    if (!AtEnd() && Peek() == ']') {
      ++pos_;
      return result;
    }
    while (true) {
      SkipWhitespace();
      CREG_ASSIGN_OR_RETURN(Value element, ParseValue(depth));
      result.as_array().push_back(std::move(element));
      SkipWhitespace();
      if (!AtEnd() && Peek() == ']') {
        ++pos_;
        return result;
      }
      CREG_RETURN_IF_ERROR(Expect(',', "expected ',' or ']' in array"));
    }
  }

  StatusOr<Value> ParseObject(int depth) {
    if (depth > kMaxDepth) return Error("nesting deeper than " + std::to_string(kMaxDepth));
    ++pos_;  // '{'
    Value result = Value::EmptyObject();
    std::unordered_set<std::string> keys;
    SkipWhitespace();
    if (!AtEnd() && Peek() == '}') {
      ++pos_;
      return result;
    }
    while (true) {
      SkipWhitespace();
      if (AtEnd() || Peek() != '"') return Error("expected a string key in object");
      const size_t key_at = pos_;
      CREG_ASSIGN_OR_RETURN(std::string key, ParseString());
      if (!keys.insert(key).second) return ErrorAt("duplicate key \"" + key + "\"", key_at);
      CREG_RETURN_IF_ERROR(Expect(':', "expected ':' after object key"));
      SkipWhitespace();
      CREG_ASSIGN_OR_RETURN(Value member, ParseValue(depth));
      result.as_object().emplace_back(std::move(key), std::move(member));
      SkipWhitespace();
      if (!AtEnd() && Peek() == '}') {
        ++pos_;
        return result;
      }
      CREG_RETURN_IF_ERROR(Expect(',', "expected ',' or '}' in object"));
    }
  }

  // Reads the four hex digits of a \u escape; pos_ is on the first digit.
  StatusOr<uint32_t> ParseHex4() {
    if (text_.size() - pos_ < 4) return Error("truncated \\u escape");
    uint32_t code = 0;
    for (int i = 0; i < 4; ++i) {
      const unsigned char c = Peek();
      uint32_t digit;
      if (c >= '0' && c <= '9') {
        digit = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        digit = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        digit = c - 'A' + 10;
      } else {
        return Error("invalid hex digit in \\u escape");
      }
      code = code * 16 + digit;
      ++pos_;
    }
    return code;
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  // pos_ is just after the backslash.
  Status ParseEscape(std::string* out) {
    if (AtEnd()) return Error("unexpected end of input in escape");
    const size_t escape_at = pos_ - 1;
    const char c = static_cast<char>(Peek());
    ++pos_;
    switch (c) {
      case '"': out->push_back('"'); return OkStatus();
      case '\\': out->push_back('\\'); return OkStatus();
      case '/': out->push_back('/'); return OkStatus();
      case 'b': out->push_back('\b'); return OkStatus();
      case 'f': out->push_back('\f'); return OkStatus();
      case 'n': out->push_back('\n'); return OkStatus();
      case 'r': out->push_back('\r'); return OkStatus();
      case 't': out->push_back('\t'); return OkStatus();
      case 'u': break;
      default: return ErrorAt("invalid escape", escape_at);
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
    int extra;
    unsigned char low = 0x80, high = 0xBF;  // Range of the second byte.
    if (lead >= 0xC2 && lead <= 0xDF) {
      extra = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      extra = 2;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      extra = 3;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      return Error("invalid UTF-8 in string");
    }
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
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xF]);
        } else {
          out->push_back(ch);
        }
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
    case Type::kNull: out->append("null"); return;
    case Type::kBool: out->append(v.as_bool() ? "true" : "false"); return;
    case Type::kInt:
      out->append(v.is_int() ? std::to_string(v.as_int()) : std::to_string(v.as_uint()));
      return;
    case Type::kDouble: WriteDouble(v.as_double(), out); return;
    case Type::kString: WriteString(v.as_string(), out); return;
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

}  // namespace

Type Value::type() const {
  switch (v_.index()) {
    case 0: return Type::kNull;
    case 1: return Type::kBool;
    case 2:
    case 3: return Type::kInt;
    case 4: return Type::kDouble;
    case 5: return Type::kString;
    case 6: return Type::kArray;
    default: return Type::kObject;
  }
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
  const Value* v = Find(key);
  if (v == nullptr) return FieldError(key, "is missing");
  if (!v->is_string()) return FieldError(key, "must be a string");
  return v->as_string();
}

StatusOr<int64_t> Value::GetInt(std::string_view key) const {
  const Value* v = Find(key);
  if (v == nullptr) return FieldError(key, "is missing");
  if (v->type() == Type::kInt && !v->is_int()) return FieldError(key, "is out of range");
  if (!v->is_int()) return FieldError(key, "must be an integer");
  return v->as_int();
}

StatusOr<uint64_t> Value::GetUint(std::string_view key) const {
  const Value* v = Find(key);
  if (v == nullptr) return FieldError(key, "is missing");
  if (!v->is_uint()) return FieldError(key, "must be a non-negative integer");
  return v->as_uint();
}

StatusOr<bool> Value::GetBool(std::string_view key) const {
  const Value* v = Find(key);
  if (v == nullptr) return FieldError(key, "is missing");
  if (!v->is_bool()) return FieldError(key, "must be true or false");
  return v->as_bool();
}

StatusOr<const Array*> Value::GetArray(std::string_view key) const {
  const Value* v = Find(key);
  if (v == nullptr) return FieldError(key, "is missing");
  if (!v->is_array()) return FieldError(key, "must be an array");
  return &v->as_array();
}

StatusOr<const Value*> Value::GetObject(std::string_view key) const {
  const Value* v = Find(key);
  if (v == nullptr) return FieldError(key, "is missing");
  if (!v->is_object()) return FieldError(key, "must be an object");
  return v;
}

StatusOr<Value> Parse(std::string_view text) { return Parser(text).ParseDocument(); }

std::string Serialize(const Value& value, bool pretty) {
  std::string out;
  Write(value, pretty, 0, &out);
  return out;
}

}  // namespace creg::json
