#include "node/metrics.h"

#include <sys/resource.h>

#include <iomanip>
#include <ostream>
#include <sstream>
#include <string_view>

#include "node/follower.h"
#include "node/publisher.h"
#include "node/sync_gate.h"

namespace creg {

namespace {

// User and system CPU time of the whole process so far, in seconds.
double ProcessCpuSeconds() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// A label value as the text format writes it: backslash, double quote and
// line feed escaped.
std::string LabelValue(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

void LatencyHistogram::Observe(uint64_t micros) {
  size_t i = 0;
  while (i < kBoundsMicros.size() && micros > kBoundsMicros[i]) ++i;
  ++buckets_[i];
  ++count_;
  sum_micros_ += micros;
}

std::string LatencyHistogram::Render(const std::string& name, const std::string& help) const {
  std::ostringstream out;
  out << "# HELP " << name << " " << help << "\n# TYPE " << name << " histogram\n";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kBoundsMicros.size(); ++i) {
    cumulative += buckets_[i].load();
    out << name << "_bucket{le=\"" << static_cast<double>(kBoundsMicros[i]) / 1e6 << "\"} "
        << cumulative << "\n";
  }
  cumulative += buckets_[kBoundsMicros.size()].load();
  out << name << "_bucket{le=\"+Inf\"} " << cumulative << "\n";
  out << name << "_sum " << static_cast<double>(sum_micros_.load()) / 1e6 << "\n";
  out << name << "_count " << count_.load() << "\n";
  return out.str();
}

void Metrics::RenderPublication(std::ostream& out) const {
  const Checkpointer& checkpointer = node_.handler.checkpointer();
  auto size_of = [](const std::shared_ptr<const SignedCheckpoint>& c) -> uint64_t {
    return c == nullptr ? 0 : c->checkpoint.size;
  };
  out << "# HELP creg_checkpoint_signed_size Tree size of the newest checkpoint the node signed.\n"
      << "# TYPE creg_checkpoint_signed_size gauge\n"
      << "creg_checkpoint_signed_size " << size_of(checkpointer.latest_signed()) << "\n"
      << "# HELP creg_checkpoint_published_size Tree size of the checkpoint the node serves "
         "(with witnesses: the newest a quorum cosigned; 0: none yet).\n"
      << "# TYPE creg_checkpoint_published_size gauge\n"
      << "creg_checkpoint_published_size " << size_of(checkpointer.latest()) << "\n";
  if (node_.publisher == nullptr) return;
  const PublicationStatus status = node_.publisher->status();
  out << "# HELP creg_publication_stalled 1 while the last round of witness requests fell short "
         "of the quorum (creg status says why).\n"
      << "# TYPE creg_publication_stalled gauge\n"
      << "creg_publication_stalled " << (status.fault.empty() ? 0 : 1) << "\n"
      << "# HELP creg_witness_cosigned_size Tree size each witness last cosigned for this node.\n"
      << "# TYPE creg_witness_cosigned_size gauge\n";
  for (const WitnessState& w : status.witnesses) {
    out << "creg_witness_cosigned_size{witness=\"" << LabelValue(w.url) << "\"} " << w.cosigned_size
        << "\n";
  }
  out << "# HELP creg_witness_failing 1 if the witness's last request failed.\n"
      << "# TYPE creg_witness_failing gauge\n";
  for (const WitnessState& w : status.witnesses) {
    out << "creg_witness_failing{witness=\"" << LabelValue(w.url) << "\"} "
        << (w.error.empty() ? 0 : 1) << "\n";
  }
}

void Metrics::RenderReplication(std::ostream& out) const {
  if (const SyncGate* gate = node_.sync_gate) {
    out << "# HELP creg_sync_mirrors_connected Mirror accounts connected to this writer that "
           "reported what they stored (--sync-mirrors).\n"
        << "# TYPE creg_sync_mirrors_connected gauge\n"
        << "creg_sync_mirrors_connected " << gate->connected() << "\n"
        << "# HELP creg_synced_entries Entries that --sync-mirrors mirrors hold; checkpoints "
           "cover no more.\n"
        << "# TYPE creg_synced_entries gauge\n"
        << "creg_synced_entries " << gate->covered() << "\n";
  }
  if (node_.follower == nullptr) return;
  const FollowerState state = node_.follower->state();
  const uint64_t size = node_.log.size();
  out << "# HELP creg_mirror_connected 1 while this mirror follows its writer.\n"
      << "# TYPE creg_mirror_connected gauge\n"
      << "creg_mirror_connected " << (state.connected ? 1 : 0) << "\n"
      << "# HELP creg_mirror_alarm 1 once an entry or checkpoint of the writer failed a check; "
         "the mirror stopped following (creg status says why).\n"
      << "# TYPE creg_mirror_alarm gauge\n"
      << "creg_mirror_alarm " << (state.alarm.empty() ? 0 : 1) << "\n"
      << "# HELP creg_mirror_behind_entries Entries of the writer's newest checkpoint this "
         "mirror does not hold yet.\n"
      << "# TYPE creg_mirror_behind_entries gauge\n"
      << "creg_mirror_behind_entries "
      << (state.writer_checkpoint_size > size ? state.writer_checkpoint_size - size : 0) << "\n";
}

std::string Metrics::Render() {
  std::ostringstream out;
  auto counter = [&](const char* name, const char* help, uint64_t value) {
    out << "# HELP " << name << " " << help << "\n# TYPE " << name << " counter\n"
        << name << " " << value << "\n";
  };
  auto gauge = [&](const char* name, const char* help, uint64_t value) {
    out << "# HELP " << name << " " << help << "\n# TYPE " << name << " gauge\n"
        << name << " " << value << "\n";
  };
  const PipelineStats& stats = node_.pipeline.stats();
  counter("creg_transactions_committed_total", "Transactions committed to the log.",
          stats.committed.load());
  counter("creg_transactions_duplicate_total", "Resubmissions answered with their original result.",
          stats.duplicates.load());
  out << "# HELP creg_transactions_refused_total Transactions refused, by rule code.\n"
      << "# TYPE creg_transactions_refused_total counter\n";
  for (const auto& [code, count] : node_.pipeline.RefusalsByCode()) {
    out << "creg_transactions_refused_total{code=\"" << code << "\"} " << count << "\n";
  }
  counter("creg_commit_groups_total", "Group commits (one synced write each).",
          stats.groups.load());
  {
    std::lock_guard lock(mu_);
    for (size_t size : node_.pipeline.TakeGroupSizes()) {
      size_t bucket = 1;
      while (bucket < size) bucket *= 4;
      ++group_size_counts_[bucket];
    }
    out << "# HELP creg_commit_group_size Transactions per group commit.\n# TYPE "
           "creg_commit_group_size histogram\n";
    uint64_t cumulative = 0;
    for (const auto& [bound, count] : group_size_counts_) {
      cumulative += count;
      out << "creg_commit_group_size_bucket{le=\"" << bound << "\"} " << cumulative << "\n";
    }
    out << "creg_commit_group_size_bucket{le=\"+Inf\"} " << cumulative << "\n";
  }
  out << commit_latency_.Render(
      "creg_commit_latency_seconds",
      "Time from receiving a transaction to answering it committed or refused.");
  gauge("creg_tree_size", "Entries in the log.", node_.log.size());
  gauge("creg_open_connections", "Client connections open now.", node_.sessions.size());
  counter("creg_connections_refused_total", "Connections refused for exceeding max_connections.",
          node_.counters.connections_refused.load());
  counter("creg_bad_frames_total",
          "Frames that closed their connection: oversized, undecodable, or a request with id 0.",
          node_.counters.bad_frames.load());
  gauge("creg_subscriptions", "Subscriptions open now.", node_.head_watch.subscriptions());
  counter("creg_subscriptions_refused_total",
          "Subscribe requests refused for exceeding a subscription cap.",
          node_.counters.subscriptions_refused.load());
  gauge("creg_head_watch_waiters",
        "Sessions waiting for the log to grow (at most one per session with subscriptions).",
        node_.head_watch.waiters());
  counter("creg_tls_handshakes_failed_total",
          "TLS handshakes that failed or did not finish within the read timeout.",
          node_.counters.tls_handshakes_failed.load());
  counter("creg_sign_ins_total", "Sign-ins that succeeded.", node_.counters.sign_ins.load());
  counter("creg_sign_ins_refused_total",
          "Sign-ins refused: bad signature, unknown or inactive account, wrong origin, no or "
          "stale challenge.",
          node_.counters.sign_ins_refused.load());
  counter("creg_sign_ins_rate_limited_total",
          "Sign-ins refused for exceeding the per-connection or per-address rate limit.",
          node_.counters.sign_ins_rate_limited.load());
  RenderPublication(out);
  RenderReplication(out);
  counter("creg_quarantined_entries_total",
          "Entries the data folder holds in quarantine/, cut from the log's tail because no "
          "checkpoint of the registry covered them (counted when the node opened).",
          node_.quarantined_entries);
  gauge("creg_accepting_writes",
        "1 while the node accepts transactions; 0 after a storage fault, and on a mirror.",
        node_.follower == nullptr && node_.pipeline.accepting_writes() ? 1 : 0);
  std::ostringstream cpu;
  cpu << std::fixed << std::setprecision(6) << ProcessCpuSeconds();
  out << "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n"
      << "# TYPE process_cpu_seconds_total counter\n"
      << "process_cpu_seconds_total " << cpu.str() << "\n";
  return out.str();
}

}  // namespace creg
