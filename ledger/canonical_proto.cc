#include "ledger/canonical_proto.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/stubs/common.h>
#include <google/protobuf/unknown_field_set.h>
#include <google/protobuf/wire_format_lite.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace creg {
namespace {

// GetUnknownFields() of a message without any returns protobuf's shared
// empty set, which libprotobuf makes on first use. Made here, during static
// initialisation on the main thread, it exists before any thread checks a
// message: the first two checks on two threads no longer race to make it
// (libprotobuf's own guard is invisible to ThreadSanitizer, which reported
// that race in the node's verify threads).
[[maybe_unused]] const google::protobuf::UnknownFieldSet& kEmptyUnknownFields =
    google::protobuf::UnknownFieldSet::default_instance();

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::internal::WireFormatLite;

// The nesting protobuf's parser accepts by default.
constexpr int kMaxDepth = 100;

std::string N(uint64_t n) { return std::to_string(n); }

// Reads wire primitives from one message's bytes; offsets are counted from
// the start of the outermost message.
class WireReader {
 public:
  WireReader(std::string_view bytes, size_t base) : bytes_(bytes), base_(base) {}

  bool AtEnd() const { return pos_ == bytes_.size(); }
  size_t offset() const { return base_ + pos_; }

  // A varint of at most 64 bits; false if cut off or longer. `minimal` says
  // whether it used the fewest bytes its value needs.
  bool Varint(uint64_t& value, bool& minimal) {
    value = 0;
    for (int i = 0; i < 10; ++i) {
      if (pos_ == bytes_.size()) return false;
      const auto byte = static_cast<uint8_t>(bytes_[pos_++]);
      if (i == 9 && byte > 1) return false;  // over 64 bits
      value |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
      if ((byte & 0x80) == 0) {
        minimal = i == 0 || byte != 0;
        return true;
      }
    }
    return false;
  }

  // `size` little-endian bytes (4 or 8).
  bool Fixed(size_t size, uint64_t& value) {
    if (bytes_.size() - pos_ < size) return false;
    value = 0;
    for (size_t i = 0; i < size; ++i)
      value |= static_cast<uint64_t>(static_cast<uint8_t>(bytes_[pos_ + i])) << (8 * i);
    pos_ += size;
    return true;
  }

  bool Take(uint64_t size, std::string_view& out) {
    if (bytes_.size() - pos_ < size) return false;
    out = bytes_.substr(pos_, size);
    pos_ += size;
    return true;
  }

 private:
  std::string_view bytes_;
  size_t base_;
  size_t pos_ = 0;
};

Status Problem(std::string message) { return InvalidArgumentError(std::move(message)); }

// Where a message sits in the outermost one; spelled out only for a problem
// ("TransactionBody.retire.credits.blocks[2]"), so a canonical message costs
// no string building.
struct Path {
  const Descriptor* root = nullptr;  // the outermost message (parent null)
  const Path* parent = nullptr;
  const FieldDescriptor* field = nullptr;  // the field that holds this message
  size_t element = 0;                      // its index, if `field` is repeated

