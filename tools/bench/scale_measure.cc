#include "tools/bench/scale_measure.h"

#include <signal.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>

#include "client/client.h"
#include "ledger/data_dir.h"
#include "ledger/log_entry.h"
#include "ledger/registry/transaction.h"
#include "tools/audit/commands.h"
#include "tools/audit/common.h"
#include "tools/bench/cregd_process.h"
#include "tools/bench/http_get.h"
#include "tools/bench/latency_stats.h"

namespace creg::bench {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kOpenTimeout{600'000};  // a node opening 10^7 entries after a crash
constexpr milliseconds kStopTimeout{600'000};
constexpr double kMiB = 1024.0 * 1024.0;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

void Print(const Figure& f) {
  std::ostringstream value;
  value << std::fixed << std::setprecision(f.value < 10 ? 3 : (f.value < 1000 ? 1 : 0)) << f.value;
  std::cout << "  " << std::left << std::setw(40) << f.name << std::right << std::setw(14)
            << value.str() << " " << std::left << std::setw(8) << f.unit << "  = " << f.formula
            << std::right << "\n"
            << std::flush;
}

class Figures {
 public:
  void Add(std::string name, double value, std::string unit, std::string formula) {
    list_.push_back(Figure{std::move(name), value, std::move(unit), std::move(formula)});
    Print(list_.back());
  }
  std::vector<Figure> Take() { return std::move(list_); }

 private:
  std::vector<Figure> list_;
};

// One kind of query and how to make a request of it.
struct QueryKind {
  const char* name;
  std::function<void(std::mt19937_64&, pb::Request&)> make;
};

std::vector<QueryKind> QueryKinds(const ScalePlan& plan, uint64_t tree_size) {
  return {
      {"status", [](std::mt19937_64&, pb::Request& r) { r.mutable_status(); }},
      {"account",
       [&plan](std::mt19937_64& g, pb::Request& r) {
         r.mutable_account()->set_account_id(plan.SomeAccount(g));
       }},
      {"holdings first page",
       [&plan](std::mt19937_64& g, pb::Request& r) {
         r.mutable_holdings()->set_account_id(plan.SomeAccount(g));
       }},
      {"batch first page",
       [&plan](std::mt19937_64& g, pb::Request& r) {
         r.mutable_batch()->set_batch(plan.SomeBatch(g));
       }},
      {"retirement",
       [&plan](std::mt19937_64& g, pb::Request& r) {
         r.mutable_retirement()->set_retirement_id(plan.SomeRetirement(g));
       }},
      {"retirements by beneficiary",
       [&plan](std::mt19937_64& g, pb::Request& r) {
         r.mutable_retirements()->set_beneficiary(plan.SomeBeneficiary(g));
       }},
      {"history first page",
       [&plan](std::mt19937_64& g, pb::Request& r) {
         r.mutable_history()->set_account_id(plan.SomeAccount(g));
       }},
      {"provenance of a serial",
       [&plan](std::mt19937_64& g, pb::Request& r) {
         auto [batch, serial] = plan.SomeMovedSerial(g);
         r.mutable_provenance()->set_batch(batch);
         r.mutable_provenance()->set_serial(serial);
       }},
      {"certificate",
       [&plan](std::mt19937_64& g, pb::Request& r) {
         r.mutable_certificate()->set_retirement_id(plan.SomeRetirement(g));
       }},
      {"inclusion proof",
       [tree_size](std::mt19937_64& g, pb::Request& r) {
         r.mutable_inclusion_proof()->set_index(g() % tree_size);
         r.mutable_inclusion_proof()->set_tree_size(tree_size);
       }},
  };
}

// One JSON API endpoint (docs/http.md) and how to make a target of it.
struct ApiKind {
  const char* name;
  std::function<std::string(std::mt19937_64&)> target;
};

std::string PercentEncoded(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::vector<ApiKind> ApiKinds(const ScalePlan& plan, uint64_t tree_size) {
  auto project = [&plan](std::mt19937_64& g) { return plan.SomeProject(g); };
  return {
      {"status", [](std::mt19937_64&) { return std::string("/api/v1/status"); }},
      {"projects", [](std::mt19937_64&) { return std::string("/api/v1/projects"); }},
      {"project", [project](std::mt19937_64& g) { return "/api/v1/projects/" + project(g); }},
      {"project batches",
       [project](std::mt19937_64& g) { return "/api/v1/projects/" + project(g) + "/batches"; }},
      {"batch",
       [&plan](std::mt19937_64& g) {
         return "/api/v1/batches/" + std::to_string(plan.SomeBatch(g));
       }},
      {"retirement",
       [&plan](std::mt19937_64& g) { return "/api/v1/retirements/" + plan.SomeRetirement(g); }},
      {"retirements by beneficiary",
       [&plan](std::mt19937_64& g) {
         return "/api/v1/retirements?beneficiary=" + PercentEncoded(plan.SomeBeneficiary(g));
       }},
      {"entry",
       [tree_size](std::mt19937_64& g) {
         return "/api/v1/entries/" + std::to_string(g() % tree_size);
       }},
      {"provenance",
       [&plan](std::mt19937_64& g) {
         auto [batch, serial] = plan.SomeMovedSerial(g);
         return "/api/v1/provenance/" + std::to_string(batch) + "/" + std::to_string(serial);
       }},
      {"serial",
       [&plan](std::mt19937_64& g) {
         auto [batch, serial] = plan.SomeMovedSerial(g);
         return "/api/v1/serials/" + std::to_string(batch) + ":" + std::to_string(serial);
       }},
      {"certificate",
       [&plan](std::mt19937_64& g) { return "/api/v1/certificates/" + plan.SomeRetirement(g); }},
  };
}

// GETs one target; the answer's size, or an error for anything but 200.
StatusOr<size_t> AskApi(HttpGetter& http, const std::string& target) {
  CREG_ASSIGN_OR_RETURN(HttpGetter::Answer answer, http.Get(target));
  if (answer.status != 200) {
    return UnavailableError("GET " + target + " answered " + std::to_string(answer.status) + " " +
                            answer.body.substr(0, 300));
  }
  return answer.body.size();
}

// Seconds from starting `node` until /api/v1/status answers 200 on `http`
// (the summary has read the log), polling every 10 ms for 10 minutes.
StatusOr<double> ApiReady(const CregdProcess& node, HttpGetter& http) {
  const auto ready_by = Clock::now() + std::chrono::minutes(10);
  for (;;) {
    CREG_ASSIGN_OR_RETURN(HttpGetter::Answer status, http.Get("/api/v1/status"));
    if (status.status == 200) return Seconds(node.started());
    if (Clock::now() > ready_by) return UnavailableError("/api/v1/status: " + status.body);
    std::this_thread::sleep_for(milliseconds(10));
  }
}

// The JSON API's first page of each endpoint, one request at a time on one
// keep-alive connection, once /api/v1/status is ready.
Status MeasureApi(const CregdProcess& node, const ScalePlan& plan, uint64_t tree_size,
                  const MeasureSetup& setup, Figures& figures) {
  CREG_ASSIGN_OR_RETURN(std::unique_ptr<HttpGetter> http, HttpGetter::Connect(node.http_address()));
  CREG_ASSIGN_OR_RETURN(double ready, ApiReady(node, *http));
  figures.Add("api status ready", ready, "s",
              "from starting cregd on the folder as built until /api/v1/status answers with its "
              "totals (the log read once), polled every 10 ms after the queries above");
  std::mt19937_64 rng(11);
  const uint64_t warm = std::max<uint64_t>(setup.queries / 10, 10);
  for (const ApiKind& kind : ApiKinds(plan, tree_size)) {
    for (uint64_t i = 0; i < warm; ++i)
      CREG_RETURN_IF_ERROR(AskApi(*http, kind.target(rng)).status());
    LatencyStats stats;
    uint64_t bytes = 0;
    for (uint64_t i = 0; i < setup.queries; ++i) {
      const std::string target = kind.target(rng);
      const auto sent = Clock::now();
      CREG_ASSIGN_OR_RETURN(size_t answer, AskApi(*http, target));
      stats.Add(static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - sent).count()));
      bytes += answer;
    }
    const std::string what = " of " + std::to_string(setup.queries) +
                             " GETs in turn on one keep-alive connection, after " +
                             std::to_string(warm) + " to warm up; answers of " +
                             std::to_string(bytes / setup.queries) + " bytes on average";
    figures.Add(std::string("api ") + kind.name + " p50",
                static_cast<double>(stats.Quantile(0.5)) / 1000, "ms", "median" + what);
    figures.Add(std::string("api ") + kind.name + " p99",
                static_cast<double>(stats.Quantile(0.99)) / 1000, "ms", "99th percentile" + what);
  }
  return OkStatus();
}

// Sends one request; the answer's size in bytes, or an error for a node's
// Error answer.
StatusOr<size_t> Ask(Client& client, const QueryKind& kind, std::mt19937_64& rng) {
  pb::Request request;
  kind.make(rng, request);
  CREG_ASSIGN_OR_RETURN(pb::Response response, client.Call(request));
  if (response.has_error()) {
    return UnavailableError(std::string(kind.name) + " " + request.ShortDebugString() +
                            " answered " + response.error().ShortDebugString());
  }
  return response.ByteSizeLong();
}

// Waits for the node's first answered status request; the seconds from
// its start.
StatusOr<double> FirstAnswer(const CregdProcess& node) {
  const auto deadline = node.started() + kOpenTimeout;
  Status last = OkStatus();
  while (Clock::now() < deadline) {
    auto client = Client::Connect(node.address());
    if (client.ok()) {
      auto status = (*client)->GetStatus();
      if (status.ok()) return Seconds(node.started());
      last = status.status();
    } else {
      last = client.status();
    }
    std::this_thread::sleep_for(milliseconds(2));
  }
  return UnavailableError("the node at " + node.address() +
                          " answered no status: " + last.ToString());
}

StatusOr<std::unique_ptr<CregdProcess>> StartNode(const DataDir& dir, const MeasureSetup& setup) {
  return CregdProcess::Start(setup.cregd, dir.root(), setup.log_path,
                             {"--read-policy", "public-log", "--http", "127.0.0.1:0"},
                             kOpenTimeout);
}

Status StopNode(CregdProcess& node, int signal) {
  CREG_ASSIGN_OR_RETURN(int code, node.Stop(signal, kStopTimeout));
  if (signal == SIGTERM && code != 0) {
    return UnavailableError("cregd exited with status " + std::to_string(code) +
                            " after SIGTERM (see its log)");
  }
  return OkStatus();
}

// Submits about `count` account events through `client`, pipelined:
// holders suspended, up to 64 at once, then made active again once every
// suspension is committed (the node may commit a window's transactions in
// any order). Waits for every commit.
Status SubmitEvents(Client& client, const ScalePlan& plan, size_t count) {
  const std::string run = std::to_string(NowMicros());
  const size_t holders = plan.shape().accounts - 2 - plan.shape().projects;
  const size_t window = std::min<size_t>(64, holders);
  uint64_t nonce = 0;
  for (size_t done = 0; done < count; done += 2 * window) {
    for (pb::AccountStatus status : {pb::ACCOUNT_SUSPENDED, pb::ACCOUNT_ACTIVE}) {
      std::vector<pb::Request> requests;
      for (size_t h = 0; h < window; ++h) {
        pb::TransactionBody body;
        body.set_origin(kScaleOrigin);
        body.set_nonce("k" + run + "-" + std::to_string(nonce++));
        auto* op = body.mutable_set_account_status();
        op->set_account_id(plan.id(2 + plan.shape().projects + h));
        op->set_status(status);
        op->set_reason("review");
        requests.emplace_back().mutable_submit()->set_signed_transaction(
            SignTransaction(body, plan.id(ScalePlan::kOperator), plan.key(ScalePlan::kOperator)));
      }
      CREG_RETURN_IF_ERROR(client.SendAll(requests));
      for (size_t i = 0; i < requests.size(); ++i) {
        CREG_ASSIGN_OR_RETURN(pb::Response response, client.Receive());
        if (!response.has_submit() || !response.submit().has_committed()) {
          return UnavailableError("an account event was not committed: " +
                                  response.ShortDebugString());
        }
      }
    }
  }
  return OkStatus();
}

// Rows of a CSV export file: its lines but the header.
uint64_t CsvRows(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  uint64_t lines = 0;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    for (std::streamsize i = 0; i < in.gcount(); ++i) lines += buffer[i] == '\n' ? 1 : 0;
  }
  return lines > 0 ? lines - 1 : 0;
}

// What `creg export KIND -o OUT` printed, and its wall time (process start
// to exit); Unavailable if it failed.
struct ExportRun {
  std::string said;
  double seconds = 0;
};
StatusOr<ExportRun> RunExport(const std::string& creg, const std::string& node,
                              const std::string& kind, const std::string& out) {
  const std::string said = out + ".said";
  const auto start = Clock::now();
  const int code = RunProgram({creg, "--node", node, "export", kind, "-o", out}, said);
  ExportRun run;
  run.seconds = Seconds(start);
  StatusOr<std::string> said_text = ReadFile(said);
  std::remove(said.c_str());
  if (said_text.ok()) run.said = *said_text;
  if (code != 0) {
    return UnavailableError("creg export " + kind + " exited with status " + std::to_string(code) +
                            ": " + run.said);
  }
  return run;
}

}  // namespace

