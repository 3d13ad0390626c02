#include "ledger/registry/rule_code.h"

namespace creg {

std::string_view RuleCodeName(RuleCode code) {
  switch (code) {
    case RuleCode::kOk:
      return "OK";
    case RuleCode::kMalformed:
      return "MALFORMED";
    case RuleCode::kWrongOrigin:
      return "WRONG_ORIGIN";
    case RuleCode::kUnknownAccount:
      return "UNKNOWN_ACCOUNT";
    case RuleCode::kUnknownProject:
      return "UNKNOWN_PROJECT";
    case RuleCode::kUnknownBatch:
      return "UNKNOWN_BATCH";
    case RuleCode::kBadSignature:
      return "BAD_SIGNATURE";
    case RuleCode::kNotAuthorized:
      return "NOT_AUTHORIZED";
    case RuleCode::kReplayed:
      return "REPLAYED";
    case RuleCode::kInvalidAccountId:
      return "INVALID_ACCOUNT_ID";
    case RuleCode::kAccountExists:
      return "ACCOUNT_EXISTS";
    case RuleCode::kInvalidProjectId:
      return "INVALID_PROJECT_ID";
    case RuleCode::kProjectExists:
      return "PROJECT_EXISTS";
    case RuleCode::kInvalidQuantity:
      return "INVALID_QUANTITY";
    case RuleCode::kCreditsNotHeld:
      return "CREDITS_NOT_HELD";
    case RuleCode::kCreditsRetired:
      return "CREDITS_RETIRED";
    case RuleCode::kCreditsCancelled:
      return "CREDITS_CANCELLED";
    case RuleCode::kInsufficientCredits:
      return "INSUFFICIENT_CREDITS";
    case RuleCode::kRetirementIncomplete:
      return "RETIREMENT_INCOMPLETE";
    case RuleCode::kAccountSuspended:
      return "ACCOUNT_SUSPENDED";
    case RuleCode::kAccountClosed:
      return "ACCOUNT_CLOSED";
    case RuleCode::kDuplicateIssuance:
      return "DUPLICATE_ISSUANCE";
    case RuleCode::kInvalidVintage:
      return "INVALID_VINTAGE";
    case RuleCode::kInvalidCountry:
      return "INVALID_COUNTRY";
    case RuleCode::kInvalidKey:
      return "INVALID_KEY";
    case RuleCode::kSelfTransfer:
      return "SELF_TRANSFER";
    case RuleCode::kInvalidSerials:
      return "INVALID_SERIALS";
    case RuleCode::kInvalidStatusChange:
      return "INVALID_STATUS_CHANGE";
    case RuleCode::kAccountNotEmpty:
      return "ACCOUNT_NOT_EMPTY";
    case RuleCode::kInvalidText:
      return "INVALID_TEXT";
    case RuleCode::kTooManyBlocks:
      return "TOO_MANY_BLOCKS";
    case RuleCode::kInvalidLabel:
      return "INVALID_LABEL";
    case RuleCode::kLabelPresent:
      return "LABEL_PRESENT";
    case RuleCode::kLabelAbsent:
      return "LABEL_ABSENT";
    case RuleCode::kTooManyLabels:
      return "TOO_MANY_LABELS";
    case RuleCode::kNoActiveCredits:
      return "NO_ACTIVE_CREDITS";
    case RuleCode::kInvalidAuthorization:
      return "INVALID_AUTHORIZATION";
    case RuleCode::kAlreadyAuthorized:
      return "ALREADY_AUTHORIZED";
    case RuleCode::kUseNotAuthorized:
      return "USE_NOT_AUTHORIZED";
    case RuleCode::kAdjustmentNotForward:
      return "ADJUSTMENT_NOT_FORWARD";
    case RuleCode::kAdjustmentUnauthorized:
      return "ADJUSTMENT_UNAUTHORIZED";
    case RuleCode::kThresholdNotMet:
      return "THRESHOLD_NOT_MET";
    case RuleCode::kKeyNotOnAccount:
      return "KEY_NOT_ON_ACCOUNT";
    case RuleCode::kDuplicateSignature:
      return "DUPLICATE_SIGNATURE";
    case RuleCode::kTooManyKeys:
      return "TOO_MANY_KEYS";
    case RuleCode::kInvalidThreshold:
      return "INVALID_THRESHOLD";
    case RuleCode::kDuplicateKey:
      return "DUPLICATE_KEY";
    case RuleCode::kSeveralKeys:
      return "SEVERAL_KEYS";
    case RuleCode::kLeaderTermStale:
      return "LEADER_TERM_STALE";
    case RuleCode::kNotAClientOperation:
      return "NOT_A_CLIENT_OPERATION";
  }
  return "UNKNOWN_RULE";
}

StatusCode RuleStatusCode(RuleCode code) {
  switch (code) {
    case RuleCode::kOk:
      return StatusCode::kOk;
    case RuleCode::kUnknownAccount:
    case RuleCode::kUnknownProject:
    case RuleCode::kUnknownBatch:
      return StatusCode::kNotFound;
    case RuleCode::kBadSignature:
    case RuleCode::kNotAuthorized:
    case RuleCode::kNotAClientOperation:
    case RuleCode::kWrongOrigin:
    case RuleCode::kThresholdNotMet:
    case RuleCode::kKeyNotOnAccount:
      return StatusCode::kPermissionDenied;
    case RuleCode::kAccountExists:
    case RuleCode::kProjectExists:
    case RuleCode::kDuplicateIssuance:
    case RuleCode::kReplayed:
      return StatusCode::kAlreadyExists;
    case RuleCode::kCreditsNotHeld:
    case RuleCode::kCreditsRetired:
    case RuleCode::kCreditsCancelled:
    case RuleCode::kInsufficientCredits:
    case RuleCode::kAccountSuspended:
    case RuleCode::kAccountClosed:
    case RuleCode::kInvalidStatusChange:
    case RuleCode::kAccountNotEmpty:
    case RuleCode::kTooManyBlocks:
    case RuleCode::kSeveralKeys:
    case RuleCode::kLabelPresent:
    case RuleCode::kLabelAbsent:
    case RuleCode::kTooManyLabels:
    case RuleCode::kNoActiveCredits:
    case RuleCode::kAlreadyAuthorized:
    case RuleCode::kUseNotAuthorized:
    case RuleCode::kAdjustmentNotForward:
    case RuleCode::kAdjustmentUnauthorized:
    case RuleCode::kLeaderTermStale:
      return StatusCode::kFailedPrecondition;
    default:
      return StatusCode::kInvalidArgument;
  }
}

std::string Rejection::ToString() const { return std::string(RuleCodeName(code)) + ": " + message; }

Status Rejection::ToStatus() const { return Status(RuleStatusCode(code), ToString()); }

}  // namespace creg
