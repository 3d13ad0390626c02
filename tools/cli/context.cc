#include "tools/cli/context.h"

#include <openssl/rand.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>
#include <utility>

#include "client/sign_in.h"
#include "ledger/data_dir.h"
#include "ledger/encoding.h"
#include "ledger/hash.h"
#include "ledger/json.h"
#include "ledger/log_entry.h"
#include "ledger/registry/transaction.h"
#include "tools/cli/output.h"
#include "tools/cli/proposal.h"

namespace creg::cli {

Context::Context(std::string command, Flags flags, ClientOptions client_options)
    : command_(std::move(command)),
      flags_(flags),
      positional_(flags.positional()),
      json_(flags.Flag("--json")),
      node_(flags.Value("--node")),
      client_options_(std::move(client_options)) {}

void Context::ReadSignerFlags(bool operator_command) {
  std::string account = ReadAccountFlag();  // "operator" by default for operator commands
  if (!account.empty()) signer_account_ = account;
  if (auto key = flags_.Get("--key")) signer_key_path_ = *key;
  if (!operator_command) return;
  std::string data = flags_.Value("--data");
  if (!signer_key_path_ && signer_account_ && *signer_account_ == kOperatorAccount) {
    std::string path = DataDir(data).operator_key_path();
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {
      signer_key_path_ = path;
    }
  }
}

std::string Context::ReadAccountFlag() const { return flags_.Value("--account"); }

void Context::DefaultSignInAccount(const std::string& account) {
  ReadSignerFlags(false);
  if (!signer_account_ && signer_key_path_) signer_account_ = account;
}

bool Context::Finish(size_t min_positional, size_t max_positional) {
  size_t n = positional().size();
  if (n < min_positional) {
    UsageError("'creg " + command_ + "' is missing an argument");
    return false;
  }
  if (n > max_positional) {
    UsageError("'creg " + command_ + "' got an unexpected argument '" +
               positional()[max_positional] + "'");
    return false;
  }
  return true;
}

const Signer* Context::signer() {
  if (signer_) return &*signer_;
  if (!signer_account_) {
    UsageError("'creg " + command_ +
               "' is signed by an account: give --account ID (or set CREG_ACCOUNT)");
    return nullptr;
  }
  if (!signer_key_path_) {
    UsageError("give --key FILE, the private key of account '" + *signer_account_ +
               "' (or set CREG_KEY)");
    return nullptr;
  }
  StatusOr<PrivateKey> key = PrivateKey::LoadFile(*signer_key_path_);
  if (!key.ok()) {
    FailLocal(key.status(), "Give --key the private key file of account '" + *signer_account_ +
                                "' (made with 'creg keygen FILE').");
    return nullptr;
  }
  signer_ = Signer{*signer_account_, std::move(key).value()};
  return &*signer_;
}

void Context::Disconnect(bool skip_member) {
  client_.reset();
  if (skip_member) members_->SkipConnected();
}

Client* Context::client() {
  if (client_) return client_.get();
  if (!members_) {
    StatusOr<Members> members = Members::Parse(node_);
    if (!members.ok()) {
      UsageError("--node (CREG_NODE): " + members.status().message());
      return nullptr;
    }
    members_ = std::move(members).value();
  }
  StatusOr<std::unique_ptr<Client>> client = members_->Connect(client_options_);
  if (!client.ok()) {
    if (client.status().code() == StatusCode::kInvalidArgument) {
      // A --tls-ca file that cannot be used.
      UsageError(client.status().message());
    } else {
      FailConnection(client.status());
    }
    return nullptr;
  }
  client_ = std::move(client).value();
  if (!SignInIfGiven()) {
    client_.reset();
    return nullptr;
  }
  return client_.get();
}

bool Context::SignInIfGiven() {
  std::optional<std::string> key_path = signer_key_path_ ? signer_key_path_ : flags_.Get("--key");
  if (!key_path) return true;
  std::string account = signer_account_ ? *signer_account_ : ReadAccountFlag();
  if (account.empty()) {
    UsageError("--key (CREG_KEY) needs --account ID (or CREG_ACCOUNT): the account to sign in as");
    return false;
  }
  std::optional<PrivateKey> loaded;
  const PrivateKey* key = nullptr;
  if (signer_account_) {
    const Signer* s = signer();
    if (s == nullptr) return false;
    key = &s->key;
  } else {
    StatusOr<PrivateKey> read = PrivateKey::LoadFile(*key_path);
    if (!read.ok()) {
      FailLocal(read.status(), "Give --key the private key file of account '" + account + "'.");
      return false;
    }
    loaded = std::move(read).value();
    key = &*loaded;
  }
  // The node's own origin, as for the transactions creg signs: with TLS the
  // channel binding keeps the signature to this connection.
  Status signed_in = SignIn(*client_, account, *key, origin_.value_or(""));
  if (signed_in.ok()) return true;
  // A command that signs a transaction goes on as the public: the registry's
  // verdict on the transaction says more precisely what is wrong with the
  // account or key (ACCOUNT_SUSPENDED, BAD_SIGNATURE, ...).
  if (signed_in.code() == StatusCode::kPermissionDenied && signer_account_) return true;
  switch (signed_in.code()) {
    case StatusCode::kPermissionDenied:
      Fail(kExitRefused, "PERMISSION_DENIED", signed_in.message(),
           "Check --account and --key (CREG_ACCOUNT, CREG_KEY): the key must be the account's "
           "current key and the account active.");
      break;
    case StatusCode::kResourceExhausted:
      Fail(kExitRefused, "RESOURCE_EXHAUSTED", signed_in.message(),
           "Too many sign-in attempts from this address; wait a few seconds and retry.");
      break;
    default:
      FailConnection(signed_in);
  }
  return false;
}

std::optional<pb::Response> Context::Ask(pb::Request request) {
  Client* c = client();
  if (c == nullptr) return std::nullopt;
  StatusOr<pb::Response> response = c->Call(std::move(request));
  if (!response.ok()) {
    FailConnection(response.status());
    return std::nullopt;
  }
  if (response->has_error()) {
    Fail(kExitRefused, response->error().code(), response->error().message(),
         HintForNodeError(response->error().code()));
    return std::nullopt;
  }
  return std::move(response).value();
}

std::optional<std::string> Context::Origin() {
  if (origin_) return origin_;
  pb::Request request;
  request.mutable_status();
  std::optional<pb::Response> response = Ask(std::move(request));
  if (!response) return std::nullopt;
  origin_ = response->status().origin();
  return origin_;
}

std::optional<std::string> Context::SignerAccount() {
  if (signer_account_) return signer_account_;
  UsageError("'creg " + command_ +
             "' is signed by an account: give --account ID (or set CREG_ACCOUNT)");
  return std::nullopt;
}

bool Context::proposing() const { return flags_.Flag("--propose"); }

std::optional<pb::Committed> Context::Submit(pb::TransactionBody body) {
  if (proposing()) {
    Propose(std::move(body));
    return std::nullopt;
  }
  const Signer* s = signer();
  if (s == nullptr) return std::nullopt;
  std::optional<std::string> origin = Origin();
  if (!origin) return std::nullopt;
  body.set_origin(*origin);
  if (body.nonce().empty()) body.set_nonce(RandomNonce());
  if (body.created_micros() == 0) body.set_created_micros(NowMicros());
  return SubmitSigned(SignTransaction(body, s->account, s->key), s->account);
}

void Context::Propose(pb::TransactionBody body) {
  std::optional<std::string> account = SignerAccount();
  if (!account) return;
  std::optional<std::string> out = flags_.Get("--output");
  if (!out) {
    UsageError("--propose writes the transaction to a file: give -o FILE");
    return;
  }
  std::optional<std::string> origin = Origin();
  if (!origin) return;
  body.set_origin(*origin);
  if (body.nonce().empty()) body.set_nonce(RandomNonce());
  if (body.created_micros() == 0) body.set_created_micros(NowMicros());
  Proposal proposal = NewProposal(body, *account);
  if (Status saved = SaveProposalFile(*out, proposal, /*replace=*/false); !saved.ok()) {
    FailLocal(saved, "Give -o a new file name.");
    return;
  }
  const std::string summary = ProposalSummary(proposal.body, *account);
  if (json_) {
    json::Value v = json::Value::EmptyObject();
    v.Set("proposal", *out);
    v.Set("tx_id", Sha256(proposal.envelope.body()).ToHex());
    v.Set("summary", summary);
    PrintJson(v);
    return;
  }
  std::cout << "proposed: " << summary << "\n"
            << "wrote " << *out << " (unsigned). Next: each key holder runs 'creg sign " << *out
            << " --key FILE'; then 'creg submit " << *out << "'.\n";
}

std::optional<pb::Committed> Context::SubmitSigned(std::string signed_transaction,
                                                   const std::string& account) {
  // The same signed bytes (the same nonce) are sent again when an answer
  // is lost or UNAVAILABLE, to the next member or to the writer a mirror
  // names: the registry applies a transaction at most once.
  constexpr int kAttempts = 4;
  std::chrono::milliseconds backoff{250};
  StatusOr<pb::Response> response = UnavailableError("not sent");
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    Client* c = client();
    if (c == nullptr) return std::nullopt;
    pb::Request request;
    request.mutable_submit()->set_signed_transaction(signed_transaction);
    response = c->Call(std::move(request));
    const bool last = attempt == kAttempts;
    if (!response.ok()) {
      if (response.status().code() == StatusCode::kDataLoss || last) break;
      Disconnect(/*skip_member=*/true);  // the answer was lost: another member
      continue;
    }
    if (!response->has_error() || last) break;
    const pb::Error& error = response->error();
    if (members_->FollowLeader(error)) {  // a mirror: to the writer it names
      Disconnect(/*skip_member=*/false);
      continue;
    }
    if (error.code() != "UNAVAILABLE") break;
    std::this_thread::sleep_for(backoff);
    backoff *= 2;
  }
  if (!response.ok()) {
    bool protocol = response.status().code() == StatusCode::kDataLoss;
    Fail(protocol ? kExitProtocol : kExitUnreachable, protocol ? "PROTOCOL_ERROR" : "UNREACHABLE",
         response.status().message(),
         "The transaction may or may not have been committed: check with 'creg account "
         "history " +
             account + "' before you try again.");
    return std::nullopt;
  }
  if (response->has_error()) {
    Fail(kExitRefused, response->error().code(), response->error().message(),
         response->error().code() == "UNAVAILABLE"
             ? "The node did not acknowledge the transaction (sent " + std::to_string(kAttempts) +
                   " times). It may still be in the log: check with 'creg account history " +
                   account + "' before you try again."
             : "The node did not take the transaction; nothing was written.");
    return std::nullopt;
  }
  if (response->submit().has_refused()) {
    FailRefused(response->submit().refused());
    return std::nullopt;
  }
  return response->submit().committed();
}

