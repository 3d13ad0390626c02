#include "ledger/keys.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "ledger/internal/ed25519.h"

namespace creg {
namespace internal {

struct Ed25519Secret {
  unsigned char bytes[ed25519::kSecretKeySize];
};

void Ed25519SecretDeleter::operator()(Ed25519Secret* secret) const {
  ed25519::Wipe(secret->bytes, sizeof(secret->bytes));
  delete secret;
}

}  // namespace internal

namespace {

namespace ed25519 = internal::ed25519;

struct PkeyDeleter {
  void operator()(EVP_PKEY* pkey) const { EVP_PKEY_free(pkey); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

// Keys are a few hundred bytes; anything much larger is not a key file.
constexpr off_t kMaxKeyFileSize = 64 * 1024;

// Empties OpenSSL's thread-local error queue into one line, so a failure here
// never leaves stale errors behind for an unrelated later call.
std::string DrainOpensslErrors() {
  std::string out;
  char buf[256];
  while (unsigned long e = ERR_get_error()) {
    ERR_error_string_n(e, buf, sizeof(buf));
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

Status OpensslError(StatusCode code, std::string what) {
  std::string detail = DrainOpensslErrors();
  if (!detail.empty()) what += " (" + detail + ")";
  return Status(code, std::move(what));
}

// For calls whose API cannot report failure and which fail only when memory
// runs out: a registry node must not carry on with a missing signature.
[[noreturn]] void Fatal(const char* what) {
  std::fprintf(stderr, "creg: fatal OpenSSL failure: %s: %s\n", what, DrainOpensslErrors().c_str());
  std::abort();
}

std::string ErrnoText(int err) { return std::system_category().message(err); }

// Never prompts on a terminal for a passphrase: encrypted keys are refused.
int NoPassphrase(char*, int, int, void*) { return 0; }

BioPtr ReadOnlyBio(std::string_view text) {
  if (text.size() > static_cast<size_t>(INT_MAX)) return nullptr;
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return len > 0 ? std::string(data, static_cast<size_t>(len)) : std::string();
}

std::string TypeName(const EVP_PKEY* pkey) {
  const char* name = EVP_PKEY_get0_type_name(pkey);
  return name != nullptr ? name : "unknown";
}

bool IsEd25519(const EVP_PKEY* pkey) { return EVP_PKEY_is_a(pkey, "ED25519") == 1; }

StatusOr<std::string> ReadKeyFile(const std::string& path, const char* what) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT)
      return NotFoundError(std::string(what) + " file " + path + " does not exist");
    return UnavailableError("cannot open " + std::string(what) + " file " + path + ": " +
                            ErrnoText(err));
  }
  struct stat st;
  Status status;
  std::string contents;
  if (fstat(fd, &st) != 0) {
    status = UnavailableError("cannot stat " + path + ": " + ErrnoText(errno));
  } else if (!S_ISREG(st.st_mode)) {
    status = InvalidArgumentError(path + " is not a regular file");
  } else if (st.st_size > kMaxKeyFileSize) {
    status = InvalidArgumentError(path + " is " + std::to_string(st.st_size) +
                                  " bytes, too large for a key file");
  } else {
    char buf[4096];
    for (;;) {
      ssize_t n = read(fd, buf, sizeof(buf));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        status = UnavailableError("cannot read " + path + ": " + ErrnoText(errno));
        break;
      }
      if (n == 0) break;
      contents.append(buf, static_cast<size_t>(n));
      if (contents.size() > static_cast<size_t>(kMaxKeyFileSize)) {
        status = InvalidArgumentError(path + " is too large for a key file");
        break;
      }
    }
  }
  close(fd);
  if (!status.ok()) return status;
  return contents;
}

Status FsyncFolderOf(const std::string& path) {
  std::filesystem::path folder = std::filesystem::path(path).parent_path();
  if (folder.empty()) folder = ".";
  int fd = open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return UnavailableError("cannot open folder " + folder.string() + ": " + ErrnoText(errno));
  int rc = fsync(fd);
  int err = errno;
  close(fd);
  if (rc != 0)
    return UnavailableError("cannot fsync folder " + folder.string() + ": " + ErrnoText(err));
  return OkStatus();
}

// Creates `path` with exactly `mode`, writes `contents` and fsyncs. Never
// replaces an existing file; removes its own partial file on failure.
Status WriteNewFile(const std::string& path, std::string_view contents, mode_t mode) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    int err = errno;
    if (err == EEXIST)
      return AlreadyExistsError(path + " already exists; refusing to overwrite it");
    return UnavailableError("cannot create " + path + ": " + ErrnoText(err));
  }
  Status status;
  // The umask may have narrowed `mode`; the file gets exactly what was asked.
  if (fchmod(fd, mode) != 0)
    status = UnavailableError("cannot chmod " + path + ": " + ErrnoText(errno));
  size_t done = 0;
  while (status.ok() && done < contents.size()) {
    ssize_t n = write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) status = UnavailableError("cannot write " + path + ": " + ErrnoText(errno));
    if (n > 0) done += static_cast<size_t>(n);
  }
  if (status.ok() && fsync(fd) != 0) {
    status = UnavailableError("cannot fsync " + path + ": " + ErrnoText(errno));
  }
  if (close(fd) != 0 && status.ok()) {
    status = UnavailableError("cannot close " + path + ": " + ErrnoText(errno));
  }
  if (!status.ok()) {
    unlink(path.c_str());
    return status;
  }
  return FsyncFolderOf(path);
}

