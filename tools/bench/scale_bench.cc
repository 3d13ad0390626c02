#include "tools/bench/scale_bench.h"

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "ledger/keys.h"
#include "tools/audit/common.h"
#include "tools/bench/cregd_process.h"
#include "tools/bench/scale_measure.h"
#include "tools/bench/scale_registry.h"
#include "tools/bench/scale_workload.h"

namespace creg::bench {
namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr uint64_t kMinEntries = 1'000;
constexpr uint64_t kMaxEntries = 1'000'000'000;
// In DIR: written when DIR is made (so that only a folder this benchmark
// made is ever emptied), and when both registries are whole.
constexpr char kOwnMarker[] = "creg-bench-scale";
constexpr char kDoneMarker[] = "built";

// The folder's layout: DIR/tenth holds N/10 entries, DIR/full N.
struct Layout {
  fs::path root;
  DataDir tenth{""};
  DataDir full{""};
  explicit Layout(const std::string& dir)
      : root(dir), tenth((root / "tenth").string()), full((root / "full").string()) {}
};

int Fail(const std::string& what) {
  std::cerr << "creg-bench scale: " << what << "\n";
  return 3;
}

// Plans (without applying) until the plan has handed out the transactions
// of a log of `entries` entries (the first is `cregd init`'s).
void Replay(ScalePlan& plan, uint64_t& planned_to, uint64_t entries) {
  while (planned_to < entries) {
    const uint64_t n = std::min<uint64_t>(65536, entries - planned_to);
    plan.Next(static_cast<size_t>(n));
    planned_to += n;
  }
}

std::string Number(double v) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(v < 10 ? 3 : (v < 1000 ? 1 : 0)) << v;
  return out.str();
}

void PrintGrowth(const std::vector<Figure>& small, const std::vector<Figure>& large,
                 uint64_t small_n, uint64_t large_n) {
  std::map<std::string, double> at_small;
  for (const Figure& f : small) at_small[f.name] = f.value;
  std::cout << "\ngrowth from N/10 to N (ratio = figure at " << large_n << " / figure at "
            << small_n << "):\n"
            << "  " << std::left << std::setw(47) << "figure" << std::right << std::setw(14)
            << "at N/10" << std::setw(14) << "at N" << std::setw(9) << "ratio"
            << "  unit\n";
  for (const Figure& f : large) {
    auto it = at_small.find(f.name);
    if (it == at_small.end()) continue;
    std::ostringstream ratio;
    ratio << std::fixed << std::setprecision(2) << (it->second != 0 ? f.value / it->second : 0);
    std::cout << "  growth " << std::left << std::setw(40) << f.name << std::right << std::setw(14)
              << Number(it->second) << std::setw(14) << Number(f.value) << std::setw(9)
              << ratio.str() << "  " << f.unit << "\n";
  }
}

}  // namespace

void AddScaleBenchFlags(CLI::App& app, ScaleBenchFlags& flags) {
  cmdline::AddNumber(app, "--entries", flags.entries,
                     "entries of the registry (at least 1,000); N/10 is measured first");
  app.add_option("--data", flags.data,
                 "folder for the two registries (DIR/tenth, DIR/full); reused when it holds "
                 "them whole; default /tmp/creg-scale-N")
      ->type_name("DIR");
  app.add_option("--cregd", flags.cregd,
                 "the cregd to measure; default the one beside creg-bench, in its build tree "
                 "(../../node/cregd) or on PATH")
      ->type_name("PATH");
  app.add_option("--creg", flags.creg,
                 "the creg that exports; default found as cregd is (../../tools/cli/creg)")
      ->type_name("PATH");
  cmdline::AddNumber(app, "--queries", flags.queries, "timed requests of each query kind");
  cmdline::AddNumber(app, "--jobs", flags.jobs,
                     "signing threads and verify-log --jobs; 0: one per core");
}

