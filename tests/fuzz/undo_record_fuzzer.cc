// Fuzzes cutting the log back (Registry::TruncateTo) over undo records read
// back damaged (ledger/registry/internal/undo_records.h, docs/data-model.md
// "reg.undo"): in a copy of the fixed registry, the input replaces undo
// records through the Store, then the log is cut back.
//
// Input: one byte, the size to cut back to (modulo the log's size + 1);
// then records of one byte, the entry (modulo the log's size), a 2-byte
// little-endian length and that many bytes: that entry's undo record (the
// last record for an entry wins).
//
// Checks, besides "never crashes":
//  - the cut succeeds or is DataLoss naming "undo record of entry E", E an
//    entry the cut takes back whose record the input changed;
//  - a refused cut changes nothing: the log's head, the state digest, an
//    account read and the undo records are as before;
//  - a cut leaves the log of the fixed registry's first entries (its size
//    and root, also as rebuilt from the stored records, which is what
//    opening the log checks), and the transaction and nonce
//    indexes ("tx/" and "nonce/" in reg.index) of a replay of those
//    entries: no cut entry's transaction is left behind to be refused as a
//    replay, and no kept entry's is taken back;
//  - when every record the cut reads is genuine, the cut succeeds and the
//    state is that of a replay of the kept entries (state digest).
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/encoding.h"
#include "ledger/registry/registry.h"
#include "ledger/store.h"
#include "tests/fuzz/fuzz_registry.h"

namespace {

using creg::fuzz::CheckOk;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "undo_record_fuzzer: %s\n", what.c_str());
  std::abort();
}

template <typename T>
T ValueOrDie(creg::StatusOr<T> v, std::string_view what) {
  CheckOk(v.status(), what);
  return std::move(v).value();
}

std::string Be64(uint64_t v) {
  std::string s;
  creg::AppendBigEndian64(&s, v);
  return s;
}

creg::StoreOptions ScratchStoreOptions() {
  creg::StoreOptions options;
  options.create_if_missing = true;
  options.sync = false;  // Nothing here needs to survive a crash.
  options.write_buffer_size = 256 << 10;
  options.block_cache_bytes = 4 << 20;
  return options;
}

creg::RegistryOptions FixedRegistryOptions(bool store_log) {
  creg::RegistryOptions options;
  options.origin = creg::fuzz::kOrigin;
  options.registry_key = creg::fuzz::CheckpointVerifier().key();
  options.store_log = store_log;
  return options;
}

// Every record of some columns: by column, key -> value.
using Records = std::map<creg::ColumnId, std::map<std::string, std::string>>;

Records Read(const creg::Store& store, const std::vector<creg::ColumnId>& columns,
             std::string_view prefix = "") {
  Records out;
  for (creg::ColumnId column : columns) {
    auto& records = out[column];
    CheckOk(store.Scan(column, prefix, prefix,
                       [&](std::string_view key, std::string_view value) {
                         records.emplace(key, value);
                         return true;
                       }),
            "scan");
  }
  return out;
}

// The transaction and nonce indexes of a registry's state.
std::map<std::string, std::string> Identities(const creg::Store& store) {
  const creg::ColumnId index = ValueOrDie(store.Column("reg.index"), "reg.index");
  std::map<std::string, std::string> out;
  for (std::string_view prefix : {"tx/", "nonce/"}) {
    Records records = Read(store, {index}, prefix);
    out.merge(records[index]);
  }
  return out;
}

std::string AccountBytes(const creg::Registry& registry) {
  auto account = registry.Account(creg::fuzz::kAlice);
  if (!account.ok()) return "error: " + account.status().ToString();
  return account->has_value() ? (*account)->SerializeAsString() : "none";
}

// What a replay of the fixed registry's first k entries holds, for each k.
struct Truth {
  std::vector<creg::Hash> root;
  std::vector<creg::Hash> digest;
  std::vector<std::map<std::string, std::string>> identities;
};

