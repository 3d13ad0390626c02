// creg account open|suspend|reinstate|close|rotate-key|show|history.
#include <openssl/crypto.h>

#include <algorithm>
#include <fstream>
#include <iostream>

#include "cmdline/app.h"
#include "ledger/keys.h"
#include "tools/cli/commands.h"
#include "tools/cli/log_walk.h"
#include "tools/cli/output.h"
#include "tools/cli/pages.h"
#include "tools/cli/records.h"

namespace creg::cli {
namespace {

enum class KeyBlock { kNone, kPublic, kPrivate };

// Which PEM key block the first bytes of `path` hold, if any. The text read
// is wiped: it may be a private key.
KeyBlock KeyBlockIn(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text(64 * 1024, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  KeyBlock block = KeyBlock::kNone;
  if (text.find("-----BEGIN PUBLIC KEY-----") != std::string::npos) {
    block = KeyBlock::kPublic;
  } else if (text.find("PRIVATE KEY-----") != std::string::npos) {
    block = KeyBlock::kPrivate;
  }
  OPENSSL_cleanse(text.data(), text.size());
  return block;
}

// A public key file, or a private key file whose public half is taken.
// When neither loads, the error says why: a file holding a key block that is
// refused gets the loader's reason (a key of small order or in a
// non-canonical encoding, a key of another algorithm, an encrypted private
// key), so the person is not told the file holds no key at all.
StatusOr<PublicKey> LoadAnyPublicKey(const std::string& path) {
  StatusOr<PublicKey> key = LoadPublicKeyFile(path);
  if (key.ok() || key.status().code() != StatusCode::kInvalidArgument) return key;
  StatusOr<PrivateKey> private_key = PrivateKey::LoadFile(path);
  if (private_key.ok()) return private_key->public_key();
  if (private_key.status().code() != StatusCode::kInvalidArgument) return private_key.status();
  // The same error from both: the file itself is wrong (too large, not a
  // regular file).
  if (private_key.status() == key.status()) return key.status();
  switch (KeyBlockIn(path)) {
    case KeyBlock::kPublic:
      return key.status();
    case KeyBlock::kPrivate:
      return private_key.status();
    case KeyBlock::kNone:
      break;
  }
  return InvalidArgumentError(path + " holds neither an Ed25519 public key nor a private key");
}

// The keys of --public-key FILE[,FILE...] (raw), or nullopt after
// printing. At most 10; the registry checks the rest (DUPLICATE_KEY, ...).
std::optional<std::vector<std::string>> LoadKeyList(Context& ctx, const std::string& list) {
  std::vector<std::string> raw;
  for (const std::string& path : cmdline::SplitCommas(list)) {
    if (path.empty()) {
      ctx.UsageError("--public-key takes FILE or FILE,FILE,...; an empty file name is in '" + list +
                     "'");
      return std::nullopt;
    }
    if (raw.size() == 10) {
      ctx.UsageError("--public-key names more than 10 files; an account holds at most 10 keys");
      return std::nullopt;
    }
    StatusOr<PublicKey> key = LoadAnyPublicKey(path);
    if (!key.ok()) {
      ctx.FailLocal(key.status(),
                    "Give the FILE.pub that 'creg keygen FILE' wrote for each key holder.");
      return std::nullopt;
    }
    raw.push_back(key->raw());
  }
  return raw;
}

// --threshold M, or nullopt after printing; 0 when not given.
std::optional<uint32_t> ThresholdFlag(Context& ctx, size_t keys, bool required) {
  std::optional<uint64_t> m = ctx.flags().Number("--threshold");
  if (!m && required && keys > 1) {
    ctx.UsageError("give --threshold M, how many of the " + std::to_string(keys) +
                   " keys must sign each transaction");
    return std::nullopt;
  }
  if (m && (*m == 0 || *m > keys)) {
    ctx.UsageError("--threshold must be 1 to " + std::to_string(keys) + " (the number of keys)");
    return std::nullopt;
  }
  return static_cast<uint32_t>(m.value_or(keys == 1 ? 0 : 1));
}

int Open(Context& ctx) {
  ctx.ReadSignerFlags(true);
  std::optional<std::string> key_path = ctx.flags().Get("--public-key");
  std::string name = ctx.flags().Value("--name");
  std::string role = ctx.flags().Value("--role");
  if (!ctx.Finish(1, 1)) return ctx.exit_code();
  if (!key_path) return ctx.UsageError("give --public-key FILE, the account's public key");
  std::optional<pb::Role> parsed_role = RoleNamed(role);
  if (!parsed_role) {
    return ctx.UsageError("--role must be holder, operator or auditor, not '" + role + "'");
  }
  std::optional<std::vector<std::string>> keys = LoadKeyList(ctx, *key_path);
  if (!keys) return ctx.exit_code();
  std::optional<uint32_t> threshold = ThresholdFlag(ctx, keys->size(), /*required=*/true);
  if (!threshold) return ctx.exit_code();
  const std::string id = ctx.positional()[0];
  pb::TransactionBody body;
  pb::OpenAccount* op = body.mutable_open_account();
  op->set_account_id(id);
  op->set_role(*parsed_role);
  op->set_public_key(keys->front());
  for (size_t i = 1; i < keys->size(); ++i) op->add_additional_keys((*keys)[i]);
  if (keys->size() > 1) op->set_threshold(*threshold);
  op->set_display_name(name);
  std::optional<pb::Committed> committed = ctx.Submit(std::move(body));
  if (!committed) return ctx.exit_code();
  json::Value extra = json::Value::EmptyObject();
  extra.Set("account_id", id);
  return ReportCommitted(ctx, *committed, "opened account " + id + " (" + role + ")", extra);
}

int SetStatus(Context& ctx, pb::AccountStatus status, const std::string& verb) {
  ctx.ReadSignerFlags(true);
  std::optional<std::string> reason = ctx.flags().Get("--reason");
  if (!ctx.Finish(1, 1)) return ctx.exit_code();
  if (!reason || reason->empty())
    return ctx.UsageError("give --reason TEXT; it is kept in the log");
  const std::string id = ctx.positional()[0];
  pb::TransactionBody body;
  body.mutable_set_account_status()->set_account_id(id);
  body.mutable_set_account_status()->set_status(status);
  body.mutable_set_account_status()->set_reason(*reason);
  std::optional<pb::Committed> committed = ctx.Submit(std::move(body));
  if (!committed) return ctx.exit_code();
  json::Value extra = json::Value::EmptyObject();
  extra.Set("account_id", id);
  extra.Set("status", AccountStatusName(status));
  return ReportCommitted(ctx, *committed, verb + " account " + id, extra);
}

int Suspend(Context& ctx) { return SetStatus(ctx, pb::ACCOUNT_SUSPENDED, "suspended"); }
int Reinstate(Context& ctx) { return SetStatus(ctx, pb::ACCOUNT_ACTIVE, "reinstated"); }
int Close(Context& ctx) { return SetStatus(ctx, pb::ACCOUNT_CLOSED, "closed"); }

int RotateKey(Context& ctx) {
  ctx.ReadSignerFlags(false);
  std::optional<std::string> new_key = ctx.flags().Get("--new-key");
  if (!ctx.Finish(0, 0)) return ctx.exit_code();
  if (!new_key) return ctx.UsageError("give --new-key FILE, the new public key (creg keygen)");
  StatusOr<PublicKey> key = LoadAnyPublicKey(*new_key);
  if (!key.ok()) return ctx.FailLocal(key.status(), "Make a new key with 'creg keygen FILE'.");
  const Signer* signer = ctx.signer();
  if (signer == nullptr) return ctx.exit_code();
  pb::TransactionBody body;
  body.mutable_rotate_key()->set_account_id(signer->account);
  body.mutable_rotate_key()->set_new_public_key(key->raw());
  std::optional<pb::Committed> committed = ctx.Submit(std::move(body));
  if (!committed) return ctx.exit_code();
  json::Value extra = json::Value::EmptyObject();
  extra.Set("account_id", signer->account);
  int code = ReportCommitted(ctx, *committed, "replaced the key of " + signer->account, extra);
  if (!ctx.json()) std::cout << "From now on sign with the new private key.\n";
  return code;
}

int SetKeys(Context& ctx) {
  ctx.ReadSignerFlags(true);
  std::optional<std::string> key_path = ctx.flags().Get("--public-key");
  if (!ctx.Finish(0, 0)) return ctx.exit_code();
  if (!key_path) {
    return ctx.UsageError("give --public-key FILE[,FILE...], every key the account is to hold");
  }
  std::optional<std::vector<std::string>> keys = LoadKeyList(ctx, *key_path);
  if (!keys) return ctx.exit_code();
  std::optional<uint32_t> threshold = ThresholdFlag(ctx, keys->size(), /*required=*/true);
  if (!threshold) return ctx.exit_code();
  std::optional<std::string> account = ctx.SignerAccount();
  if (!account) return ctx.exit_code();
  pb::TransactionBody body;
  pb::SetAccountKeys* op = body.mutable_set_account_keys();
  op->set_account_id(*account);
  for (const std::string& key : *keys) op->add_public_keys(key);
  const uint32_t must_sign = *threshold == 0 ? 1 : *threshold;
  op->set_threshold(must_sign);
  // Submit consumes the body, and with it the operation `op` points into.
  std::optional<pb::Committed> committed = ctx.Submit(std::move(body));
  if (!committed) return ctx.exit_code();
  json::Value extra = json::Value::EmptyObject();
  extra.Set("account_id", *account);
  extra.Set("threshold", uint64_t{must_sign});
  return ReportCommitted(ctx, *committed,
                         "set the keys of " + *account + ": " + std::to_string(must_sign) + " of " +
                             std::to_string(keys->size()) + " must sign",
                         extra);
}

// The account named by the argument, else --account / CREG_ACCOUNT.
std::optional<std::string> AccountArgument(Context& ctx, const std::string& fallback) {
  if (!ctx.positional().empty()) return ctx.positional()[0];
  if (!fallback.empty()) return fallback;
  ctx.UsageError("name the account: 'creg " + ctx.command() + " ID' (or set CREG_ACCOUNT)");
  return std::nullopt;
}

int Show(Context& ctx) {
  std::string own = ctx.ReadAccountFlag();
  if (!ctx.Finish(0, 1)) return ctx.exit_code();
  std::optional<std::string> id = AccountArgument(ctx, own);
  if (!id) return ctx.exit_code();
  pb::Request request;
  request.mutable_account()->set_account_id(*id);
  std::optional<pb::Response> response = ctx.Ask(std::move(request));
  if (!response) return ctx.exit_code();
  if (ctx.json()) {
    PrintJson(AccountJson(response->account().account()));
  } else {
    PrintFields(AccountFields(response->account().account()));
  }
  return kExitOk;
}

int History(Context& ctx) {
  std::string own = ctx.ReadAccountFlag();
  std::optional<uint64_t> limit = ctx.flags().Number("--limit");
  if (!ctx.Finish(0, 1)) return ctx.exit_code();
  std::optional<std::string> id = AccountArgument(ctx, own);
  if (!id) return ctx.exit_code();
  // The node answers at most a page of indexes (500); follow the pages until
  // N entries are printed or the history ends.
  uint64_t remaining = limit.value_or(0);  // the default is in the table below
  json::Value doc = json::Value::EmptyObject();
  doc.Set("account_id", *id);
  EntryListPrinter printer(ctx, doc);
  pb::Request request;
  request.mutable_history()->set_account_id(*id);
  request.mutable_history()->set_limit(
      static_cast<uint32_t>(std::min<uint64_t>(remaining, 10'000)));
  bool ok = remaining == 0 || ForEachPage(ctx, request, [&](const pb::Response& page) {
              const auto& found = page.history().entry_indexes();
              std::vector<uint64_t> indexes(found.begin(), found.end());
              if (indexes.size() > remaining) indexes.resize(remaining);
              remaining -= indexes.size();
              if (!ForEachEntry(ctx, indexes, [&](const EntryView& e) { printer.Add(e); }))
                return false;
              return remaining > 0;
            });
  if (!ok) return ctx.exit_code();
  printer.Finish("no transactions involve account " + *id + " yet");
  return kExitOk;
}

}  // namespace

void AddAccountCommands(std::vector<Command>& out) {
  static const Flag kReasonFlag{"--reason", "TEXT", "why; it is kept in the log"};
  out.push_back({"account open",
                 "ID --public-key FILE [--name TEXT] [--role holder|operator|auditor]",
                 "Open an account (operator)",
                 "Opens account ID for the holder of the key in FILE (the FILE.pub that\n"
                 "'creg keygen' wrote; a private key file works too). Ids are 3 to 64\n"
                 "characters of a-z, 0-9, '.', '_' and '-'. An auditor reads everything\n"
                 "where the read policy hides accounts and the log, and holds no credits.\n"
                 "\nExample:\n"
                 "  creg account open organiser --public-key organiser.key.pub \\\n"
                 "      --name \"Forum Organising Committee\"\n",
                 Open,
                 Command::kOperator,
                 {{"--public-key", "FILE[,FILE...]",
                   "the account's public key (or private key) file; several for a "
                   "multi-signature account"},
                  {"--threshold", "N", "with several keys: how many must sign"},
                  {"--name", "TEXT", "the account's display name"},
                  {"--role", "ROLE", "holder, operator or auditor", "holder"},
                  kProposeFlag,
                  kProposalOutputFlag}});
  out.push_back({"account keys",
                 "--public-key FILE[,FILE...] --threshold N",
                 "Replace the signing account's keys and threshold",
                 "The account (--account; the operator by default) will hold the keys in\n"
                 "the files (up to 10) and need N of them on each transaction. It is\n"
                 "signed by the account as it is now: with one key, --key; with several,\n"
                 "--propose -o FILE, then 'creg sign' by enough keys and 'creg submit'.\n"
                 "\nExample (the operator made 2-of-3):\n"
                 "  creg account keys --public-key op-a.pub,op-b.pub,op-c.pub --threshold 2\n",
                 SetKeys,
                 Command::kOperator,
                 {{"--public-key", "FILE[,FILE...]", "every key the account is to hold"},
                  {"--threshold", "N", "how many of them must sign"},
                  kProposeFlag,
                  kProposalOutputFlag}});
  out.push_back(
      {"account suspend",
       "ID --reason TEXT",
       "Suspend an account (operator)",
       "A suspended account can neither sign nor receive credits until it is\n"
       "reinstated.\n\nExample:\n  creg account suspend organiser --reason \"KYC review\"\n",
       Suspend,
       Command::kOperator,
       {kReasonFlag, kProposeFlag, kProposalOutputFlag}});
  out.push_back({"account reinstate",
                 "ID --reason TEXT",
                 "Reinstate a suspended account (operator)",
                 "Example:\n  creg account reinstate organiser --reason \"KYC review passed\"\n",
                 Reinstate,
                 Command::kOperator,
                 {kReasonFlag, kProposeFlag, kProposalOutputFlag}});
  out.push_back(
      {"account close",
       "ID --reason TEXT",
       "Close an account for good (operator)",
       "The account must hold no active credits. A closed account cannot be\n"
       "reopened.\n\nExample:\n  creg account close organiser --reason \"company dissolved\"\n",
       Close,
       Command::kOperator,
       {kReasonFlag, kProposeFlag, kProposalOutputFlag}});
  out.push_back({"account rotate-key",
                 "--new-key FILE",
                 "Replace the signing account's key",
                 "Signed with the current key (--key); FILE is the new public key (or\n"
                 "private key) made with 'creg keygen'.\n"
                 "\nExample:\n"
                 "  creg keygen organiser-2026.key\n"
                 "  creg account rotate-key --account organiser --key organiser.key \\\n"
                 "      --new-key organiser-2026.key.pub\n",
                 RotateKey,
                 Command::kSigned,
                 {{"--new-key", "FILE", "the new public key (or private key) file"}}});
  out.push_back({"account show",
                 "[ID]",
                 "Show an account",
                 "Without ID, shows --account (CREG_ACCOUNT).\n"
                 "\nExample:\n  creg account show organiser\n",
                 Show,
                 Command::kQuery,
                 {kOwnAccountFlag}});
  out.push_back({"account history",
                 "[ID] [--limit N]",
                 "List the transactions that involved an account",
                 "Oldest first, at most N. Without ID, uses --account\n"
                 "(CREG_ACCOUNT).\n\nExample:\n  creg account history organiser\n",
                 History,
                 Command::kQuery,
                 {kOwnAccountFlag, {"--limit", "N", "list at most N transactions", "100"}}});
}

}  // namespace creg::cli
