// creg-audit verify-cert FILE --key VERIFIER_KEY
#include <iostream>

#include "ledger/registry/certificate.h"
#include "cmdline/args.h"
#include "tools/audit/common.h"

namespace creg::audit {

const char kVerifyCertUsage[] =
    "usage: creg-audit verify-cert FILE --key VERIFIER_KEY\n"
    "\n"
    "Checks a retirement certificate offline: the checkpoint is signed by the\n"
    "trusted key, the retirement entry and its evidence (the account's keys,\n"
    "the issuances and project registrations) are in the signed log, the\n"
    "retirement is signed by the account's key, and the readable summary says\n"
    "exactly what the entries say. FILE may be - for standard input.\n"
    "VERIFIER_KEY is the registry's checkpoint verifier key, or a file holding\n"
    "it; obtain it from the registry out of band.\n";

namespace {

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
  std::cout << "\n  proof\n"
            << "    entry " << v.entry_index << " is in the log of " << v.checkpoint_size
            << " entries with root " << v.checkpoint_root.ToBase64() << ",\n"
            << "    whose checkpoint is signed by key " << v.checkpoint_key_name << "\n"
            << "    signed by the key of " << v.account << " current at the retirement (account"
            << " opened at entry " << v.account_opened_at_entry << ", " << v.key_rotations
            << " key rotation" << (v.key_rotations == 1 ? "" : "s") << " before it)\n";
}

}  // namespace

int RunVerifyCert(const std::vector<std::string>& words) {
  constexpr std::string_view kCommand = "verify-cert";
  Args args(words, {});
  if (args.WantsHelp()) {
    std::cout << kVerifyCertUsage;
    return kExitVerified;
  }
  std::optional<std::string> key = args.Get("--key");
  Status parsed = args.Finish();
  if (!parsed.ok() || !key.has_value() || args.positional().size() != 1) {
    std::string why = !parsed.ok()       ? parsed.message()
                      : !key.has_value() ? "--key is required"
                                         : "give exactly one certificate FILE";
    return Report(kCommand, kExitUsage, why + "\n" + kVerifyCertUsage);
  }
  StatusOr<NoteVerifier> verifier = LoadVerifier(*key);
  if (!verifier.ok()) {
    return Report(kCommand, LoadFailureCode(verifier.status()), verifier.status().message());
  }
  StatusOr<std::string> text = ReadInput(args.positional()[0]);
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
  PrintFacts(*verified);
  return kExitVerified;
}

}  // namespace creg::audit