  std::string str() const {
    if (parent == nullptr) return root->name();
    std::string s = parent->str() + "." + field->name();
    if (field->is_repeated()) s += "[" + N(element) + "]";
    return s;
  }
};

// "field 1 (origin) of TransactionBody"
std::string Name(const FieldDescriptor& f, const Path& where) {
  return "field " + N(f.number()) + " (" + f.name() + ") of " + where.str();
}

std::string WireTypeName(int wire_type) {
  switch (wire_type) {
    case WireFormatLite::WIRETYPE_VARINT:
      return "0 (varint)";
    case WireFormatLite::WIRETYPE_FIXED64:
      return "1 (64-bit)";
    case WireFormatLite::WIRETYPE_LENGTH_DELIMITED:
      return "2 (length-delimited)";
    case WireFormatLite::WIRETYPE_START_GROUP:
    case WireFormatLite::WIRETYPE_END_GROUP:
      return N(wire_type) + " (group)";
    case WireFormatLite::WIRETYPE_FIXED32:
      return "5 (32-bit)";
    default:
      return N(wire_type) + " (invalid)";
  }
}

// Whether a varint `value` is in range for `f`'s type, and for an enum one
// of its declared values.
Status CheckVarintValue(const FieldDescriptor& f, uint64_t value, const Path& where) {
  const auto as_signed = static_cast<int64_t>(value);
  const bool fits_int32 = as_signed >= std::numeric_limits<int32_t>::min() &&
                          as_signed <= std::numeric_limits<int32_t>::max();
  switch (f.type()) {
    case FieldDescriptor::TYPE_INT32:
      if (!fits_int32) {
        return Problem(Name(f, where) + " holds " + std::to_string(as_signed) +
                       ", out of range for int32");
      }
      break;
    case FieldDescriptor::TYPE_UINT32:
    case FieldDescriptor::TYPE_SINT32:
      if (value > std::numeric_limits<uint32_t>::max()) {
        return Problem(Name(f, where) + " holds " + N(value) + ", out of range for " +
                       f.type_name());
      }
      break;
    case FieldDescriptor::TYPE_BOOL:
      if (value > 1)
        return Problem(Name(f, where) + " holds " + N(value) + ", not a bool (0 or 1)");
      break;
    case FieldDescriptor::TYPE_ENUM:
      if (!fits_int32) {
        return Problem(Name(f, where) + " holds enum value " + N(value) +
                       ", out of range for enum " + f.enum_type()->name() + " (32 bits)");
      }
      if (f.enum_type()->FindValueByNumber(static_cast<int>(as_signed)) == nullptr) {
        return Problem(Name(f, where) + " holds enum value " + std::to_string(as_signed) +
                       ", out of range: enum " + f.enum_type()->name() + " declares no such value");
      }
      break;
    default:
      break;
  }
  return OkStatus();
}

class Walker {
 public:
  // Checks one message's bytes; `base` is their offset in the outermost
  // message, `where` names the message ("TransactionBody.retire").
  Status Walk(const Descriptor& type, std::string_view bytes, size_t base, const Path& where,
              int depth) {
    if (depth > kMaxDepth) return Problem(where.str() + " is nested more than 100 deep");
    WireReader in(bytes, base);
    const FieldDescriptor* previous = nullptr;
    size_t element = 0;  // index of a repeated field's current element
    // The member seen of each oneof (creg's messages have at most one oneof).
    std::array<const FieldDescriptor*, 4> few{};
    std::vector<const FieldDescriptor*> many;
    if (static_cast<size_t>(type.oneof_decl_count()) > few.size())
      many.resize(static_cast<size_t>(type.oneof_decl_count()));
    const FieldDescriptor** oneof_members = many.empty() ? few.data() : many.data();
    while (!in.AtEnd()) {
      const size_t at = in.offset();
      uint64_t tag = 0;
      bool minimal = true;
      if (!in.Varint(tag, minimal) || tag > std::numeric_limits<uint32_t>::max()) {
        return Problem("bad field tag at byte " + N(at) + " in " + where.str());
      }
      if (!minimal) {
        return Problem("the tag at byte " + N(at) + " in " + where.str() +
                       " is a non-minimal varint");
      }
      const auto number = static_cast<int>(tag >> 3);
      const auto wire_type = static_cast<int>(tag & 7);
      if (number == 0) return Problem("field number 0 at byte " + N(at) + " in " + where.str());
      const FieldDescriptor* f = type.FindFieldByNumber(number);
      if (f == nullptr) return Problem("unknown field " + N(number) + " in " + where.str());
      if (f->is_map() || f->type() == FieldDescriptor::TYPE_GROUP) {
        return Problem(Name(*f, where) + " is a map or group, which has no canonical form here");
      }

      if (previous != nullptr && number < previous->number()) {
        return Problem(Name(*f, where) + " comes after field " + N(previous->number()) + " (" +
                       previous->name() + "); fields must be in field-number order");
      }
      if (previous == f) {
        if (!f->is_repeated()) return Problem(Name(*f, where) + " appears twice");
        if (f->is_packed()) {
          return Problem("packed " + Name(*f, where) +
                         " appears twice; its values belong in one run");
        }
        ++element;
      } else {
        element = 0;
      }
      previous = f;
      if (const auto* oneof = f->real_containing_oneof(); oneof != nullptr) {
        const FieldDescriptor*& member = oneof_members[oneof->index()];
        if (member != nullptr && member != f) {
          return Problem("fields " + N(member->number()) + " (" + member->name() + ") and " +
                         N(number) + " (" + f->name() + ") of " + where.str() +
                         " are both set, but belong to oneof " + oneof->name());
        }
        member = f;
      }

      const auto scalar_type =
          WireFormatLite::WireTypeForFieldType(static_cast<WireFormatLite::FieldType>(f->type()));
      const int expected = f->is_packed() ? WireFormatLite::WIRETYPE_LENGTH_DELIMITED : scalar_type;
      if (wire_type != expected) {
        if (f->is_packed() && wire_type == scalar_type) {
          return Problem("repeated " + Name(*f, where) +
                         " is not packed (proto3 packs repeated scalars in one run)");
        }
        return Problem(Name(*f, where) + " has wire type " + WireTypeName(wire_type) +
                       ", expected " + WireTypeName(expected));
      }
      const Path inner{nullptr, &where, f, element};
      CREG_RETURN_IF_ERROR(Value(*f, in, where, inner, depth));
    }
    return OkStatus();
  }

