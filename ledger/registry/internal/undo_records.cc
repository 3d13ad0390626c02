#include "ledger/registry/internal/undo_records.h"

#include "ledger/encoding.h"
#include "ledger/registry/internal/tables.h"

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
  std::string_view in = bytes;
  while (!in.empty()) {
    const auto position = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    if (position >= state_columns_.size()) {
      return DataLossError(what + " names column " + std::to_string(position) +
                           ", which is not registry state");
    }
    std::string_view key, value;
    if (!ReadSized(in, key) || in.empty()) return DataLossError(what + " is cut short");
    const char presence = in.front();
    in.remove_prefix(1);
    if (presence == kAbsent) {
      overlay.Delete(state_columns_[position], key);
    } else if (presence == kPresent && ReadSized(in, value)) {
      overlay.Put(state_columns_[position], key, value);
    } else {
      return DataLossError(what + " is malformed");
    }
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
