#include "tools/audit/replayer.h"

#include <stdlib.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <system_error>

#include "creg/state.pb.h"
#include "ledger/encoding.h"
#include "ledger/log_entry.h"
#include "ledger/merkle_log.h"
#include "ledger/registry/state_digest.h"
#include "ledger/registry/transaction.h"
#include "tools/audit/read_ahead_cursor.h"

namespace creg::audit {

StatusOr<std::unique_ptr<Replayer>> Replayer::Create(const std::string& origin,
                                                     std::optional<PublicKey> registry_key) {
  std::error_code ec;
  std::string pattern = (std::filesystem::temp_directory_path(ec) / "creg-audit-XXXXXX").string();
  if (ec || mkdtemp(pattern.data()) == nullptr) {
    return UnavailableError("cannot make a scratch folder for the replay: " + pattern);
  }
  auto replayer = std::unique_ptr<Replayer>(new Replayer());
  replayer->dir_ = pattern;
  StoreOptions options;
  options.create_if_missing = true;
  // Scratch data, removed when the replay ends: a crash loses nothing of
  // value, so neither fsyncs nor a write-ahead log, nor a flush at the end.
  options.sync = false;
  options.write_ahead_log = false;
  options.flush_on_close = false;
  options.block_cache_bytes = 32 << 20;
  // LZ4 only: zstd in the bottommost level saves a store that lives for
  // one run little space for much of the CPU its compactions take.
  for (const std::string& column : Registry::StateColumnNames()) {
    options.column_tuning[column] = ColumnTuning{.compression = Compression::kLz4};
  }
  CREG_ASSIGN_OR_RETURN(replayer->store_,
                        Store::Open(pattern + "/db", options, Registry::ColumnNames()));
  RegistryOptions registry_options;
  registry_options.origin = origin;
  // The log itself is checked by the scan; the replay needs only the state
  // and the chain of leaf hashes (a second copy of the entries would double
  // what the scratch folder holds).
  registry_options.store_log = false;
  registry_options.registry_key = std::move(registry_key);
  CREG_ASSIGN_OR_RETURN(replayer->registry_,
                        Registry::Open(replayer->store_.get(), registry_options));
  return replayer;
}

Replayer::~Replayer() {
  group_.reset();
  registry_.reset();
  store_.reset();
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

Status Replayer::Feed(StoredEntry entry) {
  if (!group_.has_value()) group_.emplace(registry_->BeginGroup());
  CREG_RETURN_IF_ERROR(registry_->ReplayEntry(*group_, std::move(entry)));
  if (group_->size() >= kGroupSize) return Flush();
  return OkStatus();
}

Status Replayer::Flush() {
  if (!group_.has_value()) return OkStatus();
  Registry::Group group = std::move(*group_);
  group_.reset();
  return registry_->Commit(std::move(group)).status();
}

Status LogReplay::Feed(uint64_t index, StoredEntry entry) {
  if (stopped_at_.has_value()) return OkStatus();
  const PreparedTransaction* tx = entry.prepared();
  if (replayer_ == nullptr) {
    if (tx != nullptr) origin_ = tx->body.origin();
    if (origin_.empty()) {
      findings_.Add("entry " + std::to_string(index),
                    "its transaction names no registry origin, so the log cannot be replayed");
      StopAt(index);
      return OkStatus();
    }
    CREG_ASSIGN_OR_RETURN(replayer_, Replayer::Create(origin_, registry_key_));
  }
  // The replay consumes the transaction; keep what the totals need.
  std::optional<pb::TransactionBody> counted;
  pb::Effects effects;
  if (tx != nullptr && Totals::Counts(tx->body)) {
    counted = tx->body;
    effects = entry.effects;
  }
  Status s = replayer_->Feed(std::move(entry));
  if (s.ok()) {
    ++replayed_;
    if (counted.has_value()) totals_.Add(*counted, effects);
    return OkStatus();
  }
  // Anything but a refusal is the scratch registry failing, not the log.
  if (s.code() != StatusCode::kDataLoss && s.code() != StatusCode::kInvalidArgument) return s;
  std::string what = s.message();
  std::string prefix = "entry " + std::to_string(index) + ": ";
  if (what.rfind(prefix, 0) == 0) what.erase(0, prefix.size());
  findings_.Add("entry " + std::to_string(index),
                "the registry rules do not accept it as stored: " + what);
  StopAt(index);
  return OkStatus();
}

namespace {

// A readable name for a state key: known binary layouts decoded, other
// keys with their printable bytes as text and the rest as \xNN.
std::string KeyName(const std::string& column, std::string_view key) {
  if (column == "reg.batches" && key.size() == 8) {
    return "batch " + std::to_string(ReadBigEndian64(key));
  }
  if (column == "reg.blocks" && key.size() == 16) {
    return "batch " + std::to_string(ReadBigEndian64(key)) + ", block ending at serial " +
           std::to_string(ReadBigEndian64(key.substr(8)));
  }
  std::string out;
  for (char c : key) {
    if (std::isprint(static_cast<unsigned char>(c)) && c != '\\') {
      out += c;
    } else {
      out += "\\x" + HexEncode(std::string_view(&c, 1));
    }
  }
  return out;
}

// A readable form of a state value: the record it holds, or hex.
std::string ValueText(const std::string& column, const std::optional<std::string>& value) {
  if (!value.has_value()) return "(no record)";
  std::unique_ptr<google::protobuf::Message> record;
  if (column == "reg.accounts") record = std::make_unique<pb::AccountRecord>();
  if (column == "reg.projects") record = std::make_unique<pb::ProjectRecord>();
  if (column == "reg.batches") record = std::make_unique<pb::BatchRecord>();
  if (column == "reg.blocks") record = std::make_unique<pb::BlockRecord>();
  if (column == "reg.retirements") record = std::make_unique<pb::RetirementRecord>();
  if (record != nullptr && record->ParseFromString(*value)) {
    std::string text = record->ShortDebugString();
    return text.empty() ? "(empty record)" : text;
  }
  std::string hex = HexEncode(*value);
  return value->empty() ? "(empty)" : hex.size() > 160 ? hex.substr(0, 160) + "..." : hex;
}

}  // namespace

StatusOr<StateComparison> CompareState(const Store& stored, const Store& replayed,
                                       Findings& findings, size_t limit) {
  size_t total = 0;
  StateDigester replayed_digest;
  for (const std::string& column : Registry::StateColumnNames()) {
    CREG_ASSIGN_OR_RETURN(ColumnId stored_cf, stored.Column(column));
    CREG_ASSIGN_OR_RETURN(ColumnId replayed_cf, replayed.Column(column));
    size_t differences = 0;
    auto report = [&](std::string_view key, const std::optional<std::string>& want,
                      const std::optional<std::string>& got) {
      if (++differences <= limit) {
        findings.Add("state record " + column + "[" + KeyName(column, key) + "]",
                     "differs from the state the log replays to", ValueText(column, want),
                     ValueText(column, got));
      }
    };
    // Both columns in key order, in step: a record only one of them has,
    // or that they hold otherwise, is a difference. Each is read on a
    // thread of its own.
    ReadAheadCursor have(stored, stored_cf);
    ReadAheadCursor want(replayed, replayed_cf);
    CREG_RETURN_IF_ERROR(have.Next());
    CREG_RETURN_IF_ERROR(want.Next());
    while (!have.done() || !want.done()) {
      if (want.done() || (!have.done() && have.key() < want.key())) {
        report(have.key(), std::nullopt, std::string(have.value()));
        CREG_RETURN_IF_ERROR(have.Next());
      } else if (have.done() || want.key() < have.key()) {
        replayed_digest.Add(column, want.key(), want.value());
        report(want.key(), std::string(want.value()), std::nullopt);
        CREG_RETURN_IF_ERROR(want.Next());
      } else {
        replayed_digest.Add(column, want.key(), want.value());
        if (have.value() != want.value())
          report(have.key(), std::string(want.value()), std::string(have.value()));
        CREG_RETURN_IF_ERROR(have.Next());
        CREG_RETURN_IF_ERROR(want.Next());
      }
    }
    if (differences > limit) {
      findings.Note(std::to_string(differences - limit) + " more differences in " + column +
                    " are not listed");
    }
    total += differences;
  }
  return StateComparison{total, replayed_digest.digest()};
}

}  // namespace creg::audit
