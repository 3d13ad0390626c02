// The registry's column families and their keys (docs/data-model.md,
// "Registry state"). Typed read and write helpers over a StateView /
// StateOverlay so that the rules never build a key by hand.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "creg/state.pb.h"
#include "ledger/hash.h"
#include "ledger/registry/internal/state_view.h"
#include "ledger/status.h"
#include "ledger/store.h"

namespace creg::internal {

// Column family names, in the order the state digest covers them.
const std::vector<std::string>& RegistryColumnNames();

// A block of the partition as the rules see it.
struct Block {
  uint64_t batch = 0;
  uint64_t first = 0;
  uint64_t last = 0;
  pb::BlockRecord record;  // owner, status, ...
  uint64_t size() const { return last - first + 1; }
};

// A block an account holds, from the holdings index.
struct Holding {
  uint64_t batch = 0;
  uint64_t first = 0;
  uint64_t last = 0;
  // Read by the paged holdings scan only (ScanHoldingsAfter).
  pb::BlockAttributes attributes;
};

class Tables {
 public:
  static StatusOr<Tables> Resolve(const Store& store);

  // --- reads (any view) ---
  StatusOr<std::optional<pb::AccountRecord>> Account(const StateView& v, std::string_view id) const;
  StatusOr<std::optional<pb::ProjectRecord>> Project(const StateView& v, std::string_view id) const;
  StatusOr<std::optional<pb::BatchRecord>> Batch(const StateView& v, uint64_t batch) const;
  StatusOr<std::optional<pb::RetirementRecord>> Retirement(const StateView& v,
                                                           std::string_view id) const;
  // The block of `batch` that contains `serial`, if the batch exists.
  StatusOr<std::optional<Block>> BlockContaining(const StateView& v, uint64_t batch,
                                                 uint64_t serial) const;
  // All blocks of a batch in serial order (visit returns false to stop).
  Status ScanBatchBlocks(const StateView& v, uint64_t batch,
                         const std::function<bool(const Block&)>& visit) const;
  // Active blocks `account` holds, in (batch, first) order, starting at
  // `batch` (0 = all batches) and staying inside it unless batch is 0.
  Status ScanHoldings(const StateView& v, std::string_view account, uint64_t batch,
                      const std::function<bool(const Holding&)>& visit) const;

  // Paged scans. `after` is a cursor: the key of the last item already
  // seen, without the listing's prefix ("" to start at the beginning); the
  // scan visits the items whose keys come after it, whether or not that
  // key still exists. Each item's own cursor is given by the *Cursor
  // functions below. InvalidArgument for a cursor of the wrong shape.
  Status ScanHoldingsAfter(const StateView& v, std::string_view account, std::string_view after,
                           const std::function<bool(const Holding&)>& visit) const;
  Status ScanBatchBlocksAfter(const StateView& v, uint64_t batch, std::string_view after,
                              const std::function<bool(const Block&)>& visit) const;
  static std::string HoldingCursor(const Holding& h);
  static std::string BlockCursor(const Block& b);
  static std::string EntryCursor(uint64_t entry);
  StatusOr<std::optional<uint64_t>> EntryOfTransaction(const StateView& v, const Hash& tx_id) const;
  StatusOr<std::optional<Hash>> TransactionOfNonce(const StateView& v, std::string_view signer,
                                                   std::string_view nonce) const;
  // The batch issued on a verification report of `project`. `ref_key` is
  // the reference's ReferenceKey (text_rules.h), not the text as written.
  StatusOr<std::optional<uint64_t>> BatchOfVerification(const StateView& v,
                                                        std::string_view project,
                                                        std::string_view ref_key) const;
  StatusOr<uint64_t> NextBatchNumber(const StateView& v) const;
  StatusOr<std::optional<std::string>> Origin(const StateView& v) const;
  // The data format version stamped at creation (docs/data-model.md,
  // "Format version"); nullopt in a store made before stamps existed.
  StatusOr<std::optional<std::string>> Format(const StateView& v) const;
  // The latest leader term ("term"); nullopt before the first.
  StatusOr<std::optional<pb::LeaderTermRecord>> Term(const StateView& v) const;
  StatusOr<bool> HasAnyAccount(const StateView& v) const;

