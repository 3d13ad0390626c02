// Registry queries on committed state, and the state digest.
#include <algorithm>
#include <map>
#include <optional>

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

namespace {

using PageLimits = Registry::PageLimits;

// Fills a page item by item within its limits, and remembers the cursor of
// the last item taken.
class PageFill {
 public:
  explicit PageFill(const PageLimits& limits)
      : max_items_(std::max<size_t>(limits.max_items, 1)), max_bytes_(limits.max_bytes) {}

  // Whether an item of `bytes` still goes on the page. False means the page
  // is full and at least this item remains for the next one.
  bool Fits(size_t bytes) {
    if (items_ >= max_items_ || (items_ > 0 && bytes_ + bytes > max_bytes_)) {
      more_ = true;
      return false;
    }
    return true;
  }
  // Takes an item that Fits.
  void Take(size_t bytes, std::string_view cursor) {
    ++items_;
    bytes_ += bytes;
    cursor_.assign(cursor);
  }
  std::string next_cursor() const { return more_ ? cursor_ : std::string(); }

 private:
  size_t max_items_;
  size_t max_bytes_;
  size_t items_ = 0;
  size_t bytes_ = 0;
  bool more_ = false;
  std::string cursor_;
};

// What a repeated message field costs on the wire besides the message: its
// tag and length.
constexpr size_t kFieldOverhead = 6;

}  // namespace

StatusOr<Registry::Page<Registry::BatchHolding>> Registry::HoldingsPage(
    std::string_view account, std::string_view cursor, const PageLimits& limits) const {
  Page<BatchHolding> page;
  PageFill fill(limits);
  Status failed = OkStatus();
  // A holder's batches are often of a few projects: each project is read
  // once a page.
  std::map<std::string, std::optional<pb::ProjectRecord>, std::less<>> projects;
  CREG_RETURN_IF_ERROR(
      tables_->ScanHoldingsAfter(*committed_, account, cursor, [&](const internal::Holding& h) {
        size_t bytes = 0;
        std::optional<BatchHolding> started;
        if (page.items.empty() || page.items.back().batch.batch() != h.batch) {
          StatusOr<std::optional<pb::BatchRecord>> batch = tables_->Batch(*committed_, h.batch);
          if (!batch.ok() || !batch->has_value()) {
            failed = batch.ok()
                         ? DataLossError("held batch " + std::to_string(h.batch) + " has no record")
                         : batch.status();
            return false;
          }
          started.emplace();
          started->batch = std::move(**batch);
          auto known = projects.find(started->batch.project_id());
          if (known == projects.end()) {
            StatusOr<std::optional<pb::ProjectRecord>> project =
                tables_->Project(*committed_, started->batch.project_id());
            if (!project.ok()) {
              failed = project.status();
              return false;
            }
            known = projects.emplace(started->batch.project_id(), std::move(*project)).first;
          }
          if (known->second.has_value()) started->project = *known->second;
          // The two records, the quantity and the BatchHolding's own envelope.
          bytes += started->batch.ByteSizeLong() + started->project.ByteSizeLong() +
                   4 * kFieldOverhead + 11;
        }
        const BatchHolding& holding = started ? *started : page.items.back();
        pb::SerialBlock block;
        block.set_batch(h.batch);
        block.set_first(h.first);
        block.set_last(h.last);
        std::string serial = SerialString(holding.batch, holding.project, h.first, h.last);
        bytes +=
            block.ByteSizeLong() + serial.size() + h.attributes.ByteSizeLong() + 3 * kFieldOverhead;
        if (!fill.Fits(bytes)) return false;
        fill.Take(bytes, internal::Tables::HoldingCursor(h));
        if (started) page.items.push_back(std::move(*started));
        BatchHolding& out = page.items.back();
        out.blocks.push_back(std::move(block));
        out.serials.push_back(std::move(serial));
        out.attributes.push_back(h.attributes);
        out.quantity += h.last - h.first + 1;
        return true;
      }));
  CREG_RETURN_IF_ERROR(failed);
  page.next_cursor = fill.next_cursor();
  return page;
}

StatusOr<Registry::Page<pb::BlockRecord>> Registry::BatchBlocksPage(
    uint64_t batch, std::string_view cursor, const PageLimits& limits) const {
  Page<pb::BlockRecord> page;
  PageFill fill(limits);
  CREG_RETURN_IF_ERROR(
      tables_->ScanBatchBlocksAfter(*committed_, batch, cursor, [&](const internal::Block& b) {
        size_t bytes = b.record.ByteSizeLong() + kFieldOverhead;
        if (!fill.Fits(bytes)) return false;
        fill.Take(bytes, internal::Tables::BlockCursor(b));
        page.items.push_back(b.record);
        return true;
      }));
  page.next_cursor = fill.next_cursor();
  return page;
}

