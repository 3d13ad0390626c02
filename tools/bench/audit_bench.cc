#include "tools/bench/audit_bench.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ledger/data_dir.h"
#include "ledger/merkle.h"
#include "ledger/registry/registry.h"
#include "tools/audit/commands.h"
#include "tools/audit/common.h"
#include "tools/audit/findings.h"
#include "tools/audit/log_checker.h"
#include "tools/audit/log_scan.h"
#include "tools/audit/progress.h"
#include "tools/bench/audit_log.h"
#include "tools/bench/workload.h"

namespace creg::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Entry bytes hashed in memory for the SHA-256 reference.
constexpr size_t kHashSample = 100'000;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string Rate(double per_second) {
  std::ostringstream out;
  if (per_second >= 1e6) {
    out.precision(3);
    out << per_second / 1e6 << "M/s";
  } else {
    out.precision(1);
    out << std::fixed << per_second / 1e3 << "k/s";
  }
  return out.str();
}

StatusOr<std::unique_ptr<Store>> OpenReadOnly(const DataDir& dir) {
  StoreOptions options;
  options.read_only = true;
  return Store::Open(dir.db_path(), options, Registry::ColumnNames());
}

StatusOr<uint64_t> LogSize(const DataDir& dir) {
  CREG_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenReadOnly(dir));
  CREG_ASSIGN_OR_RETURN(std::unique_ptr<Registry> registry, Registry::Open(store.get(), {}));
  return registry->log().size();
}

// The bytes of the first `n` entries.
StatusOr<std::vector<std::string>> SampleEntries(const DataDir& dir, size_t n) {
  CREG_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenReadOnly(dir));
  CREG_ASSIGN_OR_RETURN(ColumnId entries, store->Column("log.entries"));
  std::vector<std::string> out;
  CREG_RETURN_IF_ERROR(store->Scan(entries, "", "", [&](std::string_view, std::string_view value) {
    out.emplace_back(value);
    return out.size() < n;
  }));
  return out;
}

// Leaf hashes per second over `sample`, for about half a second.
double HashRate(const std::vector<std::string>& sample) {
  unsigned sink = 0;  // every hash is used, so none is optimized away
  uint64_t done = 0;
  auto start = Clock::now();
  do {
    for (const std::string& bytes : sample) sink += merkle::LeafHash(bytes).view()[0];
    done += sample.size();
  } while (Seconds(start) < 0.5);
  double rate = static_cast<double>(done) / Seconds(start);
  return rate + static_cast<double>(sink % 2) * 1e-9;
}

struct Rates {
  double rate = 0;      // entries per second of wall time
  double cpu_rate = 0;  // entries per CPU-second (all threads)
};

// The hash-and-tree checks alone (the scan reads on a thread of its own).
StatusOr<Rates> TreeRate(const DataDir& dir, uint64_t size) {
  CREG_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenReadOnly(dir));
  std::ostringstream report;
  audit::Findings findings(report, false);
  audit::LogChecker checker(findings, size);
  audit::Progress progress(size);
  std::clock_t cpu_start = std::clock();
  auto start = Clock::now();
  CREG_RETURN_IF_ERROR(audit::ScanLog(*store, checker, findings, nullptr, progress).status());
  double seconds = Seconds(start);
  double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  if (findings.count() != 0 || checker.size() != size)
    return DataLossError("the hash-and-tree checks failed:\n" + report.str());
  return Rates{static_cast<double>(size) / seconds, static_cast<double>(size) / cpu_seconds};
}

// verify-log --data DIR --jobs J in process, its report kept from stdout.
StatusOr<Rates> VerifyLogRate(const DataDir& dir, uint64_t size, size_t jobs) {
  std::ostringstream report;
  std::streambuf* stdout_buf = std::cout.rdbuf(report.rdbuf());
  std::clock_t cpu_start = std::clock();
  auto start = Clock::now();
  audit::VerifyLogFlags flags;
  flags.data = dir.root();
  flags.jobs = jobs;
  int code = audit::RunVerifyLog(flags);
  double seconds = Seconds(start);
  double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  std::cout.rdbuf(stdout_buf);
  if (code != audit::kExitVerified)
    return DataLossError("verify-log did not verify the log:\n" + report.str());
  return Rates{static_cast<double>(size) / seconds, static_cast<double>(size) / cpu_seconds};
}

}  // namespace

