// Checking the witnesses' cosignatures on a checkpoint note, for
// verify-cert and watch (docs/witness.md, "What a cosignature proves").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "cmdline/app.h"
#include "ledger/cosignature.h"
#include "ledger/status.h"

namespace creg::audit {

// --witness-key (repeatable) and --witness-quorum as given.
struct WitnessFlags {
  std::vector<std::string> keys;  // verifier keys or files holding them
  size_t quorum = 0;              // 0: every key given
};

struct WitnessPolicy {
  std::vector<CosignatureVerifier> witnesses;
  size_t quorum = 0;  // 0 witnesses: nothing to check
};

// Adds --witness-key KEY (repeatable) and --witness-quorum K to `app`.
void AddWitnessFlags(CLI::App& app, WitnessFlags& flags);

// Loads the keys (LoadWitnessVerifier). InvalidArgument for a quorum over
// the number of keys, or a quorum without keys.
StatusOr<WitnessPolicy> LoadWitnessPolicy(const WitnessFlags& flags);

// OK if `note` carries valid cosignatures from at least policy.quorum of
// policy.witnesses. DataLoss naming the witness whose line does not verify;
// FailedPrecondition naming how many verified and which witnesses did not
// cosign; InvalidArgument for a malformed note.
Status CheckCosignatures(std::string_view note, const WitnessPolicy& policy);

}  // namespace creg::audit