StatusOr<PublicKey> PublicKeyFromPkey(EVP_PKEY* pkey, std::string_view what) {
  if (!IsEd25519(pkey)) {
    return InvalidArgumentError(std::string(what) + " is a " + TypeName(pkey) +
                                " key, not an Ed25519 key");
  }
  unsigned char raw[PublicKey::kSize];
  size_t len = sizeof(raw);
  if (EVP_PKEY_get_raw_public_key(pkey, raw, &len) != 1 || len != sizeof(raw)) {
    return OpensslError(StatusCode::kInternal, "cannot read an Ed25519 public key");
  }
  StatusOr<PublicKey> key =
      PublicKey::FromRaw(std::string_view(reinterpret_cast<const char*>(raw), len));
  if (!key.ok()) return key.status().WithContext(what);
  return key;
}

}  // namespace

// ---- PublicKey ----

Status CheckPublicKey(std::string_view raw32) {
  std::string problem = ed25519::PublicKeyProblem(raw32);
  if (problem.empty()) return OkStatus();
  return InvalidArgumentError("the key " + problem);
}

StatusOr<PublicKey> PublicKey::FromRaw(std::string_view raw32) {
  CREG_RETURN_IF_ERROR(CheckPublicKey(raw32));
  std::array<uint8_t, kSize> raw;
  std::copy(raw32.begin(), raw32.end(), raw.begin());
  return PublicKey(raw);
}

StatusOr<PublicKey> PublicKey::FromPem(std::string_view pem) {
  BioPtr bio = ReadOnlyBio(pem);
  if (bio == nullptr) return OpensslError(StatusCode::kInvalidArgument, "public key PEM too large");
  PkeyPtr pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, NoPassphrase, nullptr));
  if (pkey == nullptr) {
    return OpensslError(StatusCode::kInvalidArgument,
                        "not a PEM public key (\"-----BEGIN PUBLIC KEY-----\")");
  }
  return PublicKeyFromPkey(pkey.get(), "the PEM public key");
}

std::string PublicKey::raw() const { return std::string(raw_.begin(), raw_.end()); }

std::string PublicKey::ToPem() const {
  PkeyPtr pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw_.data(), raw_.size()));
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (pkey == nullptr || bio == nullptr || PEM_write_bio_PUBKEY(bio.get(), pkey.get()) != 1) {
    Fatal("PEM_write_bio_PUBKEY");
  }
  return BioContents(bio.get());
}

bool PublicKey::Verify(std::string_view message, std::string_view signature) const {
  return ed25519::Verify(std::string_view(reinterpret_cast<const char*>(raw_.data()), raw_.size()),
                         message, signature);
}

// ---- PrivateKey ----

