#include "tools/audit/watch_state.h"

#include <ctime>
#include <filesystem>
#include <system_error>

#include "ledger/data_dir.h"
#include "ledger/encoding.h"
#include "ledger/json.h"
#include "ledger/log_entry.h"
#include "ledger/registry/certificate.h"

namespace creg::audit {
namespace {

StatusOr<Hash> ReadHash(const json::Value& value, const std::string& what) {
  if (!value.is_string()) return InvalidArgumentError(what + " is not a string");
  StatusOr<Hash> hash = Hash::FromBase64(value.as_string());
  if (!hash.ok()) return InvalidArgumentError(what + ": " + hash.status().message());
  return hash;
}

StatusOr<WatchState> Parse(const std::string& text, const NoteVerifier& verifier) {
  CREG_ASSIGN_OR_RETURN(json::Value doc, json::Parse(text));
  CREG_ASSIGN_OR_RETURN(std::string format, doc.GetString("format"));
  if (format != kWatchStateFormat) {
    return InvalidArgumentError("has format '" + format + "', not '" + kWatchStateFormat + "'");
  }
  WatchState state;
  CREG_ASSIGN_OR_RETURN(state.node, doc.GetString("node"));
  CREG_ASSIGN_OR_RETURN(std::string key, doc.GetString("verifier_key"));
  if (key != verifier.VerifierKey()) {
    return InvalidArgumentError("was verified with key " + key + ", not with the --key given");
  }
  CREG_ASSIGN_OR_RETURN(state.note, doc.GetString("checkpoint"));
  StatusOr<Checkpoint> cp = VerifyCheckpoint(state.note, verifier, "");
  if (!cp.ok()) return InvalidArgumentError("holds a checkpoint that " + cp.status().ToString());
  state.checkpoint = *cp;
  CREG_ASSIGN_OR_RETURN(state.chain.size, doc.GetUint("tree_size"));
  if (state.chain.size != cp->size) {
    return InvalidArgumentError("says tree_size " + std::to_string(state.chain.size) +
                                " but its checkpoint is of size " + std::to_string(cp->size));
  }
  const json::Value* last = doc.Find("last_leaf_hash");
  if (last == nullptr) return InvalidArgumentError("has no last_leaf_hash");
  CREG_ASSIGN_OR_RETURN(state.chain.last_leaf, ReadHash(*last, "last_leaf_hash"));
  CREG_ASSIGN_OR_RETURN(const json::Array* frontier, doc.GetArray("frontier"));
  for (const json::Value& h : *frontier) {
    CREG_ASSIGN_OR_RETURN(Hash hash, ReadHash(h, "a frontier hash"));
    state.chain.frontier.push_back(hash);
  }
  StatusOr<Hash> root = state.chain.Root();
  if (!root.ok()) return InvalidArgumentError("frontier: " + root.status().message());
  if (*root != cp->root) {
    return InvalidArgumentError("holds a frontier whose root " + root->ToBase64() +
                                " is not its checkpoint's root " + cp->root.ToBase64());
  }
  CREG_ASSIGN_OR_RETURN(const json::Value* keys, doc.GetObject("account_keys"));
  for (const auto& [account, value] : keys->as_object()) {
    StatusOr<std::string> raw = value.is_string() ? Base64Decode(value.as_string())
                                                  : InvalidArgumentError("is not a string");
    if (!raw.ok()) {
      return InvalidArgumentError("account_keys." + account + ": " + raw.status().message());
    }
    state.chain.keys.emplace(account, std::move(*raw));
  }
  CREG_ASSIGN_OR_RETURN(state.first_verified_at, doc.GetString("first_verified_at"));
  CREG_ASSIGN_OR_RETURN(state.verified_at, doc.GetString("verified_at"));
  return state;
}

// "20260501T093000Z" for now.
std::string Stamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y%m%dT%H%M%SZ", &tm);
  return out;
}

}  // namespace

std::string NowText() { return Rfc3339Micros(NowMicros()); }

StatusOr<WatchState> LoadWatchState(const std::string& path, const NoteVerifier& verifier) {
  CREG_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  StatusOr<WatchState> state = Parse(text, verifier);
  if (!state.ok()) {
    return InvalidArgumentError("state file " + path +
                                " is not usable: " + state.status().message());
  }
  return state;
}

Status SaveWatchState(const std::string& path, const WatchState& state,
                      const NoteVerifier& verifier) {
  json::Array frontier;
  for (const Hash& h : state.chain.frontier) frontier.emplace_back(h.ToBase64());
  json::Object keys;
  for (const auto& [account, raw] : state.chain.keys) keys.emplace_back(account, Base64Encode(raw));
  json::Object doc{{"format", kWatchStateFormat},
                   {"node", state.node},
                   {"verifier_key", verifier.VerifierKey()},
                   {"checkpoint", state.note},
                   {"tree_size", state.chain.size},
                   {"last_leaf_hash", state.chain.last_leaf.ToBase64()},
                   {"frontier", std::move(frontier)},
                   {"account_keys", std::move(keys)},
                   {"first_verified_at", state.first_verified_at},
                   {"verified_at", state.verified_at}};
  return WriteFileAtomically(path, json::Serialize(json::Value(std::move(doc)), true) + "\n");
}

StatusOr<std::pair<std::string, std::string>> WriteEvidence(const std::string& path,
                                                            const std::string& old_note,
                                                            const std::string& new_note) {
  std::string base = path + ".evidence-" + Stamp();
  std::error_code ec;
  for (int n = 2; std::filesystem::exists(base + ".old", ec); ++n) {
    base = path + ".evidence-" + Stamp() + "-" + std::to_string(n);
  }
  std::pair<std::string, std::string> paths{base + ".old", base + ".new"};
  CREG_RETURN_IF_ERROR(WriteFileAtomically(paths.first, old_note));
  CREG_RETURN_IF_ERROR(WriteFileAtomically(paths.second, new_note));
  return paths;
}

}  // namespace creg::audit
