#include "node/read_policy.h"

namespace creg {
namespace {

constexpr char kPublicRecord[] =
    "the status, checkpoints, inclusion and consistency proofs, projects, batch records "
    "(without_blocks), retirements and retirement certificates";

bool IsPublicRecord(ReadKind kind) {
  switch (kind) {
    case ReadKind::kStatus:
    case ReadKind::kCheckpoint:
    case ReadKind::kInclusionProof:
    case ReadKind::kConsistencyProof:
    case ReadKind::kProject:
    case ReadKind::kBatch:
    case ReadKind::kRetirement:
    case ReadKind::kRetirements:
    case ReadKind::kCertificate:
      return true;
    default:
      return false;
  }
}

bool IsAboutAnAccount(ReadKind kind) {
  return kind == ReadKind::kAccount || kind == ReadKind::kHoldings || kind == ReadKind::kHistory;
}

std::string WhatOf(const ReadRequest& r, const Reader& reader) {
  switch (r.kind) {
    case ReadKind::kStatus:
      return "the status";
    case ReadKind::kCheckpoint:
      return "the checkpoint";
    case ReadKind::kInclusionProof:
      return "an inclusion proof";
    case ReadKind::kConsistencyProof:
      return "a consistency proof";
    case ReadKind::kProject:
      return "a project";
    case ReadKind::kBatch:
      return "a batch record";
    case ReadKind::kRetirement:
      return "a retirement";
    case ReadKind::kRetirements:
      return "a list of retirements";
    case ReadKind::kCertificate:
      return "a retirement certificate";
    case ReadKind::kAccount:
      return "the account record of '" + r.account + "'";
    case ReadKind::kHoldings:
      return "the holdings of account '" + r.account + "'";
    case ReadKind::kHistory:
      return "the history of account '" + r.account + "'";
    case ReadKind::kEntries:
      return reader.signed_in()
                 ? "log entries outside the history of account '" + reader.account_id + "'"
                 : std::string("log entries");
    case ReadKind::kBatchBlocks:
      return "a batch's blocks (they name their holders)";
    case ReadKind::kSubscribe:
      return "a subscription to the log";
    case ReadKind::kProvenance:
      return "the provenance of a serial (it names its holders)";
  }
  return "this";
}

// What `reader` may read under `policy`, for a refusal's message.
std::string Instead(ReadPolicy policy, const Reader& reader) {
  const std::string sign_in_as_privileged =
      "the full log, subscriptions, batch blocks, provenance and other accounts need an "
      "operator or auditor account";
  if (!reader.signed_in()) {
    if (policy == ReadPolicy::kPrivate) {
      return "on this node only signed-in accounts may read: sign in (sign_in_challenge, then "
             "sign_in) as an account to read " +
             std::string(kPublicRecord) +
             " and that account's own account record, holdings and history; " +
             sign_in_as_privileged;
    }
    return "the public may read " + std::string(kPublicRecord) +
           "; sign in as an account to read its own account record, holdings and history; " +
           sign_in_as_privileged;
  }
  return "account '" + reader.account_id + "' may read " + kPublicRecord +
         ", and its own account record, holdings, history and the entries its history lists; " +
         sign_in_as_privileged;
}

}  // namespace

std::string_view ReadPolicyName(ReadPolicy policy) {
  switch (policy) {
    case ReadPolicy::kPublicLog:
      return "public-log";
    case ReadPolicy::kRegistry:
      return "registry";
    case ReadPolicy::kPrivate:
      return "private";
  }
  return "unknown";
}

StatusOr<ReadPolicy> ParseReadPolicy(std::string_view name) {
  for (ReadPolicy p : {ReadPolicy::kPublicLog, ReadPolicy::kRegistry, ReadPolicy::kPrivate}) {
    if (name == ReadPolicyName(p)) return p;
  }
  return InvalidArgumentError("read policy must be public-log, registry or private, not '" +
                              std::string(name) + "'");
}

std::optional<ReadRequest> ReadRequestOf(const pb::Request& request) {
  ReadRequest r;
  switch (request.body_case()) {
    case pb::Request::kGetEntries:
      r.kind = ReadKind::kEntries;
      break;
    case pb::Request::kGetCheckpoint:
      r.kind = ReadKind::kCheckpoint;
      break;
    case pb::Request::kInclusionProof:
      r.kind = ReadKind::kInclusionProof;
      break;
    case pb::Request::kConsistencyProof:
      r.kind = ReadKind::kConsistencyProof;
      break;
    case pb::Request::kAccount:
      r.kind = ReadKind::kAccount;
      r.account = request.account().account_id();
      break;
    case pb::Request::kHoldings:
      r.kind = ReadKind::kHoldings;
      r.account = request.holdings().account_id();
      break;
    case pb::Request::kHistory:
      r.kind = ReadKind::kHistory;
      r.account = request.history().account_id();
      break;
    case pb::Request::kBatch:
      r.kind = request.batch().without_blocks() ? ReadKind::kBatch : ReadKind::kBatchBlocks;
      break;
    case pb::Request::kRetirement:
      r.kind = ReadKind::kRetirement;
      break;
    case pb::Request::kRetirements:
      r.kind = ReadKind::kRetirements;
      break;
    case pb::Request::kCertificate:
      r.kind = ReadKind::kCertificate;
      break;
    case pb::Request::kStatus:
      r.kind = ReadKind::kStatus;
      break;
    case pb::Request::kSubscribe:
      r.kind = ReadKind::kSubscribe;
      break;
    case pb::Request::kProvenance:
      r.kind = ReadKind::kProvenance;
      break;
    case pb::Request::kProject:
    case pb::Request::kProjects:
    case pb::Request::kProjectBatches:
      r.kind = ReadKind::kProject;
      break;
    default:  // submit, sign-in, a mirror's report, no body
      return std::nullopt;
  }
  return r;
}

Status DecideRead(ReadPolicy policy, const Reader& reader, const ReadRequest& request) {
  if (policy == ReadPolicy::kPublicLog || reader.privileged()) return OkStatus();
  bool allowed = false;
  if (policy == ReadPolicy::kPrivate && !reader.signed_in()) {
    allowed = false;
  } else if (IsPublicRecord(request.kind)) {
    allowed = true;
  } else if (IsAboutAnAccount(request.kind)) {
    allowed = reader.signed_in() && request.account == reader.account_id;
  } else if (request.kind == ReadKind::kEntries) {
    allowed = reader.signed_in() && request.entries_in_history;
  }
  if (allowed) return OkStatus();
  std::string who = reader.signed_in() ? "account '" + reader.account_id + "'" : "the public";
  std::string ended = reader.ended.empty() ? "" : " (" + reader.ended + ")";
  return NotAuthorizedError(who + ended + " may not read " + WhatOf(request, reader) +
                            " under read policy '" + std::string(ReadPolicyName(policy)) + "'; " +
                            Instead(policy, reader));
}

}  // namespace creg
