// Signed tree heads: C2SP tlog-checkpoint bodies in C2SP signed-note form,
// signed with Ed25519 (signature type 0x01), so existing transparency-log
// tooling and witnesses can read them (docs: c2sp.org/tlog-checkpoint and
// c2sp.org/signed-note; the layout is repeated in DESIGN.md "Checkpoints").
//
//   <origin>\n<tree size, decimal>\n<root hash, base64>\n      <- the body
//   \n
//   — <key name> <base64(4-byte key id || 64-byte signature)>\n
//
// key id   = first 4 bytes, big-endian, of SHA-256(name || "\n" || 0x01 || pubkey)
// verifier = "<name>+<key id, 8 lower-case hex>+<base64(0x01 || pubkey)>"
//
// The signature covers the body exactly as sent, including its last newline.
//
// Errors: InvalidArgument for malformed bodies, notes, key names and verifier
// keys; PermissionDenied when a note carries no signature from the expected
// key; DataLoss when that key's signature does not match the body. All types
// are immutable after construction and safe to share between threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ledger/hash.h"
#include "ledger/keys.h"
#include "ledger/status.h"

namespace creg {

// Signature type byte of Ed25519 in C2SP signed-note.
inline constexpr uint8_t kNoteEd25519Type = 0x01;
// Most signature lines one note may carry (the spec asks for at least 16).
inline constexpr size_t kMaxNoteSignatures = 100;

struct Checkpoint {
  std::string origin;  // Non-empty, no newline.
  uint64_t size = 0;   // Number of leaves.
  Hash root;           // RFC 9162 root hash at `size`.

  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// "<origin>\n<size>\n<base64 root>\n". Precondition: origin is non-empty and
// holds no newline (ParseCheckpointBody would refuse it otherwise).
std::string CheckpointBody(const Checkpoint& checkpoint);

// Strict inverse of CheckpointBody. Refuses (InvalidArgument): fewer than three
// lines, a missing final newline, an empty origin, a size with a sign, leading
// zeros (other than "0" itself) or over 2^64-1, a root that is not canonical
// base64 of 32 bytes, and empty extension lines. Non-empty extension lines
// after the root are allowed by the spec; they are checked and then ignored,
// since creg never writes them.
StatusOr<Checkpoint> ParseCheckpointBody(std::string_view body);

// True if `name` may be a signed-note key name: non-empty valid UTF-8 with no
// Unicode space, no '+' and no control character.
bool IsValidNoteKeyName(std::string_view name);

// The signed-note key id of an Ed25519 key under `name`, for signature
// type `type` (0x01 notes; 0x04 cosignatures, ledger/cosignature.h):
// the first 4 bytes, big-endian, of SHA-256(name || "\n" || type || key).
uint32_t NoteKeyId(std::string_view name, const PublicKey& key, uint8_t type = kNoteEd25519Type);

// "<name>+<key id, 8 lower-case hex>+<base64(type || key)>". Precondition:
// IsValidNoteKeyName(name).
std::string FormatVerifierKey(std::string_view name, uint8_t type, const PublicKey& key);

// A verifier key's parts.
struct VerifierKeyParts {
  std::string name;
  uint32_t key_id;
  PublicKey key;
};
// Parses a verifier key of signature type `type` holding an Ed25519 key.
// InvalidArgument if it is malformed, names another type, or its key id
// does not match its name, type and key.
StatusOr<VerifierKeyParts> ParseVerifierKey(std::string_view vkey, uint8_t type);

// One signature line: "— <name> <base64(key id || signature)>\n".
std::string NoteSignatureLine(std::string_view name, uint32_t key_id, std::string_view signature);

// A signature line of a note, parsed but not verified.
struct NoteSignature {
  std::string name;
  uint32_t key_id;
  std::string signature;  // The bytes after the key id (at least one).
};
struct OpenedNote {
  std::string_view text;  // Up to the last blank line, with its final newline; views `note`.
  std::vector<NoteSignature> signatures;
};
// Splits a note into its text and its signature lines, checking the form
// only (no signature is verified). InvalidArgument for a malformed note,
// exactly as VerifyNote.
StatusOr<OpenedNote> OpenNote(std::string_view note);

// Signs note bodies under one key name. Move-only (it owns the private key).
class NoteSigner {
 public:
  // InvalidArgument if `name` is not a valid key name.
  static StatusOr<NoteSigner> Create(std::string name, PrivateKey key);

  // The signed note: body + "\n" + "— <name> <base64(key id || sig)>\n".
  // Precondition: `body` is non-empty and ends in "\n" (true of every
  // CheckpointBody); otherwise the note will not open. Thread-safe.
  std::string Sign(std::string_view body) const;

  // "<name>+<key id hex>+<base64(0x01 || public key)>", for verifiers.
  std::string VerifierKey() const;
  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  PublicKey public_key() const { return key_.public_key(); }

 private:
  NoteSigner(std::string name, PrivateKey key, uint32_t key_id)
      : name_(std::move(name)), key_(std::move(key)), key_id_(key_id) {}

  std::string name_;
  PrivateKey key_;
  uint32_t key_id_;
};

// One trusted Ed25519 note key. Copyable.
class NoteVerifier {
 public:
  // Parses a verifier key string. InvalidArgument if it is malformed, names
  // another signature type, or its key id does not match its name and key.
  static StatusOr<NoteVerifier> FromVerifierKey(std::string_view vkey);
  // InvalidArgument if `name` is not a valid key name.
  static StatusOr<NoteVerifier> Create(std::string name, PublicKey key);

  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  const PublicKey& key() const { return key_; }
  // The verifier key string this verifier was (or could have been) parsed from.
  std::string VerifierKey() const;

 private:
  NoteVerifier(std::string name, PublicKey key, uint32_t key_id)
      : name_(std::move(name)), key_(std::move(key)), key_id_(key_id) {}

  std::string name_;
  PublicKey key_;
  uint32_t key_id_;
};

// Opens a signed note and returns its verified body (with final newline).
// Signature lines from other keys (another name or another key id) are
// ignored. InvalidArgument if the note is malformed (not UTF-8, a control
// character, no blank line before the signatures, a bad signature line, more
// than kMaxNoteSignatures lines); PermissionDenied if no line is from
// `verifier`; DataLoss if any line from `verifier` fails to verify.
StatusOr<std::string> VerifyNote(std::string_view note, const NoteVerifier& verifier);

// VerifyNote, then ParseCheckpointBody. If `expected_origin` is not empty the
// origin must equal it (PermissionDenied otherwise: a valid signature for
// another log).
StatusOr<Checkpoint> VerifyCheckpoint(std::string_view note, const NoteVerifier& verifier,
                                      std::string_view expected_origin);

// signer.Sign(CheckpointBody(checkpoint)).
std::string SignCheckpoint(const Checkpoint& checkpoint, const NoteSigner& signer);

}  // namespace creg
