// The evidence checks of a retirement certificate (docs/audit.md, "The
// checks"): inclusion, entry, accounts, signature, issuances and projects,
// run once the checkpoint's signature and origin are verified. Shared by
// ledger/certificate.cc, which reads and writes the JSON document; not part
// of the public API. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "creg/log.pb.h"
#include "ledger/checkpoint.h"
#include "ledger/registry/certificate.h"
#include "ledger/registry/transaction.h"
#include "ledger/status.h"

namespace creg::internal {

// One log entry carried by a certificate, with its inclusion proof.
struct ProvenEntry {
  uint64_t index = 0;
  std::string bytes;
  std::vector<std::string> proof;  // raw 32-byte hashes
  pb::LogEntry entry;              // set by Decode
  PreparedTransaction tx;          // set by Decode
};

struct Evidence {
  std::string origin;
  ProvenEntry retirement;
  std::vector<ProvenEntry> accounts, issuances, projects;
};

// A failed check: a Status "<check>: <detail>" (see cert_check).
Status CertificateFailure(std::string_view check, const std::string& detail,
                          StatusCode code = StatusCode::kDataLoss);

// Every check after the checkpoint's signature and origin, in cert_check
// order; the verified facts (checkpoint_key_name left empty). Decodes the
// entries of `ev` in place.
StatusOr<VerifiedRetirement> CheckCertificateEvidence(Evidence& ev, const Checkpoint& cp);

}  // namespace creg::internal