int Context::Fail(int exit_code, const std::string& code, const std::string& message,
                  const std::string& hint, uint32_t code_number) {
  exit_code_ = exit_code;
  std::cerr << "creg: " << message << "\n";
  if (!hint.empty()) std::cerr << "  " << hint << "\n";
  if (json_) {
    json::Value error = json::Value::EmptyObject();
    error.Set("code", code);
    if (code_number != 0) error.Set("code_number", code_number);
    error.Set("message", message);
    error.Set("hint", hint);
    error.Set("exit_code", exit_code);
    json::Value doc = json::Value::EmptyObject();
    doc.Set("error", std::move(error));
    std::cout << json::Serialize(doc, true) << "\n";
  }
  return exit_code;
}

int Context::UsageError(const std::string& message) {
  return Fail(kExitUsage, "USAGE", message,
              "Run 'creg " + command_ + " --help' for how to use it.");
}

int Context::FailLocal(const Status& status, const std::string& hint) {
  switch (status.code()) {
    case StatusCode::kUnavailable:
      return FailConnection(status);
    case StatusCode::kNotFound:
    case StatusCode::kInvalidArgument:
    case StatusCode::kAlreadyExists:
      return Fail(kExitUsage, std::string(StatusCodeName(status.code())), status.message(), hint);
    default:
      return Fail(kExitLocal, std::string(StatusCodeName(status.code())), status.message(), hint);
  }
}

