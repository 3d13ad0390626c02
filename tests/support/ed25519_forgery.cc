#include "tests/support/ed25519_forgery.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <memory>

#include "ledger/encoding.h"

namespace creg::testing {
namespace {

std::string Unhex(std::string_view hex) { return HexDecode(hex).value(); }

const unsigned char* Data(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::vector<std::string> SmallOrderPoints() {
  return {
      Unhex("0100000000000000000000000000000000000000000000000000000000000000"),  // identity
      Unhex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),  // order 2
      Unhex("0000000000000000000000000000000000000000000000000000000000000000"),  // order 4
      Unhex("0000000000000000000000000000000000000000000000000000000000000080"),  // order 4
      Unhex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),  // order 8
      Unhex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85"),  // order 8
      Unhex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),  // order 8
      Unhex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"),  // order 8
  };
}

std::vector<std::string> NonCanonicalSmallOrderPoints() {
  return {
      Unhex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),  // y = p
      Unhex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),  // y = p, sign
      Unhex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),  // y = p + 1
      Unhex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),  // p + 1, sign
      Unhex("0100000000000000000000000000000000000000000000000000000000000080"),  // 1, sign
      Unhex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),  // p - 1, sign
  };
}

std::string ForgeUnderSmallOrderKey(std::string_view key, std::string_view message) {
  if (sodium_init() < 0 || key.size() != 32) return "";
  for (int attempt = 0; attempt < 1000; ++attempt) {
    unsigned char s[32], r[32], h[64], k[32];
    crypto_core_ed25519_scalar_random(s);
    if (crypto_scalarmult_ed25519_base_noclamp(r, s) != 0) continue;
    crypto_hash_sha512_state state;
    crypto_hash_sha512_init(&state);
    crypto_hash_sha512_update(&state, r, 32);
    crypto_hash_sha512_update(&state, Data(key), 32);
    crypto_hash_sha512_update(&state, Data(message), message.size());
    crypto_hash_sha512_final(&state, h);
    crypto_core_ed25519_scalar_reduce(k, h);
    if ((k[0] & 7) != 0) continue;  // [k]A is the identity only when 8 divides k
    std::string signature(reinterpret_cast<const char*>(r), 32);
    signature.append(reinterpret_cast<const char*>(s), 32);
    return signature;
  }
  return "";
}

bool OpensslAccepts(std::string_view key, std::string_view message, std::string_view signature) {
  struct Free {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  std::unique_ptr<EVP_PKEY, Free> pkey(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, Data(key), key.size()));
  std::unique_ptr<EVP_MD_CTX, Free> ctx(EVP_MD_CTX_new());
  bool ok = pkey != nullptr && ctx != nullptr &&
            EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) == 1 &&
            EVP_DigestVerify(ctx.get(), Data(signature), signature.size(), Data(message),
                             message.size()) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace creg::testing
