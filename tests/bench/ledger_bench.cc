// Ledger benchmarks: appends against raw synced RocksDB writes of the same
// size, and proof generation on a large log. See docs/benchmarks.md.
//
//   build/tests/bench/creg_ledger_bench --benchmark_repetitions=9
//       --benchmark_report_aggregates_only=true
//
// CREG_BENCH_PROOF_ENTRIES sets the log size for the proof benchmarks
// (default 1,000,000). Their log is built at their first repetition, which
// the random interleaving (below) may put among the appends' repetitions:
// measure appends with --benchmark_filter='Raw|LogAppend'.
#include <benchmark/benchmark.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ledger/encoding.h"
#include "ledger/log_entry.h"
#include "ledger/merkle.h"
#include "ledger/merkle_log.h"
#include "tests/support/log_fixture.h"

namespace creg {
namespace {

constexpr size_t kPayloadBytes = 300;

std::string Payload(uint64_t i) {
  std::string p(kPayloadBytes, 'x');
  std::string n = std::to_string(i);
  p.replace(0, n.size(), n);
  return p;
}

// Both sides are timed storing bytes made beforehand (with the clock
// paused): the caller's making of keys, values or entries is not append
// work, and it is not the same work on both sides.

// Raw reference: `batch` puts of 300-byte values in one synced WriteBatch.
void BM_RawRocksDbSyncedWrite(benchmark::State& state) {
  const int batch_size = static_cast<int>(state.range(0));
  testing::TempDir dir;
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(options, dir.Sub("raw"), &raw).ok()) {
    state.SkipWithError("cannot open RocksDB");
    return;
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::WriteOptions write_options;
  write_options.sync = true;
  uint64_t next = 0;
  std::vector<std::pair<std::string, std::string>> records(static_cast<size_t>(batch_size));
  for (auto _ : state) {
    state.PauseTiming();
    for (auto& [key, value] : records) {
      key.clear();
      AppendBigEndian64(&key, next);
      value = Payload(next++);
    }
    state.ResumeTiming();
    rocksdb::WriteBatch batch;
    for (const auto& [key, value] : records) batch.Put(key, value).PermitUncheckedError();
    if (!db->Write(write_options, &batch).ok()) state.SkipWithError("write failed");
  }
  state.SetItemsProcessed(static_cast<int64_t>(next));
}
BENCHMARK(BM_RawRocksDbSyncedWrite)->Arg(1)->Arg(100)->Arg(1000)->UseRealTime();

// A LogEntry of exactly `bytes` bytes once encoded: the payload is padded
// to make up for the fields around it.
std::string EntryOfSize(uint64_t index, const Hash& prev, size_t bytes) {
  pb::LogEntry entry;
  entry.set_index(index);
  entry.set_timestamp_micros(NowMicros());
  entry.set_prev_hash(prev.str());
  entry.set_signed_transaction(Payload(index));
  // The payload's length prefix is two bytes at 300 and at the padded size.
  entry.mutable_signed_transaction()->resize(bytes - (entry.ByteSizeLong() - kPayloadBytes));
  return EncodeLogEntry(entry);
}

// Log appends: entries of 300 bytes (a LogEntry around a padded payload,
// the same size as the raw reference's values), chained, hashed, Merkle
// nodes and head written in one synced batch.
void BM_LogAppend(benchmark::State& state) {
  const int batch_size = static_cast<int>(state.range(0));
  testing::TempDir dir;
  StoreOptions options;
  options.create_if_missing = true;
  auto store = Store::Open(dir.Sub("log"), options, MerkleLog::ColumnNames());
  auto log = MerkleLog::Open(store->get(), LogEntryLinkReader());
  if (!log.ok()) {
    state.SkipWithError("cannot open log");
    return;
  }
  uint64_t appended = 0;
  Hash prev;  // the leaf hash the next entry names
  std::vector<std::string> entries(static_cast<size_t>(batch_size));
  for (auto _ : state) {
    state.PauseTiming();
    for (std::string& entry : entries) {
      entry = EntryOfSize(appended++, prev, kPayloadBytes);
      prev = merkle::LeafHash(entry);
    }
    state.ResumeTiming();
    MerkleLog::PendingAppend pending = (*log)->BeginAppend();
    for (const std::string& entry : entries) {
      if (!pending.Add(entry).ok()) state.SkipWithError("add failed");
    }
    if (!(*log)->Commit(std::move(pending)).ok()) state.SkipWithError("commit failed");
  }
  state.SetItemsProcessed(static_cast<int64_t>(appended));
  state.counters["entry_bytes"] = static_cast<double>(entries.front().size());
}
BENCHMARK(BM_LogAppend)->Arg(1)->Arg(100)->Arg(1000)->UseRealTime();

// A log of CREG_BENCH_PROOF_ENTRIES entries shared by the proof benchmarks.
class LargeLog {
 public:
  static LargeLog& Get() {
    static LargeLog instance;
    return instance;
  }
  MerkleLog& log() { return *log_; }

 private:
  LargeLog() {
    const char* env = std::getenv("CREG_BENCH_PROOF_ENTRIES");
    uint64_t entries = env != nullptr ? std::strtoull(env, nullptr, 10) : 1'000'000;
    StoreOptions options;
    options.create_if_missing = true;
    options.sync = false;  // Building the fixture; not what is measured.
    store_ = std::move(Store::Open(dir_.Sub("large"), options, MerkleLog::ColumnNames())).value();
    log_ = std::move(MerkleLog::Open(store_.get(), LogEntryLinkReader())).value();
    while (log_->size() < entries) {
      testing::AppendEntries(*log_, std::min<uint64_t>(10'000, entries - log_->size()),
                             kPayloadBytes);
    }
  }
  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<MerkleLog> log_;
};

void BM_InclusionProof(benchmark::State& state) {
  MerkleLog& log = LargeLog::Get().log();
  const uint64_t size = log.size();
  std::mt19937_64 rng(1);
  for (auto _ : state) {
    auto proof = log.InclusionProof(rng() % size, size);
    benchmark::DoNotOptimize(proof);
  }
  state.counters["tree_size"] = static_cast<double>(size);
}
BENCHMARK(BM_InclusionProof)->Unit(benchmark::kMicrosecond);

void BM_ConsistencyProof(benchmark::State& state) {
  MerkleLog& log = LargeLog::Get().log();
  const uint64_t size = log.size();
  std::mt19937_64 rng(2);
  for (auto _ : state) {
    auto proof = log.ConsistencyProof(1 + rng() % (size - 1), size);
    benchmark::DoNotOptimize(proof);
  }
  state.counters["tree_size"] = static_cast<double>(size);
}
BENCHMARK(BM_ConsistencyProof)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace creg

// Repetitions of the raw reference and of the log are interleaved at
// random unless the command line says otherwise: run one after the other,
// a change in the shared disk's fsync latency between the two would count
// as a difference between them.
int main(int argc, char** argv) {
  std::vector<char*> args(argv, argv + argc);
  bool interleaving_given = false;
  for (char* arg : args) {
    if (std::string_view(arg).starts_with("--benchmark_enable_random_interleaving")) {
      interleaving_given = true;
    }
  }
  char interleave[] = "--benchmark_enable_random_interleaving=true";
  if (!interleaving_given) args.push_back(interleave);
  int count = static_cast<int>(args.size());
  args.push_back(nullptr);  // argv[argc]
  benchmark::Initialize(&count, args.data());
  if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
