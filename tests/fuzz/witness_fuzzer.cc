// Fuzzes what a witness reads from the network and what a log reads back
// from a witness (ledger/witness_protocol.h, ledger/cosignature.h):
// ParseAddCheckpointBody, ParseTreeSizeBody,
// CosignatureVerifier::FromVerifierKey and VerifyCosignatures, all on the
// same input.
//
// Checks, besides "never crashes":
//  - ParseAddCheckpointBody is the strict inverse of AddCheckpointBody: a
//    parsed body has at most 63 proof lines, a non-empty note, and prints
//    back to the same bytes;
//  - ParseTreeSizeBody accepts only what TreeSizeBody prints;
//  - a parsed witness key prints back to the same string;
//  - verified cosignatures come from the one known witness, and their body
//    is the note's first bytes.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ledger/cosignature.h"
#include "ledger/witness_protocol.h"
#include "tests/fuzz/fuzz_registry.h"

namespace {

creg::CosignatureVerifier* witness = nullptr;

[[noreturn]] void Fail(const std::string& what, std::string_view input) {
  std::fprintf(stderr, "witness_fuzzer: %s\ninput (%zu bytes): %.*s\n", what.c_str(), input.size(),
               static_cast<int>(std::min<size_t>(input.size(), 2000)), input.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  witness = new creg::CosignatureVerifier(
      creg::CosignatureVerifier::Create(
          creg::fuzz::kWitnessKeyName,
          creg::fuzz::LoadFixedKey(creg::fuzz::FixedKey::kCarol).public_key())
          .value());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);

  creg::StatusOr<creg::AddCheckpointRequest> request = creg::ParseAddCheckpointBody(input);
  if (request.ok()) {
    if (request->proof.size() > creg::kMaxWitnessProofLines) Fail("too many proof lines", input);
    if (request->note.empty()) Fail("parsed an empty note", input);
    if (creg::AddCheckpointBody(request->old_size, request->proof, request->note) != input) {
      Fail("add-checkpoint body does not print back", input);
    }
  }

  creg::StatusOr<uint64_t> tree_size = creg::ParseTreeSizeBody(input);
  if (tree_size.ok() && creg::TreeSizeBody(*tree_size) != input) {
    Fail("tree size body does not print back", input);
  }

  creg::StatusOr<creg::CosignatureVerifier> key = creg::CosignatureVerifier::FromVerifierKey(input);
  if (key.ok() && key->VerifierKey() != input) Fail("witness key does not print back", input);

  creg::StatusOr<creg::VerifiedCosignatures> cosigned =
      creg::VerifyCosignatures(input, std::span<const creg::CosignatureVerifier>(witness, 1));
  if (cosigned.ok()) {
    if (!input.starts_with(cosigned->body) || cosigned->body.empty()) {
      Fail("the cosigned body is not the note's first bytes", input);
    }
    for (const creg::Cosignature& c : cosigned->cosignatures) {
      if (c.verifier != 0 || c.time > creg::kMaxCosignatureTime) {
        Fail("a cosignature from nowhere, or from too late", input);
      }
    }
  }
  return 0;
}
