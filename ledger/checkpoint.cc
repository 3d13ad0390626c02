#include "ledger/checkpoint.h"

#include <vector>

#include "ledger/encoding.h"

namespace creg {
namespace {

// U+2014 EM DASH in UTF-8, then a space: the start of every signature line.
constexpr std::string_view kSignaturePrefix = "\xe2\x80\x94 ";
constexpr size_t kKeyIdSize = 4;

Status MalformedNote(const std::string& why) {
  return InvalidArgumentError("malformed signed note: " + why);
}

// Decodes the UTF-8 code point at the start of `s` into `*cp` and returns its
// length, or 0 if `s` does not start with a valid, shortest-form encoding of a
// Unicode scalar value.
size_t DecodeUtf8(std::string_view s, char32_t* cp) {
  if (s.empty()) return 0;
  const auto b0 = static_cast<uint8_t>(s[0]);
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  size_t len = 0;
  char32_t min = 0;
  if ((b0 & 0xe0) == 0xc0) {
    len = 2;
    min = 0x80;
    *cp = b0 & 0x1f;
  } else if ((b0 & 0xf0) == 0xe0) {
    len = 3;
    min = 0x800;
    *cp = b0 & 0x0f;
  } else if ((b0 & 0xf8) == 0xf0) {
    len = 4;
    min = 0x10000;
    *cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (s.size() < len) return 0;
  for (size_t i = 1; i < len; ++i) {
    const auto b = static_cast<uint8_t>(s[i]);
    if ((b & 0xc0) != 0x80) return 0;
    *cp = (*cp << 6) | (b & 0x3f);
  }
  if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff)) return 0;
  return len;
}

// Unicode White_Space (what Go's unicode.IsSpace accepts).
bool IsUnicodeSpace(char32_t c) {
  switch (c) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200a;
  }
}

// The spec: valid UTF-8 and no ASCII control characters other than newline.
Status CheckNoteCharacters(std::string_view note) {
  for (size_t i = 0; i < note.size();) {
    char32_t c = 0;
    size_t n = DecodeUtf8(note.substr(i), &c);
    if (n == 0) return MalformedNote("invalid UTF-8 at byte " + std::to_string(i));
    if (c < 0x20 && c != '\n') {
      return MalformedNote("control character at byte " + std::to_string(i));
    }
    i += n;
  }
  return OkStatus();
}

std::string KeyIdHex(uint32_t id) {
  std::string bytes;
  AppendBigEndian32(&bytes, id);
  return HexEncode(bytes);
}

std::string KeyLabel(std::string_view name, uint32_t id) {
  return std::string(name) + "+" + KeyIdHex(id);
}

bool IsLowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Splits "a\nb\nc\n" into {"a", "b", "c"}. Precondition: ends in '\n'.
std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    lines.push_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  return lines;
}

}  // namespace

// ---- Checkpoint bodies ----

std::string CheckpointBody(const Checkpoint& checkpoint) {
  return checkpoint.origin + "\n" + std::to_string(checkpoint.size) + "\n" +
         checkpoint.root.ToBase64() + "\n";
}

StatusOr<Checkpoint> ParseCheckpointBody(std::string_view body) {
  if (body.empty() || body.back() != '\n') {
    return InvalidArgumentError("checkpoint body does not end in a newline");
  }
  std::vector<std::string_view> lines = SplitLines(body);
  if (lines.size() < 3) {
    return InvalidArgumentError("checkpoint body has " + std::to_string(lines.size()) +
                                " lines, needs origin, tree size and root hash");
  }
  Checkpoint cp;
  if (lines[0].empty()) return InvalidArgumentError("checkpoint origin is empty");
  cp.origin = std::string(lines[0]);
  CREG_ASSIGN_OR_RETURN(cp.size, ParseDecimalUint64(lines[1], "checkpoint tree size"));
  StatusOr<Hash> root = Hash::FromBase64(lines[2]);
  if (!root.ok()) return root.status().WithContext("checkpoint root hash");
  cp.root = *root;
  for (size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty()) return InvalidArgumentError("checkpoint has an empty extension line");
  }
  return cp;
}

