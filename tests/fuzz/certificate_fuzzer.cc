// Fuzzes retirement certificate verification (ledger/registry/certificate.h,
// VerifyRetirementCertificate) with the checkpoint key of the fixed
// registry of fuzz_registry.h, whose real certificates are the seeds.
//
// Checks, besides "never crashes":
//  - soundness: whatever the fuzzer changes, a certificate that verifies
//    states a retirement that really is in the registry (same entry, account,
//    beneficiary, quantity, reason, country, claim, time) under a checkpoint
//    whose root is the log's real root at that size;
//  - a failure names one of the documented checks.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "ledger/registry/certificate.h"
#include "tests/fuzz/fuzz_registry.h"

namespace {

using creg::fuzz::FuzzRegistry;

struct Fixture {
  std::unique_ptr<FuzzRegistry> registry = FuzzRegistry::Create();
  creg::NoteVerifier verifier = creg::fuzz::CheckpointVerifier();
};
Fixture* fixture = nullptr;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "certificate_fuzzer: %s\n", what.c_str());
  std::abort();
}

bool IsDocumentedCheck(std::string_view check) {
  using namespace creg::cert_check;
  for (std::string_view c : {kDocument, kFormat, kCheckpoint, kOrigin, kInclusion, kEntry,
                             kAccounts, kSignature, kIssuances, kProjects, kSummary}) {
    if (check == c) return true;
  }
  return false;
}

void CheckSound(const creg::VerifiedRetirement& v) {
  creg::Registry& registry = fixture->registry->registry();
  if (v.origin != creg::fuzz::kOrigin) Fail("verified a certificate of origin " + v.origin);
  if (v.checkpoint_size > registry.log().size()) Fail("verified a checkpoint beyond the log");
  creg::StatusOr<creg::Hash> root = registry.log().RootAt(v.checkpoint_size);
  if (!root.ok() || *root != v.checkpoint_root)
    Fail("verified a checkpoint with a root the log never had");
  if (v.entry_index >= v.checkpoint_size) Fail("verified an entry beyond its checkpoint");
  if (v.retirement_id != "R" + std::to_string(v.entry_index))
    Fail("retirement id does not name its entry");

  auto record = registry.Retirement(v.retirement_id);
  if (!record.ok() || !record->has_value())
    Fail("verified retirement " + v.retirement_id + " that does not exist");
  const creg::pb::RetirementRecord& r = **record;
  if (r.entry_index() != v.entry_index || r.account() != v.account ||
      r.beneficiary() != v.beneficiary || r.quantity() != v.quantity ||
      creg::pb::RetirementReason_Name(r.reason()) != v.reason || r.details() != v.details ||
      r.country_of_use() != v.country_of_use || r.claim_reference() != v.claim_reference ||
      r.retired_micros() != v.retired_micros) {
    Fail("verified facts that differ from retirement " + v.retirement_id + ": " +
         r.ShortDebugString());
  }
  uint64_t total = 0;
  for (const creg::RetiredBatch& b : v.batches) total += b.quantity;
  if (total != v.quantity) Fail("batch quantities do not add up to the retired quantity");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fixture = new Fixture();
  std::atexit([] { delete fixture; });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view json(reinterpret_cast<const char*>(data), size);
  creg::StatusOr<creg::VerifiedRetirement> verified =
      creg::VerifyRetirementCertificate(json, fixture->verifier);
  if (verified.ok()) {
    CheckSound(*verified);
  } else if (!IsDocumentedCheck(creg::FailedCertificateCheck(verified.status()))) {
    Fail("a failure that names no check: " + verified.status().ToString());
  }
  return 0;
}
