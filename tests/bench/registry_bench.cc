// Registry benchmarks (docs/benchmarks.md):
//   - transactions applied per second, signature check excluded and included;
//   - a transfer by quantity when the holder owns 1,000 versus 1,000,000
//     blocks (the cost must not grow with the number of blocks).
//
//   build/tests/bench/creg_registry_bench --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true
//
// The store is not synced here: what is measured is the rules and state
// work; the synced write is measured by creg_ledger_bench and creg-bench.
#include <benchmark/benchmark.h>

#include <memory>

#include "ledger/registry/transaction.h"
#include "tests/support/registry_fixture.h"

namespace creg {
namespace {

using testing::IsAccepted;
using testing::RegistryHarness;

constexpr uint64_t kBigBatch = 100'000'000;

// A registry where "holder" holds batch 1 of kBigBatch credits.
struct Funded {
  testing::TempDir dir;
  RegistryHarness h{dir};
  Funded() {
    h.OpenAccount("holder");
    h.OpenAccount("receiver");
    h.RegisterProject("bench-project-1", "holder");
    h.Issue("bench-project-1", kBigBatch, "holder", "VR-BENCH-1");
  }
};

std::vector<PreparedTransaction> PrepareTransfers(RegistryHarness& h, size_t n, bool verify_now) {
  std::vector<PreparedTransaction> txs;
  txs.reserve(n);
  PublicKey key = h.KeyOf("holder").public_key();
  for (size_t i = 0; i < n; ++i) {
    pb::TransactionBody body = h.Body();
    body.mutable_transfer()->set_from_account("holder");
    body.mutable_transfer()->set_to_account("receiver");
    body.mutable_transfer()->mutable_credits()->set_batch(1);
    body.mutable_transfer()->mutable_credits()->set_quantity(1);
    auto prepared = PrepareTransaction(SignTransaction(body, "holder", h.KeyOf("holder")));
    PreparedTransaction tx = std::move(std::get<PreparedTransaction>(prepared));
    if (verify_now) static_cast<void>(VerifyTransactionSignature(tx, key));
    txs.push_back(std::move(tx));
  }
  return txs;
}

// Applies groups of 1,000 transfers. Arg 0: signatures checked beforehand
// (as the node's verify workers do), so the sequencer skips them; arg 1:
// the registry checks each signature itself.
void BM_ApplyTransfers(benchmark::State& state) {
  const bool check_signatures = state.range(0) == 1;
  constexpr size_t kGroup = 1000;
  Funded f;
  uint64_t applied = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<PreparedTransaction> txs = PrepareTransfers(f.h, kGroup, !check_signatures);
    state.ResumeTiming();
    Registry::Group group = f.h.registry().BeginGroup();
    for (PreparedTransaction& tx : txs) {
      auto verdict = f.h.registry().Apply(group, std::move(tx), 1'800'000'000'000'000);
      if (!verdict.ok() || !IsAccepted(*verdict)) state.SkipWithError("transfer refused");
    }
    if (!f.h.registry().Commit(std::move(group)).ok()) state.SkipWithError("commit failed");
    applied += kGroup;
  }
  state.SetItemsProcessed(static_cast<int64_t>(applied));
}
BENCHMARK(BM_ApplyTransfers)->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond);

// "holder" ends up owning `blocks` separate single-credit blocks: every
// other serial of the first 2 * blocks went to "receiver".
std::unique_ptr<Funded> Fragmented(uint64_t blocks) {
  auto f = std::make_unique<Funded>();
  constexpr uint64_t kPerTransaction = 10'000;
  for (uint64_t start = 0; start < blocks; start += kPerTransaction) {
    std::vector<pb::SerialBlock> moved;
    for (uint64_t i = start; i < std::min(blocks, start + kPerTransaction); ++i) {
      moved.push_back(testing::Serials(1, 2 * i + 2, 2 * i + 2));
    }
    if (!IsAccepted(f->h.TransferBlocks("holder", "receiver", moved))) return nullptr;
  }
  // Let the LSM tree settle so background compaction does not run during
  // the measurement.
  if (!f->h.store().CompactAll().ok()) return nullptr;
  return f;
}

// One transfer of 1 credit by quantity from a holder with `blocks` blocks.
void BM_TransferFromFragmentedHolding(benchmark::State& state) {
  const uint64_t blocks = static_cast<uint64_t>(state.range(0));
  std::unique_ptr<Funded> f = Fragmented(blocks);
  if (f == nullptr) {
    state.SkipWithError("could not fragment the holding");
    return;
  }
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<PreparedTransaction> txs = PrepareTransfers(f->h, 1, true);
    state.ResumeTiming();
    Registry::Group group = f->h.registry().BeginGroup();
    auto verdict = f->h.registry().Apply(group, std::move(txs[0]), 1'800'000'000'000'000);
    if (!verdict.ok() || !IsAccepted(*verdict)) state.SkipWithError("transfer refused");
    if (!f->h.registry().Commit(std::move(group)).ok()) state.SkipWithError("commit failed");
  }
  state.counters["blocks_held"] = static_cast<double>(blocks);
}
BENCHMARK(BM_TransferFromFragmentedHolding)
    ->Arg(1000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMicrosecond)
    ->Iterations(500);

}  // namespace
}  // namespace creg

BENCHMARK_MAIN();
