#include "node/log_summary.h"

#include <chrono>
#include <vector>

#include "ledger/records/entry_view.h"
#include "node/log.h"

namespace creg {
namespace {

// Entries read per pass, and their bytes at most.
constexpr uint64_t kChunk = 1000;
constexpr size_t kChunkBytes = 8 << 20;

}  // namespace

LogSummary::LogSummary(const MerkleLog& log, std::string snapshot_path)
    : log_(log), snapshot_path_(std::move(snapshot_path)) {}

LogSummary::~LogSummary() { Stop(); }

void LogSummary::Start() {
  {
    std::lock_guard lock(mu_);
    ready_at_ = log_.size();
  }
  Resume();
  thread_ = std::thread([this] { Follow(); });
}

void LogSummary::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (!thread_.joinable()) return;
  thread_.join();
  SaveSnapshot();
}

void LogSummary::Resume() {
  if (snapshot_path_.empty()) return;
  StatusOr<SummarySnapshot> snapshot = ReadSummarySnapshot(snapshot_path_);
  if (!snapshot.ok()) {
    if (snapshot.status().code() != StatusCode::kNotFound) {
      LogWarning("summary: reading the whole log, the saved counts are unusable: " +
                 snapshot.status().message());
    }
    return;
  }
  if (snapshot->size > log_.size()) {
    LogWarning("summary: reading the whole log, the saved counts cover " +
               std::to_string(snapshot->size) + " entries and the log holds " +
               std::to_string(log_.size()));
    return;
  }
  StatusOr<Hash> root = log_.RootAt(snapshot->size);
  if (!root.ok()) {
    LogWarning("summary: reading the whole log, its root at " + std::to_string(snapshot->size) +
               " entries cannot be read: " + root.status().message());
    return;
  }
  if (*root != snapshot->root) {
    LogWarning(
        "summary: reading the whole log, the saved counts are of another history (the "
        "log's root at " +
        std::to_string(snapshot->size) + " entries differs)");
    return;
  }
  std::lock_guard lock(mu_);
  counts_ = std::move(snapshot->counts);
  read_ = resumed_at_ = saved_at_ = snapshot->size;
}

void LogSummary::SaveSnapshot() {
  if (snapshot_path_.empty()) return;
  SummarySnapshot snapshot;
  {
    std::lock_guard lock(mu_);
    if (!failed_.ok() || read_ == saved_at_) return;
    snapshot.size = read_;
    snapshot.counts = counts_;
    // Counted as saved whether or not the write succeeds: a disk that
    // refuses it is tried again kSnapshotEvery entries later (or at Stop),
    // not at every commit.
    saved_at_ = read_;
  }
  StatusOr<Hash> root = log_.RootAt(snapshot.size);
  if (!root.ok()) return;  // the log was cut meanwhile
  snapshot.root = *root;
  if (Status s = WriteSummarySnapshot(snapshot_path_, snapshot); !s.ok()) {
    LogWarning("summary: cannot save the counts (a restart reads the log again): " + s.message());
  }
}

uint64_t LogSummary::resumed_at() const {
  std::lock_guard lock(mu_);
  return resumed_at_;
}

void LogSummary::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  wake_.notify_all();
}

Status LogSummary::Add(std::string_view entry_bytes) {
  CREG_ASSIGN_OR_RETURN(EntryView view, ViewEntry(entry_bytes));
  const uint64_t quantity = view.entry.effects().quantity();
  std::lock_guard lock(mu_);
  SummaryCounts& c = counts_;
  SummaryDay& day = c.days[SummaryDayOf(view.entry.timestamp_micros())];
  switch (view.body.kind_case()) {
    case pb::TransactionBody::kRegisterProject:
      ++c.projects;
      break;
    case pb::TransactionBody::kIssue:
      ++c.batches;
      c.totals.issued += view.body.issue().quantity();
      day.issued += view.body.issue().quantity();
      break;
    case pb::TransactionBody::kRetire:
      ++c.retirements;
      c.totals.retired += quantity;
      day.retired += quantity;
      break;
    case pb::TransactionBody::kCancel:
      c.totals.cancelled += quantity;
      day.cancelled += quantity;
      break;
    default:
      break;
  }
  if (day == SummaryDay{}) c.days.erase(SummaryDayOf(view.entry.timestamp_micros()));
  ++read_;
  return OkStatus();
}

void LogSummary::Follow() {
  uint64_t next;
  {
    std::lock_guard lock(mu_);
    next = read_;
  }
  while (true) {
    const uint64_t size = log_.size();
    if (next < size) {
      const uint64_t end = std::min(size, next + kChunk);
      StatusOr<std::vector<std::string>> entries = log_.Entries(next, end, kChunkBytes);
      Status status = entries.status();
      for (size_t i = 0; status.ok() && i < entries->size(); ++i) {
        status = Add((*entries)[i]);
        if (!status.ok()) {
          status = DataLossError("entry " + std::to_string(next + i) +
                                 " does not decode: " + status.message());
        }
      }
      bool save;
      {
        std::lock_guard lock(mu_);
        if (!status.ok()) {
          failed_ = status;
          return;
        }
        next += entries->size();
        if (stop_) return;
        // Once the first pass is done, then every kSnapshotEvery entries.
        save = read_ >= ready_at_ && (saved_at_ < ready_at_ || read_ - saved_at_ >= kSnapshotEvery);
      }
      if (save) SaveSnapshot();
      continue;
    }
    std::unique_lock lock(mu_);
    // Woken on each commit; the timeout only bounds a missed wake.
    wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_ || woken_; });
    if (stop_) return;
    woken_ = false;
  }
}

StatusOr<json::Value> LogSummary::Json() const {
  std::lock_guard lock(mu_);
  if (!failed_.ok()) return failed_;
  if (read_ < ready_at_) {
    return UnavailableError("the registry's totals are still being read from the log (" +
                            std::to_string(read_) + " of " + std::to_string(ready_at_) +
                            " entries); retry shortly");
  }
  json::Value totals = json::Value::EmptyObject();
  totals.Set("issued", counts_.totals.issued);
  totals.Set("retired", counts_.totals.retired);
  totals.Set("cancelled", counts_.totals.cancelled);
  totals.Set("projects", counts_.projects);
  totals.Set("batches", counts_.batches);
  totals.Set("retirements", counts_.retirements);
  json::Value timeline = json::Value::EmptyArray();
  auto it = counts_.days.begin();
  if (counts_.days.size() > kTimelineDays) std::advance(it, counts_.days.size() - kTimelineDays);
  for (; it != counts_.days.end(); ++it) {
    json::Value row = json::Value::EmptyObject();
    row.Set("date", SummaryDate(it->first));
    row.Set("issued", it->second.issued);
    row.Set("retired", it->second.retired);
    row.Set("cancelled", it->second.cancelled);
    timeline.Append(std::move(row));
  }
  json::Value v = json::Value::EmptyObject();
  v.Set("totals", std::move(totals));
  v.Set("timeline", std::move(timeline));
  return v;
}

}  // namespace creg
