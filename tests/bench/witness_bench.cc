// Witness benchmark: add-checkpoint requests a witness (tools/witness/
// witness.h) answers per second on one thread, for a log that grows by
// 1,000 entries per checkpoint, each request with its consistency proof,
// the log's signature to check and the new state synced before the
// cosignature. The reference, measured in the same run, is the durable
// state write alone (a 4 KiB record written in place and fdatasynced, as
// tools/witness/witness_store.h does), which bounds any witness that syncs
// before answering.
// See docs/benchmarks.md.
//
//   build/tests/bench/creg_witness_bench --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true
//
// CREG_BENCH_WITNESS_DIR puts the witness's state there (default: a new
// folder under the system's temporary folder); /dev/shm shows the cost
// without the disk.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/synthetic_log.h"
#include "tests/support/temp_dir.h"
#include "tools/witness/witness.h"

namespace creg {
namespace {

constexpr uint64_t kEntriesPerCheckpoint = 1000;
// Checkpoints prepared; the witness starts over (clock paused) after them.
constexpr uint64_t kCheckpoints = 400;
constexpr char kOrigin[] = "bench.example/log";

// A folder for state files, removed afterwards.
class StateDir {
 public:
  StateDir() {
    const char* base = std::getenv("CREG_BENCH_WITNESS_DIR");
    if (base == nullptr || *base == '\0') {
      temp_ = std::make_unique<testing::TempDir>();
      path_ = temp_->Sub("witness");
    } else {
      path_ = std::string(base) + "/creg-witness-bench-" + std::to_string(::getpid());
    }
    std::filesystem::create_directories(path_);
  }
  ~StateDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::unique_ptr<testing::TempDir> temp_;
  std::string path_;
};

// The add-checkpoint bodies of one log's first kCheckpoints checkpoints,
// each from the one before (the first from 0).
struct Requests {
  std::string log_key;
  std::vector<std::string> bodies;
};

const Requests& Prepared() {
  static const Requests* requests = [] {
    auto* r = new Requests;
    testing::SyntheticLog log(kOrigin);
    log.Append(kEntriesPerCheckpoint * kCheckpoints);
    r->log_key = log.VerifierKey();
    for (uint64_t i = 0; i < kCheckpoints; ++i) {
      r->bodies.push_back(
          log.AddCheckpoint(i * kEntriesPerCheckpoint, (i + 1) * kEntriesPerCheckpoint));
    }
    return r;
  }();
  return *requests;
}

std::unique_ptr<witness::Witness> NewWitness(const std::string& dir, const Requests& requests) {
  std::filesystem::remove_all(dir + "/logs");
  CosignatureSigner signer =
      CosignatureSigner::Create("bench.example/witness", PrivateKey::Generate().value()).value();
  std::vector<NoteVerifier> logs = {NoteVerifier::FromVerifierKey(requests.log_key).value()};
  return witness::Witness::Create(std::move(signer), std::move(logs),
                                  witness::WitnessStore::Open(dir).value())
      .value();
}

void BM_WitnessAddCheckpoint(benchmark::State& state) {
  const Requests& requests = Prepared();
  StateDir dir;
  std::unique_ptr<witness::Witness> witness = NewWitness(dir.path(), requests);
  size_t next = 0;
  int64_t cosigned = 0;
  for (auto _ : state) {
    if (next == requests.bodies.size()) {
      state.PauseTiming();
      witness = NewWitness(dir.path(), requests);
      next = 0;
      state.ResumeTiming();
    }
    const http::Answer answer = witness->AddCheckpoint(requests.bodies[next++]);
    if (answer.status != 200) {
      state.SkipWithError(
          ("answered " + std::to_string(answer.status) + ": " + answer.body).c_str());
      break;
    }
    ++cosigned;
  }
  state.SetItemsProcessed(cosigned);
  state.counters["proof_lines"] = static_cast<double>(
      std::count(requests.bodies[1].begin(), requests.bodies[1].end(), '\n') - 7);
}
BENCHMARK(BM_WitnessAddCheckpoint)->UseRealTime();

// The reference: the state write alone, one 4 KiB record overwritten in
// place and fdatasynced, in the same folder.
void BM_SyncedRecordWrite(benchmark::State& state) {
  StateDir dir;
  const std::string path = dir.path() + "/record";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  const std::string record(4096, 'r');
  if (fd < 0 || ::pwrite(fd, record.data(), record.size(), 0) < 0 || ::fsync(fd) != 0) {
    state.SkipWithError("cannot make the file");
    return;
  }
  for (auto _ : state) {
    if (::pwrite(fd, record.data(), record.size(), 0) != static_cast<ssize_t>(record.size()) ||
        ::fdatasync(fd) != 0) {
      state.SkipWithError("write failed");
    }
  }
  ::close(fd);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SyncedRecordWrite)->UseRealTime();

}  // namespace
}  // namespace creg

BENCHMARK_MAIN();
