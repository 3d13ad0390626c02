#include "ledger/hash.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstring>
#include <memory>

#include "ledger/encoding.h"

namespace creg {

StatusOr<Hash> Hash::FromBytes(std::string_view bytes) {
  if (bytes.size() != kSize) {
    return InvalidArgumentError("a hash must be 32 bytes, got " + std::to_string(bytes.size()));
  }
  Hash h;
  std::memcpy(h.bytes_.data(), bytes.data(), kSize);
  return h;
}

StatusOr<Hash> Hash::FromBase64(std::string_view text) {
  CREG_ASSIGN_OR_RETURN(std::string bytes, Base64Decode(text));
  return FromBytes(bytes);
}

std::string Hash::ToBase64() const { return Base64Encode(view()); }
std::string Hash::ToHex() const { return HexEncode(view()); }

Hash Sha256(std::string_view data) { return Sha256({data}); }

Hash Sha256(std::initializer_list<std::string_view> parts) {
  // The one-shot SHA256_* interface is deprecated in OpenSSL 3; EVP_Digest*
  // with a fetched-once implementation avoids a provider lookup per call.
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                           &EVP_MD_CTX_free);
  Hash out;
  unsigned int len = 0;
  EVP_DigestInit_ex(ctx.get(), kSha256, nullptr);
  for (std::string_view p : parts) EVP_DigestUpdate(ctx.get(), p.data(), p.size());
  EVP_DigestFinal_ex(ctx.get(), out.data(), &len);
  return out;
}

}  // namespace creg