StatusOr<PrivateKey> PrivateKey::FromSeed(const unsigned char* seed) {
  SecretPtr secret(new internal::Ed25519Secret);
  unsigned char pub[PublicKey::kSize];
  ed25519::KeyPairFromSeed(seed, pub, secret->bytes);
  CREG_ASSIGN_OR_RETURN(
      PublicKey public_key,
      PublicKey::FromRaw(std::string_view(reinterpret_cast<const char*>(pub), sizeof(pub))));
  return PrivateKey(std::move(secret), std::move(public_key));
}

StatusOr<PrivateKey> PrivateKey::Generate() {
  SecretPtr secret(new internal::Ed25519Secret);
  unsigned char pub[PublicKey::kSize];
  ed25519::GenerateKeyPair(pub, secret->bytes);
  StatusOr<PublicKey> public_key =
      PublicKey::FromRaw(std::string_view(reinterpret_cast<const char*>(pub), sizeof(pub)));
  if (!public_key.ok()) {
    return InternalError("cannot generate an Ed25519 key: " + public_key.status().message());
  }
  return PrivateKey(std::move(secret), *std::move(public_key));
}

StatusOr<PrivateKey> PrivateKey::FromPem(std::string_view pem) {
  if (pem.find("ENCRYPTED") != std::string_view::npos) {
    return InvalidArgumentError("encrypted private keys are not supported; store it unencrypted");
  }
  BioPtr bio = ReadOnlyBio(pem);
  if (bio == nullptr)
    return OpensslError(StatusCode::kInvalidArgument, "private key PEM too large");
  PkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (pkey == nullptr) {
    return OpensslError(StatusCode::kInvalidArgument,
                        "not a PEM private key (\"-----BEGIN PRIVATE KEY-----\")");
  }
  if (!IsEd25519(pkey.get())) {
    return InvalidArgumentError("the private key is a " + TypeName(pkey.get()) +
                                " key, not an Ed25519 key");
  }
  unsigned char seed[ed25519::kSeedSize];
  size_t len = sizeof(seed);
  if (EVP_PKEY_get_raw_private_key(pkey.get(), seed, &len) != 1 || len != sizeof(seed)) {
    return OpensslError(StatusCode::kInternal, "cannot read an Ed25519 private key");
  }
  StatusOr<PrivateKey> key = FromSeed(seed);
  ed25519::Wipe(seed, sizeof(seed));
  return key;
}

StatusOr<PrivateKey> PrivateKey::LoadFile(const std::string& path) {
  CREG_ASSIGN_OR_RETURN(std::string pem, ReadKeyFile(path, "private key"));
  StatusOr<PrivateKey> key = FromPem(pem);
  OPENSSL_cleanse(pem.data(), pem.size());
  if (!key.ok()) return key.status().WithContext("private key file " + path);
  return key;
}

Status PrivateKey::SaveFile(const std::string& path) const {
  std::string pem = ToPem();
  Status status = WriteNewFile(path, pem, 0600);
  OPENSSL_cleanse(pem.data(), pem.size());
  return status;
}

std::string PrivateKey::ToPem() const {
  if (secret_ == nullptr) Fatal("PrivateKey::ToPem on a moved-from key");
  // OpenSSL keeps the seed in its secure heap and wipes it when the key is
  // freed; a secure-heap BIO is wiped too, so only the returned copy remains.
  PkeyPtr pkey(
      EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, secret_->bytes, ed25519::kSeedSize));
  BioPtr bio(BIO_new(BIO_s_secmem()));
  if (pkey == nullptr || bio == nullptr ||
      PEM_write_bio_PrivateKey(bio.get(), pkey.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    Fatal("PEM_write_bio_PrivateKey");
  }
  return BioContents(bio.get());
}

std::string PrivateKey::Sign(std::string_view message) const {
  if (secret_ == nullptr) Fatal("PrivateKey::Sign on a moved-from key");
  return ed25519::Sign(secret_->bytes, message);
}

// ---- Public key files ----

Status SavePublicKeyFile(const PublicKey& key, const std::string& path) {
  return WriteNewFile(path, key.ToPem(), 0644);
}

StatusOr<PublicKey> LoadPublicKeyFile(const std::string& path) {
  CREG_ASSIGN_OR_RETURN(std::string pem, ReadKeyFile(path, "public key"));
  StatusOr<PublicKey> key = PublicKey::FromPem(pem);
  if (!key.ok()) return key.status().WithContext("public key file " + path);
  return key;
}

}  // namespace creg
