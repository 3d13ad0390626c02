#include "node/log_summary.h"

#include <chrono>
#include <ctime>
#include <vector>

#include "ledger/records/entry_view.h"

namespace creg {
namespace {

constexpr int64_t kMicrosPerDay = int64_t{86'400} * 1'000'000;
// Entries read per pass, and their bytes at most.
constexpr uint64_t kChunk = 1000;
constexpr size_t kChunkBytes = 8 << 20;

int64_t DayOf(int64_t micros) {
  int64_t day = micros / kMicrosPerDay;
  if (micros < 0 && micros % kMicrosPerDay != 0) --day;
  return day;
}

std::string DateOf(int64_t day) {
  std::time_t seconds = static_cast<std::time_t>(day * 86'400);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[16];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &tm);
  return buffer;
}

}  // namespace

LogSummary::LogSummary(const MerkleLog& log) : log_(log) {}

LogSummary::~LogSummary() { Stop(); }

void LogSummary::Start() {
  {
    std::lock_guard lock(mu_);
    ready_at_ = log_.size();
  }
  thread_ = std::thread([this] { Follow(); });
}

void LogSummary::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
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
  Day& day = days_[DayOf(view.entry.timestamp_micros())];
  switch (view.body.kind_case()) {
    case pb::TransactionBody::kRegisterProject:
      ++projects_;
      break;
    case pb::TransactionBody::kIssue:
      ++batches_;
      totals_.issued += view.body.issue().quantity();
      day.issued += view.body.issue().quantity();
      break;
    case pb::TransactionBody::kRetire:
      ++retirements_;
      totals_.retired += quantity;
      day.retired += quantity;
      break;
    case pb::TransactionBody::kCancel:
      totals_.cancelled += quantity;
      day.cancelled += quantity;
      break;
    default:
      break;
  }
  if (day.issued == 0 && day.retired == 0 && day.cancelled == 0)
    days_.erase(DayOf(view.entry.timestamp_micros()));
  ++read_;
  return OkStatus();
}

void LogSummary::Follow() {
  uint64_t next = 0;
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
      std::lock_guard lock(mu_);
      if (!status.ok()) {
        failed_ = status;
        return;
      }
      next += entries->size();
      if (stop_) return;
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
  totals.Set("issued", totals_.issued);
  totals.Set("retired", totals_.retired);
  totals.Set("cancelled", totals_.cancelled);
  totals.Set("projects", projects_);
  totals.Set("batches", batches_);
  totals.Set("retirements", retirements_);
  json::Value timeline = json::Value::EmptyArray();
  auto it = days_.begin();
  if (days_.size() > kTimelineDays) std::advance(it, days_.size() - kTimelineDays);
  for (; it != days_.end(); ++it) {
    json::Value row = json::Value::EmptyObject();
    row.Set("date", DateOf(it->first));
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
