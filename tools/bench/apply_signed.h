// Applies signed transactions to a Registry in process, through its own
// commit path (Apply in groups, then Commit), signing them first on several
// threads: how creg-bench makes large registries without a node
// (creg-bench audit and scale).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "creg/effects.pb.h"
#include "ledger/registry/registry.h"
#include "ledger/status.h"

namespace creg::bench {

// One signed transaction and the raw public key that signed it (so that
// the registry need not check a signature made a moment ago; verify-log
// checks every one).
struct SignedTx {
  std::string bytes;
  std::string signer_public_key;
};

// Makes transaction `i` of a chunk; called on several threads at once, for
// different `i`.
using SignOne = std::function<SignedTx(size_t i)>;

// Called with the entry index and effects of each accepted transaction, in
// order.
using OnAccepted = std::function<void(uint64_t entry_index, const pb::Effects& effects)>;

// Signs transactions 0..n-1 with `sign` on `threads` threads, then applies
// them in that order in groups of `group_size`, committing each group and,
// as a node publishing each group's checkpoint does, pruning the undo
// records of the entries committed before it.
// Every one must be accepted: a refusal is returned as its Status (the
// groups before it stay committed). Storage errors as Registry's.
Status ApplySigned(Registry& registry, size_t n, size_t threads, const SignOne& sign,
                   size_t group_size = 1000, const OnAccepted& on_accepted = nullptr);

// The effects of an accepted verdict; the rejection's Status otherwise.
StatusOr<pb::Effects> AcceptedEffects(StatusOr<Verdict> verdict);

}  // namespace creg::bench