StatusOr<std::vector<Figure>> MeasureRegistry(const DataDir& dir, const ScalePlan& plan,
                                              const FillReport& fill, const MeasureSetup& setup) {
  Figures figures;
  CREG_ASSIGN_OR_RETURN(uint64_t entries, RegistrySize(dir));
  figures.Add("entries", static_cast<double>(entries), "", "the log's size when measured");
  if (fill.applied > 0) {
    figures.Add("fill rate", static_cast<double>(fill.applied) / fill.seconds, "entries/s",
                "transactions signed and applied in process / seconds");
    figures.Add("peak write-ahead log while filling", fill.peak_wal_bytes / kMiB, "MiB",
                "largest sum of db/*.log sizes, sampled every 16,384 transactions");
  }

  // --- a warm node: each query kind, one at a time over loopback ---
  // The API's saved totals of an earlier run would spare the node the read
  // of the whole log that "api status ready" measures.
  std::error_code no_file;
  std::filesystem::remove(dir.summary_path(), no_file);
  CREG_ASSIGN_OR_RETURN(std::unique_ptr<CregdProcess> node, StartNode(dir, setup));
  CREG_ASSIGN_OR_RETURN(double first_open, FirstAnswer(*node));
  figures.Add("open after the build", first_open * 1000, "ms",
              "from starting cregd to its first answered status request");
  CREG_ASSIGN_OR_RETURN(std::unique_ptr<Client> client, Client::Connect(node->address()));
  CREG_ASSIGN_OR_RETURN(pb::CheckpointResponse checkpoint, client->GetCheckpoint());
  const std::vector<QueryKind> kinds = QueryKinds(plan, checkpoint.tree_size());
  std::mt19937_64 rng(7);
  const uint64_t warm = std::max<uint64_t>(setup.queries / 10, 10);
  for (const QueryKind& kind : kinds) {
    for (uint64_t i = 0; i < warm; ++i) CREG_RETURN_IF_ERROR(Ask(*client, kind, rng).status());
  }
  for (const QueryKind& kind : kinds) {
    LatencyStats stats;
    uint64_t bytes = 0;
    for (uint64_t i = 0; i < setup.queries; ++i) {
      const auto sent = Clock::now();
      CREG_ASSIGN_OR_RETURN(size_t answer, Ask(*client, kind, rng));
      stats.Add(static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - sent).count()));
      bytes += answer;
    }
    const std::string what = " of " + std::to_string(setup.queries) +
                             " requests in turn on one connection, after " + std::to_string(warm) +
                             " to warm up; answers of " + std::to_string(bytes / setup.queries) +
                             " bytes on average";
    figures.Add(std::string("query ") + kind.name + " p50",
                static_cast<double>(stats.Quantile(0.5)) / 1000, "ms", "median" + what);
    figures.Add(std::string("query ") + kind.name + " p99",
                static_cast<double>(stats.Quantile(0.99)) / 1000, "ms", "99th percentile" + what);
  }
  CREG_RETURN_IF_ERROR(MeasureApi(*node, plan, checkpoint.tree_size(), setup, figures));
  CREG_ASSIGN_OR_RETURN(uint64_t rest, ResidentBytes(node->pid()));
  figures.Add("node memory at rest", static_cast<double>(rest) / kMiB, "MiB",
              "VmRSS of cregd, idle after the queries above");

  // --- memory under a query load: every kind, on 4 connections ---
  std::atomic<bool> failed{false};
  std::atomic<uint64_t> answered{0};
  std::atomic<size_t> finished{0};
  std::vector<std::thread> load;
  const auto load_start = Clock::now();
  for (size_t c = 0; c < 4; ++c) {
    load.emplace_back([&, c] {
      auto conn = Client::Connect(node->address());
      if (!conn.ok()) {
        failed = true;
        ++finished;
        return;
      }
      std::mt19937_64 g(100 + c);
      for (uint64_t i = 0; i < setup.queries && !failed; ++i) {
        for (const QueryKind& kind : kinds) {
          if (!Ask(**conn, kind, g).ok()) failed = true;
          ++answered;
        }
      }
      ++finished;
    });
  }
  uint64_t peak = rest;
  while (finished.load() < load.size()) {
    if (auto rss = ResidentBytes(node->pid()); rss.ok()) peak = std::max(peak, *rss);
    std::this_thread::sleep_for(milliseconds(5));
  }
  for (std::thread& t : load) t.join();
  if (failed) return UnavailableError("a query of the load failed");
  const double load_seconds = Seconds(load_start);
  figures.Add("node memory under a query load", static_cast<double>(peak) / kMiB, "MiB",
              "largest VmRSS sampled every 5 ms while 4 connections send every query kind in "
              "turn");
  figures.Add("query load rate", static_cast<double>(answered.load()) / load_seconds, "queries/s",
              "answers to the 4 connections above / seconds");

  // --- exports through the creg program ---
  for (const char* report : {"retirements", "issuances", "holdings"}) {
    const std::string out = dir.root() + "/../export-" + report + ".csv";
    CREG_ASSIGN_OR_RETURN(ExportRun run, RunExport(setup.creg, node->address(), report, out));
    const uint64_t rows = CsvRows(out);
    std::remove(out.c_str());
    figures.Add(std::string("export ") + report, static_cast<double>(rows) / run.seconds, "rows/s",
                std::to_string(rows) + " rows of `creg export " + report +
                    " -o FILE` / its wall time (process start to exit)");
  }
  {
    // Counted in units (one per serial block) as creg reports them: "wrote
    // P projects, I issuances and U units to FILE".
    const std::string out = dir.root() + "/../export-cadt.json";
    CREG_ASSIGN_OR_RETURN(ExportRun run, RunExport(setup.creg, node->address(), "cadt", out));
    std::remove(out.c_str());
    const size_t at = run.said.find(" issuances and ");
    const uint64_t units =
        at == std::string::npos ? 0 : std::strtoull(run.said.c_str() + at + 15, nullptr, 10);
    figures.Add("export cadt", static_cast<double>(units) / run.seconds, "units/s",
                std::to_string(units) +
                    " units of `creg export cadt -o FILE` / its wall time (process start to exit)");
  }

  // --- open after kill -9, with commits in the write-ahead log ---
  // A new connection: the first has been idle through the exports, which
  // at 10,000,000 entries outlast the node's idle timeout (300 s).
  const size_t events = static_cast<size_t>(std::clamp<uint64_t>(entries / 100, 100, 10'000));
  client.reset();
  CREG_ASSIGN_OR_RETURN(client, Client::Connect(node->address()));
  CREG_RETURN_IF_ERROR(SubmitEvents(*client, plan, events));
  client.reset();
  CREG_RETURN_IF_ERROR(StopNode(*node, SIGKILL));
  CREG_ASSIGN_OR_RETURN(node, StartNode(dir, setup));
  CREG_ASSIGN_OR_RETURN(double after_kill, FirstAnswer(*node));
  figures.Add("open after kill -9", after_kill * 1000, "ms",
              "start to first answered status, after SIGKILL right after " +
                  std::to_string(events) + " committed account events");

  // --- open after a clean stop ---
  auto stop_start = Clock::now();
  CREG_RETURN_IF_ERROR(StopNode(*node, SIGTERM));
  figures.Add("clean stop", Seconds(stop_start) * 1000, "ms", "SIGTERM to exit 0");
  CREG_ASSIGN_OR_RETURN(node, StartNode(dir, setup));
  CREG_ASSIGN_OR_RETURN(double after_stop, FirstAnswer(*node));
  figures.Add("open after a clean stop", after_stop * 1000, "ms",
              "start to first answered status, after SIGTERM and exit 0");
  {
    CREG_ASSIGN_OR_RETURN(std::unique_ptr<HttpGetter> http,
                          HttpGetter::Connect(node->http_address()));
    CREG_ASSIGN_OR_RETURN(double ready, ApiReady(*node, *http));
    figures.Add("api status ready after a clean stop", ready * 1000, "ms",
                "start until /api/v1/status answers, after SIGTERM and exit 0 (the totals "
                "saved at the stop, DIR/summary.json)");
  }
  CREG_RETURN_IF_ERROR(StopNode(*node, SIGTERM));
  node.reset();

  // --- disk ---
  CREG_ASSIGN_OR_RETURN(entries, RegistrySize(dir));
  const double stopped = static_cast<double>(FolderBytes(dir.db_path()));
  figures.Add("disk after a clean stop", stopped / static_cast<double>(entries), "bytes/entry",
              "bytes of db/ (" + std::to_string(static_cast<uint64_t>(stopped)) + ") / " +
                  std::to_string(entries) + " entries");
  figures.Add("write-ahead log after a clean stop",
              static_cast<double>(WalBytes(dir.db_path())) / kMiB, "MiB", "sum of db/*.log sizes");
  CREG_RETURN_IF_ERROR(CompactRegistry(dir));
  const double compacted = static_cast<double>(FolderBytes(dir.db_path()));
  figures.Add("disk after a compaction", compacted / static_cast<double>(entries), "bytes/entry",
              "bytes of db/ (" + std::to_string(static_cast<uint64_t>(compacted)) +
                  ") / entries, after every column was compacted fully (Store::CompactAll, "
                  "node stopped)");

  // --- creg-audit verify-log, in process ---
  {
    std::ostringstream report;
    std::streambuf* stdout_buf = std::cout.rdbuf(report.rdbuf());
    audit::VerifyLogFlags verify;
    verify.data = dir.root();
    verify.jobs = setup.jobs;
    const auto start = Clock::now();
    const int code = audit::RunVerifyLog(verify);
    const double seconds = Seconds(start);
    std::cout.rdbuf(stdout_buf);
    if (code != audit::kExitVerified) {
      return DataLossError("creg-audit verify-log did not verify " + dir.root() + ":\n" +
                           report.str());
    }
    figures.Add("verify-log", static_cast<double>(entries) / seconds, "entries/s",
                "entries / seconds of `creg-audit verify-log --data DIR --jobs " +
                    std::to_string(setup.jobs) + "` in process");
  }
  return figures.Take();
}

}  // namespace creg::bench