AuditBenchFlags::AuditBenchFlags() : jobs(audit::DefaultJobs()) {}

void AddAuditBenchFlags(CLI::App& app, AuditBenchFlags& flags) {
  cmdline::AddNumber(app, "--entries", flags.entries, "signed transfers in the log")
      ->envname("CREG_BENCH_AUDIT_ENTRIES");
  app.add_option("--data", flags.data, "the log's folder; default /tmp/creg-audit-bench-N")
      ->type_name("DIR");
  cmdline::AddNumber(app, "--jobs", flags.jobs, "verify-log --jobs; one per core");
  cmdline::AddNumber(app, "--repetitions", flags.repetitions, "runs of each measure");
  // Only SHA-256 and the hash-and-tree pass: quick, and what a profile of
  // that pass wants.
  app.add_flag("--tree-only", flags.tree_only, "only the SHA-256 and hash-and-tree figures");
}

int RunAuditBench(const AuditBenchFlags& flags) {
  const uint64_t entries = flags.entries;
  DataDir dir(flags.data.empty() ? "/tmp/creg-audit-bench-" + std::to_string(entries) : flags.data);
  const size_t jobs = flags.jobs;
  const size_t repetitions = flags.repetitions;
  const bool tree_only = flags.tree_only;
  if (entries == 0 || jobs == 0 || repetitions == 0) {
    std::cerr << "creg-bench audit: --entries, --jobs and --repetitions must be positive\n";
    return 2;
  }
  if (!std::filesystem::exists(dir.db_path())) {
    std::cout << "making a log of " << entries << " signed transfers in " << dir.root() << "...\n";
    auto start = Clock::now();
    if (Status made = MakeAuditLog(dir, entries, audit::DefaultJobs()); !made.ok()) {
      std::cerr << "creg-bench audit: cannot make the log: " << made.ToString() << "\n";
      return 3;
    }
    std::cout << "made in " << static_cast<int>(Seconds(start)) << " s\n";
  }
  StatusOr<uint64_t> size = LogSize(dir);
  StatusOr<std::vector<std::string>> sample =
      size.ok() ? SampleEntries(dir, kHashSample)
                : StatusOr<std::vector<std::string>>(size.status());
  if (!sample.ok() || sample->empty()) {
    std::cerr << "creg-bench audit: cannot read the log in " << dir.root() << ": "
              << (sample.ok() ? "it is empty" : sample.status().ToString()) << "\n";
    return 3;
  }
  size_t cores = std::min<size_t>(jobs, audit::DefaultJobs());
  std::cout << "log: " << *size << " entries in " << dir.root() << "; verify-log --jobs " << jobs
            << " on " << audit::DefaultJobs() << " cores\n";

  std::vector<double> verify, verify_all, openssl, openssl_all, hash, tree, tree_cpu, e2e, e2e_cpu;
  for (size_t r = 0; r < repetitions; ++r) {
    if (tree_only) {
      hash.push_back(HashRate(*sample));
      StatusOr<Rates> tree_rate = TreeRate(dir, *size);
      if (!tree_rate.ok()) {
        std::cerr << "creg-bench audit: " << tree_rate.status().ToString() << "\n";
        return 1;
      }
      tree.push_back(tree_rate->rate);
      tree_cpu.push_back(tree_rate->cpu_rate);
      std::cout << "run " << r + 1 << ": hash-and-tree " << Rate(tree.back()) << " ("
                << Rate(tree_cpu.back()) << " per CPU-second), SHA-256 " << Rate(hash.back())
                << "\n";
      continue;
    }
    verify.push_back(MeasureVerifyRate());
    verify_all.push_back(MeasureVerifyRateOnThreads(cores));
    openssl.push_back(MeasureOpensslVerifyRateOnThreads(1));
    openssl_all.push_back(MeasureOpensslVerifyRateOnThreads(cores));
    hash.push_back(HashRate(*sample));
    StatusOr<Rates> tree_rate = TreeRate(dir, *size);
    StatusOr<Rates> end_to_end =
        tree_rate.ok() ? VerifyLogRate(dir, *size, jobs) : StatusOr<Rates>(tree_rate.status());
    if (!end_to_end.ok()) {
      std::cerr << "creg-bench audit: " << end_to_end.status().ToString() << "\n";
      return 1;
    }
    tree.push_back(tree_rate->rate);
    tree_cpu.push_back(tree_rate->cpu_rate);
    e2e.push_back(end_to_end->rate);
    e2e_cpu.push_back(end_to_end->cpu_rate);
    std::cout << "run " << r + 1 << ": verify-log " << Rate(e2e.back()) << " ("
              << Rate(e2e_cpu.back()) << " per CPU-second), hash-and-tree " << Rate(tree.back())
              << " (" << Rate(tree_cpu.back()) << " per CPU-second)"
              << ", SHA-256 " << Rate(hash.back()) << ", Ed25519 verify on one core "
              << Rate(verify.back()) << " (OpenSSL " << Rate(openssl.back()) << "), on " << cores
              << " at once " << Rate(verify_all.back()) << " (OpenSSL " << Rate(openssl_all.back())
              << ")\n";
  }
  if (tree_only) {
    const double t = Median(tree);
    std::cout << "\nmedians of " << repetitions << " runs, " << *size << " entries:\n"
              << "  SHA-256 of the entry bytes           " << Rate(Median(hash)) << "\n"
              << "  hash-and-tree checks alone           " << Rate(t) << "  ("
              << Rate(Median(tree_cpu))
              << " per CPU-second; goal >= 1M/s: " << (t >= 1e6 ? "met" : "not met") << ")\n";
    return 0;
  }
  const double v = Median(verify), all = Median(verify_all), e = Median(e2e), t = Median(tree);
  // The goal: verify-log at 0.6 x libsodium's all-core verification rate
  // (docs/benchmarks.md).
  constexpr double kGoalRatio = 0.6;
  const double goal = kGoalRatio * all;
  const std::string on_cores = std::to_string(cores) + " core" + (cores == 1 ? "" : "s");
  std::cout << "\nmedians of " << repetitions << " runs, " << *size << " entries:\n"
            << "  Ed25519 verify, one core (libsodium) " << Rate(v) << "  (OpenSSL "
            << Rate(Median(openssl)) << "; libsodium / OpenSSL " << v / Median(openssl) << ")\n"
            << "  Ed25519 verify, " << on_cores << " at once     " << Rate(all) << "  (" << all / v
            << " x one core; OpenSSL " << Rate(Median(openssl_all)) << ", libsodium / OpenSSL "
            << all / Median(openssl_all) << ")\n"
            << "  SHA-256 of the entry bytes           " << Rate(Median(hash)) << "\n"
            << "  hash-and-tree checks alone           " << Rate(t) << "  ("
            << Rate(Median(tree_cpu))
            << " per CPU-second; goal >= 1M/s: " << (t >= 1e6 ? "met" : "not met") << ")\n"
            << "  verify-log end to end, --jobs " << jobs << "      " << Rate(e) << "  ("
            << Rate(Median(e2e_cpu)) << " per CPU-second)\n"
            << "  per CPU-second / one core's signature checks: " << Median(e2e_cpu) / v
            << "  (the share of its CPU time spent on them;\n"
            << "    the ratios below reach it when both cores are the audit's alone)\n"
            << "  ratio to " << cores
            << " x one core's signature checks: " << e / (static_cast<double>(cores) * v) << "\n"
            << "  ratio to the signature checks alone on " << on_cores << ": " << e / all
            << "  (goal >= " << kGoalRatio << ", " << Rate(goal) << ": "
            << (e >= goal ? "met" : "not met") << ")\n";
  // The same in CPU time per entry: what a signature check costs while
  // every core checks them, and what the goal leaves for the rest.
  const double cpu_us = 1e6 / Median(e2e_cpu);
  const double signature_us = 1e6 * static_cast<double>(cores) / all;
  std::cout << "  CPU per entry: " << cpu_us << " us, of which about " << signature_us
            << " us the signature check and " << cpu_us - signature_us
            << " us the rest; the goal leaves " << signature_us / kGoalRatio - signature_us
            << " us for the rest, with every core busy throughout\n";
  return 0;
}

}  // namespace creg::bench
