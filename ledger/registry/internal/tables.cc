#include "ledger/registry/internal/tables.h"

#include "ledger/encoding.h"

namespace creg::internal {
namespace {

constexpr char kSep = '\0';

std::string Be64(uint64_t v) {
  std::string s;
  AppendBigEndian64(&s, v);
  return s;
}

std::string Join(std::string_view a, std::string_view b) {
  std::string s(a);
  s += kSep;
  s.append(b);
  return s;
}

template <typename Record>
StatusOr<std::optional<Record>> ReadRecord(const StateView& v, ColumnId column,
                                           std::string_view key, const char* what) {
  CREG_ASSIGN_OR_RETURN(std::optional<std::string> bytes, v.Get(column, key));
  if (!bytes.has_value()) return std::optional<Record>();
  Record record;
  if (!record.ParseFromString(*bytes))
    return DataLossError(std::string("stored ") + what + " record does not decode");
  return std::optional<Record>(std::move(record));
}

std::string Serialize(const google::protobuf::MessageLite& m) {
  std::string s;
  m.SerializeToString(&s);
  return s;
}

// Index keys (column "reg.index").
constexpr std::string_view kTxPrefix = "tx/";
constexpr std::string_view kNoncePrefix = "nonce/";
std::string TxKey(const Hash& tx_id) { return std::string(kTxPrefix) + tx_id.str(); }
std::string NonceKey(std::string_view signer, std::string_view nonce) {
  return Join(std::string(kNoncePrefix) + std::string(signer), nonce);
}
// `ref_key` is the reference's ReferenceKey (text_rules.h).
std::string VerificationKey(std::string_view project, std::string_view ref_key) {
  return Join("verif/" + std::string(project), ref_key);
}
std::string AccountHistoryPrefix(std::string_view account) {
  return Join("hist/" + std::string(account), "");
}
std::string BatchHistoryPrefix(uint64_t batch) { return "bhist/" + Be64(batch); }
std::string KeyHistoryPrefix(std::string_view account) {
  return Join("keys/" + std::string(account), "");
}
std::string BeneficiaryPrefix(std::string_view name) {
  return Join("benef/" + std::string(name), "");
}
std::string AccountRetirementsPrefix(std::string_view account) {
  return Join("aret/" + std::string(account), "");
}
std::string ProjectBatchesPrefix(std::string_view project) {
  return Join("pbat/" + std::string(project), "");
}

std::string BlockKey(uint64_t batch, uint64_t last) { return Be64(batch) + Be64(last); }
std::string HoldingPrefix(std::string_view account) { return Join(account, ""); }
// Keyed by the block's last serial, like the partition: taking the lowest
// serials of a block leaves its last serial, and so its key, unchanged, so
// the common transfer overwrites a key instead of leaving a tombstone that
// later seeks would have to skip.
std::string HoldingKey(std::string_view account, uint64_t batch, uint64_t last) {
  return HoldingPrefix(account) + Be64(batch) + Be64(last);
}

// Where a paged scan under `prefix` starts: the first key after
// prefix + after (appending a zero byte makes the least greater key).
StatusOr<std::string> StartAfter(const std::string& prefix, std::string_view after, size_t min_size,
                                 size_t max_size) {
  if (after.empty()) return prefix;
  if (after.size() < min_size || after.size() > max_size)
    return InvalidArgumentError("the cursor was not made by this listing");
  std::string start = prefix;
  start.append(after);
  start += '\0';
  return start;
}

Status ScanEntryIndex(const StateView& v, ColumnId column, const std::string& prefix,
                      std::string_view after, const std::function<bool(uint64_t)>& visit) {
  CREG_ASSIGN_OR_RETURN(std::string start, StartAfter(prefix, after, 8, 8));
  return v.Scan(column, start, prefix, [&](std::string_view key, std::string_view) {
    if (key.size() != prefix.size() + 8) return true;  // not an entry index key
    return visit(ReadBigEndian64(key.substr(prefix.size())));
  });
}

// Retirement index keys: prefix, entry index (8 bytes), retirement id.
Status ScanRetirementIndex(const StateView& v, ColumnId column, const std::string& prefix,
                           std::string_view after, const Tables::RetirementVisitor& visit) {
  CREG_ASSIGN_OR_RETURN(std::string start, StartAfter(prefix, after, 9, 8 + 256));
  return v.Scan(column, start, prefix, [&](std::string_view key, std::string_view) {
    std::string_view cursor = key.substr(prefix.size());
    if (cursor.size() <= 8) return true;  // not a retirement index key
    return visit(cursor.substr(8), cursor);
  });
}

Status ScanRetirementIndexBackward(const StateView& v, ColumnId column, const std::string& prefix,
                                   std::string_view before,
                                   const Tables::RetirementVisitor& visit) {
  if (!before.empty() && (before.size() < 9 || before.size() > 8 + 256))
    return InvalidArgumentError("the cursor was not made by this listing");
  const std::string bound = before.empty() ? std::string() : prefix + std::string(before);
  return v.ScanBackward(column, bound, prefix, [&](std::string_view key, std::string_view) {
    std::string_view cursor = key.substr(prefix.size());
    if (cursor.size() <= 8) return true;  // not a retirement index key
    return visit(cursor.substr(8), cursor);
  });
}

// Decodes each record of a column scanned after a cursor.
template <typename Record>
Status ScanRecordsAfter(const StateView& v, ColumnId column, std::string_view after,
                        size_t cursor_size_min, size_t cursor_size_max, const char* what,
                        const std::function<bool(const Record&)>& visit) {
  CREG_ASSIGN_OR_RETURN(std::string start, StartAfter("", after, cursor_size_min, cursor_size_max));
  Status decoded = OkStatus();
  CREG_RETURN_IF_ERROR(v.Scan(column, start, "", [&](std::string_view, std::string_view value) {
    Record record;
    if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      decoded = DataLossError(std::string("stored ") + what + " record does not decode");
      return false;
    }
    return visit(record);
  }));
  return decoded;
}

// `key` is `id || 0x00 || tail`, the id not empty (ids and the texts keys
// are made of hold no 0x00), the tail of `tail_size` bytes or, when
// `at_least`, of that many or more. Returns the tail.
std::optional<std::string_view> JoinedTail(std::string_view key, size_t tail_size,
                                           bool at_least = false) {
  const size_t sep = key.find(kSep);
  if (sep == 0 || sep == std::string_view::npos) return std::nullopt;
  std::string_view tail = key.substr(sep + 1);
  if (at_least ? tail.size() < tail_size : tail.size() != tail_size) return std::nullopt;
  return tail;
}

bool IsId(std::string_view id) { return !id.empty() && id.find(kSep) == std::string_view::npos; }

bool IsRetirementId(std::string_view id) {
  return id.size() >= 2 && id.front() == 'R' &&
         id.find_first_not_of("0123456789", 1) == std::string_view::npos;
}

// The layouts of the index keys the rules write (docs/data-model.md,
// "reg.index").
bool IsIndexKey(std::string_view key) {
  std::string_view rest;
  auto under = [&](std::string_view prefix) {
    if (key.substr(0, prefix.size()) != prefix) return false;
    rest = key.substr(prefix.size());
    return true;
  };
  if (under(kTxPrefix)) return rest.size() == Hash::kSize;
  if (under(kNoncePrefix) || under("verif/")) return JoinedTail(rest, 0, true).has_value();
  if (under("hist/") || under("keys/") || under("pbat/")) return JoinedTail(rest, 8).has_value();
  if (under("bhist/")) return rest.size() == 16;
  if (under("benef/") || under("aret/")) {
    // ... || 0x00 || BE64(entry) || retirement id
    std::optional<std::string_view> tail = JoinedTail(rest, 8 + 2, true);
    return tail.has_value() && IsRetirementId(tail->substr(8));
  }
  return false;
}

}  // namespace