int Context::FailConnection(const Status& status) {
  if (status.code() == StatusCode::kDataLoss) return FailProtocol(status.message());
  if (!client_options_.tls_ca_file.empty()) {
    return Fail(kExitUnreachable, "UNREACHABLE", status.message(),
                "Is cregd running at " + node_ +
                    " with TLS, and does --tls-ca (or CREG_TLS_CA) name its certificate or the CA "
                    "that signed it?");
  }
  return Fail(kExitUnreachable, "UNREACHABLE", status.message(),
              "Is cregd running at " + node_ +
                  "? Start it with 'cregd run', or point creg at the node with --node "
                  "HOST:PORT[,HOST:PORT...] "
                  "(or CREG_NODE); if it serves TLS, add --tls-ca FILE.");
}

int Context::FailProtocol(const std::string& message) {
  return Fail(kExitProtocol, "PROTOCOL_ERROR", message,
              "The node is reachable but sent an answer creg cannot read. Check that --node (or "
              "CREG_NODE) names a cregd of the same version as this creg; if it does, report it "
              "with the node's log.");
}

int Context::FailRefused(const pb::Refused& refused) {
  return Fail(kExitRefused, refused.code(),
              "refused: " + refused.code() + " (rule " + std::to_string(refused.code_number()) +
                  "): " + refused.message(),
              HintForRule(refused.code()), refused.code_number());
}

