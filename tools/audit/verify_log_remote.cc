// creg-audit verify-log --node HOST:PORT[,HOST:PORT...] --key VERIFIER_KEY [--keep-going]
//                        [--jobs N]
#include <iostream>
#include <optional>

#include "tools/audit/common.h"
#include "tools/audit/entry_chain.h"
#include "tools/audit/findings.h"
#include "tools/audit/log_checker.h"
#include "tools/audit/progress.h"
#include "tools/audit/remote.h"
#include "tools/audit/replay_pipeline.h"
#include "tools/audit/replayer.h"

namespace creg::audit {
namespace {

constexpr std::string_view kCommand = "verify-log";

// "entry 5: what" -> ("entry 5", "what").
std::pair<std::string, std::string> Split(const std::string& message) {
  size_t colon = message.find(": ");
  if (colon == std::string::npos) return {"log", message};
  return {message.substr(0, colon), message.substr(colon + 2)};
}

class RemoteAudit {
 public:
  // `registry_key` checks leader terms.
  RemoteAudit(RemoteLog& remote, const Checkpoint& cp, Findings& findings, size_t jobs,
              const PublicKey& registry_key)
      : remote_(remote),
        cp_(cp),
        findings_(findings),
        chain_(cp.origin, false),
        replay_(findings, jobs, registry_key) {}

  // Streams and checks every entry up to the checkpoint; an error is a
  // failure to read (exit 3).
  Status Run();
  void PrintSummary(const std::string& key_name) const;

 private:
  RemoteLog& remote_;
  const Checkpoint& cp_;
  Findings& findings_;
  // Signatures are checked by the replay, against the state it builds.
  EntryChain chain_;
  ReplayPipeline replay_;
  std::optional<Hash> digest_;
};

Status RemoteAudit::Run() {
  Progress progress(cp_.size);
  bool stopped = false;
  Status streamed = remote_.StreamEntries(0, cp_.size, [&](uint64_t index, std::string_view bytes) {
    Status problem = chain_.Append(bytes);
    if (!problem.ok()) {
      // The replay lags behind: its problems with earlier entries come first.
      CREG_RETURN_IF_ERROR(replay_.StopAt(index));
      auto [where, what] = Split(problem.message());
      if (!findings_.stop()) findings_.Add(where, what);
    } else {
      CREG_RETURN_IF_ERROR(replay_.Feed(index, bytes));
    }
    progress.Tick(index + 1);
    stopped = findings_.stop();
    return stopped ? InternalError("stopped at the first problem") : OkStatus();
  });
  if (stopped) return OkStatus();
  CREG_RETURN_IF_ERROR(streamed);
  CREG_RETURN_IF_ERROR(replay_.Drain());
  if (findings_.stop()) return OkStatus();
  if (chain_.root() != cp_.root) {
    findings_.Add("checkpoint",
                  "the root of the " + std::to_string(cp_.size) +
                      " entries the node serves is not the signed root: the node serves "
                      "another log than the one its checkpoint signs",
                  cp_.root.ToBase64(), chain_.root().ToBase64());
    if (findings_.stop()) return OkStatus();
  }
  CREG_RETURN_IF_ERROR(replay_.Finish());
  const LogReplay& replay = replay_.replay();
  if (replay.stopped_at().has_value()) {
    findings_.Note("the replay stopped at entry " + std::to_string(*replay.stopped_at()) +
                   "; the totals cover the entries before it");
  } else if (replay.replayer() != nullptr) {
    CREG_ASSIGN_OR_RETURN(digest_, replay.replayer()->registry().StateDigest());
  }
  return OkStatus();
}

void RemoteAudit::PrintSummary(const std::string& key_name) const {
  if (findings_.stop()) return;  // A partial summary would mislead.
  const LogReplay& replay = replay_.replay();
  std::cout << "\nentries:      " << chain_.size() << " (root " << chain_.root().ToBase64() << ")\n"
            << "checkpoint:   size " << cp_.size << ", signed by " << key_name << " (--key)\n"
            << "replayed:     " << replay.replayed() << " entries through the registry rules\n";
  if (digest_.has_value()) {
    std::cout << "state digest: " << Hex(*digest_)
              << " (replayed; a node's stored state cannot be compared remotely)\n";
  }
  std::cout << "credits (t CO2e) by project and vintage";
  if (replay.stopped_at().has_value()) {
    std::cout << ", of the first " << *replay.stopped_at() << " entries only";
  }
  std::cout << ":\n";
  replay.totals().Print(std::cout);
}

}  // namespace

int VerifyRemoteLog(Members members, const std::string& key, bool keep_going, size_t jobs,
                    const ClientOptions& client, const AccountFlags& account) {
  StatusOr<NoteVerifier> verifier = LoadVerifier(key);
  if (!verifier.ok()) {
    return Report(kCommand, LoadFailureCode(verifier.status()), verifier.status().message());
  }
  // Signs in for the registry the trusted key is of, not one the node names.
  StatusOr<std::optional<Credentials>> credentials = LoadCredentials(account, verifier->name());
  if (!credentials.ok()) {
    return Report(kCommand, LoadFailureCode(credentials.status()), credentials.status().message());
  }
  StatusOr<std::string> note = UnavailableError("not asked");
  StatusOr<RemoteLog> remote =
      RemoteLog::Connect(std::move(members), client, std::move(*credentials), ReadCheckpoint(note),
                         NoteSkippedMembers(kCommand));
  if (!remote.ok()) return Report(kCommand, kExitCannotRead, remote.status().message());
  const std::string& address = remote->address();
  Findings findings(std::cout, keep_going);
  StatusOr<Checkpoint> cp = VerifyNodeCheckpoint(*note, *verifier);
  if (!cp.ok()) {
    findings.Add("checkpoint from " + address, cp.status().message());
    return findings.Verdict();
  }
  findings.Note("auditing the log of " + cp->origin + " served by " + address + " up to its " +
                "checkpoint (" + std::to_string(cp->size) + " entries); a node holds no stored " +
                "state to compare remotely, so the replayed state is reported, not compared");
  RemoteAudit audit(*remote, *cp, findings, jobs, verifier->key());
  Status ran = audit.Run();
  if (!ran.ok()) return Report(kCommand, kExitCannotRead, "cannot finish: " + ran.ToString());
  audit.PrintSummary(verifier->name());
  return findings.Verdict();
}

}  // namespace creg::audit
