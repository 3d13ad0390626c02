// Fuzzes the reader of proposal files (tools/cli/proposal.h, ParseProposal),
// which creg sign and creg submit run on files anyone may hand them.
//
// Checks, besides "never crashes":
//  - a refusal is InvalidArgument with a message;
//  - what is accepted has a canonical body that names an operation, at most
//    10 signatures in strictly ascending key order, each verifying over the
//    body with the key it names;
//  - writing it back (ProposalText) and reading that gives the same
//    transaction and signatures, and the same text again.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ledger/canonical_proto.h"
#include "ledger/registry/account_keys.h"
#include "ledger/registry/transaction.h"
#include "tools/cli/proposal.h"

namespace {

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "proposal_fuzzer: %s\n", what.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  creg::StatusOr<creg::cli::Proposal> p = creg::cli::ParseProposal(input);
  if (!p.ok()) {
    if (p.status().code() != creg::StatusCode::kInvalidArgument || p.status().message().empty())
      Fail("refused with " + p.status().ToString());
    return 0;
  }
  const creg::pb::SignedTransaction& envelope = p->envelope;
  if (!envelope.signature().empty()) Fail("a proposal with a single-form signature");
  if (creg::SerializeCanonical(p->body) != envelope.body()) Fail("a body not in canonical form");
  if (p->body.kind_case() == creg::pb::TransactionBody::KIND_NOT_SET) Fail("a body with no kind");
  if (static_cast<size_t>(envelope.signatures_size()) > creg::kMaxSignatures)
    Fail("too many signatures accepted");
  const std::string message = creg::TransactionSigningMessage(envelope.body());
  for (int i = 0; i < envelope.signatures_size(); ++i) {
    const creg::pb::KeySignature& s = envelope.signatures(i);
    if (i > 0 && !(envelope.signatures(i - 1).public_key() < s.public_key()))
      Fail("signatures out of key order");
    creg::StatusOr<creg::PublicKey> key = creg::PublicKey::FromRaw(s.public_key());
    if (!key.ok() || !key->Verify(message, s.signature())) Fail("a signature that does not verify");
  }
  const std::string text = creg::cli::ProposalText(*p);
  creg::StatusOr<creg::cli::Proposal> again = creg::cli::ParseProposal(text);
  if (!again.ok()) Fail("its own text is refused: " + again.status().ToString() + "\n" + text);
  if (again->envelope.SerializeAsString() != envelope.SerializeAsString())
    Fail("its own text reads as another proposal");
  if (creg::cli::ProposalText(*again) != text) Fail("writing is not stable");
  return 0;
}