// ---- Keys ----

bool IsValidNoteKeyName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size();) {
    char32_t c = 0;
    size_t n = DecodeUtf8(name.substr(i), &c);
    if (n == 0 || c < 0x20 || c == '+' || IsUnicodeSpace(c)) return false;
    i += n;
  }
  return true;
}

uint32_t NoteKeyId(std::string_view name, const PublicKey& key, uint8_t type) {
  const char type_byte = static_cast<char>(type);
  Hash h = Sha256({name, "\n", std::string_view(&type_byte, 1), key.raw()});
  return ReadBigEndian32(h.view());
}

std::string FormatVerifierKey(std::string_view name, uint8_t type, const PublicKey& key) {
  std::string typed(1, static_cast<char>(type));
  typed += key.raw();
  return KeyLabel(name, NoteKeyId(name, key, type)) + "+" + Base64Encode(typed);
}

StatusOr<VerifierKeyParts> ParseVerifierKey(std::string_view vkey, uint8_t type) {
  // name+hex+base64; the base64 may itself hold '+', so split twice only.
  size_t p1 = vkey.find('+');
  size_t p2 = p1 == std::string_view::npos ? p1 : vkey.find('+', p1 + 1);
  if (p2 == std::string_view::npos) {
    return InvalidArgumentError("verifier key is not <name>+<key id>+<key>");
  }
  std::string name(vkey.substr(0, p1));
  std::string_view id_hex = vkey.substr(p1 + 1, p2 - p1 - 1);
  std::string_view key_b64 = vkey.substr(p2 + 1);
  if (!IsValidNoteKeyName(name)) return InvalidArgumentError("verifier key has an invalid name");
  if (id_hex.size() != 2 * kKeyIdSize || !IsLowerHex(id_hex)) {
    return InvalidArgumentError("verifier key id is not 8 lower-case hex digits");
  }
  CREG_ASSIGN_OR_RETURN(std::string id_bytes, HexDecode(id_hex));
  StatusOr<std::string> typed = Base64Decode(key_b64);
  if (!typed.ok()) return typed.status().WithContext("verifier key");
  if (typed->empty() || static_cast<uint8_t>((*typed)[0]) != type) {
    return InvalidArgumentError("verifier key is not of signature type " +
                                HexEncode(std::string(1, static_cast<char>(type))) +
                                (type == kNoteEd25519Type ? " (Ed25519)" : ""));
  }
  StatusOr<PublicKey> key = PublicKey::FromRaw(std::string_view(*typed).substr(1));
  if (!key.ok()) return key.status().WithContext("verifier key");
  uint32_t id = ReadBigEndian32(id_bytes);
  if (NoteKeyId(name, *key, type) != id) {
    return InvalidArgumentError("verifier key id " + std::string(id_hex) +
                                " does not match its name and public key");
  }
  return VerifierKeyParts{std::move(name), id, std::move(key).value()};
}

std::string NoteSignatureLine(std::string_view name, uint32_t key_id, std::string_view signature) {
  std::string blob;
  AppendBigEndian32(&blob, key_id);
  blob += signature;
  std::string line(kSignaturePrefix);
  line += name;
  line += " ";
  line += Base64Encode(blob);
  line += "\n";
  return line;
}

StatusOr<NoteSigner> NoteSigner::Create(std::string name, PrivateKey key) {
  if (!IsValidNoteKeyName(name)) {
    return InvalidArgumentError("invalid note key name \"" + name +
                                "\": it must be non-empty with no spaces and no '+'");
  }
  uint32_t id = NoteKeyId(name, key.public_key());
  return NoteSigner(std::move(name), std::move(key), id);
}

std::string NoteSigner::Sign(std::string_view body) const {
  std::string note(body);
  note += "\n";
  note += NoteSignatureLine(name_, key_id_, key_.Sign(body));
  return note;
}

std::string NoteSigner::VerifierKey() const {
  return FormatVerifierKey(name_, kNoteEd25519Type, key_.public_key());
}

