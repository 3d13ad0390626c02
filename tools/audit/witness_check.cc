#include "tools/audit/witness_check.h"

#include "tools/audit/common.h"

namespace creg::audit {

void AddWitnessFlags(CLI::App& app, WitnessFlags& flags) {
  app.add_option("--witness-key", flags.keys,
                 "a witness's cosignature verifier key, or a file holding it; repeatable. The "
                 "checkpoint must carry valid cosignatures from --witness-quorum of them")
      ->type_name("KEY")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmdline::AddNumber(app, "--witness-quorum", flags.quorum,
                     "cosignatures required from the --witness-key witnesses; 0 = all of them");
}

StatusOr<WitnessPolicy> LoadWitnessPolicy(const WitnessFlags& flags) {
  WitnessPolicy policy;
  for (const std::string& key : flags.keys) {
    CREG_ASSIGN_OR_RETURN(CosignatureVerifier v, LoadWitnessVerifier(key));
    policy.witnesses.push_back(std::move(v));
  }
  CREG_RETURN_IF_ERROR(CheckDistinctWitnesses(policy.witnesses));
  if (flags.quorum > policy.witnesses.size()) {
    return InvalidArgumentError("--witness-quorum " + std::to_string(flags.quorum) +
                                " needs at least that many --witness-key");
  }
  policy.quorum = flags.quorum == 0 ? policy.witnesses.size() : flags.quorum;
  return policy;
}

Status CheckCosignatures(std::string_view note, const WitnessPolicy& policy) {
  if (policy.quorum == 0) return OkStatus();
  CREG_ASSIGN_OR_RETURN(VerifiedCosignatures verified, VerifyCosignatures(note, policy.witnesses));
  if (verified.cosignatures.size() >= policy.quorum) return OkStatus();
  std::vector<bool> cosigned(policy.witnesses.size(), false);
  for (const Cosignature& c : verified.cosignatures) cosigned[c.verifier] = true;
  std::string missing;
  for (size_t i = 0; i < policy.witnesses.size(); ++i) {
    if (cosigned[i]) continue;
    missing += (missing.empty() ? "" : ", ") + policy.witnesses[i].name();
  }
  return FailedPreconditionError(
      "the checkpoint carries " + std::to_string(verified.cosignatures.size()) +
      " valid cosignature(s) from the given witnesses, fewer than the " +
      std::to_string(policy.quorum) + " required; not cosigned by: " + missing);
}

}  // namespace creg::audit
