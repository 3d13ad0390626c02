// Registry: the rules that make every tonne count once, applied in log
// order on top of the MerkleLog, with the state they produce stored beside
// the log in the same Store.
//
// Every accepted transaction becomes one log entry (the SignedTransaction as
// received, plus the Effects the registry resolved); the entry and every
// state change it causes are committed in one synced WriteBatch. A refused
// transaction writes nothing. Submitting an already committed transaction
// again returns its original result (`duplicate` set) and applies nothing.
//
// Sequencing: BeginGroup / Apply / Commit are for a single sequencer thread.
// Each Apply sees the effects of the transactions applied before it in the
// same group. Queries read committed state and may run on any thread.
//
// Cutting back: every committed entry gets an undo record (the state its
// transaction found under each key it wrote), kept until the caller says a
// published checkpoint covers the entry (SetPrunableBelow). TruncateTo uses
// them to cut the log back to a prefix and restore the state that prefix
// produces, in one synced write.
//
// The rules and their codes are in docs/rules.md; the state layout in
// docs/data-model.md.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "creg/effects.pb.h"
#include "creg/log.pb.h"
#include "creg/state.pb.h"
#include "ledger/keys.h"
#include "ledger/merkle_log.h"
#include "ledger/registry/rule_code.h"
#include "ledger/registry/stored_entry.h"
#include "ledger/registry/transaction.h"
#include "ledger/status.h"
#include "ledger/store.h"

namespace creg {

namespace internal {
class GroupSnapshotView;
class StateOverlay;
class StoreView;
class Tables;
class UndoRecords;
}  // namespace internal

struct RegistryOptions {
  // The registry's origin (checkpoint origin line, and what transactions
  // must name). Required when the store is new; must match afterwards.
  std::string origin;
  // False: keep the state only (MerkleLogOptions::store_entries), for a
  // scratch registry that replays a log stored and checked elsewhere. Its
  // log must start empty; Entry() and the log's reads are
  // FailedPrecondition, and a transaction committed earlier comes back as
  // a kReplayed rejection, never as a duplicate. It keeps no undo records
  // and cannot be cut back (TruncateTo).
  bool store_log = true;
  // The registry's checkpoint key (the key of verifier.key), which signs
  // leader-term entries (signer "@registry"; ledger/registry/leader_term.h).
  // Default: none; then every leader-term entry is refused with
  // BAD_SIGNATURE, appended or replayed, since its signature cannot be
  // checked.
  std::optional<PublicKey> registry_key = std::nullopt;
};

// An accepted (or earlier accepted) transaction.
struct Accepted {
  uint64_t entry_index = 0;
  pb::Effects effects;
  // True when the transaction had already been committed; nothing applied.
  bool duplicate = false;
};

using Verdict = std::variant<Accepted, Rejection>;

class Registry {
 public:
  // Every column family a registry Store needs (log, state, reg.undo).
  static std::vector<std::string> ColumnNames();
  // The column families of registry state, in the order the state digest
  // covers them: ColumnNames() without the log's and reg.undo.
  static const std::vector<std::string>& StateColumnNames();

  // The layout version of the log and state this build writes and reads,
  // stamped in a new store (docs/data-model.md, "Format version"). Raised
  // whenever a stored record changes meaning or layout.
  static constexpr int kFormatVersion = 8;

  // Opens the registry in `store` (which must outlive it); a new store gets
  // the origin and kFormatVersion. InvalidArgument if options.origin is
  // empty on a new store or differs from the stored one;
  // FailedPrecondition, naming both versions, if the store was written in
  // another format (or before stores carried one; a store of an older
  // format that lacks one of ColumnNames() is refused the same way, before
  // the missing column is needed); the errors of MerkleLog::Open otherwise.
  static StatusOr<std::unique_ptr<Registry>> Open(Store* store, const RegistryOptions& options);
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  const std::string& origin() const { return origin_; }
  const MerkleLog& log() const { return *log_; }

  // A group of transactions committed together.
  class Group {
   public:
    Group(Group&&) noexcept;
    Group& operator=(Group&&) noexcept;
    ~Group();
    size_t size() const { return pending_.entry_count(); }