StatusOr<NoteVerifier> NoteVerifier::Create(std::string name, PublicKey key) {
  if (!IsValidNoteKeyName(name)) {
    return InvalidArgumentError("invalid note key name \"" + name +
                                "\": it must be non-empty with no spaces and no '+'");
  }
  uint32_t id = NoteKeyId(name, key);
  return NoteVerifier(std::move(name), std::move(key), id);
}

StatusOr<NoteVerifier> NoteVerifier::FromVerifierKey(std::string_view vkey) {
  CREG_ASSIGN_OR_RETURN(VerifierKeyParts parts, ParseVerifierKey(vkey, kNoteEd25519Type));
  return NoteVerifier(std::move(parts.name), std::move(parts.key), parts.key_id);
}

std::string NoteVerifier::VerifierKey() const {
  return FormatVerifierKey(name_, kNoteEd25519Type, key_);
}

// ---- Notes ----

StatusOr<OpenedNote> OpenNote(std::string_view note) {
  CREG_RETURN_IF_ERROR(CheckNoteCharacters(note));
  // The text ends at the last blank line; signature lines never hold one.
  size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos) return MalformedNote("no blank line before signatures");
  OpenedNote opened;
  opened.text = note.substr(0, split + 1);
  std::string_view block = note.substr(split + 2);
  if (block.empty()) return MalformedNote("no signature lines");
  if (block.back() != '\n') return MalformedNote("last signature line has no newline");
  for (std::string_view line : SplitLines(block)) {
    if (opened.signatures.size() == kMaxNoteSignatures) {
      return MalformedNote("more than " + std::to_string(kMaxNoteSignatures) + " signatures");
    }
    if (line.substr(0, kSignaturePrefix.size()) != kSignaturePrefix) {
      return MalformedNote("signature line does not start with an em dash and a space");
    }
    line.remove_prefix(kSignaturePrefix.size());
    size_t space = line.find(' ');
    if (space == std::string_view::npos) return MalformedNote("signature line has no signature");
    std::string_view name = line.substr(0, space);
    if (!IsValidNoteKeyName(name)) return MalformedNote("signature line has an invalid key name");
    StatusOr<std::string> blob = Base64Decode(line.substr(space + 1));
    if (!blob.ok() || blob->size() <= kKeyIdSize) {
      return MalformedNote("signature of key " + std::string(name) + " is not valid base64");
    }
    opened.signatures.push_back(
        NoteSignature{std::string(name), ReadBigEndian32(*blob), blob->substr(kKeyIdSize)});
  }
  return opened;
}

StatusOr<std::string> VerifyNote(std::string_view note, const NoteVerifier& verifier) {
  CREG_ASSIGN_OR_RETURN(OpenedNote opened, OpenNote(note));
  const std::string label = KeyLabel(verifier.name(), verifier.key_id());
  bool found = false;
  for (const NoteSignature& sig : opened.signatures) {
    if (sig.name != verifier.name() || sig.key_id != verifier.key_id()) continue;
    found = true;
    if (!verifier.key().Verify(opened.text, sig.signature)) {
      return DataLossError("signature from key " + label + " does not match the note text");
    }
  }
  if (!found) return PermissionDeniedError("note has no signature from key " + label);
  return std::string(opened.text);
}

StatusOr<Checkpoint> VerifyCheckpoint(std::string_view note, const NoteVerifier& verifier,
                                      std::string_view expected_origin) {
  CREG_ASSIGN_OR_RETURN(std::string body, VerifyNote(note, verifier));
  CREG_ASSIGN_OR_RETURN(Checkpoint cp, ParseCheckpointBody(body));
  if (!expected_origin.empty() && cp.origin != expected_origin) {
    return PermissionDeniedError("checkpoint is for log \"" + cp.origin + "\", expected \"" +
                                 std::string(expected_origin) + "\"");
  }
  return cp;
}

std::string SignCheckpoint(const Checkpoint& checkpoint, const NoteSigner& signer) {
  return signer.Sign(CheckpointBody(checkpoint));
}

}  // namespace creg