// A copy of the fixed registry, cut back and put back run after run.
class Copy {
 public:
  Copy() {
    std::error_code ec;
    const std::filesystem::path base = std::filesystem::exists("/dev/shm")
                                           ? std::filesystem::path("/dev/shm")
                                           : std::filesystem::temp_directory_path(ec);
    dir_ = (base / "creg-undo-fuzz-XXXXXX").string();
    if (mkdtemp(dir_.data()) == nullptr) Fail("cannot make a folder like " + dir_);
    {
      std::unique_ptr<creg::fuzz::FuzzRegistry> fixed = creg::fuzz::FuzzRegistry::Create();
      CheckOk(fixed->store().CopyTo(dir_ + "/db"), "copy the fixed registry");
    }
    store_ = ValueOrDie(
        creg::Store::Open(dir_ + "/db", ScratchStoreOptions(), creg::Registry::ColumnNames()),
        "open the copy");
    for (const std::string& name : creg::Registry::ColumnNames()) {
      all_columns_.push_back(ValueOrDie(store_->Column(name), name));
    }
    undo_ = ValueOrDie(store_->Column("reg.undo"), "reg.undo");
    Reopen();
    pristine_ = Read(*store_, all_columns_);
    head_ = registry_->log().head();
    for (uint64_t entry = 0; entry < head_.size; ++entry) {
      auto found = pristine_[undo_].find(Be64(entry));
      if (found == pristine_[undo_].end())
        Fail("entry " + std::to_string(entry) + " has no record");
      genuine_.push_back(found->second);
    }
    MakeTruth();
    if (ValueOrDie(registry_->StateDigest(), "digest") != truth_.digest[head_.size]) {
      Fail("the copy's state is not a replay of its log");
    }
    account_ = AccountBytes(*registry_);
  }
  ~Copy() {
    registry_.reset();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  Copy(const Copy&) = delete;
  Copy& operator=(const Copy&) = delete;

  creg::Registry& registry() { return *registry_; }
  creg::Store& store() { return *store_; }
  creg::ColumnId undo() const { return undo_; }
  uint64_t size() const { return head_.size; }
  const std::string& genuine(uint64_t entry) const { return genuine_.at(entry); }
  const Truth& truth() const { return truth_; }
  // An account of the fixed registry, as read (AccountBytes).
  const std::string& account() const { return account_; }

  // Opens the registry again on the store, as after a restart.
  void Reopen() {
    registry_.reset();
    registry_ = ValueOrDie(creg::Registry::Open(store_.get(), FixedRegistryOptions(true)),
                           "open the copy's registry");
  }

  // Puts every record back as the fixed registry had it, and reopens the
  // registry if more than undo records changed.
  void PutBack() {
    const Records now = Read(*store_, all_columns_);
    creg::WriteBatch batch(*store_);
    size_t undo_writes = 0;
    for (creg::ColumnId column : all_columns_) {
      const size_t written = batch.count();
      const auto& want = pristine_.at(column);
      const auto& have = now.at(column);
      for (const auto& [key, value] : have) {
        if (!want.contains(key)) batch.Delete(column, key);
      }
      for (const auto& [key, value] : want) {
        auto found = have.find(key);
        if (found == have.end() || found->second != value) batch.Put(column, key, value);
      }
      if (column == undo_) undo_writes = batch.count() - written;
    }
    if (batch.count() == 0) return;
    CheckOk(store_->Write(batch), "put the copy back");
    if (batch.count() == undo_writes) return;
    Reopen();
    if (registry_->log().head().size != head_.size || registry_->log().head().root != head_.root) {
      Fail("the copy put back is not the fixed registry");
    }
  }

 private:
  // Replays the log entry by entry into a registry of its own.
  void MakeTruth() {
    const std::vector<std::string> entries =
        ValueOrDie(registry_->log().Entries(0, head_.size), "entries");
    if (entries.size() != head_.size) Fail("the log reads short");
    const std::string replay_dir = dir_ + "/replay";
    {
      auto replay_store = ValueOrDie(
          creg::Store::Open(replay_dir, ScratchStoreOptions(), creg::Registry::ColumnNames()),
          "open the replay");
      auto replay =
          ValueOrDie(creg::Registry::Open(replay_store.get(), FixedRegistryOptions(false)),
                     "open the replay's registry");
      for (uint64_t k = 0;; ++k) {
        truth_.root.push_back(ValueOrDie(registry_->log().RootAt(k), "root"));
        truth_.digest.push_back(ValueOrDie(replay->StateDigest(), "replay digest"));
        truth_.identities.push_back(Identities(*replay_store));
        if (k == head_.size) break;
        creg::Registry::Group group = replay->BeginGroup();
        CheckOk(replay->ReplayEntry(group, entries[k]), "replay");
        CheckOk(replay->Commit(std::move(group)).status(), "commit the replay");
      }
    }
    std::error_code ec;
    std::filesystem::remove_all(replay_dir, ec);
  }

  std::string dir_;
  std::unique_ptr<creg::Store> store_;
  std::unique_ptr<creg::Registry> registry_;
  std::vector<creg::ColumnId> all_columns_;
  creg::ColumnId undo_ = 0;
  Records pristine_;
  creg::TreeHead head_;
  std::vector<std::string> genuine_;
  Truth truth_;
  std::string account_;
};

Copy* copy = nullptr;

// The entry an error names as "undo record of entry E", if it does.
std::optional<uint64_t> NamedEntry(std::string_view message) {
  constexpr std::string_view kNaming = "undo record of entry ";
  const size_t at = message.find(kNaming);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view digits = message.substr(at + kNaming.size());
  uint64_t entry = 0;
  size_t n = 0;
  for (; n < digits.size() && digits[n] >= '0' && digits[n] <= '9' && n < 19; ++n) {
    entry = entry * 10 + static_cast<uint64_t>(digits[n] - '0');
  }
  if (n == 0) return std::nullopt;
  return entry;
}

// Reads a little of everything a cut may have restored; none may crash,
// whatever the records were.
void ReadAround(const creg::Registry& registry) {
  (void)registry.Account(creg::fuzz::kBob);
  (void)registry.Project("ke-cookstoves-001");
  (void)registry.Batch(1);
  (void)registry.Retirement("R10");
  (void)registry.Holdings(creg::fuzz::kAlice);
  (void)registry.BatchBlocks(1);
  (void)registry.RetirementsOfAccount(creg::fuzz::kBob);
  (void)registry.AccountHistory(creg::fuzz::kAlice);
  (void)registry.LatestTerm();
}

void Cleanup() {
  delete copy;
  copy = nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  copy = new Copy();
  // Closes the database and removes the folder at a normal exit, before
  // RocksDB's own statics go.
  std::atexit(Cleanup);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const uint64_t end = copy->size();
  const uint64_t cut = static_cast<uint8_t>(input[0]) % (end + 1);
  input.remove_prefix(1);

  std::map<uint64_t, std::string> replaced;
  while (input.size() >= 3 && replaced.size() < 32) {
    const uint64_t entry = static_cast<uint8_t>(input[0]) % end;
    const size_t length = static_cast<uint8_t>(input[1]) | (static_cast<uint8_t>(input[2]) << 8);
    input.remove_prefix(3);
    replaced[entry] = std::string(input.substr(0, length));
    input.remove_prefix(std::min(length, input.size()));
  }
  std::map<uint64_t, std::string> damaged;  // replaced records the cut reads, not genuine
  for (const auto& [entry, record] : replaced) {
    if (entry >= cut && record != copy->genuine(entry)) damaged.emplace(entry, record);
  }

  // The copy is the fixed registry before every run (Copy::PutBack).
  creg::Registry& registry = copy->registry();
  const Truth& truth = copy->truth();
  {
    creg::WriteBatch batch(copy->store());
    for (const auto& [entry, record] : replaced) batch.Put(copy->undo(), Be64(entry), record);
    CheckOk(copy->store().Write(batch), "replace undo records");
  }

  creg::StatusOr<creg::TreeHead> cut_head = registry.TruncateTo(cut);
  if (!cut_head.ok()) {
    const creg::Status& error = cut_head.status();
    if (damaged.empty()) Fail("a cut over genuine records was refused: " + error.ToString());
    if (error.code() != creg::StatusCode::kDataLoss) Fail("not DataLoss: " + error.ToString());
    const std::optional<uint64_t> named = NamedEntry(error.message());
    if (!named.has_value() || !damaged.contains(*named)) {
      Fail("an error that names no damaged record: " + error.ToString());
    }
    const creg::TreeHead after = registry.log().head();
    if (after.size != end || after.root != truth.root[end]) Fail("a refused cut moved the log");
    if (ValueOrDie(registry.StateDigest(), "digest after") != truth.digest[end]) {
      Fail("a refused cut changed the state: " + error.ToString());
    }
    if (AccountBytes(registry) != copy->account()) Fail("a refused cut changed an account");
    for (uint64_t entry = 0; entry < end; ++entry) {
      auto found = replaced.find(entry);
      const std::string& want = found != replaced.end() ? found->second : copy->genuine(entry);
      if (ValueOrDie(copy->store().Get(copy->undo(), Be64(entry)), "undo record") != want) {
        Fail("a refused cut changed the undo record of entry " + std::to_string(entry));
      }
    }
  } else {
    if (cut_head->size != cut || registry.log().size() != cut) Fail("the cut left another size");
    if (cut_head->root != truth.root[cut]) Fail("the cut left another log");
    if (Identities(copy->store()) != truth.identities[cut]) {
      Fail("the cut left other transaction or nonce index keys than a replay of " +
           std::to_string(cut) + " entries");
    }
    if (damaged.empty() &&
        ValueOrDie(registry.StateDigest(), "digest after the cut") != truth.digest[cut]) {
      Fail("a cut over genuine records left another state than a replay");
    }
    ReadAround(registry);
    // What opening the log checks: the root rebuilt from the stored records.
    if (ValueOrDie(registry.log().RecomputeRoot(cut), "recompute the root") != truth.root[cut]) {
      Fail("the cut log's stored records are another log");
    }
  }
  copy->PutBack();
  return 0;
}