namespace {

// A page of retirements from one of the retirement indexes.
template <typename Scan>
StatusOr<Registry::Page<pb::RetirementRecord>> RetirementsPage(const internal::Tables& tables,
                                                               const internal::StateView& view,
                                                               const PageLimits& limits,
                                                               Scan scan) {
  Registry::Page<pb::RetirementRecord> page;
  PageFill fill(limits);
  Status failed = OkStatus();
  CREG_RETURN_IF_ERROR(scan([&](std::string_view id, std::string_view cursor) {
    StatusOr<std::optional<pb::RetirementRecord>> r = tables.Retirement(view, id);
    if (!r.ok() || !r->has_value()) {
      failed = r.ok() ? DataLossError("indexed retirement " + std::string(id) + " has no record")
                      : r.status();
      return false;
    }
    size_t bytes = (*r)->ByteSizeLong() + kFieldOverhead;
    if (!fill.Fits(bytes)) return false;
    fill.Take(bytes, cursor);
    page.items.push_back(std::move(**r));
    return true;
  }));
  CREG_RETURN_IF_ERROR(failed);
  page.next_cursor = fill.next_cursor();
  return page;
}

// Reads a whole listing page after page.
template <typename T, typename Read>
StatusOr<std::vector<T>> ReadAll(Read read_page) {
  std::vector<T> out;
  std::string cursor;
  do {
    CREG_ASSIGN_OR_RETURN(Registry::Page<T> page, read_page(cursor));
    for (T& item : page.items) out.push_back(std::move(item));
    cursor = std::move(page.next_cursor);
  } while (!cursor.empty());
  return out;
}

}  // namespace

StatusOr<Registry::Page<pb::RetirementRecord>> Registry::RetirementsOfBeneficiaryPage(
    std::string_view name, std::string_view cursor, const PageLimits& limits,
    bool newest_first) const {
  return RetirementsPage(*tables_, *committed_, limits, [&](const auto& visit) {
    return newest_first
               ? tables_->ScanRetirementsOfBeneficiaryBackward(*committed_, name, cursor, visit)
               : tables_->ScanRetirementsOfBeneficiary(*committed_, name, cursor, visit);
  });
}

StatusOr<Registry::Page<pb::RetirementRecord>> Registry::RetirementsOfAccountPage(
    std::string_view account, std::string_view cursor, const PageLimits& limits,
    bool newest_first) const {
  return RetirementsPage(*tables_, *committed_, limits, [&](const auto& visit) {
    return newest_first
               ? tables_->ScanRetirementsOfAccountBackward(*committed_, account, cursor, visit)
               : tables_->ScanRetirementsOfAccount(*committed_, account, cursor, visit);
  });
}

std::string Registry::BatchBlocksCursorAt(uint64_t serial) {
  if (serial <= 1) return std::string();
  internal::Block before;
  before.last = serial - 1;
  return internal::Tables::BlockCursor(before);
}

StatusOr<Registry::Page<pb::ProjectRecord>> Registry::ProjectsPage(std::string_view cursor,
                                                                   const PageLimits& limits) const {
  Page<pb::ProjectRecord> page;
  PageFill fill(limits);
  CREG_RETURN_IF_ERROR(
      tables_->ScanProjectsAfter(*committed_, cursor, [&](const pb::ProjectRecord& p) {
        size_t bytes = p.ByteSizeLong() + kFieldOverhead;
        if (!fill.Fits(bytes)) return false;
        fill.Take(bytes, p.project_id());
        page.items.push_back(p);
        return true;
      }));
  page.next_cursor = fill.next_cursor();
  return page;
}

StatusOr<Registry::Page<pb::BatchRecord>> Registry::ProjectBatchesPage(
    std::string_view project, std::string_view cursor, const PageLimits& limits) const {
  Page<pb::BatchRecord> page;
  PageFill fill(limits);
  Status failed = OkStatus();
  CREG_RETURN_IF_ERROR(
      tables_->ScanBatchesOfProject(*committed_, project, cursor, [&](uint64_t batch) {
        StatusOr<std::optional<pb::BatchRecord>> b = tables_->Batch(*committed_, batch);
        if (!b.ok() || !b->has_value()) {
          failed = b.ok() ? DataLossError("indexed batch " + std::to_string(batch) +
                                          " of project " + std::string(project) + " has no record")
                          : b.status();
          return false;
        }
        size_t bytes = (*b)->ByteSizeLong() + kFieldOverhead;
        if (!fill.Fits(bytes)) return false;
        fill.Take(bytes, internal::Tables::BatchCursor(batch));
        page.items.push_back(std::move(**b));
        return true;
      }));
  CREG_RETURN_IF_ERROR(failed);
  page.next_cursor = fill.next_cursor();
  return page;
}

StatusOr<Registry::Page<uint64_t>> Registry::AccountHistoryPage(std::string_view account,
                                                                std::string_view cursor,
                                                                const PageLimits& limits) const {
  Page<uint64_t> page;
  PageFill fill(limits);
  CREG_RETURN_IF_ERROR(
      tables_->ScanAccountHistory(*committed_, account, cursor, [&](uint64_t entry) {
        constexpr size_t kBytes = 10;  // a varint of up to 64 bits
        if (!fill.Fits(kBytes)) return false;
        fill.Take(kBytes, internal::Tables::EntryCursor(entry));
        page.items.push_back(entry);
        return true;
      }));
  page.next_cursor = fill.next_cursor();
  return page;
}

