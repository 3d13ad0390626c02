// creg-audit verify-log --data DIR [--key VERIFIER_KEY] [--keep-going] [--jobs N]
// (the --node mode is in verify_log_remote.cc)
#include <iostream>
#include <memory>
#include <optional>
#include <thread>

#include "client/client_flags.h"
#include "ledger/data_dir.h"
#include "ledger/encoding.h"
#include "ledger/registry/registry.h"
#include "tools/audit/commands.h"
#include "tools/audit/common.h"
#include "tools/audit/findings.h"
#include "tools/audit/log_checker.h"
#include "tools/audit/log_scan.h"
#include "tools/audit/progress.h"
#include "tools/audit/replay_pipeline.h"
#include "tools/audit/replayer.h"

namespace creg::audit {

namespace {

constexpr char kHelp[] =
    "Give --data DIR, or --node HOST:PORT[,HOST:PORT...] with --key.\n"
    "\n"
    "Audits a whole registry data folder, read-only (safe while the node runs):\n"
    "every entry's hash chain link and Merkle node, the stored head, the signed\n"
    "checkpoint DIR/checkpoint (with --key, or the key in DIR/verifier.key),\n"
    "and a replay of every entry through the registry rules (signatures, rules,\n"
    "effects) into a scratch registry whose state must equal the stored state.\n"
    "Prints credits issued, retired, cancelled and outstanding per project and\n"
    "vintage. Stops at the first problem unless --keep-going.\n"
    "\n"
    "With --node, the entries come from a running node instead (its subscription\n"
    "stream, up to its latest checkpoint): every entry's hash chain link, the\n"
    "tree rebuilt from them against the signed checkpoint's root, and the replay\n"
    "through the rules. A node holds no stored state the audit can compare, so\n"
    "the replayed state is only reported. A node at the default read policy\n"
    "streams its log only to an auditor or operator account: give --account ID\n"
    "and --account-key FILE (or CREG_ACCOUNT and CREG_KEY) to sign in as one,\n"
    "for the registry --key is of. Of several members (comma-separated), the\n"
    "first that serves its checkpoint is audited, a mirror as well as the writer.\n"
    "\n"
    "--jobs N: threads that check transaction signatures ahead of the replay\n"
    "(default: one per core). Every signature is still checked against the key\n"
    "its signer held at that entry.";

constexpr std::string_view kCommand = "verify-log";

std::string Be64Key(uint64_t index) {
  std::string key;
  AppendBigEndian64(&key, index);
  return key;
}

class LogAudit {
 public:
  // `registry_key` checks leader terms (none: they are refused).
  LogAudit(DataDir dir, Store& store, Findings& findings, size_t jobs,
           std::optional<PublicKey> registry_key)
      : dir_(std::move(dir)),
        store_(store),
        findings_(findings),
        replay_(findings, jobs, std::move(registry_key)) {}

  // Runs every check; an error is a failure to read (exit 3).
  Status Run(const std::optional<NoteVerifier>& verifier, const std::string& key_source);
  void PrintSummary() const;

 private:
  void CheckCheckpointSignature(const std::optional<NoteVerifier>& verifier,
                                const std::string& key_source);
  Status ScanEntries();
  Status CheckHeadAndCheckpoint();
  Status CheckThroughRegistry();

