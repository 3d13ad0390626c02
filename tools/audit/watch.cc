// creg-audit watch --node HOST:PORT[,HOST:PORT...] --state FILE --key VERIFIER_KEY
#include <filesystem>
#include <iostream>
#include <optional>
#include <system_error>

#include "client/client_flags.h"
#include "ledger/merkle.h"
#include "tools/audit/commands.h"
#include "tools/audit/common.h"
#include "tools/audit/entry_chain.h"
#include "tools/audit/progress.h"
#include "tools/audit/remote.h"
#include "tools/audit/watch_state.h"

namespace creg::audit {

namespace {

constexpr char kHelp[] =
    "Monitors a node's log; run it regularly (from cron, say). FILE keeps the\n"
    "last checkpoint this command verified. Each run fetches the node's newest\n"
    "checkpoint and checks its signature, checks the node's consistency proof\n"
    "from the saved checkpoint to it, fetches the entries added since and\n"
    "checks their hash chain, origin and signatures and that they extend the\n"
    "saved tree to the new signed root, then saves the new checkpoint in FILE.\n"
    "A log that was rewritten, forked or shrank is reported (exit 1), FILE is\n"
    "left as it was, and both checkpoints are kept next to it as evidence\n"
    "(FILE.evidence-<time>.old and .new). Without FILE, the whole log is\n"
    "verified from entry 0 and trusted as first seen (trust on first use).\n"
    "verify-log --node also replays every entry through the registry rules.\n"
    "With --tls-ca FILE (or CREG_TLS_CA) it connects over TLS and trusts the\n"
    "node only if its certificate chains to one in FILE. A node at the default\n"
    "read policy serves its entries only to an auditor or operator account:\n"
    "give --account ID and --account-key FILE (or CREG_ACCOUNT and CREG_KEY).\n"
    "--node may name several members of a cluster, comma-separated: the first\n"
    "that answers is audited, and of several, one whose checkpoint is older\n"
    "than FILE's (a mirror catching up) is passed over.";

constexpr std::string_view kCommand = "watch";

std::string Describe(const Checkpoint& cp) {
  return "size " + std::to_string(cp.size) + ", root " + cp.root.ToBase64();
}

int Failed(const std::string& what) {
  std::cout << "FAILED " << what << "\n";
  return kExitFailed;
}

// Two signed checkpoints that cannot both be true of one append-only log.
int Contradiction(const std::string& state_path, const WatchState& saved, const std::string& note,
                  const Checkpoint& cp, const std::string& what) {
  std::cout << "FAILED " << what << "\n"
            << "  OLD  " << Describe(saved.checkpoint) << " (verified " << saved.verified_at
            << ")\n"
            << "  NEW  " << Describe(cp) << " (from the node now)\n";
  StatusOr<std::pair<std::string, std::string>> kept = WriteEvidence(state_path, saved.note, note);
  if (kept.ok()) {
    std::cout << "  both notes are signed by the registry's key; kept as evidence:\n"
              << "    " << kept->first << "\n"
              << "    " << kept->second << "\n"
              << "  " << state_path << " is unchanged.\n";
  } else {
    std::cout << "  could not keep the evidence: " << kept.status().ToString() << "\n"
              << "  OLD note:\n"
              << saved.note << "  NEW note:\n"
              << note;
  }
  return kExitFailed;
}

// The cases where the new checkpoint contradicts the saved one without
// looking at entries: a smaller size, or the same size and another root.
// Returns the exit code, or nullopt to go on.
std::optional<int> CompareSizes(const std::string& state_path, const WatchState& saved,
                                const std::string& note, const Checkpoint& cp) {
  const Checkpoint& old = saved.checkpoint;
  if (cp.size < old.size) {
    return Contradiction(state_path, saved, note, cp,
                         "the log shrank: the node's checkpoint has " +
                             Count(cp.size, "entry", "entries") + ", fewer than the " +
                             std::to_string(old.size) + " verified before");
  }
  if (cp.size == old.size && cp.root != old.root) {
    return Contradiction(state_path, saved, note, cp,
                         "fork: the registry signed two different trees of the same size " +
                             std::to_string(cp.size));
  }
  return std::nullopt;
}

}  // namespace

Subcommand AddWatch(CLI::App& app) {
  auto flags = std::make_shared<WatchFlags>();
  CLI::App* sub = cmdline::NewSubcommand(
      app, "watch", "monitor a node: check that its log only grew since the last run");
  sub->footer(kHelp);
  AddNodeFlags(*sub, flags->node, flags->client, flags->account);
  sub->add_option("--state", flags->state, "the last checkpoint verified")->type_name("FILE");
  AddKeyFlag(*sub, flags->key, "the registry's checkpoint verifier key, or a file holding it");
  AddWitnessFlags(*sub, flags->witnesses);
  return {sub, [flags] { return RunWatch(*flags); }};
}

int RunWatch(const WatchFlags& flags) {
  if (flags.node.empty()) return UsageError(kCommand, "--node is required");
  std::optional<Members> members = NodeMembers(kCommand, flags.node);
  if (!members) return kExitUsage;
  if (flags.state.empty()) return UsageError(kCommand, "--state is required");
  if (flags.key.empty()) return UsageError(kCommand, "--key is required");
  StatusOr<NoteVerifier> verifier = LoadVerifier(flags.key);
  if (!verifier.ok()) {
    return Report(kCommand, LoadFailureCode(verifier.status()), verifier.status().message());
  }
  StatusOr<WitnessPolicy> witnesses = LoadWitnessPolicy(flags.witnesses);
  if (!witnesses.ok()) {
    return Report(kCommand, LoadFailureCode(witnesses.status()), witnesses.status().message());
  }
  std::optional<WatchState> saved;
  std::error_code ec;
  if (std::filesystem::exists(flags.state, ec)) {
    StatusOr<WatchState> loaded = LoadWatchState(flags.state, *verifier);
    if (!loaded.ok()) {
      return Report(kCommand, kExitCannotRead,
                    loaded.status().message() + " (move it away to start over from entry 0)");
    }
    saved = std::move(*loaded);
  }

  // Signs in for the registry the trusted key is of, not one the node names.
  StatusOr<std::optional<Credentials>> credentials =
      LoadCredentials(flags.account, verifier->name());
  if (!credentials.ok()) {
    return Report(kCommand, LoadFailureCode(credentials.status()), credentials.status().message());
  }
  StatusOr<std::string> note = UnavailableError("not asked");
  const bool several = members->addresses().size() > 1;
  RemoteLog::FirstRead read_checkpoint = ReadCheckpoint(note);
  // Of several members, one whose signed checkpoint is older than the one
  // verified before is behind (a mirror catching up), which says nothing
  // against the log: the next is asked. A single node serving it claims
  // the log shrank (CompareSizes).
  auto first_read = [&](RemoteLog& member) -> Status {
    CREG_RETURN_IF_ERROR(read_checkpoint(member));
    if (!several || !saved) return OkStatus();
    StatusOr<Checkpoint> cp = VerifyNodeCheckpoint(*note, *verifier, saved->checkpoint.origin);
    if (!cp.ok() || cp->size >= saved->checkpoint.size) return OkStatus();  // judged below
    return FailedPreconditionError("behind: its checkpoint has " +
                                   Count(cp->size, "entry", "entries") + ", fewer than the " +
                                   std::to_string(saved->checkpoint.size) + " verified before");
  };
  StatusOr<RemoteLog> remote =
      RemoteLog::Connect(std::move(*members), flags.client, std::move(*credentials), first_read,
                         NoteSkippedMembers(kCommand));
  if (!remote.ok()) return Report(kCommand, kExitCannotRead, remote.status().message());
  StatusOr<Checkpoint> cp =
      VerifyNodeCheckpoint(*note, *verifier, saved ? saved->checkpoint.origin : "");
  if (!cp.ok()) return Failed("the node's checkpoint " + cp.status().message());
  if (Status cosigned = CheckCosignatures(*note, *witnesses); !cosigned.ok()) {
    return Failed("the node's checkpoint is not witnessed: " + cosigned.message());
  }

  std::optional<EntryChain> chain;
  size_t proof_hashes = 0;
  if (saved) {
    if (std::optional<int> code = CompareSizes(flags.state, *saved, *note, *cp)) return *code;
    const Checkpoint& old = saved->checkpoint;
    StatusOr<std::vector<std::string>> proof = remote->ConsistencyProof(old.size, cp->size);
    if (!proof.ok() && NodeDidNotServe(proof.status())) {
      return Report(kCommand, kExitCannotRead,
                    "cannot get the consistency proof: " + proof.status().ToString());
    }
    Status consistent = proof.ok() ? merkle::VerifyConsistency(old.size, cp->size, *proof,
                                                               old.root.view(), cp->root.view())
                                   : proof.status();
    if (!consistent.ok()) {
      return Contradiction(flags.state, *saved, *note, *cp,
                           "the log was rewritten: the tree verified before is not a prefix of "
                           "the node's signed tree (" +
                               consistent.ToString() + ")");
    }
    proof_hashes = proof->size();
    StatusOr<EntryChain> resumed =
        EntryChain::Resume(cp->origin, true, saved->chain, verifier->key());
    if (!resumed.ok()) return Report(kCommand, kExitCannotRead, resumed.status().ToString());
    chain.emplace(std::move(*resumed));
  } else {
    std::cout << "note: no state file " << flags.state << " yet: this first run verifies the "
              << "whole log from entry 0 and trusts it as the node serves it now (trust on "
              << "first use); later runs check that it only grows from here\n";
    chain.emplace(cp->origin, true, verifier->key());
  }

  const uint64_t from = chain->size();
  Status entry_problem;
  Progress progress(cp->size);
  Status fetched = remote->PageEntries(from, cp->size, [&](uint64_t index, std::string_view bytes) {
    entry_problem = chain->Append(bytes);
    progress.Tick(index + 1);
    return entry_problem;
  });
  if (!entry_problem.ok()) {
    return Failed(entry_problem.message() + "\n  the node serves entries that are not the log " +
                  "its checkpoint signs; " + flags.state + " is unchanged");
  }
  if (!fetched.ok()) {
    return Report(kCommand, kExitCannotRead, "cannot get the entries: " + fetched.ToString());
  }
  if (chain->root() != cp->root) {
    return Failed("the " + Count(cp->size, "entry", "entries") + " the node serves do not make " +
                  "the tree its checkpoint signs\n  expected: " + cp->root.ToBase64() +
                  "\n  found:    " + chain->root().ToBase64() + "\n  " + flags.state +
                  " is unchanged");
  }

  WatchState next;
  next.node = remote->address();
  next.note = *note;
  next.checkpoint = *cp;
  next.chain = chain->state();
  next.verified_at = NowText();
  next.first_verified_at = saved ? saved->first_verified_at : next.verified_at;
  Status written = SaveWatchState(flags.state, next, *verifier);
  if (!written.ok()) return Report(kCommand, kExitCannotRead, written.ToString());

  const std::string checked = Count(cp->size - from, "entry", "entries") +
                              " checked (hash chain, origin, signatures, tree root)";
  if (!saved) {
    std::cout << "VERIFIED: the log of " << cp->origin << " as first seen\n"
              << "  NEW  " << Describe(*cp) << ", signed by key " << verifier->name() << "\n"
              << "  " << checked << "\n";
  } else if (cp->size == saved->checkpoint.size) {
    std::cout << "VERIFIED: the log of " << cp->origin << " has not changed\n"
              << "  NEW  " << Describe(*cp) << " (as verified " << saved->verified_at << ")\n";
  } else {
    std::cout << "VERIFIED: the log of " << cp->origin << " only grew\n"
              << "  OLD  " << Describe(saved->checkpoint) << "\n"
              << "  NEW  " << Describe(*cp) << ", signed by key " << verifier->name() << "\n"
              << "  consistency proof (" << Count(proof_hashes, "hash", "hashes") << ") verifies; "
              << checked << "\n";
  }
  std::cout << "  saved to " << flags.state << "\n";
  return kExitVerified;
}

}  // namespace creg::audit