 private:
  // A singular field without presence is written only when not default.
  static bool OmitsDefault(const FieldDescriptor& f) {
    return !f.is_repeated() && !f.has_presence();
  }

  static Status Default(const FieldDescriptor& f, const Path& where) {
    return Problem(Name(f, where) +
                   " holds its default value explicitly; canonical form leaves it out");
  }

  // The value of field `f` whose tag `in` just read.
  Status Value(const FieldDescriptor& f, WireReader& in, const Path& where, const Path& inner,
               int depth) {
    const size_t at = in.offset();
    uint64_t value = 0;
    bool minimal = true;
    switch (
        WireFormatLite::WireTypeForFieldType(static_cast<WireFormatLite::FieldType>(f.type()))) {
      case WireFormatLite::WIRETYPE_VARINT:
        if (f.is_packed()) break;
        if (!in.Varint(value, minimal)) return Cut(f, where, at);
        if (!minimal) return NonMinimal(f, where, at);
        CREG_RETURN_IF_ERROR(CheckVarintValue(f, value, where));
        if (value == 0 && OmitsDefault(f)) return Default(f, where);
        return OkStatus();
      case WireFormatLite::WIRETYPE_FIXED64:
      case WireFormatLite::WIRETYPE_FIXED32:
        if (f.is_packed()) break;
        if (!in.Fixed(FixedSize(f), value)) return Cut(f, where, at);
        if (value == 0 && OmitsDefault(f)) return Default(f, where);
        return OkStatus();
      default:
        break;
    }
    // Length-delimited: a string, bytes, a message or a packed run.
    uint64_t length = 0;
    std::string_view payload;
    if (!in.Varint(length, minimal)) return Cut(f, where, at);
    if (!minimal) return NonMinimal(f, where, at);
    const size_t payload_at = in.offset();
    if (!in.Take(length, payload)) return Cut(f, where, at);
    if (f.is_packed()) return Packed(f, payload, payload_at, where);
    switch (f.type()) {
      case FieldDescriptor::TYPE_MESSAGE:
        return Walk(*f.message_type(), payload, payload_at, inner, depth + 1);
      case FieldDescriptor::TYPE_STRING:
        if (!google::protobuf::internal::IsStructurallyValidUTF8(
                payload.data(), static_cast<int>(payload.size()))) {
          return Problem(Name(f, where) + " is not valid UTF-8");
        }
        [[fallthrough]];
      default:
        if (payload.empty() && OmitsDefault(f)) return Default(f, where);
        return OkStatus();
    }
  }

  // A packed run of `f`'s values: not empty, each value canonical.
  static Status Packed(const FieldDescriptor& f, std::string_view run, size_t base,
                       const Path& where) {
    if (run.empty()) {
      return Problem("packed " + Name(f, where) + " is an empty run; canonical form leaves it out");
    }
    WireReader in(run, base);
    const bool varints =
        WireFormatLite::WireTypeForFieldType(static_cast<WireFormatLite::FieldType>(f.type())) ==
        WireFormatLite::WIRETYPE_VARINT;
    if (!varints && run.size() % FixedSize(f) != 0) {
      return Problem("packed " + Name(f, where) + " is " + N(run.size()) +
                     " bytes, not a whole number of " + N(FixedSize(f)) + "-byte values");
    }
    while (!in.AtEnd()) {
      const size_t at = in.offset();
      uint64_t value = 0;
      bool minimal = true;
      if (!varints) {
        if (!in.Fixed(FixedSize(f), value)) return Cut(f, where, at);
        continue;
      }
      if (!in.Varint(value, minimal)) return Cut(f, where, at);
      if (!minimal) return NonMinimal(f, where, at);
      CREG_RETURN_IF_ERROR(CheckVarintValue(f, value, where));
    }
    return OkStatus();
  }

