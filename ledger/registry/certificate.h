// Retirement certificates: a self-contained JSON document that proves one
// retirement is in a registry's signed log, and that an auditor checks
// offline against a trusted checkpoint verifier key (DESIGN.md "Retirement
// certificate"; the format and every check are in docs/audit.md).
//
//   {"format": "creg-retirement-certificate/1", "origin": "...",
//    "entry_index": 41, "entry": "<base64 stored entry bytes>",
//    "inclusion_proof": ["<base64 hash>", ...],
//    "checkpoint": "<signed note text>",
//    "accounts":  [<proven entry>, ...],  // open_account of the retiring
//                                         // account, then each of its
//                                         // rotate_key entries before it
//    "issuances": [<proven entry>, ...],  // the issue entry of each batch
//    "projects":  [<proven entry>, ...],  // register_project of each project
//    "retirement": {<readable summary, see kCertificateSummaryFields>}}
//
//   <proven entry> = {"entry_index": 3, "entry": "<base64>",
//                     "inclusion_proof": ["<base64>", ...]}
//
// Every inclusion proof is at the checkpoint's tree size. The summary is for
// people; verification trusts only the entry bytes, the proofs and the signed
// checkpoint, and refuses a summary that says anything the entries do not.
//
// All functions are thread-safe (BuildRetirementCertificate reads committed
// registry state only).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/checkpoint.h"
#include "ledger/hash.h"
#include "ledger/registry/registry.h"
#include "ledger/status.h"

namespace creg {

inline constexpr std::string_view kCertificateFormat = "creg-retirement-certificate/1";

// The members of "retirement", in the order they are written.
inline constexpr std::array<std::string_view, 12> kCertificateSummaryFields = {
    "retirement_id",  "account",         "beneficiary", "purpose", "reason",     "details",
    "country_of_use", "claim_reference", "quantity",    "serials", "project_id", "retired_at"};

// Present in "retirement" only when some retired credits carry labels:
// [{"serials": "<serial string>", "labels": ["ccp", ...]}, ...], the
// labelled runs of the retirement entry (Effects.attributed) in order.
inline constexpr std::string_view kCertificateLabelsField = "labels";
// Present in "retirement" only when the retirement names them: "use" when
// it is not "voluntary" ("ndc", "oimp"), "using_entity" when not empty.
inline constexpr std::string_view kCertificateUseField = "use";
inline constexpr std::string_view kCertificateUsingEntityField = "using_entity";
// Present in "retirement" only when some retired credits carry an Article 6
// authorisation: [{"serials", "party", "reference", "date", "uses": ["ndc",
// ...], "first_transfer", "adjustment", "adjustment_reference",
// "first_transfer_entry"}, ...], the authorised runs of the retirement entry
// (Effects.attributed) in order, as they were once retired.
inline constexpr std::string_view kCertificateArticle6Field = "article6";

// The checks of VerifyRetirementCertificate, in the order they run. A failure
// is a Status whose message is "<check>: <what is wrong>", naming the entry
// index and what was expected and found where there is one.
namespace cert_check {
inline constexpr std::string_view kDocument = "document";      // JSON shape: fields, types, base64
inline constexpr std::string_view kFormat = "format";          // the format string
inline constexpr std::string_view kCheckpoint = "checkpoint";  // note signature by the verifier
inline constexpr std::string_view kOrigin = "origin";          // checkpoint origin = certificate's
inline constexpr std::string_view kInclusion = "inclusion";    // retirement entry in the tree
inline constexpr std::string_view kEntry = "entry";            // decodes, is a Retire, effects sane
inline constexpr std::string_view kAccounts = "accounts";    // key evidence of the retiring account
inline constexpr std::string_view kSignature = "signature";  // retirement signed by current key
inline constexpr std::string_view kIssuances = "issuances";  // issue entries of the retired batches
inline constexpr std::string_view kProjects = "projects";    // register_project entries
inline constexpr std::string_view kSummary = "summary";      // "retirement" matches the entries
}  // namespace cert_check

// The check named by a certificate verification failure ("" when OK).
std::string_view FailedCertificateCheck(const Status& status);

// One batch the retired credits come from, as its issuance and its
// project's registration say.
struct RetiredBatch {
  uint64_t batch = 0;
  uint64_t quantity = 0;  // retired from this batch
  std::string vintage_start, vintage_end;
  uint64_t issued_at_entry = 0;
  std::string project_id, project_name, standard, methodology, project_country;
  uint64_t registered_at_entry = 0;
};

// Retired credits and the labels they carried when retired.
struct LabelledSerials {
  std::string serials;              // SerialString of the run
  std::vector<std::string> labels;  // in ascending order
};

// Retired credits and their Article 6 facts when retired.
struct AuthorisedSerials {
  std::string serials;             // SerialString of the run
  pb::BlockAttributes attributes;  // its authorisation, adjustment, first transfer
};

// What a verified certificate proves.
struct VerifiedRetirement {
  // The signed checkpoint that includes the retirement.
  std::string origin;
  std::string checkpoint_key_name;
  uint64_t checkpoint_size = 0;
  Hash checkpoint_root;

