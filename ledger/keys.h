// Ed25519 keys (RFC 8032) through OpenSSL 3's EVP interface.
//
// PublicKey is a small immutable value: copyable, comparable, and safe to use
// from many threads at once without external synchronization (each Verify
// makes its own OpenSSL context; the shared EVP_PKEY is only read, as libssl
// shares a server key between connections).
//
// PrivateKey owns secret material: it is move-only, and Sign is safe to call
// from many threads at once. A moved-from PrivateKey may only be destroyed or
// assigned to.
//
// Files use PEM: private keys as unencrypted PKCS#8 ("BEGIN PRIVATE KEY"),
// public keys as SubjectPublicKeyInfo ("BEGIN PUBLIC KEY"), the same forms
// `openssl genpkey -algorithm ed25519` and `openssl pkey -pubout` write, so
// keys can be made or inspected with the openssl command.
//
// Errors: InvalidArgument for bytes or text that are not an Ed25519 key;
// NotFound for a missing file; AlreadyExists when saving over an existing
// file; Unavailable for other I/O failures; Internal if key generation fails.
// No function throws. Sign and ToPem cannot report errors: OpenSSL fails them
// only when memory runs out, and then (or on a moved-from PrivateKey) they
// print the OpenSSL error and abort rather than return a bad signature.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <openssl/types.h>

#include "ledger/status.h"

namespace creg {

namespace internal {
struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* pkey) const;
};
}  // namespace internal

class PublicKey {
 public:
  static constexpr size_t kSize = 32;  // Raw RFC 8032 public key.
  static constexpr size_t kSignatureSize = 64;

  // InvalidArgument unless `raw32` is exactly 32 bytes.
  static StatusOr<PublicKey> FromRaw(std::string_view raw32);
  // Parses one "-----BEGIN PUBLIC KEY-----" block. InvalidArgument if it is
  // not PEM, or is a key of another algorithm.
  static StatusOr<PublicKey> FromPem(std::string_view pem);

  // The 32-byte RFC 8032 encoding.
  std::string raw() const;
  // "-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----\n".
  std::string ToPem() const;

  // True only if `signature` is a valid 64-byte Ed25519 signature of
  // `message` by this key. Any other length is false. Thread-safe.
  bool Verify(std::string_view message, std::string_view signature) const;

  friend bool operator==(const PublicKey& a, const PublicKey& b) { return a.raw_ == b.raw_; }

 private:
  PublicKey(std::shared_ptr<EVP_PKEY> pkey, const std::array<uint8_t, kSize>& raw)
      : pkey_(std::move(pkey)), raw_(raw) {}

  std::shared_ptr<EVP_PKEY> pkey_;  // Never null; never mutated after construction.
  std::array<uint8_t, kSize> raw_;
};

class PrivateKey {
 public:
  // A fresh key from OpenSSL's CSPRNG. Internal only if OpenSSL fails.
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
  PrivateKey(std::unique_ptr<EVP_PKEY, internal::EvpPkeyDeleter> pkey, PublicKey public_key)
      : pkey_(std::move(pkey)), public_key_(std::move(public_key)) {}
  static StatusOr<PrivateKey> FromPkey(std::unique_ptr<EVP_PKEY, internal::EvpPkeyDeleter> pkey);

  std::unique_ptr<EVP_PKEY, internal::EvpPkeyDeleter> pkey_;
  PublicKey public_key_;
};

// Writes `key.ToPem()` to a new file with mode 0644 and fsyncs it; the same
// errors as PrivateKey::SaveFile (never overwrites).
Status SavePublicKeyFile(const PublicKey& key, const std::string& path);
// NotFound naming `path` if missing; InvalidArgument naming `path` if it holds
// no Ed25519 public key; Unavailable if it cannot be read.
StatusOr<PublicKey> LoadPublicKeyFile(const std::string& path);

}  // namespace creg
