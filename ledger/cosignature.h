// Witness cosignatures of checkpoints: C2SP tlog-cosignature v1 with
// Ed25519 (c2sp.org/tlog-cosignature, signature type 0x04). A cosignature
// is one more signed-note signature line on a checkpoint (ledger/checkpoint.h):
//
//   — <witness name> base64(key id || uint64 BE timestamp || signature)\n
//
// key id    = first 4 bytes, big-endian, of SHA-256(name || "\n" || 0x04 || pubkey)
// verifier  = "<name>+<key id, 8 lower-case hex>+<base64(0x04 || pubkey)>"
// signature = Ed25519 over "cosignature/v1\ntime <timestamp>\n" || checkpoint body
//
// where the timestamp is POSIX seconds in decimal with no leading zero, at
// most 2^63-1, and the checkpoint body is the note text up to its blank
// line, final newline included (extension lines too). It states that as of
// that time the largest consistent tree the witness saw for that origin has
// that root; see docs/witness.md for what it proves and what it does not.
//
// Errors: InvalidArgument for malformed names, verifier keys and notes;
// DataLoss when a cosignature from a given witness key does not verify. All
// types are immutable after construction and safe to share between threads.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ledger/checkpoint.h"
#include "ledger/keys.h"
#include "ledger/status.h"

namespace creg {

// Signature type byte of Ed25519 cosignatures (cosignature/v1).
inline constexpr uint8_t kNoteCosignatureType = 0x04;
// Largest timestamp a cosignature may carry.
inline constexpr uint64_t kMaxCosignatureTime = (uint64_t{1} << 63) - 1;

// "cosignature/v1\ntime <time>\n" followed by `checkpoint_body`: the bytes
// an Ed25519 cosignature signs.
std::string CosignedMessage(std::string_view checkpoint_body, uint64_t time);

// Cosigns checkpoints under one witness name. Move-only (owns the key).
class CosignatureSigner {
 public:
  // InvalidArgument if `name` is not a valid note key name.
  static StatusOr<CosignatureSigner> Create(std::string name, PrivateKey key);

  // The cosignature line, newline included, of `checkpoint_body` at `time`.
  // Preconditions: the body is non-empty and ends in "\n" (every
  // CheckpointBody and every OpenNote text does); time <= kMaxCosignatureTime.
  // Thread-safe.
  std::string Cosign(std::string_view checkpoint_body, uint64_t time) const;

  // The verifier key (type 0x04) others check these cosignatures with.
  std::string VerifierKey() const;
  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  PublicKey public_key() const { return key_.public_key(); }

 private:
  CosignatureSigner(std::string name, PrivateKey key, uint32_t key_id)
      : name_(std::move(name)), key_(std::move(key)), key_id_(key_id) {}

  std::string name_;
  PrivateKey key_;
  uint32_t key_id_;
};

// One trusted witness key. Copyable.
class CosignatureVerifier {
 public:
  // Parses a verifier key of type 0x04. InvalidArgument if it is malformed,
  // of another type (a log's 0x01 key among them), or its key id does not
  // match its name and key.
  static StatusOr<CosignatureVerifier> FromVerifierKey(std::string_view vkey);
  // InvalidArgument if `name` is not a valid note key name.
  static StatusOr<CosignatureVerifier> Create(std::string name, PublicKey key);

  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  const PublicKey& key() const { return key_; }
  std::string VerifierKey() const;

  // Checks one signature line's bytes after the key id (timestamp and
  // signature, 72 bytes) against `checkpoint_body`; returns the timestamp.
  // DataLoss if the length is wrong, the timestamp is over
  // kMaxCosignatureTime, or the signature does not verify.
  StatusOr<uint64_t> Verify(std::string_view checkpoint_body, std::string_view signed_bytes) const;

 private:
  CosignatureVerifier(std::string name, PublicKey key, uint32_t key_id)
      : name_(std::move(name)), key_(std::move(key)), key_id_(key_id) {}

  std::string name_;
  PublicKey key_;
  uint32_t key_id_;
};

// A verified cosignature: which of the given verifiers, and when.
struct Cosignature {
  size_t verifier;  // Index into the verifiers passed.
  uint64_t time;
};

struct VerifiedCosignatures {
  std::string body;  // The note's text (the checkpoint body), final newline included.
  // At most one per verifier (its latest timestamp), in the verifiers' order.
  std::vector<Cosignature> cosignatures;
};

// OK if no two of `verifiers` share a public key, or a name and key id, so
// that each cosignature counted is another witness's. InvalidArgument
// naming the witness given twice otherwise.
Status CheckDistinctWitnesses(std::span<const CosignatureVerifier> verifiers);

// Opens `note` and checks every signature line from one of `verifiers`
// (same name and key id); lines from other keys, the log's own signature
// among them, are ignored. It does not check the log's signature (use
// VerifyCheckpoint) or how many witnesses cosigned (count `cosignatures`).
// InvalidArgument if the note is malformed (OpenNote) or two verifiers are
// one witness (CheckDistinctWitnesses); DataLoss naming the
// witness if any line from one of `verifiers` fails to verify.
StatusOr<VerifiedCosignatures> VerifyCosignatures(std::string_view note,
                                                  std::span<const CosignatureVerifier> verifiers);

}  // namespace creg