   private:
    friend class Registry;
    Group(MerkleLog::PendingAppend pending, std::unique_ptr<internal::GroupSnapshotView> snapshot,
          std::unique_ptr<internal::StateOverlay> overlay);
    MerkleLog::PendingAppend pending_;
    // The committed state read through (kept for the group), and the
    // group's writes on top of it.
    std::unique_ptr<internal::GroupSnapshotView> snapshot_;
    std::unique_ptr<internal::StateOverlay> overlay_;
    // Transactions accepted in this group, for resubmissions within it:
    // tx id -> (result, the SignedTransaction bytes).
    std::map<Hash, std::pair<Accepted, std::string>> accepted_;
    // The undo record of each entry of the group: (index, record).
    std::vector<std::pair<uint64_t, std::string>> undo_records_;
  };

  // Starts a group on the committed state. One group at a time: the group
  // keeps what it reads of the committed state, so nothing else may write
  // to the registry until it is committed or dropped.
  Group BeginGroup() const;

  // Checks `tx` against the rules and the state as of the end of `group`;
  // if accepted, appends its entry and state changes to the group. The
  // signature is checked here unless tx.verified_with_key already equals the
  // signer's current key. A transaction of the registry's own (a leader
  // term, or anything signed as "@registry") is refused with
  // NOT_A_CLIENT_OPERATION: those enter the log only through
  // AppendLeaderTerm and ReplayEntry. Status errors are storage failures
  // only.
  StatusOr<Verdict> Apply(Group& group, PreparedTransaction tx, int64_t timestamp_micros);

  // Commits the group in one synced write; nothing is visible before. On
  // error nothing was written and the verdicts of the group are void. The
  // write also holds the undo records of the group's entries and deletes
  // those of up to kMaxPrunedPerCommit entries below prunable_below().
  StatusOr<TreeHead> Commit(Group group);

  // Prepare, Apply and Commit one transaction on its own.
  StatusOr<Verdict> Submit(std::string_view signed_transaction);

  // Appends the leader-term entry of `term` (docs/rules.md, "Leader
  // terms"), signed as "@registry" with `registry_key` and made at
  // `timestamp_micros`, in a group of its own committed in one synced
  // write. The only way a leader term enters a log other than
  // ReplayEntry. A Rejection writes nothing: LEADER_TERM_STALE (a revision
  // not above the last term's, another cluster, or previous_size and
  // previous_root not the log's size and root), BAD_SIGNATURE (the key is
  // not RegistryOptions::registry_key, or none was given), MALFORMED or
  // INVALID_TEXT (a field), REPLAYED (a revision whose term is already in
  // the log, with another body). The same bytes again return the
  // original result, `duplicate` set. Status errors are storage failures.
  // Precondition: no Group is open (like every write, on the sequencer).
  StatusOr<Verdict> AppendLeaderTerm(const pb::LeaderTerm& term, const PrivateKey& registry_key,
                                     int64_t timestamp_micros);
  // The latest leader term; nullopt before the first.
  StatusOr<std::optional<pb::LeaderTermRecord>> LatestTerm() const;

  // Replays a stored entry (from another registry's log) into `group`: its
  // transaction must be accepted with exactly the stored effects, and the
  // original bytes are appended. DataLoss naming the index otherwise. This
  // is how a registry is rebuilt from its log and how an auditor checks it.
  Status ReplayEntry(Group& group, std::string_view entry_bytes);
  // The same for an entry decoded ahead (DecodeStoredEntry), perhaps with
  // its signature already checked (entry.tx's verified_with_key): the
  // signature is checked here unless that key is the signer's current key,
  // so a wrong or missing key costs a check, never a false acceptance.
  // Same errors and messages as above.
  Status ReplayEntry(Group& group, StoredEntry entry);

  // --- queries on committed state ---
  StatusOr<std::optional<pb::AccountRecord>> Account(std::string_view id) const;
  StatusOr<std::optional<pb::ProjectRecord>> Project(std::string_view id) const;
  StatusOr<std::optional<pb::BatchRecord>> Batch(uint64_t batch) const;
  StatusOr<std::optional<pb::RetirementRecord>> Retirement(std::string_view id) const;

  // An account's active credits of one batch.
  struct BatchHolding {
    pb::BatchRecord batch;
    pb::ProjectRecord project;  // empty if the project has no record
    std::vector<pb::SerialBlock> blocks;
    std::vector<std::string> serials;             // SerialString of each block, same order
    std::vector<pb::BlockAttributes> attributes;  // of each block, same order
    uint64_t quantity = 0;                        // of `blocks`
  };