bool Tables::IsEntryKey(ColumnId column, std::string_view key) const {
  if (column == accounts || column == projects) return IsId(key);
  if (column == batches) return key.size() == 8;
  if (column == blocks) return key.size() == 16;
  if (column == holdings) return JoinedTail(key, 16).has_value();
  if (column == retirements) return IsRetirementId(key);
  if (column == index) return IsIndexKey(key);
  if (column == meta) return key == "next_batch" || key == "term";
  return false;
}

std::optional<Hash> Tables::TransactionOfKey(ColumnId column, std::string_view key) const {
  if (column != index || key.size() != kTxPrefix.size() + Hash::kSize ||
      key.substr(0, kTxPrefix.size()) != kTxPrefix) {
    return std::nullopt;
  }
  return Hash::FromBytes(key.substr(kTxPrefix.size())).value();
}

bool Tables::IsNonceKey(ColumnId column, std::string_view key) const {
  return column == index && key.substr(0, kNoncePrefix.size()) == kNoncePrefix;
}

const std::vector<std::string>& RegistryColumnNames() {
  static const std::vector<std::string> kNames = {"reg.accounts", "reg.projects", "reg.batches",
                                                  "reg.blocks",   "reg.holdings", "reg.retirements",
                                                  "reg.index",    "reg.meta"};
  return kNames;
}

