// Replays a log, entry by entry, through the registry rules into a fresh
// registry in a scratch folder, and compares the state it builds with the
// stored state.
//
// Replaying checks every transaction's signature against the key its
// account held at that point, every rule, and that the node's stored
// effects are exactly what the rules resolve (Registry::ReplayEntry).
// Not thread-safe; the scratch folder is removed by the destructor.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ledger/registry/registry.h"
#include "ledger/registry/stored_entry.h"
#include "ledger/store.h"
#include "tools/audit/findings.h"
#include "tools/audit/totals.h"

namespace creg::audit {

class Replayer {
 public:
  // Entries per committed group.
  static constexpr size_t kGroupSize = 1000;

  // A fresh registry for `origin` in a new folder under the system's
  // temporary directory, checking leader terms with `registry_key` (none:
  // they are refused, RegistryOptions::registry_key). Unavailable if it
  // cannot be made.
  static StatusOr<std::unique_ptr<Replayer>> Create(const std::string& origin,
                                                    std::optional<PublicKey> registry_key);
  ~Replayer();
  Replayer(const Replayer&) = delete;
  Replayer& operator=(const Replayer&) = delete;

  // Replays the next entry (see Registry::ReplayEntry for one decoded
  // ahead). DataLoss naming the entry when the rules refuse it or resolve
  // other effects; other errors are scratch storage failures.
  Status Feed(StoredEntry entry);
  // Commits what is pending. Call before reading the state.
  Status Flush();

  const Registry& registry() const { return *registry_; }
  const Store& store() const { return *store_; }

 private:
  Replayer() = default;

  std::string dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Registry> registry_;
  std::optional<Registry::Group> group_;
};

// Replays a log fed in order, entry by entry, and adds up the totals of
// the entries that replay. The scratch registry is made at the first entry,
// for the origin its transaction names. The first entry the rules refuse is
// reported to `findings` and ends the replay (the state after it would mean
// nothing); later entries are ignored. Not thread-safe.
class LogReplay {
 public:
  // `registry_key` as for Replayer::Create.
  LogReplay(Findings& findings, std::optional<PublicKey> registry_key)
      : findings_(findings), registry_key_(std::move(registry_key)) {}

  // Replays the entry at `index` (decoded by DecodeStoredEntry, its
  // signature perhaps checked already). Errors are failures of the scratch
  // registry, not of the log (a refusal is a finding).
  Status Feed(uint64_t index, StoredEntry entry);
  // Ends the replay before `index`: that entry could not be checked.
  void StopAt(uint64_t index) {
    if (!stopped_at_.has_value()) stopped_at_ = index;
  }
  // Commits what is pending; call before reading the replayed state.
  Status Flush() { return replayer_ == nullptr ? OkStatus() : replayer_->Flush(); }

  // Where the replay ended early, if it did.
  const std::optional<uint64_t>& stopped_at() const { return stopped_at_; }
  uint64_t replayed() const { return replayed_; }
  // The origin the first entry names ("" before it).
  const std::string& origin() const { return origin_; }
  const Totals& totals() const { return totals_; }
  // Null until the first entry is fed.
  const Replayer* replayer() const { return replayer_.get(); }

 private:
  Findings& findings_;
  std::optional<PublicKey> registry_key_;
  std::string origin_;
  std::unique_ptr<Replayer> replayer_;
  std::optional<uint64_t> stopped_at_;
  uint64_t replayed_ = 0;
  Totals totals_;
};

struct StateComparison {
  size_t differences = 0;
  // The state digest (docs/data-model.md) of the replayed state, computed
  // on the way; with no differences it is the stored state's too.
  Hash replayed_digest;
};

// Compares every registry state record (the columns of
// Registry::StateColumnNames()) of `stored` with
// `replayed` and reports each record that differs, is missing or is extra,
// at most `limit` per column. Errors: storage errors.
StatusOr<StateComparison> CompareState(const Store& stored, const Store& replayed,
                                       Findings& findings, size_t limit = 20);

}  // namespace creg::audit
