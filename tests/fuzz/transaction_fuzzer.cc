// Fuzzes transaction decoding and validation: PrepareTransaction
// (ledger/registry/transaction.h) and Registry::Apply into a group that is
// never committed, on the fixed registry of fuzz_registry.h (accounts,
// projects, two batches, retirements, a suspended account, and the 2-of-3
// account of FuzzRegistry::AddCouncil, whose transactions carry keyed
// signatures).
//
// Input: one flags byte, then up to kMaxTransactions SignedTransaction
// records, each a 2-byte little-endian length and that many bytes (the last
// record takes what is left). All are applied to one group, in order, so
// later ones see the effects of earlier ones.
//
// Flags bit 0, "trusted signature": the signer's current key is recorded
// as already checked (PreparedTransaction::verified_with_key, as the node's
// worker threads do), so the rules behind the signature check are fuzzed
// too; a fuzzer cannot forge Ed25519 signatures. For keyed signatures
// (account_keys.h) it is their check against the keys they name that is
// trusted; which keys count and the threshold are still checked. Without
// it the bytes are taken exactly as a client sent them.
//
// Checks, besides "never crashes":
//  - whatever PrepareTransaction accepts is in canonical form: its envelope
//    and body re-encode, deterministically, to exactly the bytes given, so
//    the signed bytes have one meaning (ledger/canonical_proto.h);
//  - Apply returns a Status error only for storage failures: never here;
//  - accepted transactions get consecutive entry indexes after the head,
//    and a refusal carries a code and a message;
//  - a group that is dropped leaves the log and the state untouched.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "ledger/canonical_proto.h"
#include "ledger/registry/registry.h"
#include "ledger/registry/transaction.h"
#include "tests/fuzz/fuzz_registry.h"

namespace {

using creg::fuzz::FuzzRegistry;

constexpr size_t kMaxTransactions = 4;
constexpr int64_t kApplyMicros = creg::fuzz::kStoryStartMicros + 3'600'000'000;

std::unique_ptr<FuzzRegistry> WithCouncil(std::unique_ptr<FuzzRegistry> registry) {
  registry->AddCouncil();
  return registry;
}

struct Fixture {
  std::unique_ptr<FuzzRegistry> registry = WithCouncil(FuzzRegistry::Create());
  uint64_t size = registry->registry().log().size();
  creg::Hash digest = registry->registry().StateDigest().value();
};
Fixture* fixture = nullptr;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "transaction_fuzzer: %s\n", what.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fixture = new Fixture();
  std::atexit([] { delete fixture; });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool trusted_signature = (data[0] & 1) != 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  creg::Registry& registry = fixture->registry->registry();

  bool applied = false;
  {
    creg::Registry::Group group = registry.BeginGroup();
    uint64_t next_index = fixture->size;
    for (size_t i = 0; i < kMaxTransactions && !rest.empty(); ++i) {
      std::string_view bytes = rest;
      if (rest.size() >= 2) {
        size_t length =
            static_cast<uint8_t>(rest[0]) | static_cast<size_t>(static_cast<uint8_t>(rest[1])) << 8;
        bytes = rest.substr(2, length);
        rest.remove_prefix(std::min(rest.size(), 2 + length));
      } else {
        rest = {};
      }

      auto prepared = creg::PrepareTransaction(bytes);
      if (auto* rejection = std::get_if<creg::Rejection>(&prepared)) {
        if (rejection->code != creg::RuleCode::kMalformed &&
            rejection->code != creg::RuleCode::kTooManyKeys &&
            rejection->code != creg::RuleCode::kDuplicateSignature)
          Fail("PrepareTransaction refused with " + rejection->ToString());
        continue;
      }
      creg::PreparedTransaction tx = std::move(std::get<creg::PreparedTransaction>(prepared));
      if (tx.bytes != bytes) Fail("the prepared transaction is not the bytes given");
      if (creg::SerializeCanonical(tx.envelope) != bytes)
        Fail("an accepted envelope does not re-encode to itself");
      if (creg::SerializeCanonical(tx.body) != tx.envelope.body())
        Fail("an accepted body does not re-encode to itself");
      if (trusted_signature) {
        auto signer = registry.Account(tx.envelope.signer());
        if (!signer.ok()) Fail("Account: " + signer.status().ToString());
        if (signer->has_value()) tx.verified_with_key = (*signer)->public_key();
        tx.keyed_signatures_verified = tx.envelope.signatures_size() > 0;
      }
      creg::StatusOr<creg::Verdict> verdict =
          registry.Apply(group, std::move(tx), kApplyMicros + static_cast<int64_t>(i));
      applied = true;
      if (!verdict.ok()) Fail("Apply failed with a Status: " + verdict.status().ToString());
      if (auto* rejection = std::get_if<creg::Rejection>(&*verdict)) {
        if (rejection->code == creg::RuleCode::kOk || rejection->message.empty()) {
          Fail("a refusal without code or message: " + rejection->ToString());
        }
        continue;
      }
      const creg::Accepted& accepted = std::get<creg::Accepted>(*verdict);
      if (accepted.duplicate) {
        if (accepted.entry_index >= next_index) Fail("a duplicate of an entry that does not exist");
        continue;
      }
      if (accepted.entry_index != next_index) {
        Fail("accepted at entry " + std::to_string(accepted.entry_index) + ", expected " +
             std::to_string(next_index));
      }
      ++next_index;
      if (group.size() != next_index - fixture->size)
        Fail("the group does not hold every accepted entry");
    }
  }  // The group is dropped, never committed.

  if (registry.log().size() != fixture->size) Fail("a dropped group changed the log");
  if (applied) {
    creg::StatusOr<creg::Hash> digest = registry.StateDigest();
    if (!digest.ok() || *digest != fixture->digest) Fail("a dropped group changed the state");
  }
  return 0;
}
