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

namespace creg {
namespace internal {

void EvpPkeyDeleter::operator()(EVP_PKEY* pkey) const { EVP_PKEY_free(pkey); }

}  // namespace internal

namespace {

using PkeyPtr = std::unique_ptr<EVP_PKEY, internal::EvpPkeyDeleter>;

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

struct PkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};

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

// For calls whose API cannot report failure and which OpenSSL fails only when
// memory runs out: a registry node must not carry on with a missing signature.
[[noreturn]] void Fatal(const char* what) {
  std::fprintf(stderr, "creg: fatal OpenSSL failure: %s: %s\n", what, DrainOpensslErrors().c_str());
  std::abort();
}

std::string ErrnoText(int err) { return std::system_category().message(err); }

const unsigned char* Bytes(std::string_view s) {
  static const unsigned char kEmpty = 0;
  return s.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(s.data());
}

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
  return PublicKey::FromRaw(std::string_view(reinterpret_cast<const char*>(raw), len));
}

}  // namespace

// ---- PublicKey ----

StatusOr<PublicKey> PublicKey::FromRaw(std::string_view raw32) {
  if (raw32.size() != kSize) {
    return InvalidArgumentError("an Ed25519 public key is 32 bytes, got " +
                                std::to_string(raw32.size()));
  }
  EVP_PKEY* pkey =
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, Bytes(raw32), raw32.size());
  if (pkey == nullptr) return OpensslError(StatusCode::kInvalidArgument, "bad Ed25519 public key");
  std::array<uint8_t, kSize> raw;
  std::copy(raw32.begin(), raw32.end(), raw.begin());
  return PublicKey(std::shared_ptr<EVP_PKEY>(pkey, internal::EvpPkeyDeleter()), raw);
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
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_PUBKEY(bio.get(), pkey_.get()) != 1) {
    Fatal("PEM_write_bio_PUBKEY");
  }
  return BioContents(bio.get());
}

bool PublicKey::Verify(std::string_view message, std::string_view signature) const {
  if (signature.size() != kSignatureSize) return false;
  MdCtxPtr ctx(EVP_MD_CTX_new());
  bool ok = ctx != nullptr &&
            EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey_.get()) == 1 &&
            EVP_DigestVerify(ctx.get(), Bytes(signature), signature.size(), Bytes(message),
                             message.size()) == 1;
  if (!ok) ERR_clear_error();  // A bad signature is an answer, not an error to keep.
  return ok;
}

// ---- PrivateKey ----

StatusOr<PrivateKey> PrivateKey::FromPkey(PkeyPtr pkey) {
  CREG_ASSIGN_OR_RETURN(PublicKey pub, PublicKeyFromPkey(pkey.get(), "the private key"));
  return PrivateKey(std::move(pkey), std::move(pub));
}

StatusOr<PrivateKey> PrivateKey::Generate() {
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, "ED25519", nullptr));
  EVP_PKEY* made = nullptr;
  if (ctx == nullptr || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_generate(ctx.get(), &made) != 1) {
    return OpensslError(StatusCode::kInternal, "cannot generate an Ed25519 key");
  }
  return FromPkey(PkeyPtr(made));
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
  return FromPkey(std::move(pkey));
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
  if (pkey_ == nullptr) Fatal("PrivateKey::ToPem on a moved-from key");
  // A secure-heap BIO is wiped when freed, so only the returned copy remains.
  BioPtr bio(BIO_new(BIO_s_secmem()));
  if (bio == nullptr || PEM_write_bio_PrivateKey(bio.get(), pkey_.get(), nullptr, nullptr, 0,
                                                 nullptr, nullptr) != 1) {
    Fatal("PEM_write_bio_PrivateKey");
  }
  return BioContents(bio.get());
}

std::string PrivateKey::Sign(std::string_view message) const {
  if (pkey_ == nullptr) Fatal("PrivateKey::Sign on a moved-from key");
  std::string sig(PublicKey::kSignatureSize, '\0');
  size_t len = sig.size();
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (ctx == nullptr ||
      EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, Bytes(message),
                     message.size()) != 1 ||
      len != PublicKey::kSignatureSize) {
    Fatal("Ed25519 signing");
  }
  return sig;
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
