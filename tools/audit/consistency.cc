// creg-audit consistency OLD NEW (--data DIR | --node HOST:PORT[,HOST:PORT...]) --key KEY
#include <iostream>
#include <memory>

#include "client/client_flags.h"
#include "ledger/data_dir.h"
#include "ledger/log_entry.h"
#include "ledger/merkle.h"
#include "ledger/merkle_log.h"
#include "ledger/registry/registry.h"
#include "tools/audit/commands.h"
#include "tools/audit/common.h"
#include "tools/audit/remote.h"

namespace creg::audit {

namespace {

constexpr char kHelp[] =
    "OLD and NEW are two checkpoint notes of one registry, for example one\n"
    "saved last month and one fetched today. Checks that both are signed by\n"
    "the trusted key, that the log in DIR agrees with NEW, and that the RFC 9162\n"
    "consistency proof from that log shows OLD's tree is a prefix of NEW's: the\n"
    "log only grew in between. With --node, the proof comes from a running\n"
    "node instead of a data folder (over TLS with --tls-ca FILE, the node's\n"
    "certificate or its CA; or CREG_TLS_CA). A log that was rewritten, forked\n"
    "or shrank is reported as such. Consistency proofs are public unless the\n"
    "node's read policy is private; then give --account ID and --account-key\n"
    "FILE (or CREG_ACCOUNT and CREG_KEY) to sign in. Of several members\n"
    "(comma-separated), the first that gives the proof is used; a mirror whose\n"
    "log is still shorter than NEW's is passed over.";

constexpr std::string_view kCommand = "consistency";

int Failed(const std::string& what) {
  std::cout << "FAILED " << what << "\n";
  return kExitFailed;
}

std::string Describe(const Checkpoint& cp) {
  return "size " + std::to_string(cp.size) + ", root " + cp.root.ToBase64();
}

// NEW agrees with the log in the data folder `data`, whose consistency
// proof from OLD verifies.
int CheckWithData(const std::string& data, const Checkpoint& old_cp, const Checkpoint& new_cp,
                  const std::string& key_name) {
  DataDir dir(data);
  int exit_code = 0;
  std::unique_ptr<Store> store = OpenDataReadOnly(dir, kCommand, &exit_code);
  if (store == nullptr) return exit_code;
  StatusOr<std::unique_ptr<MerkleLog>> log = MerkleLog::Open(store.get(), LogEntryLinkReader());
  if (!log.ok()) {
    if (log.status().code() != StatusCode::kDataLoss) {
      return Report(kCommand, kExitCannotRead, "cannot read the log: " + log.status().ToString());
    }
    return Failed("the log in " + dir.db_path() + " is damaged (" + log.status().message() +
                  "); run creg-audit verify-log --data " + dir.root());
  }
  const uint64_t log_size = (*log)->size();
  if (new_cp.size > log_size) {
    return Failed("the log in " + dir.db_path() + " has " + std::to_string(log_size) +
                  " entries, fewer than NEW's " + std::to_string(new_cp.size) +
                  ": the log shrank after NEW was signed (or this copy is behind)");
  }
  StatusOr<Hash> root = (*log)->RootAt(new_cp.size);
  if (!root.ok()) return Report(kCommand, kExitCannotRead, root.status().ToString());
  if (*root != new_cp.root) {
    return Failed("the log in " + dir.db_path() + " does not match NEW: its root at size " +
                  std::to_string(new_cp.size) + " is " + root->ToBase64() + ", NEW says " +
                  new_cp.root.ToBase64() + " (the log was rewritten, or NEW is of another fork)");
  }
  StatusOr<std::vector<Hash>> proof = (*log)->ConsistencyProof(old_cp.size, new_cp.size);
  if (!proof.ok()) return Report(kCommand, kExitCannotRead, proof.status().ToString());
  Status consistent =
      merkle::VerifyConsistency(old_cp.size, new_cp.size, *proof, old_cp.root, new_cp.root);
  if (!consistent.ok()) {
    return Failed("OLD (" + Describe(old_cp) + ") is not a prefix of NEW (" + Describe(new_cp) +
                  "): entries before " + std::to_string(old_cp.size) +
                  " were rewritten or the log forked after OLD was signed (" +
                  consistent.message() + ")");
  }
  std::cout << "VERIFIED: the log of " << new_cp.origin << " only grew from OLD to NEW\n"
            << "  OLD  " << Describe(old_cp) << "\n"
            << "  NEW  " << Describe(new_cp) << "\n"
            << "  signed by key " << key_name << "; the log in " << dir.db_path()
            << " matches NEW, and the consistency proof (" << Count(proof->size(), "hash", "hashes")
            << ") verifies\n";
  return kExitVerified;
}

// The first of `members` that gives a consistency proof from OLD to NEW
// proves OLD a prefix of NEW.
int CheckWithNode(Members members, const ClientOptions& client,
                  std::optional<Credentials> credentials, const Checkpoint& old_cp,
                  const Checkpoint& new_cp, const std::string& key_name) {
  const std::string list = members.list();
  const size_t count = members.addresses().size();
  StatusOr<std::vector<std::string>> proof = UnavailableError("not asked");
  size_t refused = 0;  // members that answered the request with an error about their log
  auto ask_proof = [&](RemoteLog& member) -> Status {
    proof = member.ConsistencyProof(old_cp.size, new_cp.size);
    if (proof.ok()) return OkStatus();
    if (!NodeDidNotServe(proof.status())) ++refused;
    return Status(proof.status().code(),
                  "cannot get the consistency proof: " + proof.status().ToString());
  };
  StatusOr<RemoteLog> remote = RemoteLog::Connect(
      std::move(members), client, std::move(credentials), ask_proof, NoteSkippedMembers(kCommand));
  if (!remote.ok() && refused == count) {
    return Failed(
        (count == 1 ? "the node at " + list + " gives no" : "no member of " + list + " gives a") +
        " consistency proof from OLD (" + Describe(old_cp) + ") to NEW (" + Describe(new_cp) +
        "): " + remote.status().message() +
        " (its log shrank after NEW was signed, or NEW is not of its log)");
  }
  if (!remote.ok()) return Report(kCommand, kExitCannotRead, remote.status().message());
  const std::string& address = remote->address();
  Status consistent = merkle::VerifyConsistency(old_cp.size, new_cp.size, *proof,
                                                old_cp.root.view(), new_cp.root.view());
  if (!consistent.ok()) {
    return Failed("OLD (" + Describe(old_cp) + ") is not shown to be a prefix of NEW (" +
                  Describe(new_cp) + "): the consistency proof from the node at " + address +
                  " does not verify (" + consistent.message() +
                  "); the log was rewritten or forked, or the node serves another log than NEW's");
  }
  std::cout << "VERIFIED: the log of " << new_cp.origin << " only grew from OLD to NEW\n"
            << "  OLD  " << Describe(old_cp) << "\n"
            << "  NEW  " << Describe(new_cp) << "\n"
            << "  signed by key " << key_name << "; the consistency proof from the node at "
            << address << " (" << Count(proof->size(), "hash", "hashes") << ") verifies\n";
  return kExitVerified;
}

}  // namespace

Subcommand AddConsistency(CLI::App& app) {
  auto flags = std::make_shared<ConsistencyFlags>();
  CLI::App* sub = cmdline::NewSubcommand(
      app, "consistency", "check that the log only grew between two signed checkpoints");
  sub->footer(kHelp);
  sub->add_option("OLD", flags->old_checkpoint, "the older checkpoint note");
  sub->add_option("NEW", flags->new_checkpoint, "the newer checkpoint note");
  AddDataFlag(*sub, flags->data);
  AddNodeFlags(*sub, flags->node, flags->client, flags->account);
  AddKeyFlag(*sub, flags->key, "the registry's checkpoint verifier key, or a file holding it");
  return {sub, [flags] { return RunConsistency(*flags); }};
}

int RunConsistency(const ConsistencyFlags& flags) {
  if (flags.data.empty() == flags.node.empty()) {
    return UsageError(kCommand, flags.data.empty() ? "--data or --node is required"
                                                   : "give --data or --node, not both");
  }
  if (flags.key.empty()) return UsageError(kCommand, "--key is required");
  if (flags.new_checkpoint.empty()) {
    return UsageError(kCommand, "give the two checkpoint files OLD and NEW");
  }
  std::optional<Members> members;
  if (!flags.node.empty()) {
    members = NodeMembers(kCommand, flags.node);
    if (!members) return kExitUsage;
  }
  StatusOr<NoteVerifier> verifier = LoadVerifier(flags.key);
  if (!verifier.ok()) {
    return Report(kCommand, LoadFailureCode(verifier.status()), verifier.status().message());
  }
  // With --node: signs in for the registry the trusted key is of.
  StatusOr<std::optional<Credentials>> credentials = std::optional<Credentials>();
  if (!flags.node.empty()) credentials = LoadCredentials(flags.account, verifier->name());
  if (!credentials.ok()) {
    return Report(kCommand, LoadFailureCode(credentials.status()), credentials.status().message());
  }
  Checkpoint cps[2];
  for (int i = 0; i < 2; ++i) {
    const std::string& path = i == 0 ? flags.old_checkpoint : flags.new_checkpoint;
    StatusOr<std::string> note = ReadInput(path);
    if (!note.ok()) return Report(kCommand, kExitCannotRead, note.status().message());
    StatusOr<Checkpoint> cp = VerifyCheckpoint(*note, *verifier, "");
    if (!cp.ok()) {
      return Failed(std::string(i == 0 ? "OLD" : "NEW") + " checkpoint " + path +
                    " is not validly signed by key " + verifier->name() + ": " +
                    cp.status().ToString());
    }
    cps[i] = *cp;
  }
  const Checkpoint& old_cp = cps[0];
  const Checkpoint& new_cp = cps[1];
  if (old_cp.origin != new_cp.origin) {
    return Failed("the checkpoints are of different registries: OLD is '" + old_cp.origin +
                  "', NEW is '" + new_cp.origin + "'");
  }
  if (old_cp.size > new_cp.size) {
    return Failed("NEW (" + Describe(new_cp) + ") is smaller than OLD (" + Describe(old_cp) +
                  "): the log shrank, or OLD and NEW are given the wrong way round");
  }
  if (old_cp.size == new_cp.size && old_cp.root != new_cp.root) {
    return Failed("fork: OLD and NEW are signed trees of the same size " +
                  std::to_string(new_cp.size) + " with different roots (" + old_cp.root.ToBase64() +
                  " and " + new_cp.root.ToBase64() +
                  "); keep both notes, they prove the registry signed two histories");
  }

  return members ? CheckWithNode(std::move(*members), flags.client, std::move(*credentials), old_cp,
                                 new_cp, verifier->name())
                 : CheckWithData(flags.data, old_cp, new_cp, verifier->name());
}

}  // namespace creg::audit
