// Proposals: a transaction written to a file unsigned, for the keys of a
// multi-signature account to sign one after another, offline, before it is
// submitted (creg ... --propose, creg sign, creg submit; docs/cli.md,
// "Multi-signature accounts"). The file is JSON:
//
//   {"format": "creg-proposal/1", "origin": ..., "signer": ..., "tx_id": ...,
//    "summary": ..., "transaction": {...}, "body": "<base64 body bytes>",
//    "signatures": [{"public_key": "<base64>", "signature": "<base64>"}, ...]}
//
// Only "body", "signer" and "signatures" carry meaning; "origin", "tx_id",
// "summary" and "transaction" are what creg derives from the body for the
// people reading the file, and a file whose copies disagree with its body
// is refused rather than believed. Files read are hostile: bounded, every
// member checked, every signature verified over the body.
//
// Pure functions except the file ones; thread-compatible.
#pragma once

#include <string>
#include <string_view>

#include "creg/transaction.pb.h"
#include "ledger/keys.h"
#include "ledger/status.h"

namespace creg::cli {

inline constexpr char kProposalFormat[] = "creg-proposal/1";
// The largest proposal file read: room for a body of kMaxTransactionBytes
// in base64 with ten signatures and its summaries, and no more.
inline constexpr size_t kMaxProposalBytes = 2 * 1024 * 1024;

struct Proposal {
  // body (canonical bytes), signer, and the keyed signatures gathered so
  // far, in key order; `signature` is never set.
  pb::SignedTransaction envelope;
  pb::TransactionBody body;  // decoded from envelope.body()
};

// A proposal of `body` (origin, nonce and created_micros set) for `signer`.
Proposal NewProposal(const pb::TransactionBody& body, const std::string& signer);

// One line saying what the transaction does, from the body alone.
std::string ProposalSummary(const pb::TransactionBody& body, std::string_view signer);

// The JSON document, pretty-printed, with a final newline.
std::string ProposalText(const Proposal& proposal);

// Reads a document. InvalidArgument naming what is wrong: over
// kMaxProposalBytes, not JSON, another format, a member missing, unknown or
// of the wrong type, a body that does not decode in canonical form, derived
// members that disagree with the body, a signature that is malformed,
// repeated or does not verify over the body, more than 10 signatures.
StatusOr<Proposal> ParseProposal(std::string_view text);

// ParseProposal of the file at `path`, read up to kMaxProposalBytes + 1
// bytes. NotFound or Unavailable for the file, InvalidArgument (naming the
// file) for its contents.
StatusOr<Proposal> LoadProposalFile(const std::string& path);

// Writes ProposalText to `path`: a new file only (AlreadyExists otherwise),
// or with `replace`, atomically over the old one (a temporary file renamed
// into place). Unavailable for I/O errors.
Status SaveProposalFile(const std::string& path, const Proposal& proposal, bool replace);

}  // namespace creg::cli
