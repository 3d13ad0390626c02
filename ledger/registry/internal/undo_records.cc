#include "ledger/registry/internal/undo_records.h"

#include <algorithm>

#include "ledger/encoding.h"

namespace creg::internal {
namespace {

constexpr char kAbsent = 0;
constexpr char kPresent = 1;

void AppendSized(std::string& out, std::string_view bytes) {
  AppendBigEndian32(&out, static_cast<uint32_t>(bytes.size()));
  out.append(bytes);
}

// Reads a BE32 length and that many bytes from the front of `in`.
bool ReadSized(std::string_view& in, std::string_view& bytes) {
  if (in.size() < 4) return false;
  const uint32_t size = ReadBigEndian32(in);
  in.remove_prefix(4);
  if (in.size() < size) return false;
  bytes = in.substr(0, size);
  in.remove_prefix(size);
  return true;
}

}  // namespace

StatusOr<UndoRecords> UndoRecords::Resolve(const Store& store) {
  UndoRecords undo;
  CREG_ASSIGN_OR_RETURN(undo.column_, store.Column(kUndoColumn));
  CREG_ASSIGN_OR_RETURN(undo.tables_, Tables::Resolve(store));
  for (const std::string& name : RegistryColumnNames()) {
    CREG_ASSIGN_OR_RETURN(ColumnId id, store.Column(name));
    const size_t slot = static_cast<size_t>(id);
    // Other columns (none are written through an entry's overlay) would be
    // recorded as 0xff, which Restore refuses.
    if (undo.position_of_.size() <= slot) undo.position_of_.resize(slot + 1, '\xff');
    undo.position_of_[slot] = static_cast<char>(undo.state_columns_.size());
    undo.state_columns_.push_back(id);
  }
  return undo;
}

std::string UndoRecords::Key(uint64_t entry) {
  std::string key;
  AppendBigEndian64(&key, entry);
  return key;
}

StatusOr<std::string> UndoRecords::Record(const StateOverlay::Undo& undo) const {
  std::string record;
  record.reserve(512);
  CREG_RETURN_IF_ERROR(undo.VisitPriors(
      [&](ColumnId column, std::string_view key, const std::optional<std::string>& value) {
        const size_t slot = static_cast<size_t>(column);
        record += slot < position_of_.size() ? position_of_[slot] : '\xff';
        AppendSized(record, key);
        if (value.has_value()) {
          record += kPresent;
          AppendSized(record, *value);
        } else {
          record += kAbsent;
        }
      }));
  return record;
}

Status UndoRecords::Restore(uint64_t entry, std::string_view bytes, StateOverlay& overlay) const {
  const std::string what = "undo record of entry " + std::to_string(entry);
  if (bytes.empty()) return DataLossError(what + " is empty");
  // Read and check the whole record before writing any of it.
  std::vector<Item> items;
  std::string_view in = bytes;
  while (!in.empty()) {
    Item item;
    item.position = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    if (item.position >= state_columns_.size()) {
      return DataLossError(what + " names column " + std::to_string(item.position) +
                           ", which is not registry state");
    }
    item.column = state_columns_[item.position];
    if (!ReadSized(in, item.key) || in.empty()) return DataLossError(what + " is cut short");
    const char presence = in.front();
    in.remove_prefix(1);
    if (presence == kPresent && ReadSized(in, item.value)) {
      item.present = true;
    } else if (presence != kAbsent) {
      return DataLossError(what + " is malformed");
    }
    if (!tables_.IsEntryKey(item.column, item.key)) {
      return DataLossError(what + " names a key of " + std::to_string(item.key.size()) +
                           " bytes in " + RegistryColumnNames()[item.position] +
                           " that no entry writes");
    }
    items.push_back(item);
  }
  CREG_RETURN_IF_ERROR(CheckOwnEntry(entry, what, items, overlay));
  for (const Item& item : items) {
    if (item.present) {
      overlay.Put(item.column, item.key, item.value);
    } else {
      overlay.Delete(item.column, item.key);
    }
  }
  return OkStatus();
}

Status UndoRecords::CheckOwnEntry(uint64_t entry, const std::string& what,
                                  const std::vector<Item>& items, const StateView& state) const {
  std::vector<std::pair<size_t, std::string_view>> keys;
  keys.reserve(items.size());
  for (const Item& item : items) keys.emplace_back(item.position, item.key);
  std::sort(keys.begin(), keys.end());
  if (std::adjacent_find(keys.begin(), keys.end()) != keys.end()) {
    return DataLossError(what + " names a key twice");
  }

  const Item* tx_item = nullptr;
  const Item* nonce_item = nullptr;
  for (const Item& item : items) {
    const bool is_tx = tables_.TransactionOfKey(item.column, item.key).has_value();
    const bool is_nonce = tables_.IsNonceKey(item.column, item.key);
    if (!is_tx && !is_nonce) continue;
    const Item*& slot = is_tx ? tx_item : nonce_item;
    const char* name = is_tx ? "transaction id" : "nonce";
    if (slot != nullptr) return DataLossError(what + " names more than one " + name);
    if (item.present) {
      return DataLossError(what + " says its " + name + " existed before the entry");
    }
    slot = &item;
  }
  if (tx_item == nullptr) return DataLossError(what + " names no transaction id");
  if (nonce_item == nullptr) return DataLossError(what + " names no nonce");

  const Hash tx_id = *tables_.TransactionOfKey(tx_item->column, tx_item->key);
  StatusOr<std::optional<uint64_t>> holder = tables_.EntryOfTransaction(state, tx_id);
  if (!holder.ok()) {
    if (holder.status().code() != StatusCode::kDataLoss) return holder.status();
    return DataLossError(what + ": " + holder.status().message());
  }
  if (!holder->has_value()) {
    return DataLossError(what + " names a transaction id that the registry does not hold");
  }
  if (**holder != entry) {
    return DataLossError(what + " names the transaction of entry " + std::to_string(**holder));
  }
  CREG_ASSIGN_OR_RETURN(std::optional<std::string> used_by,
                        state.Get(nonce_item->column, nonce_item->key));
  if (used_by != tx_id.view()) {
    return DataLossError(what + " names a nonce that its transaction did not use");
  }
  return OkStatus();
}

StatusOr<std::optional<uint64_t>> UndoRecords::Oldest(const Store& store) const {
  std::optional<uint64_t> oldest;
  Status malformed = OkStatus();
  CREG_RETURN_IF_ERROR(store.Scan(column_, "", "", [&](std::string_view key, std::string_view) {
    if (key.size() != 8) {
      malformed = DataLossError("reg.undo holds a key of " + std::to_string(key.size()) +
                                " bytes; its keys are entry indexes of 8");
    } else {
      oldest = ReadBigEndian64(key);
    }
    return false;
  }));
  CREG_RETURN_IF_ERROR(malformed);
  return oldest;
}

}  // namespace creg::internal
