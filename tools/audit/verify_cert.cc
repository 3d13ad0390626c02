// creg-audit verify-cert FILE --key VERIFIER_KEY
#include <iostream>

#include "ledger/json.h"
#include "ledger/registry/article6.h"
#include "ledger/registry/certificate.h"
#include "tools/audit/commands.h"
#include "tools/audit/common.h"

namespace creg::audit {

namespace {

constexpr char kHelp[] =
    "Checks a retirement certificate offline: the checkpoint is signed by the\n"
    "trusted key, the retirement entry and its evidence (the account's keys,\n"
    "the issuances and project registrations) are in the signed log, the\n"
    "retirement is signed by the account's key, and the readable summary says\n"
    "exactly what the entries say. FILE may be - for standard input.\n"
    "VERIFIER_KEY is the registry's checkpoint verifier key, or a file holding\n"
    "it; obtain it from the registry out of band.";

// The certificate verified already, so its JSON and "checkpoint" are sound.
Status CheckCertificateCosignatures(std::string_view certificate, const WitnessPolicy& policy) {
  if (policy.quorum == 0) return OkStatus();
  CREG_ASSIGN_OR_RETURN(json::Value doc, json::Parse(certificate));
  const json::Value* note = doc.is_object() ? doc.Find("checkpoint") : nullptr;
  if (note == nullptr || !note->is_string()) {
    return InvalidArgumentError("the certificate has no \"checkpoint\" string");
  }
  return CheckCosignatures(note->as_string(), policy);
}

void PrintFacts(const VerifiedRetirement& v) {
  std::cout << "VERIFIED retirement " << v.retirement_id << " in registry " << v.origin << "\n\n"
            << "  " << v.account << " retired " << v.quantity << " t CO2e\n"
            << "  on behalf of    " << v.beneficiary << "\n"
            << "  purpose         " << v.purpose << "\n"
            << "  country of use  " << (v.country_of_use.empty() ? "(not given)" : v.country_of_use)
            << "\n"
            << "  claim reference " << (v.claim_reference.empty() ? "(none)" : v.claim_reference)
            << "\n"
            << "  retired at      " << v.retired_at << " (log entry " << v.entry_index << ")\n\n"
            << "  credits\n";
  for (const RetiredBatch& b : v.batches) {
    std::cout << "    " << b.quantity << " t from batch " << b.batch << ", vintage "
              << b.vintage_start << " to " << b.vintage_end << " (issued at entry "
              << b.issued_at_entry << ")\n"
              << "      project " << b.project_id << " \"" << b.project_name << "\", " << b.standard
              << ", " << b.methodology << ", " << b.project_country << " (registered at entry "
              << b.registered_at_entry << ")\n";
  }
  std::cout << "  serials\n";
  for (const std::string& s : v.serials) std::cout << "    " << s << "\n";
  if (!v.labels.empty()) {
    std::cout << "  labels in force when retired\n";
    for (const LabelledSerials& run : v.labels) {
      std::cout << "    " << run.serials << ":";
      for (const std::string& label : run.labels) std::cout << " " << label;
      std::cout << "\n";
    }
  }
  if (v.use != "voluntary" || !v.using_entity.empty()) {
    std::cout << "  use             " << v.use
              << (v.using_entity.empty() ? "" : ", by " + v.using_entity) << "\n";
  }
  if (!v.article6.empty()) {
    std::cout << "  Article 6 authorisation when retired\n";
    for (const AuthorisedSerials& run : v.article6) {
      std::cout << "    " << run.serials << ": " << Article6Summary(run.attributes) << "\n"
                << "      " << AuthorizationText(run.attributes.authorization()) << "\n";
    }
  }
  std::cout << "\n  proof\n"
            << "    entry " << v.entry_index << " is in the log of " << v.checkpoint_size
            << " entries with root " << v.checkpoint_root.ToBase64() << ",\n"
            << "    whose checkpoint is signed by key " << v.checkpoint_key_name << "\n"
            << "    signed by the key of " << v.account << " current at the retirement (account"
            << " opened at entry " << v.account_opened_at_entry << ", " << v.key_rotations
            << " key rotation" << (v.key_rotations == 1 ? "" : "s") << " before it)\n";
}

}  // namespace

Subcommand AddVerifyCert(CLI::App& app) {
  auto flags = std::make_shared<VerifyCertFlags>();
  CLI::App* sub = cmdline::NewSubcommand(app, "verify-cert",
                                         "check a retirement certificate and print what it proves");
  sub->footer(kHelp);
  sub->add_option("FILE", flags->file, "the certificate (JSON); - for standard input");
  AddKeyFlag(*sub, flags->key, "the registry's checkpoint verifier key, or a file holding it");
  AddWitnessFlags(*sub, flags->witnesses);
  return {sub, [flags] { return RunVerifyCert(*flags); }};
}

int RunVerifyCert(const VerifyCertFlags& flags) {
  constexpr std::string_view kCommand = "verify-cert";
  if (flags.key.empty()) return UsageError(kCommand, "--key is required");
  if (flags.file.empty()) return UsageError(kCommand, "give exactly one certificate FILE");
  StatusOr<NoteVerifier> verifier = LoadVerifier(flags.key);
  if (!verifier.ok()) {
    return Report(kCommand, LoadFailureCode(verifier.status()), verifier.status().message());
  }
  StatusOr<WitnessPolicy> witnesses = LoadWitnessPolicy(flags.witnesses);
  if (!witnesses.ok()) {
    return Report(kCommand, LoadFailureCode(witnesses.status()), witnesses.status().message());
  }
  StatusOr<std::string> text = ReadInput(flags.file);
  if (!text.ok()) return Report(kCommand, kExitCannotRead, text.status().message());

  StatusOr<VerifiedRetirement> verified = VerifyRetirementCertificate(*text, *verifier);
  if (!verified.ok()) {
    std::string_view check = FailedCertificateCheck(verified.status());
    std::string_view detail = verified.status().message();
    detail.remove_prefix(std::min(detail.size(), check.size() + 2));
    std::cout << "FAILED check '" << check << "' (" << StatusCodeName(verified.status().code())
              << ")\n  " << detail << "\n";
    return kExitFailed;
  }
  Status cosigned = CheckCertificateCosignatures(*text, *witnesses);
  if (!cosigned.ok()) {
    std::cout << "FAILED check 'witnesses' (" << StatusCodeName(cosigned.code()) << ")\n  "
              << cosigned.message() << "\n";
    return kExitFailed;
  }
  PrintFacts(*verified);
  if (witnesses->quorum > 0) {
    std::cout << "    cosigned by at least " << witnesses->quorum << " of the "
              << witnesses->witnesses.size() << " witnesses given\n";
  }
  return kExitVerified;
}

}  // namespace creg::audit
