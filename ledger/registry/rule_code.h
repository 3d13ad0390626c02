// The stable codes with which the registry refuses a transaction. Each is
// listed, with its meaning, in docs/rules.md; codes are never renumbered or
// reused, so clients may switch on them.
#pragma once

#include <string>
#include <string_view>

#include "ledger/status.h"

namespace creg {

enum class RuleCode : int {
  kOk = 0,
  kMalformed = 1,       // body does not decode or a field is missing/invalid
  kWrongOrigin = 2,     // signed for another registry
  kUnknownAccount = 3,  // an account named does not exist
  kUnknownProject = 4,
  kUnknownBatch = 5,
  kBadSignature = 6,   // signature does not verify with the signer's key
  kNotAuthorized = 7,  // signer may not do this (role, or someone else's credits)
  kReplayed = 8,       // nonce already used by another transaction of this signer
  kInvalidAccountId = 9,
  kAccountExists = 10,
  kInvalidProjectId = 11,
  kProjectExists = 12,
  kInvalidQuantity = 13,       // zero, or over the limit, or overflowing
  kCreditsNotHeld = 14,        // the account does not hold these credits
  kCreditsRetired = 15,        // already retired
  kCreditsCancelled = 16,      // already cancelled
  kInsufficientCredits = 17,   // quantity above what the account holds in the batch
  kRetirementIncomplete = 18,  // no beneficiary or reason
  kAccountSuspended = 19,
  kAccountClosed = 20,
  kDuplicateIssuance = 21,  // (project, verification_ref) already issued
  kInvalidVintage = 22,
  kInvalidCountry = 23,
  kInvalidKey = 24,
  kSelfTransfer = 25,
  kInvalidSerials = 26,       // blocks out of a batch's range, empty, or overlapping
  kInvalidStatusChange = 27,  // e.g. reinstating a closed account
  kAccountNotEmpty = 28,      // closing an account that still holds active credits
  kInvalidText = 29,          // free text with controls, bidi overrides, invisible characters, ...
  kTooManyBlocks = 30,        // a move would take credits from over 10,000 serial blocks
  // Labels (docs/rules.md, "Labels").
  kInvalidLabel = 31,     // not a label of the vocabulary, or not in its form
  kLabelPresent = 32,     // adding a label some of the selected active credits already carry
  kLabelAbsent = 33,      // removing a label some of the selected active credits do not carry
  kTooManyLabels = 34,    // a block would carry more than 8 labels
  kNoActiveCredits = 35,  // the selection holds no active credit (all retired or cancelled)
  // Article 6 (docs/rules.md, "Article 6").
  kInvalidAuthorization = 36,    // party, date, uses or first-transfer definition not valid
  kAlreadyAuthorized = 37,       // authorising credits that already carry an authorisation
  kUseNotAuthorized = 38,        // NDC or OIMP use of credits not authorised for that use
  kAdjustmentNotForward = 39,    // an adjustment status that is not after the credits' status
  kAdjustmentUnauthorized = 40,  // an adjustment status for credits without an authorisation
  // Multi-signature accounts (docs/rules.md, "Multi-signature accounts").
  kThresholdNotMet = 41,     // fewer of the signer's current keys signed than its threshold
  kKeyNotOnAccount = 42,     // a signature by a key the signer account does not hold
  kDuplicateSignature = 43,  // the same key signs twice
  kTooManyKeys = 44,         // over 10 keys on an account, or over 10 signatures
  kInvalidThreshold = 45,    // threshold 0 (with several keys) or above the number of keys
  kDuplicateKey = 46,        // the same key twice on one account
  kSeveralKeys = 47,         // a single-key form or operation used on an account of several keys
  // Leader terms (docs/rules.md, "Leader terms").
  kLeaderTermStale = 51,      // a term not after the last one, or not where the log is
  kNotAClientOperation = 52,  // a leader-term entry submitted like a client's transaction
};

// "CREDITS_NOT_HELD" etc.
std::string_view RuleCodeName(RuleCode code);
// The canonical Status code a refusal maps to (NotFound for unknown
// things, PermissionDenied for signature and authorization, ...).
StatusCode RuleStatusCode(RuleCode code);

// A refusal: which rule, and a message a person understands that names the
// offending value.
struct Rejection {
  RuleCode code = RuleCode::kMalformed;
  std::string message;

  // "CREDITS_NOT_HELD: account org-1 does not hold serials 3-7 of batch 2"
  std::string ToString() const;
  Status ToStatus() const;
};

}  // namespace creg