  static size_t FixedSize(const FieldDescriptor& f) {
    return WireFormatLite::WireTypeForFieldType(static_cast<WireFormatLite::FieldType>(f.type())) ==
                   WireFormatLite::WIRETYPE_FIXED64
               ? 8
               : 4;
  }

  static Status Cut(const FieldDescriptor& f, const Path& where, size_t at) {
    return Problem(Name(f, where) + " at byte " + N(at) + " is cut off or runs past its message");
  }

  static Status NonMinimal(const FieldDescriptor& f, const Path& where, size_t at) {
    return Problem(Name(f, where) + " at byte " + N(at) +
                   " is a non-minimal varint (padded with 0x80 bytes)");
  }
};

// The first unknown field in `message` or any message it holds.
Status CheckNoUnknownFields(const Message& message, const Path& where) {
  const google::protobuf::Reflection& reflection = *message.GetReflection();
  const google::protobuf::UnknownFieldSet& unknown = reflection.GetUnknownFields(message);
  if (!unknown.empty()) {
    return Problem("unknown field " + N(static_cast<uint64_t>(unknown.field(0).number())) + " in " +
                   where.str());
  }
  const Descriptor& type = *message.GetDescriptor();
  for (int k = 0; k < type.field_count(); ++k) {
    const FieldDescriptor* f = type.field(k);
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (!f->is_repeated()) {
      if (!reflection.HasField(message, f)) continue;
      CREG_RETURN_IF_ERROR(
          CheckNoUnknownFields(reflection.GetMessage(message, f), Path{nullptr, &where, f, 0}));
      continue;
    }
    const int count = reflection.FieldSize(message, f);
    for (int i = 0; i < count; ++i) {
      CREG_RETURN_IF_ERROR(CheckNoUnknownFields(reflection.GetRepeatedMessage(message, f, i),
                                                Path{nullptr, &where, f, static_cast<size_t>(i)}));
    }
  }
  return OkStatus();
}

}  // namespace

Status CheckCanonicalEncoding(const Descriptor& type, std::string_view bytes) {
  return Walker().Walk(type, bytes, 0, Path{&type}, 0);
}

Status CheckCanonical(const Message& message, std::string_view bytes) {
  const Descriptor& type = *message.GetDescriptor();
  CREG_RETURN_IF_ERROR(CheckCanonicalEncoding(type, bytes));
  CREG_RETURN_IF_ERROR(CheckNoUnknownFields(message, Path{&type}));
  const std::string again = SerializeCanonical(message);
  if (again != bytes) {
    size_t i = 0;
    while (i < again.size() && i < bytes.size() && again[i] == bytes[i]) ++i;
    return Problem("re-encoding differs at byte " + N(i) + " (" + N(bytes.size()) +
                   " bytes given, " + N(again.size()) + " re-encoded)");
  }
  return OkStatus();
}

Status ParseCanonical(std::string_view bytes, Message& message) {
  message.Clear();
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      !message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return InvalidArgumentError("bytes do not decode as a " + message.GetDescriptor()->name());
  }
  Status canonical = CheckCanonical(message, bytes);
  if (!canonical.ok()) {
    return InvalidArgumentError("bytes are not in canonical form: " + canonical.message());
  }
  return OkStatus();
}

std::string SerializeCanonical(const Message& message) {
  const size_t size = message.ByteSizeLong();  // protobuf encodes under 2 GiB only
  if (size > static_cast<size_t>(std::numeric_limits<int>::max())) return std::string();
  std::string bytes(size, '\0');
  {  // The stream writes its last bytes when destroyed.
    google::protobuf::io::ArrayOutputStream array(bytes.data(), static_cast<int>(size));
    google::protobuf::io::CodedOutputStream out(&array);
    out.SetSerializationDeterministic(true);
    message.SerializeWithCachedSizes(&out);
  }
  return bytes;
}

}  // namespace creg