  uint64_t entry_index = 0;
  std::string retirement_id;  // "R" + entry_index
  std::string account;        // the retiring (and signing) account
  uint64_t account_opened_at_entry = 0;
  size_t key_rotations = 0;  // rotate_key entries before the retirement
  std::string beneficiary;
  std::string reason;  // RetirementReason name, e.g. VOLUNTARY_EVENT_OFFSET
  std::string details;
  std::string purpose;  // "<reason>: <details>", or "<reason>" without details
  std::string country_of_use;
  std::string claim_reference;
  uint64_t quantity = 0;             // tonnes CO2e
  std::vector<std::string> serials;  // SerialString of each retired block
  std::string project_id;            // project ids in block order, distinct, joined by ","
  int64_t retired_micros = 0;
  std::string retired_at;               // Rfc3339Micros(retired_micros)
  std::vector<RetiredBatch> batches;    // in order of first retired block
  std::vector<LabelledSerials> labels;  // the labelled runs; empty when none carry labels
  std::string use = "voluntary";        // CreditUseName: "voluntary", "ndc", "oimp"
  std::string using_entity;
  std::vector<AuthorisedSerials> article6;  // the authorised runs; empty when none
};

// Builds the certificate of `retirement_id` with every proof at
// `checkpoint_size`, taken from registry.log(). `checkpoint_note` is the
// signed note of that size (its signature is not checked here; its body must
// name this registry's origin, `checkpoint_size` and the log's root there).
// Errors: NotFound for an unknown retirement; FailedPrecondition if the
// retirement is not below checkpoint_size or the note's root is not this
// log's; InvalidArgument for a malformed note or one of another size or
// origin; DataLoss (naming the check) if the registry's own entries do not
// verify; storage errors as they come.
StatusOr<std::string> BuildRetirementCertificate(const Registry& registry,
                                                 std::string_view retirement_id,
                                                 std::string_view checkpoint_note,
                                                 uint64_t checkpoint_size);

// Runs every check of cert_check in order and returns the verified facts.
// InvalidArgument for a malformed document (unknown or missing fields,
// wrong types, bad base64) or format; PermissionDenied for a checkpoint not
// signed by `verifier`, another origin, or a retirement not signed by the
// account's key; DataLoss for proofs, entries and summaries that do not
// match. Never trusts the summary.
StatusOr<VerifiedRetirement> VerifyRetirementCertificate(std::string_view json,
                                                         const NoteVerifier& verifier);

// RFC 3339 UTC time with microseconds, e.g. "2026-05-01T09:30:00.000000Z".
std::string Rfc3339Micros(int64_t micros);

}  // namespace creg
