// Registry queries on committed state, and the state digest.
#include <algorithm>

#include "ledger/encoding.h"
#include "ledger/log_entry.h"
#include "ledger/registry/internal/state_view.h"
#include "ledger/registry/internal/tables.h"
#include "ledger/registry/registry.h"
#include "ledger/registry/state_digest.h"

namespace creg {

StatusOr<std::optional<pb::AccountRecord>> Registry::Account(std::string_view id) const {
  return tables_->Account(*committed_, id);
}
StatusOr<std::optional<pb::ProjectRecord>> Registry::Project(std::string_view id) const {
  return tables_->Project(*committed_, id);
}
StatusOr<std::optional<pb::BatchRecord>> Registry::Batch(uint64_t batch) const {
  return tables_->Batch(*committed_, batch);
}
StatusOr<std::optional<pb::RetirementRecord>> Registry::Retirement(std::string_view id) const {
  return tables_->Retirement(*committed_, id);
}

StatusOr<std::vector<Registry::BatchHolding>> Registry::Holdings(std::string_view account) const {
  std::vector<BatchHolding> out;
  Status missing = OkStatus();
  CREG_RETURN_IF_ERROR(
      tables_->ScanHoldings(*committed_, account, 0, [&](const internal::Holding& h) {
        if (out.empty() || out.back().batch.batch() != h.batch) {
          StatusOr<std::optional<pb::BatchRecord>> batch = tables_->Batch(*committed_, h.batch);
          if (!batch.ok() || !batch->has_value()) {
            missing =
                batch.ok()
                    ? DataLossError("held batch " + std::to_string(h.batch) + " has no record")
                    : batch.status();
            return false;
          }
          out.push_back(BatchHolding{std::move(**batch), {}, 0});
        }
        pb::SerialBlock block;
        block.set_batch(h.batch);
        block.set_first(h.first);
        block.set_last(h.last);
        out.back().blocks.push_back(block);
        out.back().quantity += h.last - h.first + 1;
        return true;
      }));
  CREG_RETURN_IF_ERROR(missing);
  return out;
}

StatusOr<std::vector<pb::BlockRecord>> Registry::BatchBlocks(uint64_t batch) const {
  std::vector<pb::BlockRecord> out;
  CREG_RETURN_IF_ERROR(tables_->ScanBatchBlocks(*committed_, batch, [&](const internal::Block& b) {
    out.push_back(b.record);
    return true;
  }));
  return out;
}

namespace {

StatusOr<std::vector<pb::RetirementRecord>> LoadRetirements(const internal::Tables& tables,
                                                            const internal::StateView& view,
                                                            const std::vector<std::string>& ids) {
  std::vector<pb::RetirementRecord> out;
  for (const std::string& id : ids) {
    CREG_ASSIGN_OR_RETURN(std::optional<pb::RetirementRecord> r, tables.Retirement(view, id));
    if (!r.has_value()) return DataLossError("indexed retirement " + id + " has no record");
    out.push_back(std::move(*r));
  }
  return out;
}

}  // namespace

StatusOr<std::vector<pb::RetirementRecord>> Registry::RetirementsOfBeneficiary(
    std::string_view name) const {
  std::vector<std::string> ids;
  CREG_RETURN_IF_ERROR(
      tables_->ScanRetirementsOfBeneficiary(*committed_, name, [&](std::string_view id) {
        ids.emplace_back(id);
        return true;
      }));
  return LoadRetirements(*tables_, *committed_, ids);
}

StatusOr<std::vector<pb::RetirementRecord>> Registry::RetirementsOfAccount(
    std::string_view account) const {
  std::vector<std::string> ids;
  CREG_RETURN_IF_ERROR(
      tables_->ScanRetirementsOfAccount(*committed_, account, [&](std::string_view id) {
        ids.emplace_back(id);
        return true;
      }));
  return LoadRetirements(*tables_, *committed_, ids);
}

StatusOr<std::vector<uint64_t>> Registry::AccountHistory(std::string_view account,
                                                         size_t limit) const {
  std::vector<uint64_t> out;
  CREG_RETURN_IF_ERROR(tables_->ScanAccountHistory(*committed_, account, [&](uint64_t entry) {
    out.push_back(entry);
    return out.size() < limit;
  }));
  return out;
}

StatusOr<std::vector<uint64_t>> Registry::Provenance(uint64_t batch, uint64_t serial) const {
  std::vector<uint64_t> candidates;
  CREG_RETURN_IF_ERROR(tables_->ScanBatchHistory(*committed_, batch, [&](uint64_t entry) {
    candidates.push_back(entry);
    return true;
  }));
  std::vector<uint64_t> out;
  for (uint64_t index : candidates) {
    CREG_ASSIGN_OR_RETURN(pb::LogEntry entry, Entry(index));
    for (const pb::SerialBlock& b : entry.effects().blocks()) {
      if (b.batch() == batch && b.first() <= serial && serial <= b.last()) {
        out.push_back(index);
        break;
      }
    }
  }
  return out;
}

StatusOr<pb::LogEntry> Registry::Entry(uint64_t index) const {
  CREG_ASSIGN_OR_RETURN(std::string bytes, log_->Entry(index));
  StatusOr<pb::LogEntry> entry = DecodeLogEntry(bytes);
  if (!entry.ok())
    return DataLossError("entry " + std::to_string(index) + ": " + entry.status().message());
  return entry;
}

StatusOr<Hash> Registry::StateDigest() const {
  StateDigester digester;
  const auto& names = internal::RegistryColumnNames();
  for (const std::string& name : names) {
    CREG_ASSIGN_OR_RETURN(ColumnId column, store_->Column(name));
    CREG_RETURN_IF_ERROR(
        store_->Scan(column, "", "", [&](std::string_view key, std::string_view value) {
          digester.Add(name, key, value);
          return true;
        }));
  }
  return digester.digest();
}

std::string SerialString(const pb::BatchRecord& batch, const pb::ProjectRecord& project,
                         uint64_t first, uint64_t last) {
  auto compact_date = [](std::string date) {
    date.erase(std::remove(date.begin(), date.end(), '-'), date.end());
    return date;
  };
  std::string standard = project.standard();
  std::replace(standard.begin(), standard.end(), '-', '_');
  return std::to_string(batch.batch()) + "-" + std::to_string(first) + "-" + std::to_string(last) +
         "-CREG-" + standard + "-" + project.country() + "-" + project.project_id() + "-" +
         compact_date(batch.vintage_start()) + "-" + compact_date(batch.vintage_end());
}

}  // namespace creg
