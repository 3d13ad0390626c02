// creg sign|submit: the signatures of a multi-signature account, gathered
// offline on a proposal file (tools/cli/proposal.h) that a command run with
// --propose wrote.
#include <iostream>

#include "ledger/canonical_proto.h"
#include "ledger/encoding.h"
#include "ledger/hash.h"
#include "ledger/records/entry_view.h"
#include "ledger/registry/account_keys.h"
#include "ledger/registry/transaction.h"
#include "tools/cli/commands.h"
#include "tools/cli/output.h"
#include "tools/cli/proposal.h"

namespace creg::cli {
namespace {

std::optional<Proposal> Load(Context& ctx, const std::string& path) {
  StatusOr<Proposal> p = LoadProposalFile(path);
  if (!p.ok()) {
    ctx.FailLocal(p.status(),
                  "Give the file a 'creg ... --propose -o FILE' wrote; nothing changed.");
    return std::nullopt;
  }
  return std::move(p).value();
}

std::string KeyList(const pb::SignedTransaction& envelope) {
  std::string out;
  for (const pb::KeySignature& s : envelope.signatures()) {
    out += (out.empty() ? "" : ", ") + KeyLabel(s.public_key());
  }
  return out.empty() ? "none" : out;
}

// What the signer is about to sign, from the body alone.
void ShowProposal(const Proposal& p, std::ostream& out) {
  out << "Transaction " << Sha256(p.envelope.body()).ToHex() << "\n"
      << "  " << ProposalSummary(p.body, p.envelope.signer()) << "\n";
  PrintFields({{"registry", p.body.origin()},
               {"signer account", p.envelope.signer()},
               {"kind", KindName(p.body)},
               {"nonce", p.body.nonce()},
               {"signed so far by", KeyList(p.envelope)}},
              out);
  out << "  fields: " << json::Serialize(TransactionBodyJson(p.body)) << "\n";
}

int Sign(Context& ctx) {
  std::optional<std::string> key_path = ctx.flags().Get("--key");
  if (!ctx.Finish(1, 1)) return ctx.exit_code();
  if (!key_path) return ctx.UsageError("give --key FILE, the private key that signs");
  const std::string path = ctx.positional()[0];
  std::optional<Proposal> p = Load(ctx, path);
  if (!p) return ctx.exit_code();
  StatusOr<PrivateKey> key = PrivateKey::LoadFile(*key_path);
  if (!key.ok()) return ctx.FailLocal(key.status(), "Give --key a private key file (creg keygen).");
  // The summary first, on stderr with --json, so a person sees what is
  // signed before anything is written.
  ShowProposal(*p, ctx.json() ? std::cerr : std::cout);
  const std::string raw = key->public_key().raw();
  bool again = false;
  for (const pb::KeySignature& s : p->envelope.signatures()) again = again || s.public_key() == raw;
  if (!again && p->envelope.signatures_size() >= static_cast<int>(kMaxSignatures)) {
    return ctx.UsageError(path + " already carries " + std::to_string(kMaxSignatures) +
                          " signatures, the most a transaction may");
  }
  AddKeyedSignature(p->envelope, *key);
  if (Status saved = SaveProposalFile(path, *p, /*replace=*/true); !saved.ok()) {
    return ctx.FailLocal(saved, "Nothing was signed; check that the folder is writable.");
  }
  const std::string label = KeyLabel(raw);
  if (ctx.json()) {
    json::Value v = json::Value::EmptyObject();
    v.Set("proposal", path);
    v.Set("signed_by", Base64Encode(raw));
    v.Set("signatures", static_cast<uint64_t>(p->envelope.signatures_size()));
    PrintJson(v);
  } else {
    std::cout << (again ? "signed again with key " : "signed with key ") << label << "; "
              << p->envelope.signatures_size() << " signature"
              << (p->envelope.signatures_size() == 1 ? "" : "s") << " on " << path
              << ". Submit with 'creg submit " << path << "' once enough keys have signed.\n";
  }
  return kExitOk;
}

int Submit(Context& ctx) {
  if (!ctx.Finish(1, 1)) return ctx.exit_code();
  const std::string path = ctx.positional()[0];
  std::optional<Proposal> p = Load(ctx, path);
  if (!p) return ctx.exit_code();
  const std::string& account = p->envelope.signer();
  ctx.DefaultSignInAccount(account);
  // Count the signatures against the account's keys now, and refuse before
  // sending when they cannot be enough.
  pb::Request request;
  request.mutable_account()->set_account_id(account);
  std::optional<pb::Response> response = ctx.Ask(std::move(request));
  if (!response) return ctx.exit_code();
  const AccountKeys keys = KeysOfAccount(response->account().account());
  size_t present = 0;
  for (const pb::KeySignature& s : p->envelope.signatures()) {
    if (std::find(keys.keys.begin(), keys.keys.end(), s.public_key()) == keys.keys.end()) {
      return ctx.Fail(kExitRefused, "KEY_NOT_ON_ACCOUNT",
                      path + " is signed by key " + KeyLabel(s.public_key()) +
                          ", which is not a key of account '" + account + "'; nothing was sent",
                      "Make a new proposal, or check 'creg account show " + account +
                          "' for the account's keys.",
                      static_cast<uint32_t>(RuleCode::kKeyNotOnAccount));
    }
    ++present;
  }
  if (present < keys.threshold) {
    return ctx.Fail(kExitRefused, "THRESHOLD_NOT_MET",
                    path + " carries " + std::to_string(present) + " signature" +
                        (present == 1 ? "" : "s") + " of account '" + account + "'; " +
                        std::to_string(keys.threshold) + " are needed (" +
                        std::to_string(keys.threshold) + " of its " +
                        std::to_string(keys.keys.size()) + " keys); nothing was sent",
                    "Have more key holders run 'creg sign " + path + " --key FILE'.",
                    static_cast<uint32_t>(RuleCode::kThresholdNotMet));
  }
  std::optional<pb::Committed> c = ctx.SubmitSigned(SerializeCanonical(p->envelope), account);
  if (!c) return ctx.exit_code();
  return ReportCommitted(ctx, *c, ProposalSummary(p->body, account));
}

}  // namespace

void AddProposalCommands(std::vector<Command>& out) {
  out.push_back({"sign",
                 "FILE --key KEY",
                 "Add a signature to a proposed transaction",
                 "Shows what the proposal FILE (written by a command run with --propose)\n"
                 "does, then adds the signature of the private key in KEY to it. Works\n"
                 "offline. Signing again with the same key replaces its signature.\n"
                 "\nExample:\n  creg sign tx.json --key treasurer-a.key\n",
                 Sign,
                 Command::kLocal,
                 {{"--key", "KEY", "the private key file that signs", nullptr, "CREG_KEY"}}});
  out.push_back({"submit",
                 "FILE",
                 "Submit a proposed transaction once enough keys have signed",
                 "Reads the account's keys and threshold from the node and sends FILE's\n"
                 "transaction only if enough of its keys have signed; otherwise says how\n"
                 "many signatures are there and how many are needed, and sends nothing.\n"
                 "Where the node keeps account records private, --key (any key of the\n"
                 "account) signs in as the proposal's account to read them.\n"
                 "\nExample:\n  creg submit tx.json --key treasurer-a.key\n",
                 Submit,
                 Command::kQuery,
                 {kOwnAccountFlag,
                  {"--key", "KEY", "sign in with this key to read the account's threshold", nullptr,
                   "CREG_KEY"}}});
}

}  // namespace creg::cli