StatusOr<Tables> Tables::Resolve(const Store& store) {
  Tables t;
  CREG_ASSIGN_OR_RETURN(t.accounts, store.Column("reg.accounts"));
  CREG_ASSIGN_OR_RETURN(t.projects, store.Column("reg.projects"));
  CREG_ASSIGN_OR_RETURN(t.batches, store.Column("reg.batches"));
  CREG_ASSIGN_OR_RETURN(t.blocks, store.Column("reg.blocks"));
  CREG_ASSIGN_OR_RETURN(t.holdings, store.Column("reg.holdings"));
  CREG_ASSIGN_OR_RETURN(t.retirements, store.Column("reg.retirements"));
  CREG_ASSIGN_OR_RETURN(t.index, store.Column("reg.index"));
  CREG_ASSIGN_OR_RETURN(t.meta, store.Column("reg.meta"));
  return t;
}

StatusOr<std::optional<pb::AccountRecord>> Tables::Account(const StateView& v,
                                                           std::string_view id) const {
  return ReadRecord<pb::AccountRecord>(v, accounts, id, "account");
}
StatusOr<std::optional<pb::ProjectRecord>> Tables::Project(const StateView& v,
                                                           std::string_view id) const {
  return ReadRecord<pb::ProjectRecord>(v, projects, id, "project");
}
StatusOr<std::optional<pb::BatchRecord>> Tables::Batch(const StateView& v, uint64_t batch) const {
  return ReadRecord<pb::BatchRecord>(v, batches, Be64(batch), "batch");
}
StatusOr<std::optional<pb::RetirementRecord>> Tables::Retirement(const StateView& v,
                                                                 std::string_view id) const {
  return ReadRecord<pb::RetirementRecord>(v, retirements, id, "retirement");
}

// Visits the blocks of `batch` from key `start` on, decoded.
Status Tables::ScanBlocksFrom(const StateView& v, uint64_t batch, std::string_view start,
                              const std::function<bool(const Block&)>& visit) const {
  std::string prefix = Be64(batch);
  Status decoded = OkStatus();
  CREG_RETURN_IF_ERROR(
      v.Scan(blocks, start, prefix, [&](std::string_view key, std::string_view value) {
        Block b;
        b.batch = batch;
        if (!b.record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          decoded = DataLossError("stored block record of batch " + std::to_string(batch) +
                                  " does not decode");
          return false;
        }
        b.first = b.record.first();
        b.last = ReadBigEndian64(key.substr(8));
        return visit(b);
      }));
  return decoded;
}

StatusOr<std::optional<Block>> Tables::BlockContaining(const StateView& v, uint64_t batch,
                                                       uint64_t serial) const {
  // Blocks are keyed by their last serial: the first key at or after
  // (batch, serial) is the block containing it, if any block does.
  std::optional<Block> found;
  CREG_RETURN_IF_ERROR(ScanBlocksFrom(v, batch, BlockKey(batch, serial), [&](const Block& b) {
    if (b.first <= serial) found = b;
    return false;
  }));
  return found;
}