StatusOr<bool> Registry::AccountHistoryCovers(std::string_view account, uint64_t first,
                                              uint64_t count) const {
  if (count == 0) return true;
  if (first > UINT64_MAX - count) return false;
  uint64_t next = first;
  const uint64_t end = first + count;
  std::string after = first == 0 ? std::string() : internal::Tables::EntryCursor(first - 1);
  CREG_RETURN_IF_ERROR(
      tables_->ScanAccountHistory(*committed_, account, after, [&](uint64_t entry) {
        if (entry != next) return false;
        return ++next < end;
      }));
  return next == end;
}

StatusOr<Registry::Page<uint64_t>> Registry::ProvenancePage(uint64_t batch, uint64_t serial,
                                                            std::string_view cursor,
                                                            const PageLimits& limits) const {
  Page<uint64_t> page;
  PageFill fill(limits);  // counts the entries read, not the indexes returned
  Status failed = OkStatus();
  CREG_RETURN_IF_ERROR(tables_->ScanBatchHistory(*committed_, batch, cursor, [&](uint64_t index) {
    StatusOr<std::string> bytes = log_->Entry(index);
    if (!bytes.ok()) {
      failed = bytes.status();
      return false;
    }
    if (!fill.Fits(bytes->size())) return false;
    fill.Take(bytes->size(), internal::Tables::EntryCursor(index));
    StatusOr<pb::LogEntry> entry = DecodeLogEntry(*bytes);
    if (!entry.ok()) {
      failed = DataLossError("entry " + std::to_string(index) + ": " + entry.status().message());
      return false;
    }
    for (const pb::SerialBlock& b : entry->effects().blocks()) {
      if (b.batch() == batch && b.first() <= serial && serial <= b.last()) {
        page.items.push_back(index);
        break;
      }
    }
    return true;
  }));
  CREG_RETURN_IF_ERROR(failed);
  page.next_cursor = fill.next_cursor();
  return page;
}

StatusOr<std::vector<Registry::BatchHolding>> Registry::Holdings(std::string_view account) const {
  std::vector<BatchHolding> out;
  std::string cursor;
  do {
    CREG_ASSIGN_OR_RETURN(Page<BatchHolding> page, HoldingsPage(account, cursor, PageLimits{}));
    for (BatchHolding& h : page.items) {
      if (!out.empty() && out.back().batch.batch() == h.batch.batch()) {
        BatchHolding& last = out.back();
        for (auto& b : h.blocks) last.blocks.push_back(std::move(b));
        for (auto& s : h.serials) last.serials.push_back(std::move(s));
        for (auto& a : h.attributes) last.attributes.push_back(std::move(a));
        last.quantity += h.quantity;
      } else {
        out.push_back(std::move(h));
      }
    }
    cursor = std::move(page.next_cursor);
  } while (!cursor.empty());
  return out;
}

StatusOr<std::vector<pb::BlockRecord>> Registry::BatchBlocks(uint64_t batch) const {
  return ReadAll<pb::BlockRecord>(
      [&](const std::string& cursor) { return BatchBlocksPage(batch, cursor, PageLimits{}); });
}

StatusOr<std::vector<pb::RetirementRecord>> Registry::RetirementsOfBeneficiary(
    std::string_view name) const {
  return ReadAll<pb::RetirementRecord>([&](const std::string& cursor) {
    return RetirementsOfBeneficiaryPage(name, cursor, PageLimits{});
  });
}

StatusOr<std::vector<pb::RetirementRecord>> Registry::RetirementsOfAccount(
    std::string_view account) const {
  return ReadAll<pb::RetirementRecord>([&](const std::string& cursor) {
    return RetirementsOfAccountPage(account, cursor, PageLimits{});
  });
}

StatusOr<std::vector<uint64_t>> Registry::AccountHistory(std::string_view account,
                                                         size_t limit) const {
  std::vector<uint64_t> out;
  std::string cursor;
  while (out.size() < limit) {
    PageLimits limits;
    limits.max_items = std::min(limit - out.size(), size_t{100'000});
    CREG_ASSIGN_OR_RETURN(Page<uint64_t> page, AccountHistoryPage(account, cursor, limits));
    out.insert(out.end(), page.items.begin(), page.items.end());
    if (page.next_cursor.empty()) break;
    cursor = std::move(page.next_cursor);
  }
  return out;
}

StatusOr<std::vector<uint64_t>> Registry::KeyEntries(std::string_view account,
                                                     uint64_t before) const {
  std::vector<uint64_t> out;
  CREG_RETURN_IF_ERROR(tables_->ScanKeyHistory(*committed_, account, "", [&](uint64_t entry) {
    if (entry >= before) return false;
    out.push_back(entry);
    return true;
  }));
  return out;
}

StatusOr<std::vector<uint64_t>> Registry::Provenance(uint64_t batch, uint64_t serial) const {
  return ReadAll<uint64_t>([&](const std::string& cursor) {
    return ProvenancePage(batch, serial, cursor, PageLimits{});
  });
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
  const auto& names = StateColumnNames();
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