  // Index scans: entry indexes (or retirements) under a secondary-index
  // prefix, after a cursor as for the paged scans above (EntryCursor for
  // the entry indexes; the retirement scans give each item's cursor).
  Status ScanAccountHistory(const StateView& v, std::string_view account, std::string_view after,
                            const std::function<bool(uint64_t entry)>& visit) const;
  Status ScanBatchHistory(const StateView& v, uint64_t batch, std::string_view after,
                          const std::function<bool(uint64_t entry)>& visit) const;
  // The entries that set an account's key: its opening, then each rotation.
  Status ScanKeyHistory(const StateView& v, std::string_view account, std::string_view after,
                        const std::function<bool(uint64_t entry)>& visit) const;
  using RetirementVisitor = std::function<bool(std::string_view id, std::string_view cursor)>;
  Status ScanRetirementsOfBeneficiary(const StateView& v, std::string_view beneficiary,
                                      std::string_view after, const RetirementVisitor& visit) const;
  Status ScanRetirementsOfAccount(const StateView& v, std::string_view account,
                                  std::string_view after, const RetirementVisitor& visit) const;
  // The same lists newest first: `before` is the cursor of the last item
  // seen ("" to start at the newest); the scan visits the items before it.
  Status ScanRetirementsOfBeneficiaryBackward(const StateView& v, std::string_view beneficiary,
                                              std::string_view before,
                                              const RetirementVisitor& visit) const;
  Status ScanRetirementsOfAccountBackward(const StateView& v, std::string_view account,
                                          std::string_view before,
                                          const RetirementVisitor& visit) const;
  // Project records in id order after the id `after` ("" from the first);
  // each item's cursor is its id.
  Status ScanProjectsAfter(const StateView& v, std::string_view after,
                           const std::function<bool(const pb::ProjectRecord&)>& visit) const;
  // The batch numbers of a project's batches, in batch order, after the
  // cursor `after` (BatchCursor; "" from the first).
  Status ScanBatchesOfProject(const StateView& v, std::string_view project, std::string_view after,
                              const std::function<bool(uint64_t batch)>& visit) const;
  // Batch records in batch order after the cursor `after` (BatchCursor).
  Status ScanBatchesAfter(const StateView& v, std::string_view after,
                          const std::function<bool(const pb::BatchRecord&)>& visit) const;
  static std::string BatchCursor(uint64_t batch);

  // --- writes (into an overlay) ---
  void PutAccount(StateOverlay& o, const pb::AccountRecord& r) const;
  void PutProject(StateOverlay& o, const pb::ProjectRecord& r) const;
  void PutBatch(StateOverlay& o, const pb::BatchRecord& r) const;
  void PutRetirement(StateOverlay& o, const pb::RetirementRecord& r) const;
  // Writes a block of the partition and keeps the holdings index in step:
  // active blocks are indexed under their owner, others are not.
  void PutBlock(StateOverlay& o, const Block& b) const;
  // The same for a block whose key no block of the state has now: a piece
  // split off a block, ending inside it (StateOverlay::PutNew).
  void PutNewBlock(StateOverlay& o, const Block& b) const;
  // Removes a block (and its holding) before it is replaced by pieces.
  void DeleteBlock(StateOverlay& o, const Block& b) const;
  // The transaction and the nonce must be new (the caller checked).
  void PutTransaction(StateOverlay& o, const Hash& tx_id, uint64_t entry) const;
  void PutNonce(StateOverlay& o, std::string_view signer, std::string_view nonce,
                const Hash& tx_id) const;
  // `ref_key` as for BatchOfVerification.
  void PutVerification(StateOverlay& o, std::string_view project, std::string_view ref_key,
                       uint64_t batch) const;
  void PutNextBatchNumber(StateOverlay& o, uint64_t next) const;
  void PutOrigin(StateOverlay& o, std::string_view origin) const;
  void PutFormat(StateOverlay& o, std::string_view format) const;
  void PutTerm(StateOverlay& o, const pb::LeaderTermRecord& r) const;
  void AddAccountHistory(StateOverlay& o, std::string_view account, uint64_t entry) const;
  void AddBatchHistory(StateOverlay& o, uint64_t batch, uint64_t entry) const;
  // Written by the entry that opens the account and by each key rotation.
  void AddKeyHistory(StateOverlay& o, std::string_view account, uint64_t entry) const;
  void AddRetirementIndexes(StateOverlay& o, const pb::RetirementRecord& r) const;

  Status ScanBlocksFrom(const StateView& v, uint64_t batch, std::string_view start,
                        const std::function<bool(const Block&)>& visit) const;

  // --- the keys an entry writes (what an undo record may name) ---
  // Whether `key` has the layout of a key that an entry's transaction may
  // write in `column` (docs/data-model.md, "Registry state"): an account or
  // project id, BE64 keys of their sizes, a holding, a retirement id, an
  // index key under a known prefix, reg.meta's "next_batch" or "term". Not
  // reg.meta's "origin" or "format": those are written once, when the
  // store is made. False for a column that is not registry state.
  bool IsEntryKey(ColumnId column, std::string_view key) const;
  // The transaction id of `key` if it is a key of the transaction index
  // ("tx/" || tx_id in reg.index, whose value is BE64 of the entry that
  // holds the transaction); nullopt for any other key.
  std::optional<Hash> TransactionOfKey(ColumnId column, std::string_view key) const;
  // Whether `key` is a key of the nonce index ("nonce/" ... in reg.index,
  // whose value is the id of the transaction that used the nonce).
  bool IsNonceKey(ColumnId column, std::string_view key) const;

  ColumnId accounts = 0, projects = 0, batches = 0, blocks = 0, holdings = 0, retirements = 0,
           index = 0, meta = 0;

 private:
  void WriteBlock(StateOverlay& o, const Block& b, bool new_key) const;
};

}  // namespace creg::internal