Status Tables::ScanBatchBlocks(const StateView& v, uint64_t batch,
                               const std::function<bool(const Block&)>& visit) const {
  return ScanBlocksFrom(v, batch, Be64(batch), visit);
}

Status Tables::ScanBatchBlocksAfter(const StateView& v, uint64_t batch, std::string_view after,
                                    const std::function<bool(const Block&)>& visit) const {
  CREG_ASSIGN_OR_RETURN(std::string start, StartAfter(Be64(batch), after, 8, 8));
  return ScanBlocksFrom(v, batch, start, visit);
}

Status Tables::ScanHoldingsAfter(const StateView& v, std::string_view account,
                                 std::string_view after,
                                 const std::function<bool(const Holding&)>& visit) const {
  const std::string prefix = HoldingPrefix(account);
  CREG_ASSIGN_OR_RETURN(std::string start, StartAfter(prefix, after, 16, 16));
  return v.Scan(holdings, start, prefix, [&](std::string_view key, std::string_view value) {
    if (key.size() != prefix.size() + 16 || value.size() < 8) return true;
    Holding h;
    h.batch = ReadBigEndian64(key.substr(prefix.size()));
    h.last = ReadBigEndian64(key.substr(prefix.size() + 8));
    h.first = ReadBigEndian64(value);
    if (value.size() > 8) {
      const std::string_view rest = value.substr(8);
      if (!h.attributes.ParseFromArray(rest.data(), static_cast<int>(rest.size()))) return true;
    }
    return visit(h);
  });
}

std::string Tables::HoldingCursor(const Holding& h) { return Be64(h.batch) + Be64(h.last); }
std::string Tables::BlockCursor(const Block& b) { return Be64(b.last); }
std::string Tables::EntryCursor(uint64_t entry) { return Be64(entry); }

Status Tables::ScanHoldings(const StateView& v, std::string_view account, uint64_t batch,
                            const std::function<bool(const Holding&)>& visit) const {
  std::string prefix = HoldingPrefix(account);
  std::string start = prefix;
  if (batch != 0) {
    prefix += Be64(batch);
    start = prefix;
  }
  const size_t base = HoldingPrefix(account).size();
  return v.Scan(holdings, start, prefix, [&](std::string_view key, std::string_view value) {
    Holding h;
    h.batch = ReadBigEndian64(key.substr(base));
    h.last = ReadBigEndian64(key.substr(base + 8));
    h.first = ReadBigEndian64(value);
    return visit(h);
  });
}

StatusOr<std::optional<uint64_t>> Tables::EntryOfTransaction(const StateView& v,
                                                             const Hash& tx_id) const {
  CREG_ASSIGN_OR_RETURN(std::optional<std::string> value, v.Get(index, TxKey(tx_id)));
  if (!value.has_value()) return std::optional<uint64_t>();
  if (value->size() != 8) return DataLossError("stored transaction index record is not 8 bytes");
  return std::optional<uint64_t>(ReadBigEndian64(*value));
}

StatusOr<std::optional<Hash>> Tables::TransactionOfNonce(const StateView& v,
                                                         std::string_view signer,
                                                         std::string_view nonce) const {
  CREG_ASSIGN_OR_RETURN(std::optional<std::string> value, v.Get(index, NonceKey(signer, nonce)));
  if (!value.has_value()) return std::optional<Hash>();
  CREG_ASSIGN_OR_RETURN(Hash h, Hash::FromBytes(*value));
  return std::optional<Hash>(h);
}

StatusOr<std::optional<uint64_t>> Tables::BatchOfVerification(const StateView& v,
                                                              std::string_view project,
                                                              std::string_view ref_key) const {
  CREG_ASSIGN_OR_RETURN(std::optional<std::string> value,
                        v.Get(index, VerificationKey(project, ref_key)));
  if (!value.has_value()) return std::optional<uint64_t>();
  if (value->size() != 8) return DataLossError("stored verification index record is not 8 bytes");
  return std::optional<uint64_t>(ReadBigEndian64(*value));
}

