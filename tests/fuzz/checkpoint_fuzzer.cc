// Fuzzes checkpoint and signed-note parsing (ledger/checkpoint.h):
// ParseCheckpointBody, VerifyNote, VerifyCheckpoint and
// NoteVerifier::FromVerifierKey, all on the same input.
//
// Checks, besides "never crashes":
//  - ParseCheckpointBody is the strict inverse of CheckpointBody: a parsed
//    body without extension lines prints back to the same bytes;
//  - a note opens only with a signature by the checkpoint key, its body is
//    the note's first bytes, and a verifier of the same name with another
//    key never accepts it;
//  - a parsed verifier key prints back to the same string and parses again.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ledger/checkpoint.h"
#include "tests/fuzz/fuzz_registry.h"

namespace {

struct Fixture {
  creg::NoteVerifier verifier = creg::fuzz::CheckpointVerifier();
  // Same name, another key: its key id differs, so it never matches a line
  // of the real key.
  creg::NoteVerifier impostor =
      creg::NoteVerifier::Create(
          creg::fuzz::kCheckpointKeyName,
          creg::fuzz::LoadFixedKey(creg::fuzz::FixedKey::kOperator).public_key())
          .value();
};
Fixture* fixture = nullptr;

[[noreturn]] void Fail(const std::string& what, std::string_view input) {
  std::fprintf(stderr, "checkpoint_fuzzer: %s\ninput (%zu bytes): %.*s\n", what.c_str(),
               input.size(), static_cast<int>(std::min<size_t>(input.size(), 2000)), input.data());
  std::abort();
}

size_t Lines(std::string_view text) {
  size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fixture = new Fixture();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);

  creg::StatusOr<creg::Checkpoint> body = creg::ParseCheckpointBody(input);
  if (body.ok()) {
    if (body->origin.empty() || body->origin.find('\n') != std::string::npos)
      Fail("parsed a bad origin", input);
    if (Lines(input) == 3 && creg::CheckpointBody(*body) != input)
      Fail("body does not print back", input);
  }

  creg::StatusOr<std::string> opened = creg::VerifyNote(input, fixture->verifier);
  if (opened.ok()) {
    if (!input.starts_with(*opened) || opened->empty() || opened->back() != '\n') {
      Fail("the opened body is not the note's first line(s)", input);
    }
    if (creg::VerifyNote(input, fixture->impostor).ok())
      Fail("another key of the same name opened the note", input);
  }

  creg::StatusOr<creg::Checkpoint> checkpoint =
      creg::VerifyCheckpoint(input, fixture->verifier, "");
  if (checkpoint.ok() != (opened.ok() && creg::ParseCheckpointBody(*opened).ok())) {
    Fail("VerifyCheckpoint disagrees with VerifyNote + ParseCheckpointBody", input);
  }
  if (checkpoint.ok() &&
      !creg::VerifyCheckpoint(input, fixture->verifier, checkpoint->origin).ok()) {
    Fail("a checkpoint does not verify with its own origin", input);
  }

  creg::StatusOr<creg::NoteVerifier> verifier = creg::NoteVerifier::FromVerifierKey(input);
  if (verifier.ok()) {
    if (verifier->VerifierKey() != input) Fail("verifier key does not print back", input);
    if (!creg::IsValidNoteKeyName(verifier->name()))
      Fail("verifier key with an invalid name", input);
  }
  return 0;
}