  DataDir dir_;
  Store& store_;
  Findings& findings_;
  std::optional<LogChecker> checker_;  // made once the checkpoint size is known
  ColumnId entries_cf_ = 0, tree_cf_ = 0, meta_cf_ = 0;
  std::optional<TreeHead> stored_head_;
  std::optional<Checkpoint> checkpoint_;
  std::string checkpoint_key_;
  ReplayPipeline replay_;
  bool gave_up_ = false;         // the scan could not go on
  bool head_malformed_ = false;  // already reported
  std::optional<Hash> digest_;
};

Status LogAudit::Run(const std::optional<NoteVerifier>& verifier, const std::string& key_source) {
  CREG_ASSIGN_OR_RETURN(entries_cf_, store_.Column("log.entries"));
  CREG_ASSIGN_OR_RETURN(tree_cf_, store_.Column("log.tree"));
  CREG_ASSIGN_OR_RETURN(meta_cf_, store_.Column("log.meta"));
  CREG_ASSIGN_OR_RETURN(std::optional<std::string> head, store_.Get(meta_cf_, "head"));
  if (head.has_value() && head->size() == 8 + Hash::kSize) {
    stored_head_ = TreeHead{ReadBigEndian64(*head),
                            Hash::FromBytes(std::string_view(*head).substr(8)).value()};
  } else if (head.has_value()) {
    head_malformed_ = true;
    findings_.Add("head (log.meta)", "record has the wrong length", "40 bytes",
                  std::to_string(head->size()) + " bytes");
  }
  CheckCheckpointSignature(verifier, key_source);
  checker_.emplace(findings_, checkpoint_.has_value() ? checkpoint_->size : 0);
  if (findings_.stop()) return OkStatus();
  CREG_RETURN_IF_ERROR(ScanEntries());
  if (findings_.stop() || gave_up_) return OkStatus();
  CREG_RETURN_IF_ERROR(CheckHeadAndCheckpoint());
  if (findings_.stop()) return OkStatus();
  return CheckThroughRegistry();
}

void LogAudit::CheckCheckpointSignature(const std::optional<NoteVerifier>& verifier,
                                        const std::string& key_source) {
  StatusOr<std::string> note = ReadFile(dir_.checkpoint_path());
  if (!note.ok()) {
    findings_.Note("no checkpoint to check (" + note.status().message() + ")");
    return;
  }
  if (!verifier.has_value()) {
    findings_.Note(dir_.checkpoint_path() + " not checked: give --key (or put the key in " +
                   dir_.verifier_key_path() + ")");
    return;
  }
  StatusOr<Checkpoint> cp = VerifyCheckpoint(*note, *verifier, "");
  if (!cp.ok()) {
    findings_.Add("checkpoint " + dir_.checkpoint_path(), "is not validly signed by key " +
                                                              verifier->name() + " (" + key_source +
                                                              "): " + cp.status().ToString());
    return;
  }
  checkpoint_ = *cp;
  checkpoint_key_ = verifier->name() + " (" + key_source + ")";
}

Status LogAudit::ScanEntries() {
  Progress progress(stored_head_.has_value() ? stored_head_->size : 0);
  CREG_ASSIGN_OR_RETURN(LogScanResult scanned,
                        ScanLog(store_, *checker_, findings_, &replay_, progress));
  gave_up_ = scanned.gave_up;
  if (findings_.stop() || gave_up_) return OkStatus();
  // Problems of the replay come before those of the head and checkpoint.
  return replay_.Drain();
}

Status LogAudit::CheckHeadAndCheckpoint() {
  const uint64_t size = checker_->size();
  // Every key sorting after the last entry's (the scan reported the ones
  // before it that are no tile's).
  const std::string after_last = size == 0 ? "" : Be64Key(size - 1) + '\0';
  Status scanned =
      store_.Scan(tree_cf_, after_last, "", [&](std::string_view key, std::string_view) {
        findings_.Add("log.tree", "holds a Merkle node record past the last entry",
                      size == 0 ? std::string("no record (no entries)")
                                : "no record keyed after entry " + std::to_string(size - 1),
                      HexEncode(key));
        return false;
      });
  CREG_RETURN_IF_ERROR(scanned);
  if (!stored_head_.has_value() && !head_malformed_ && size > 0) {
    findings_.Add("head (log.meta)", "is missing although log.entries holds entries");
  } else if (stored_head_.has_value()) {
    if (stored_head_->size != size) {
      findings_.Add("head (log.meta)", "names another log size than log.entries holds",
                    std::to_string(size) + " entries", std::to_string(stored_head_->size));
    } else if (stored_head_->root != checker_->root()) {
      if (checker_->tree_damaged()) {
        findings_.Note(
            "the head's root differs from the entries' root, as the problems above imply");
      } else {
        findings_.Add("head (log.meta)", "root is not the root of the stored entries",
                      Hex(checker_->root()), Hex(stored_head_->root));
      }
    }
  }
  if (!checkpoint_.has_value()) return OkStatus();
  const Checkpoint& cp = *checkpoint_;
  const std::string& origin = replay_.replay().origin();
  if (!origin.empty() && cp.origin != origin) {
    findings_.Add("checkpoint", "names another registry than the log's entries", origin, cp.origin);
  }
  if (cp.size > size) {
    findings_.Add("checkpoint",
                  "covers more entries than the log holds: the log shrank or was "
                  "truncated after the checkpoint was signed",
                  std::to_string(cp.size) + " entries", std::to_string(size) + " entries");
    return OkStatus();
  }
  auto at = checker_->roots().find(cp.size);
  Hash root = at != checker_->roots().end() ? at->second : merkle::EmptyRoot();
  if (root != cp.root) {
    findings_.Add("checkpoint",
                  "the root of the first " + std::to_string(cp.size) +
                      " entries is not the signed root: the log was rewritten after it was signed",
                  cp.root.ToBase64(), root.ToBase64());
  }
  return OkStatus();
}

Status LogAudit::CheckThroughRegistry() {
  StatusOr<std::unique_ptr<Registry>> stored = Registry::Open(&store_, RegistryOptions{});
  if (!stored.ok()) {
    if (findings_.count() == 0) {
      findings_.Add("registry", "does not open: " + stored.status().ToString());
    } else {
      findings_.Note("the registry does not open (" + stored.status().message() + ")");
    }
  } else {
    const MerkleLog& log = (*stored)->log();
    for (const auto& [size, root] : checker_->roots()) {
      if (size > log.size() || checker_->tree_damaged()) break;
      CREG_ASSIGN_OR_RETURN(Hash served, log.RootAt(size));
      if (served != root) {
        findings_.Add("Merkle tree (log.tree)",
                      "the root the log serves at size " + std::to_string(size) +
                          " is not the root of the entries",
                      Hex(root), Hex(served));
      }
    }
  }
  CREG_RETURN_IF_ERROR(replay_.Finish());
  const LogReplay& replay = replay_.replay();
  if (replay.replayer() == nullptr) return OkStatus();
  if (replay.stopped_at().has_value()) {
    findings_.Note("the replay stopped at entry " + std::to_string(*replay.stopped_at()) +
                   "; the state was not compared and the totals cover the entries before it");
    return OkStatus();
  }
  // Every record compared equal means equal digests: the replayed one,
  // computed on the way, is the stored state's too.
  CREG_ASSIGN_OR_RETURN(StateComparison compared,
                        CompareState(store_, replay.replayer()->store(), findings_));
  if (compared.differences == 0) digest_ = compared.replayed_digest;
  return OkStatus();
}

void LogAudit::PrintSummary() const {
  if (findings_.stop()) return;  // A partial summary would mislead.
  std::cout << "\nentries:      " << checker_->size() << " (root " << checker_->root().ToBase64()
            << ")\n";
  if (checkpoint_.has_value()) {
    std::cout << "checkpoint:   size " << checkpoint_->size << ", signed by " << checkpoint_key_
              << "\n";
  }
  const LogReplay& replay = replay_.replay();
  std::cout << "replayed:     " << replay.replayed() << " entries through the registry rules\n";
  if (digest_.has_value())
    std::cout << "state digest: " << Hex(*digest_) << " (stored = replayed)\n";
  std::cout << "credits (t CO2e) by project and vintage";
  if (replay.stopped_at().has_value()) {
    std::cout << ", of the first " << *replay.stopped_at() << " entries only";
  }
  std::cout << ":\n";
  replay.totals().Print(std::cout);
}

}  // namespace

VerifyLogFlags::VerifyLogFlags() : jobs(DefaultJobs()) {}

Subcommand AddVerifyLog(CLI::App& app) {
  auto flags = std::make_shared<VerifyLogFlags>();
  CLI::App* sub = cmdline::NewSubcommand(
      app, "verify-log", "audit a whole registry, a data folder or the log a node serves");
  sub->footer(kHelp);
  AddDataFlag(*sub, flags->data);
  AddNodeFlags(*sub, flags->node, flags->client, flags->account);
  AddKeyFlag(*sub, flags->key,
             "the registry's checkpoint verifier key, or a file holding it; default with "
             "--data: DIR/verifier.key");
  sub->add_flag("--keep-going", flags->keep_going, "report every problem, not just the first");
  cmdline::AddNumber(*sub, "--jobs", flags->jobs,
                     "signature threads, 1 to " + std::to_string(kMaxJobs) + "; one per core");
  return {sub, [flags] { return RunVerifyLog(*flags); }};
}

int RunVerifyLog(const VerifyLogFlags& flags) {
  if (flags.jobs == 0 || flags.jobs > kMaxJobs) {
    return UsageError(kCommand, "--jobs must be 1 to " + std::to_string(kMaxJobs));
  }
  if (flags.data.empty() == flags.node.empty()) {
    return UsageError(kCommand, flags.data.empty() ? "--data or --node is required"
                                                   : "give --data or --node, not both");
  }
  if (!flags.node.empty() && flags.key.empty()) return UsageError(kCommand, "--node needs --key");
  const size_t threads = flags.jobs;
  const bool keep_going = flags.keep_going;
  if (!flags.node.empty()) {
    std::optional<Members> members = NodeMembers(kCommand, flags.node);
    if (!members) return kExitUsage;
    return VerifyRemoteLog(std::move(*members), flags.key, keep_going, threads, flags.client,
                           flags.account);
  }
  DataDir dir(flags.data);
  std::optional<std::string> key;
  if (!flags.key.empty()) key = flags.key;
  std::optional<NoteVerifier> verifier;
  std::string key_source = "--key";
  if (!key.has_value() && ReadFile(dir.verifier_key_path()).ok()) {
    key = dir.verifier_key_path();
    key_source = "from " + dir.verifier_key_path() + ", the data folder's own copy";
  }
  if (key.has_value()) {
    StatusOr<NoteVerifier> loaded = LoadVerifier(*key);
    if (!loaded.ok()) {
      return Report(kCommand, LoadFailureCode(loaded.status()), loaded.status().message());
    }
    verifier = *loaded;
  }
  int exit_code = 0;
  std::unique_ptr<Store> store = OpenDataReadOnly(dir, kCommand, &exit_code);
  if (store == nullptr) return exit_code;
  Findings findings(std::cout, keep_going);
  std::optional<PublicKey> registry_key;
  if (verifier.has_value()) registry_key = verifier->key();
  LogAudit audit(dir, *store, findings, threads, registry_key);
  Status ran = audit.Run(verifier, key_source);
  if (!ran.ok()) return Report(kCommand, kExitCannotRead, "cannot finish: " + ran.ToString());
  audit.PrintSummary();
  return findings.Verdict();
}

}  // namespace creg::audit