std::string HintForRule(const std::string& code) {
  static const std::pair<const char*, const char*> kHints[] = {
      {"MALFORMED",
       "A field is missing, too long or invalid (the message names it); see the command's "
       "--help. A transaction another program encoded in a non-canonical form is refused "
       "too: sign it with creg or a client that writes the canonical encoding."},
      {"WRONG_ORIGIN", "The transaction was signed for another registry: check --node."},
      {"UNKNOWN_ACCOUNT",
       "Check the account id with 'creg account show ID'; the operator opens accounts with "
       "'creg account open'."},
      {"UNKNOWN_PROJECT",
       "Register the project first ('creg project register'), or check the id with 'creg project "
       "show ID'."},
      {"UNKNOWN_BATCH", "Check the batch number: 'creg holdings ACCOUNT' lists the batches held."},
      {"BAD_SIGNATURE",
       "The key does not match the account: check that --key (CREG_KEY) is the private key of "
       "--account (CREG_ACCOUNT)."},
      {"NOT_AUTHORIZED",
       "Sign as an account allowed to do this (--account, --key): the operator for operator "
       "commands, the holder for its own credits."},
      {"REPLAYED",
       "This nonce was used by another transaction. For a bulk file that was edited, put the new "
       "rows in a new file or give each row a request_id."},
      {"INVALID_ACCOUNT_ID",
       "Ids are 3 to 64 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or "
       "digit."},
      {"ACCOUNT_EXISTS", "Pick another id, or see the account with 'creg account show ID'."},
      {"INVALID_PROJECT_ID",
       "Ids are 3 to 64 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or "
       "digit."},
      {"PROJECT_EXISTS", "See the project with 'creg project show ID', or pick another id."},
      {"INVALID_QUANTITY", "Give a whole quantity of at least 1, within the limit named."},
      {"CREDITS_NOT_HELD", "List what the account holds with 'creg holdings ACCOUNT'."},
      {"CREDITS_RETIRED",
       "Retirements are final: see it with 'creg retirement ID', or pick other serials from "
       "'creg holdings ACCOUNT'."},
      {"CREDITS_CANCELLED",
       "Cancelled credits cannot move: pick other serials from 'creg holdings ACCOUNT'."},
      {"INSUFFICIENT_CREDITS",
       "Lower the quantity: 'creg holdings ACCOUNT' shows how many are held in each batch."},
      {"RETIREMENT_INCOMPLETE",
       "Give --beneficiary and --reason ('creg retire --help' lists the reasons); with "
       "--reason other, also --details saying what the reason is."},
      {"ACCOUNT_SUSPENDED",
       "Ask the registry operator to reinstate the account ('creg account reinstate ID')."},
      {"ACCOUNT_CLOSED", "A closed account stays closed; open a new account."},
      {"DUPLICATE_ISSUANCE",
       "That verification report was already issued: see the batch with 'creg batch N'."},
      {"INVALID_VINTAGE", "Vintage dates are YYYY-MM-DD and the end is not before the start."},
      {"INVALID_COUNTRY", "Use an ISO 3166-1 alpha-2 code in capitals, e.g. CN, KE, BR."},
      {"INVALID_KEY",
       "Give a public key file made by 'creg keygen' (FILE.pub) that is not the current key; "
       "a key of small order or in a non-canonical encoding is refused (anyone could forge "
       "signatures under it)."},
      {"SELF_TRANSFER", "Transfer to another account."},
      {"INVALID_SERIALS",
       "Serial blocks are BATCH:FIRST-LAST inside the batch, in order, not overlapping; see "
       "'creg batch N'."},
      {"INVALID_STATUS_CHANGE", "See the account's status with 'creg account show ID'."},
      {"ACCOUNT_NOT_EMPTY",
       "Transfer, retire or cancel what the account holds first ('creg holdings ID')."},
      {"TOO_MANY_BLOCKS",
       "Move fewer credits in this transaction (the message says how many fit) and the rest "
       "in further ones; 'creg holdings ACCOUNT' shows how the holding is split into blocks."},
      {"INVALID_LABEL",
       "Labels are ccp, ccb, corsia:FIRST-LAST (two years, e.g. corsia:2024-2026) or "
       "other:TEXT with TEXT of a-z, 0-9, '.', '_', '/', '-' ('creg label add --help')."},
      {"LABEL_PRESENT",
       "Some of the credits already carry the label: 'creg batch N' shows the labels of each "
       "block; select only the credits without it."},
      {"LABEL_ABSENT",
       "Some of the credits do not carry the label: 'creg batch N' shows the labels of each "
       "block; select only the credits that carry it."},
      {"TOO_MANY_LABELS",
       "Credits carry at most 8 labels: remove one ('creg label remove') before adding "
       "another."},
      {"NO_ACTIVE_CREDITS",
       "Retired and cancelled credits keep the labels they had; select credits that are still "
       "active ('creg batch N' shows each block's status)."},
      {"INVALID_AUTHORIZATION",
       "An authorisation names its party as an ISO 3166-1 alpha-2 code (GH), its date as "
       "YYYY-MM-DD, one or more distinct uses (ndc, oimp, other-international) and its "
       "first transfer (authorization, issuance, use-or-cancellation): 'creg authorize --help'."},
      {"ALREADY_AUTHORIZED",
       "Some of the credits already carry an Article 6 authorisation: 'creg batch N' shows it "
       "for each block; select only credits without one."},
      {"USE_NOT_AUTHORIZED",
       "Only credits authorised for that use may be used for ndc or oimp: 'creg batch N' shows "
       "each block's authorisation; use other credits, or --use voluntary."},
      {"ADJUSTMENT_NOT_FORWARD",
       "The corresponding adjustment status moves only forward (not-required, pending, "
       "applied): 'creg batch N' shows each block's status; select only credits before the one "
       "you set."},
      {"ADJUSTMENT_UNAUTHORIZED",
       "Corresponding adjustments are recorded only for credits with an Article 6 "
       "authorisation ('creg authorize'); 'creg batch N' shows which blocks carry one."},
      {"THRESHOLD_NOT_MET",
       "Gather more signatures: 'creg sign FILE --key KEY' by further key holders, then "
       "'creg submit FILE'; 'creg account show ID' shows the keys and how many must sign."},
      {"KEY_NOT_ON_ACCOUNT",
       "Only the account's current keys count ('creg account show ID'); a key replaced by "
       "'creg account keys' no longer does. Sign with a current key."},
      {"DUPLICATE_SIGNATURE", "Each key signs a transaction once; drop the repeated signature."},
      {"TOO_MANY_KEYS",
       "An account holds at most 10 keys and a transaction carries at most 10 "
       "signatures."},
      {"INVALID_THRESHOLD",
       "Give --threshold from 1 to the number of keys (docs/rules.md, \"Multi-signature "
       "accounts\")."},
      {"DUPLICATE_KEY", "Give each key once: two of the --public-key files hold the same key."},
      {"SEVERAL_KEYS",
       "This account has several keys: propose the transaction with --propose -o FILE, sign it "
       "with 'creg sign FILE --key KEY' until enough keys have signed, then 'creg submit FILE'. "
       "Change its keys with 'creg account keys', not rotate-key."},
      {"LEADER_TERM_STALE",
       "A leader-term entry must come after the last term (a higher etcd revision, the same "
       "cluster) and start where the log ends; the writer that wrote it has lost its term "
       "(docs/rules.md, \"Leader terms\")."},
      {"NOT_A_CLIENT_OPERATION",
       "Leader-term entries are written by the registry's writer itself when it takes over a "
       "cluster; no client submits one."},
      {"INVALID_TEXT",
       "Free text (names, reasons, details, references) must show as what it is: no control "
       "characters such as tabs or line breaks, no bidirectional overrides, line separators, "
       "invisible or unassigned characters, no white space at the start or end, and not white "
       "space alone. Retype the field the message names (docs/rules.md, \"Free text\")."},
  };
  for (const auto& [name, hint] : kHints) {
    if (code == name) return hint;
  }
  return "";
}

std::string HintForNodeError(const std::string& code) {
  if (code == "NOT_FOUND") {
    return "Check the id or number: 'creg holdings ACCOUNT', 'creg retirements' and 'creg export' "
           "list what exists.";
  }
  if (code == "OUT_OF_RANGE") return "'creg status' shows how many entries the log has.";
  if (code == "RESOURCE_EXHAUSTED") return "The node is busy; try again in a moment.";
  if (code == "UNAVAILABLE") return "The node cannot serve this now; see 'creg status'.";
  if (code == "NOT_LEADER") {
    return "This node is a mirror: send writes to the writer the message names (--node).";
  }
  if (code == "NOT_AUTHORIZED") {
    return "The node's read policy keeps this from the public: give --account and --key "
           "(CREG_ACCOUNT, CREG_KEY) to sign in as the account, or as an auditor or operator.";
  }
  return "";
}

std::string RandomNonce() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    std::cerr << "creg: the system random number generator failed\n";
    std::abort();
  }
  return HexEncode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

}  // namespace creg::cli