  // --- paged listings ---
  //
  // A listing that grows with the registry is read a page at a time: pass
  // "" as `cursor` for the first page, then each page's next_cursor, until
  // a page comes back with an empty next_cursor. A page holds at most
  // limits.max_items items and stops before the encoded size of its items
  // would pass limits.max_bytes, but holds at least one item if any remain
  // (so an item larger than max_bytes still comes through). A page reads
  // about one page of records (and one more, to know whether more remain),
  // never the whole listing.
  //
  // A cursor is opaque bytes (the store key of the last item visited,
  // without the listing's prefix). Each page reads the committed state at
  // the time it is read, so the pages of a listing read while the registry
  // changes may mix states. A cursor stays valid across writes: the next
  // page resumes right after the key it names, whether or not that item
  // still exists; items that appear or change after that key are seen,
  // those before it are not revisited. A cursor that no listing of this
  // kind can have made (wrong length) is InvalidArgument.
  struct PageLimits {
    // Default: 1,000 items.
    size_t max_items = 1000;
    // Default: 1 MiB of encoded items.
    size_t max_bytes = size_t{1} << 20;
  };
  template <typename T>
  struct Page {
    std::vector<T> items;
    // Empty when this page ends the listing.
    std::string next_cursor;
  };

  // An account's active credits, by batch in batch order, blocks in serial
  // order. Each block (its SerialBlock with its serial string) is one item
  // against `limits.max_items`, and its bytes, with those of its batch's
  // records where it starts a batch, count against `limits.max_bytes`; a batch's
  // holding is cut across pages when it has more blocks than a page takes,
  // so the first batch of a page may continue the last one of the page
  // before (same batch number); `quantity` is the credits in its blocks on
  // this page.
  StatusOr<Page<BatchHolding>> HoldingsPage(std::string_view account, std::string_view cursor,
                                            const PageLimits& limits) const;
  // The blocks of a batch's partition, with owner and status, in serial
  // order. An unknown batch gives an empty page.
  StatusOr<Page<pb::BlockRecord>> BatchBlocksPage(uint64_t batch, std::string_view cursor,
                                                  const PageLimits& limits) const;
  // The cursor that starts a BatchBlocksPage at the block holding
  // `serial` (1 or 0: at the first block).
  static std::string BatchBlocksCursorAt(uint64_t serial);
  // Retirements by beneficiary or by retiring account, oldest first, or
  // newest first with `newest_first` (read backwards through the same
  // index; a cursor continues the listing in the order that made it).
  StatusOr<Page<pb::RetirementRecord>> RetirementsOfBeneficiaryPage(
      std::string_view name, std::string_view cursor, const PageLimits& limits,
      bool newest_first = false) const;
  StatusOr<Page<pb::RetirementRecord>> RetirementsOfAccountPage(std::string_view account,
                                                                std::string_view cursor,
                                                                const PageLimits& limits,
                                                                bool newest_first = false) const;
  // Every project, in project id order.
  StatusOr<Page<pb::ProjectRecord>> ProjectsPage(std::string_view cursor,
                                                 const PageLimits& limits) const;
  // The batches of `project`, in batch order (read through the project's
  // batch index, data format 3). An unknown project gives an empty page.
  StatusOr<Page<pb::BatchRecord>> ProjectBatchesPage(std::string_view project,
                                                     std::string_view cursor,
                                                     const PageLimits& limits) const;
  // Entry indexes of every transaction that involved an account (signed
  // it, or moved credits to or from it), oldest first.
  StatusOr<Page<uint64_t>> AccountHistoryPage(std::string_view account, std::string_view cursor,
                                              const PageLimits& limits) const;
  // True if every entry in [first, first + count) is in AccountHistoryPage's
  // listing of `account` (count 0: true). Reads at most count + 1 index
  // records: one scan from `first`, stopping at the first gap.
  StatusOr<bool> AccountHistoryCovers(std::string_view account, uint64_t first,
                                      uint64_t count) const;
  // Entry indexes of every transaction that issued, moved, retired or
  // cancelled serial `serial` of `batch`, oldest first. Finding them means
  // reading every entry that touched the batch, so here the limits bound
  // those entries (max_items of them, max_bytes of their bytes): a page may
  // hold fewer indexes than max_items, or none, and still have a
  // next_cursor.
  StatusOr<Page<uint64_t>> ProvenancePage(uint64_t batch, uint64_t serial, std::string_view cursor,
                                          const PageLimits& limits) const;

