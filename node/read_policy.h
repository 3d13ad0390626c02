// Read policy: who may read what from a node (docs/security.md, "Read
// access", has the table this code implements).
//
// One pure decision, DecideRead(policy, reader, request): no I/O, no state,
// thread-safe. The request handler calls it on every read path (each query,
// entry ranges, subscriptions, provenance); a refusal is answered with the
// wire error code NOT_AUTHORIZED and DecideRead's message, which says what
// the caller may read instead.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "creg/transaction.pb.h"
#include "creg/wire.pb.h"
#include "ledger/status.h"

namespace creg {

enum class ReadPolicy {
  // Everything is public, as on a public chain.
  kPublicLog,
  // The public reads the registry's public record; a holder also reads its
  // own account; operators and auditors read everything.
  kRegistry,
  // Only signed-in accounts read, each within the rights it has under
  // kRegistry.
  kPrivate,
};

// "public-log", "registry", "private".
std::string_view ReadPolicyName(ReadPolicy policy);
// The inverse of ReadPolicyName; InvalidArgument naming the three names
// otherwise.
StatusOr<ReadPolicy> ParseReadPolicy(std::string_view name);

// Who reads: the public (no account), or the account a connection signed in
// as, with its role as the registry holds it now.
struct Reader {
  std::string account_id;  // empty: the public
  pb::Role role = pb::ROLE_UNSPECIFIED;
  // For the public on a connection whose sign-in ended (key rotated,
  // account suspended or closed): why, added to refusals.
  std::string ended;

  static Reader Public() { return Reader{}; }
  static Reader SignedIn(std::string account_id, pb::Role role) {
    Reader r;
    r.account_id = std::move(account_id);
    r.role = role;
    return r;
  }
  bool signed_in() const { return !account_id.empty(); }
  // Operators and auditors read everything.
  bool privileged() const {
    return signed_in() && (role == pb::ROLE_OPERATOR || role == pb::ROLE_AUDITOR);
  }
};

// What a request reads, as far as access is concerned.
enum class ReadKind {
  // The registry's public record.
  kStatus,
  kCheckpoint,
  kInclusionProof,
  kConsistencyProof,
  kProject,
  kBatch,  // the batch and project records, without blocks
  kRetirement,
  kRetirements,
  kCertificate,
  // About one account (ReadRequest::account).
  kAccount,
  kHoldings,
  kHistory,
  // The log itself, and what reveals holders.
  kEntries,      // a range of entries (ReadRequest::entries_in_history)
  kBatchBlocks,  // a batch with its blocks, which name their owners
  kSubscribe,
  kProvenance,
};

struct ReadRequest {
  ReadKind kind = ReadKind::kStatus;
  // kAccount, kHoldings, kHistory: the account asked about.
  std::string account;
  // kEntries: every entry asked for is in the reader's own account history
  // (filled in by the caller, who can look; false if unknown).
  bool entries_in_history = false;
};

// The ReadRequest of a wire request; nullopt for what is not a read
// (submit, sign-in, no body).
std::optional<ReadRequest> ReadRequestOf(const pb::Request& request);

// OK if `reader` may make `request` under `policy`; otherwise
// NotAuthorized whose message names what was refused and what this
// reader may read instead.
Status DecideRead(ReadPolicy policy, const Reader& reader, const ReadRequest& request);

}  // namespace creg