StatusOr<uint64_t> Tables::NextBatchNumber(const StateView& v) const {
  CREG_ASSIGN_OR_RETURN(std::optional<std::string> value, v.Get(meta, "next_batch"));
  if (!value.has_value()) return uint64_t{1};
  if (value->size() != 8) return DataLossError("stored next batch number is not 8 bytes");
  return ReadBigEndian64(*value);
}

StatusOr<std::optional<std::string>> Tables::Origin(const StateView& v) const {
  return v.Get(meta, "origin");
}
StatusOr<std::optional<std::string>> Tables::Format(const StateView& v) const {
  return v.Get(meta, "format");
}
StatusOr<std::optional<pb::LeaderTermRecord>> Tables::Term(const StateView& v) const {
  return ReadRecord<pb::LeaderTermRecord>(v, meta, "term", "leader term");
}

StatusOr<bool> Tables::HasAnyAccount(const StateView& v) const {
  bool any = false;
  CREG_RETURN_IF_ERROR(v.Scan(accounts, "", "", [&](std::string_view, std::string_view) {
    any = true;
    return false;
  }));
  return any;
}

Status Tables::ScanAccountHistory(const StateView& v, std::string_view account,
                                  std::string_view after,
                                  const std::function<bool(uint64_t)>& visit) const {
  return ScanEntryIndex(v, index, AccountHistoryPrefix(account), after, visit);
}

Status Tables::ScanKeyHistory(const StateView& v, std::string_view account, std::string_view after,
                              const std::function<bool(uint64_t)>& visit) const {
  return ScanEntryIndex(v, index, KeyHistoryPrefix(account), after, visit);
}

Status Tables::ScanBatchHistory(const StateView& v, uint64_t batch, std::string_view after,
                                const std::function<bool(uint64_t)>& visit) const {
  return ScanEntryIndex(v, index, BatchHistoryPrefix(batch), after, visit);
}

Status Tables::ScanRetirementsOfBeneficiary(const StateView& v, std::string_view beneficiary,
                                            std::string_view after,
                                            const RetirementVisitor& visit) const {
  return ScanRetirementIndex(v, index, BeneficiaryPrefix(beneficiary), after, visit);
}

Status Tables::ScanRetirementsOfAccount(const StateView& v, std::string_view account,
                                        std::string_view after,
                                        const RetirementVisitor& visit) const {
  return ScanRetirementIndex(v, index, AccountRetirementsPrefix(account), after, visit);
}

Status Tables::ScanRetirementsOfBeneficiaryBackward(const StateView& v,
                                                    std::string_view beneficiary,
                                                    std::string_view before,
                                                    const RetirementVisitor& visit) const {
  return ScanRetirementIndexBackward(v, index, BeneficiaryPrefix(beneficiary), before, visit);
}

Status Tables::ScanRetirementsOfAccountBackward(const StateView& v, std::string_view account,
                                                std::string_view before,
                                                const RetirementVisitor& visit) const {
  return ScanRetirementIndexBackward(v, index, AccountRetirementsPrefix(account), before, visit);
}

Status Tables::ScanProjectsAfter(const StateView& v, std::string_view after,
                                 const std::function<bool(const pb::ProjectRecord&)>& visit) const {
  return ScanRecordsAfter<pb::ProjectRecord>(v, projects, after, 1, 256, "project", visit);
}

Status Tables::ScanBatchesOfProject(const StateView& v, std::string_view project,
                                    std::string_view after,
                                    const std::function<bool(uint64_t batch)>& visit) const {
  return ScanEntryIndex(v, index, ProjectBatchesPrefix(project), after, visit);
}

Status Tables::ScanBatchesAfter(const StateView& v, std::string_view after,
                                const std::function<bool(const pb::BatchRecord&)>& visit) const {
  return ScanRecordsAfter<pb::BatchRecord>(v, batches, after, 8, 8, "batch", visit);
}

std::string Tables::BatchCursor(uint64_t batch) { return Be64(batch); }