int RunScaleBench(const ScaleBenchFlags& flags) {
  const auto run_start = Clock::now();
  const uint64_t n = flags.entries;
  if (n < kMinEntries || n > kMaxEntries) {
    std::cerr << "creg-bench scale: --entries must be 1000 to 1000000000, not " << n << "\n";
    return 2;
  }
  if (flags.queries == 0) {
    std::cerr << "creg-bench scale: --queries must be at least 1\n";
    return 2;
  }
  MeasureSetup setup;
  setup.queries = flags.queries;
  setup.jobs = flags.jobs != 0 ? static_cast<size_t>(flags.jobs) : audit::DefaultJobs();
  {
    auto cregd =
        flags.cregd.empty() ? FindProgram("cregd", "node") : StatusOr<std::string>(flags.cregd);
    if (!cregd.ok()) return Fail(cregd.status().message() + "; give --cregd PATH");
    auto creg =
        flags.creg.empty() ? FindProgram("creg", "tools/cli") : StatusOr<std::string>(flags.creg);
    if (!creg.ok()) return Fail(creg.status().message() + "; give --creg PATH");
    for (const std::string* p : {&*cregd, &*creg}) {
      if (access(p->c_str(), X_OK) != 0) return Fail(*p + " is not an executable program");
    }
    setup.cregd = *cregd;
    setup.creg = *creg;
  }
  const std::string dir = flags.data.empty() ? "/tmp/creg-scale-" + std::to_string(n) : flags.data;
  Layout layout(dir);
  setup.log_path = (layout.root / "cregd.log").string();
  const uint64_t tenth_n = n / 10;

  // The folder: reused when whole, emptied when this benchmark made it,
  // refused otherwise.
  std::error_code ec;
  StatusOr<std::string> built = ReadFile((layout.root / kDoneMarker).string());
  const bool done = built.ok() && *built == std::to_string(n) + "\n" &&
                    fs::exists(layout.tenth.db_path(), ec) && fs::exists(layout.full.db_path(), ec);
  if (!done) {
    if (fs::exists(layout.root, ec) && !fs::is_empty(layout.root, ec) &&
        !fs::exists(layout.root / kOwnMarker, ec)) {
      return Fail(dir +
                  " holds files creg-bench scale did not make; give --data a new or "
                  "empty folder");
    }
    fs::remove_all(layout.root, ec);
    fs::create_directories(layout.root, ec);
    if (ec) return Fail("cannot make " + dir + ": " + ec.message());
    if (Status s = WriteFileAtomically((layout.root / kOwnMarker).string(),
                                       "made by creg-bench scale; may be removed\n");
        !s.ok()) {
      return Fail("cannot write in " + dir + ": " + s.message());
    }
  }
  const ScaleShape shape = ScaleShape::For(n);
  const size_t threads = setup.jobs;
  std::cout << "creg-bench scale: N = " << n << " entries, measured at N/10 = " << tenth_n
            << " and at N, in " << dir << "\n"
            << "  mix: " << shape.accounts << " accounts, " << shape.projects << " projects, "
            << shape.beneficiaries
            << " beneficiaries; 2% issuances, 60% transfers (a sixth to the broker), 30% "
               "retirements, 8% account events\n"
            << "  node: " << setup.cregd << " --read-policy public-log on 127.0.0.1:0; "
            << "exports: " << setup.creg << "\n"
            << std::flush;

  FillReport tenth_fill, full_fill;
  uint64_t planned_to = 1;  // cregd init's entry
  std::optional<ScalePlan> plan;
  auto make_plan = [&](const DataDir& keys_from) -> Status {
    CREG_ASSIGN_OR_RETURN(PrivateKey operator_key,
                          PrivateKey::LoadFile(keys_from.operator_key_path()));
    CREG_ASSIGN_OR_RETURN(ScalePlan made, ScalePlan::Create(shape, kScaleOrigin, "operator",
                                                            std::move(operator_key), 1));
    plan.emplace(std::move(made));
    return OkStatus();
  };
  if (done) {
    std::cout << "reusing the registries in " << dir << "\n";
    if (Status s = make_plan(layout.tenth); !s.ok()) return Fail(s.ToString());
    Replay(*plan, planned_to, tenth_n);
  } else {
    std::cout << "building " << tenth_n << " entries in " << layout.tenth.root() << "...\n"
              << std::flush;
    auto made = ScaleRegistry::Init(layout.tenth);
    if (!made.ok())
      return Fail("cannot make " + layout.tenth.root() + ": " + made.status().ToString());
    if (Status s = make_plan(layout.tenth); !s.ok()) return Fail(s.ToString());
    auto filled = (*made)->FillTo(*plan, tenth_n, threads);
    if (!filled.ok()) return Fail("building failed: " + filled.status().ToString());
    tenth_fill = *filled;
    planned_to = (*made)->size();
    if (Status s = (*made)->Close(); !s.ok()) return Fail(s.ToString());
    // The larger registry grows from a copy of this one, made before the
    // measures change it.
    fs::copy(layout.tenth.root(), layout.full.root(), fs::copy_options::recursive, ec);
    if (ec) return Fail("cannot copy " + layout.tenth.root() + ": " + ec.message());
  }

  std::cout << "\nat N/10 (" << layout.tenth.root() << "):\n" << std::flush;
  auto small = MeasureRegistry(layout.tenth, *plan, tenth_fill, setup);
  if (!small.ok()) return Fail("measuring at N/10: " + small.status().ToString());

  if (done) {
    Replay(*plan, planned_to, n);
  } else {
    std::cout << "\ngrowing " << layout.full.root() << " to " << n << " entries...\n" << std::flush;
    auto grown = ScaleRegistry::Open(layout.full);
    if (!grown.ok()) return Fail(grown.status().ToString());
    auto filled = (*grown)->FillTo(*plan, n, threads);
    if (!filled.ok()) return Fail("building failed: " + filled.status().ToString());
    full_fill = *filled;
    full_fill.peak_wal_bytes = std::max(full_fill.peak_wal_bytes, tenth_fill.peak_wal_bytes);
    if (Status s = (*grown)->Close(); !s.ok()) return Fail(s.ToString());
    if (Status s =
            WriteFileAtomically((layout.root / kDoneMarker).string(), std::to_string(n) + "\n");
        !s.ok()) {
      return Fail(s.ToString());
    }
  }
  std::cout << "\nat N (" << layout.full.root() << "):\n" << std::flush;
  auto large = MeasureRegistry(layout.full, *plan, full_fill, setup);
  if (!large.ok()) return Fail("measuring at N: " + large.status().ToString());

  PrintGrowth(*small, *large, tenth_n, n);
  const MixCounts& c = plan->counts();
  std::cout << "\nplanned: " << c.setup << " setup, " << c.issuances << " issuances, "
            << c.transfers << " transfers (" << c.to_broker << " to the broker, its separate "
            << "blocks), " << c.retirements << " retirements, " << c.account_events
            << " account events\n"
            << "whole run: "
            << static_cast<uint64_t>(
                   std::chrono::duration<double>(Clock::now() - run_start).count())
            << " s\n";
  return 0;
}

}  // namespace creg::bench
