// Ed25519 keys (RFC 8032): signing and verification through libsodium,
// under creg's strict rule (ledger/internal/ed25519.h, docs/security.md);
// PEM files through OpenSSL.
//
// PublicKey is a small immutable value: copyable, comparable, and safe to use
// from many threads at once without external synchronization. Every
// PublicKey holds an acceptable key (CheckPublicKey): there is no PublicKey
// of a small-order or non-canonical point.
//
// PrivateKey owns secret material: it is move-only, wipes its secret when
// destroyed, and Sign is safe to call from many threads at once. A
// moved-from PrivateKey may only be destroyed or assigned to.
//
// Files use PEM: private keys as unencrypted PKCS#8 ("BEGIN PRIVATE KEY"),
// public keys as SubjectPublicKeyInfo ("BEGIN PUBLIC KEY"), the same forms
// `openssl genpkey -algorithm ed25519` and `openssl pkey -pubout` write, so
// keys can be made or inspected with the openssl command.
//
// Errors: InvalidArgument for bytes or text that are not an acceptable
// Ed25519 key; NotFound for a missing file; AlreadyExists when saving over an
// existing file; Unavailable for other I/O failures; Internal if key
// generation fails. No function throws. Sign and ToPem cannot report errors:
// they fail only when memory runs out, and then (or on a moved-from
// PrivateKey) they print the error and abort rather than return a bad
// signature.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "ledger/status.h"

namespace creg {

namespace internal {
// libsodium's Ed25519 secret key (seed || public key), wiped when freed.
struct Ed25519Secret;
struct Ed25519SecretDeleter {
  void operator()(Ed25519Secret* secret) const;
};
}  // namespace internal

// OK if `raw32` is an Ed25519 public key creg accepts: exactly 32 bytes, the
// canonical encoding of a point of the curve (RFC 8032 5.1.3), and not one
// of the 8 points of small order (the identity point 01 00...00 among them),
// under which anyone could forge signatures. Otherwise InvalidArgument
// saying what is wrong, as a sentence starting "the key ...". Thread-safe.
Status CheckPublicKey(std::string_view raw32);

class PublicKey {
 public:
  static constexpr size_t kSize = 32;  // Raw RFC 8032 public key.
  static constexpr size_t kSignatureSize = 64;

  // InvalidArgument unless CheckPublicKey(raw32) is OK.
  static StatusOr<PublicKey> FromRaw(std::string_view raw32);
  // Parses one "-----BEGIN PUBLIC KEY-----" block. InvalidArgument if it is
  // not PEM, is a key of another algorithm, or fails CheckPublicKey.
  static StatusOr<PublicKey> FromPem(std::string_view pem);

  // The 32-byte RFC 8032 encoding.
  std::string raw() const;
  // "-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----\n".
  std::string ToPem() const;

  // True only if `signature` is a valid 64-byte Ed25519 signature of
  // `message` by this key under creg's strict rule: S < L, R canonical and
  // not of small order, and the cofactorless equation (docs/security.md).
  // Any other length is false. Thread-safe.
  bool Verify(std::string_view message, std::string_view signature) const;

  friend bool operator==(const PublicKey& a, const PublicKey& b) { return a.raw_ == b.raw_; }

 private:
  explicit PublicKey(const std::array<uint8_t, kSize>& raw) : raw_(raw) {}

  std::array<uint8_t, kSize> raw_;  // Always passes CheckPublicKey.
};

class PrivateKey {
 public:
  // A fresh key from libsodium's CSPRNG (the kernel's getrandom). Internal
  // only if the key cannot be used (never expected).
  static StatusOr<PrivateKey> Generate();
  // Parses one unencrypted "-----BEGIN PRIVATE KEY-----" (PKCS#8) block.
  // InvalidArgument if it is not PEM, is encrypted, or is another algorithm.
  static StatusOr<PrivateKey> FromPem(std::string_view pem);
  // Reads and parses a key file. NotFound naming `path` if it does not exist,
  // InvalidArgument naming `path` if it holds no Ed25519 private key,
  // Unavailable if it cannot be read.
  static StatusOr<PrivateKey> LoadFile(const std::string& path);

  PrivateKey(PrivateKey&&) noexcept = default;
  PrivateKey& operator=(PrivateKey&&) noexcept = default;
  PrivateKey(const PrivateKey&) = delete;
  PrivateKey& operator=(const PrivateKey&) = delete;
  ~PrivateKey() = default;

  // Writes ToPem() to a new file created with mode 0600, and fsyncs the file
  // and its folder. AlreadyExists naming `path` if anything is there (it is
  // never overwritten); Unavailable for other I/O errors, in which case no
  // partial file is left behind.
  Status SaveFile(const std::string& path) const;

  // Unencrypted PKCS#8 PEM, interchangeable with `openssl genpkey`. The caller
  // owns the secret it returns.
  std::string ToPem() const;
  PublicKey public_key() const { return public_key_; }
  // The 64-byte Ed25519 signature of `message`. Thread-safe.
  std::string Sign(std::string_view message) const;

 private:
  using SecretPtr = std::unique_ptr<internal::Ed25519Secret, internal::Ed25519SecretDeleter>;
  PrivateKey(SecretPtr secret, PublicKey public_key)
      : secret_(std::move(secret)), public_key_(std::move(public_key)) {}
  // The key of a 32-byte RFC 8032 seed.
  static StatusOr<PrivateKey> FromSeed(const unsigned char* seed);

  SecretPtr secret_;  // Null only when moved from.
  PublicKey public_key_;
};

// Writes `key.ToPem()` to a new file with mode 0644 and fsyncs it; the same
// errors as PrivateKey::SaveFile (never overwrites).
Status SavePublicKeyFile(const PublicKey& key, const std::string& path);
// NotFound naming `path` if missing; InvalidArgument naming `path` if it holds
// no Ed25519 public key; Unavailable if it cannot be read.
StatusOr<PublicKey> LoadPublicKeyFile(const std::string& path);

}  // namespace creg