void Tables::PutAccount(StateOverlay& o, const pb::AccountRecord& r) const {
  o.Put(accounts, r.account_id(), Serialize(r));
}
void Tables::PutProject(StateOverlay& o, const pb::ProjectRecord& r) const {
  o.Put(projects, r.project_id(), Serialize(r));
}
void Tables::PutBatch(StateOverlay& o, const pb::BatchRecord& r) const {
  o.Put(batches, Be64(r.batch()), Serialize(r));
  // A batch never changes project, so writing the record again rewrites
  // the same index key.
  o.Put(index, ProjectBatchesPrefix(r.project_id()) + Be64(r.batch()), "");
}
void Tables::PutRetirement(StateOverlay& o, const pb::RetirementRecord& r) const {
  o.Put(retirements, r.retirement_id(), Serialize(r));
}

void Tables::PutBlock(StateOverlay& o, const Block& b) const { WriteBlock(o, b, false); }

void Tables::PutNewBlock(StateOverlay& o, const Block& b) const { WriteBlock(o, b, true); }

void Tables::WriteBlock(StateOverlay& o, const Block& b, bool new_key) const {
  pb::BlockRecord record = b.record;
  record.set_first(b.first);
  record.set_last(b.last);
  auto put = [&](ColumnId column, const std::string& key, const std::string& value) {
    new_key ? o.PutNew(column, key, value) : o.Put(column, key, value);
  };
  put(blocks, BlockKey(b.batch, b.last), Serialize(record));
  if (record.status() == pb::BLOCK_ACTIVE) {
    // The block's attributes ride along, so a holdings listing needs no
    // read of the block itself. A holding exists only beside its block, so
    // a new block key is a new holding key.
    put(holdings, HoldingKey(record.owner(), b.batch, b.last),
        Be64(b.first) + record.attributes().SerializeAsString());
  }
}

void Tables::DeleteBlock(StateOverlay& o, const Block& b) const {
  o.Delete(blocks, BlockKey(b.batch, b.last));
  if (b.record.status() == pb::BLOCK_ACTIVE)
    o.Delete(holdings, HoldingKey(b.record.owner(), b.batch, b.last));
}

void Tables::PutTransaction(StateOverlay& o, const Hash& tx_id, uint64_t entry) const {
  o.PutNew(index, TxKey(tx_id), Be64(entry));
}
void Tables::PutNonce(StateOverlay& o, std::string_view signer, std::string_view nonce,
                      const Hash& tx_id) const {
  o.PutNew(index, NonceKey(signer, nonce), tx_id.view());
}
void Tables::PutVerification(StateOverlay& o, std::string_view project, std::string_view ref_key,
                             uint64_t batch) const {
  o.Put(index, VerificationKey(project, ref_key), Be64(batch));
}
void Tables::PutNextBatchNumber(StateOverlay& o, uint64_t next) const {
  o.Put(meta, "next_batch", Be64(next));
}
void Tables::PutOrigin(StateOverlay& o, std::string_view origin) const {
  o.Put(meta, "origin", origin);
}
void Tables::PutFormat(StateOverlay& o, std::string_view format) const {
  o.Put(meta, "format", format);
}
void Tables::PutTerm(StateOverlay& o, const pb::LeaderTermRecord& r) const {
  o.Put(meta, "term", Serialize(r));
}
// The index keys below hold the index of the entry being applied, so no
// record has them yet.
void Tables::AddAccountHistory(StateOverlay& o, std::string_view account, uint64_t entry) const {
  o.PutNew(index, AccountHistoryPrefix(account) + Be64(entry), "");
}
void Tables::AddKeyHistory(StateOverlay& o, std::string_view account, uint64_t entry) const {
  o.PutNew(index, KeyHistoryPrefix(account) + Be64(entry), "");
}
void Tables::AddBatchHistory(StateOverlay& o, uint64_t batch, uint64_t entry) const {
  o.PutNew(index, BatchHistoryPrefix(batch) + Be64(entry), "");
}
void Tables::AddRetirementIndexes(StateOverlay& o, const pb::RetirementRecord& r) const {
  // The entry index keeps each list in the order the retirements happened.
  o.PutNew(index, BeneficiaryPrefix(r.beneficiary()) + Be64(r.entry_index()) + r.retirement_id(),
           "");
  o.PutNew(index, AccountRetirementsPrefix(r.account()) + Be64(r.entry_index()) + r.retirement_id(),
           "");
}

}  // namespace creg::internal