  // The same listings whole, read page after page into memory: for tests
  // and in-process tools that know their listings are small. The node
  // serves only pages.
  StatusOr<std::vector<BatchHolding>> Holdings(std::string_view account) const;
  StatusOr<std::vector<pb::BlockRecord>> BatchBlocks(uint64_t batch) const;
  StatusOr<std::vector<pb::RetirementRecord>> RetirementsOfBeneficiary(std::string_view name) const;
  StatusOr<std::vector<pb::RetirementRecord>> RetirementsOfAccount(std::string_view account) const;
  // At most `limit` indexes, the oldest.
  StatusOr<std::vector<uint64_t>> AccountHistory(std::string_view account,
                                                 size_t limit = 1000) const;
  StatusOr<std::vector<uint64_t>> Provenance(uint64_t batch, uint64_t serial) const;
  // The entries below `before` that set `account`'s public key, oldest
  // first: the one that opened it, then each of its key rotations. Read
  // from an index of those entries alone, so the cost grows with the
  // account's own rotations, not with the transactions it took part in.
  // Empty for an unknown account.
  StatusOr<std::vector<uint64_t>> KeyEntries(std::string_view account, uint64_t before) const;
  // The decoded entry at `index`.
  StatusOr<pb::LogEntry> Entry(uint64_t index) const;

  // SHA-256 over every state record (column, key, value) in order: two
  // registries built from the same log have the same digest.
  StatusOr<Hash> StateDigest() const;

  // --- cutting the log back ---

  // Entries below `size` are covered by a published checkpoint and will
  // never be cut: later commits delete their undo records. Never lowers
  // the bound (a smaller value is ignored); starts at 0 at Open.
  // Thread-safe.
  void SetPrunableBelow(uint64_t size);
  uint64_t prunable_below() const { return prunable_below_.load(); }
  // Most undo records one commit deletes, so that the first commit after a
  // long time without a bound stays a normal write.
  static constexpr uint64_t kMaxPrunedPerCommit = 4096;

  // Cuts the log to its first `size` entries and restores the state to
  // what those entries alone produce (the state digest of a replay of
  // them), in one synced write; afterwards the registry is as if the later
  // entries had never been committed. Returns the new head. On error
  // nothing changed. OutOfRange past the log's size; FailedPrecondition if
  // `size` is below prunable_below() (the cut would take back entries a
  // published checkpoint covers), if an entry to cut has no undo record
  // (naming it), or for a registry that keeps no log; DataLoss if an undo
  // record is damaged. Precondition: nothing else reads or writes the
  // registry meanwhile, and no Group is open (one begun before cannot be
  // committed after).
  StatusOr<TreeHead> TruncateTo(uint64_t size);

 private:
  Registry(Store* store, std::unique_ptr<MerkleLog> log, std::unique_ptr<internal::Tables> tables,
           std::string origin, std::optional<PublicKey> registry_key,
           std::unique_ptr<internal::UndoRecords> undo, uint64_t undo_from);
  // Applies a transaction in a group of its own (through Apply when
  // `from_client`, else ApplyAt) and commits it if it is accepted anew.
  StatusOr<Verdict> ApplyAlone(std::variant<PreparedTransaction, Rejection> prepared,
                               int64_t timestamp_micros, bool from_client);
  // Apply, optionally replaying a stored entry (`expected_entry`).
  StatusOr<Verdict> ApplyAt(Group& group, PreparedTransaction tx, int64_t timestamp_micros,
                            const std::string_view* expected_entry);
  StatusOr<std::optional<Rejection>> CheckSigner(const Group& group, PreparedTransaction& tx,
                                                 pb::AccountRecord* signer) const;
  // Adds a group's undo records to its `batch`, and the deletion of those
  // below prunable_below() (at most kMaxPrunedPerCommit). Returns what
  // undo_from_ becomes once the batch is written.
  uint64_t AddUndoWrites(const std::vector<std::pair<uint64_t, std::string>>& records,
                         WriteBatch& batch) const;

  Store* store_;
  std::unique_ptr<internal::StoreView> committed_;
  std::unique_ptr<MerkleLog> log_;
  std::unique_ptr<internal::Tables> tables_;
  std::string origin_;
  std::optional<PublicKey> registry_key_;
  // Null for a registry that keeps no log: no undo records then.
  std::unique_ptr<internal::UndoRecords> undo_;
  // The oldest entry that may still have an undo record (sequencer only).
  uint64_t undo_from_ = 0;
  std::atomic<uint64_t> prunable_below_{0};
};

// Human serial string of a block, documented in docs/serials.md:
//   <batch>-<first>-<last>-CREG-<standard>-<country>-<project>-<vintage start>-<vintage end>
// e.g. "7-1-120-CREG-VCS-KE-ke-cookstoves-001-20250101-20251231".
std::string SerialString(const pb::BatchRecord& batch, const pb::ProjectRecord& project,
                         uint64_t first, uint64_t last);

}  // namespace creg
