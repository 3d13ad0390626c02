// creg bulk transfer|retire FILE.csv: many transactions from a CSV file,
// pipelined, resumable (bulk_rows.h explains the derived nonces).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>

#include "ledger/data_dir.h"
#include "ledger/hash.h"
#include "ledger/registry/transaction.h"
#include "tools/cli/bulk_rows.h"
#include "tools/cli/commands.h"
#include "tools/cli/output.h"

namespace creg::cli {
namespace {

const std::vector<std::string> kResultColumns = {
    "row", "verdict", "entry_index", "retirement_id", "serials", "code", "message"};

struct RowResult {
  size_t line = 0;
  std::string verdict;  // committed, duplicate, refused, error
  std::vector<std::string> fields;
};

class Run {
 public:
  Run(std::string results_path, bool progress)
      : results_path_(std::move(results_path)), progress_(progress) {}

  bool OpenResults() {
    out_.open(results_path_, std::ios::trunc);
    if (!out_) return false;
    out_ << CsvLine(kResultColumns) << std::flush;
    return true;
  }

  void Record(size_t line, std::string verdict, std::string entry, std::string retirement,
              std::string serials, std::string code, std::string message) {
    RowResult r{
        line, verdict, {std::to_string(line), verdict, entry, retirement, serials, code, message}};
    out_ << CsvLine(r.fields) << std::flush;
    ++counts_[verdict];
    if (verdict == "refused" || verdict == "error") {
      if (++reported_ <= kMaxReported) {
        std::string what = code.empty() ? message : code + ": " + message;
        ClearProgress();
        std::cerr << "row " << line << ": " << verdict << ": " << what << "\n";
      }
    }
    results_.push_back(std::move(r));
    ShowProgress(false);
  }

  void RecordResponse(size_t line, const pb::Response& response) {
    if (response.has_error()) {
      Record(line, "error", "", "", "", response.error().code(), response.error().message());
    } else if (response.submit().has_refused()) {
      const pb::Refused& r = response.submit().refused();
      Record(line, "refused", "", "", "", r.code(), r.message());
    } else {
      const pb::Committed& c = response.submit().committed();
      Record(line, c.duplicate() ? "duplicate" : "committed", std::to_string(c.entry_index()),
             c.effects().retirement_id(), BlocksText(c.effects().blocks()), "", "");
    }
  }

  void set_total(size_t total) { total_ = total; }
  size_t count(const std::string& verdict) { return counts_[verdict]; }
  size_t done() const { return results_.size(); }

  // Rewrites the results file in row order.
  Status Finish() {
    ShowProgress(true);
    out_.close();
    std::sort(results_.begin(), results_.end(),
              [](const RowResult& a, const RowResult& b) { return a.line < b.line; });
    std::string text = CsvLine(kResultColumns);
    for (const RowResult& r : results_) text += CsvLine(r.fields);
    if (reported_ > kMaxReported) {
      std::cerr << "... and " << reported_ - kMaxReported << " more rows not applied\n";
    }
    return WriteFileAtomically(results_path_, text);
  }

 private:
  static constexpr size_t kMaxReported = 50;

  void ClearProgress() {
    if (progress_ && shown_) std::cerr << "\r\033[K";
  }

  void ShowProgress(bool final) {
    if (!progress_ || total_ == 0) return;
    auto now = std::chrono::steady_clock::now();
    if (!final && shown_ && now - last_shown_ < std::chrono::milliseconds(100)) return;
    last_shown_ = now;
    shown_ = true;
    constexpr size_t kWidth = 30;
    size_t filled = done() * kWidth / total_;
    std::cerr << "\r\033[K[" << std::string(filled, '#') << std::string(kWidth - filled, '.')
              << "] " << done() << "/" << total_ << "  committed " << counts_["committed"]
              << "  duplicate " << counts_["duplicate"] << "  refused " << counts_["refused"]
              << "  error " << counts_["error"] << (final ? "\n" : "") << std::flush;
  }

  std::string results_path_;
  bool progress_;
  std::ofstream out_;
  std::vector<RowResult> results_;
  std::map<std::string, size_t> counts_;
  size_t reported_ = 0;
  size_t total_ = 0;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_shown_;
};

std::string DefaultResultsPath(const std::string& input) {
  std::string base = input;
  if (base.size() > 4 && base.substr(base.size() - 4) == ".csv") base.resize(base.size() - 4);
  return base + ".results.csv";
}

int Bulk(Context& ctx, BulkKind kind) {
  ctx.ReadSignerFlags(false);
  std::optional<std::string> results_flag = ctx.flags().Get("--results");
  std::optional<uint64_t> window_flag = ctx.flags().Number("--window");
  std::optional<uint64_t> stop_after = ctx.flags().Number("--stop-after");
  bool no_progress = ctx.flags().Flag("--no-progress");
  if (!ctx.Finish(1, 1)) return ctx.exit_code();
  const std::string input = ctx.positional()[0];
  const std::string results_path = results_flag.value_or(DefaultResultsPath(input));
  const size_t window = std::clamp<uint64_t>(window_flag.value_or(1), 1, 1000);

  StatusOr<std::string> text = ReadFile(input);
  if (!text.ok()) return ctx.FailLocal(text.status(), "Give the path of a CSV file.");
  StatusOr<std::vector<CsvRecord>> records = ParseCsv(*text);
  if (!records.ok())
    return ctx.Fail(kExitUsage, "BAD_CSV", input + ": " + records.status().message(), "");
  if (records->empty()) {
    return ctx.Fail(kExitUsage, "BAD_CSV", input + " is empty",
                    "The first line names the columns: " + BulkColumnsText(kind));
  }
  StatusOr<BulkLayout> layout = BulkLayout::FromHeader(kind, (*records)[0]);
  if (!layout.ok()) {
    return ctx.Fail(kExitUsage, "BAD_CSV", input + ": " + layout.status().message(),
                    "See 'creg bulk " + std::string(BulkKindName(kind)) + " --help'.");
  }
  const Signer* signer = ctx.signer();
  if (signer == nullptr) return ctx.exit_code();
  std::optional<std::string> origin = ctx.Origin();
  if (!origin) return ctx.exit_code();
  Client* client = ctx.client();
  const std::string digest = Sha256(*text).ToHex();

  Run run(results_path, !no_progress && !ctx.json() && isatty(STDERR_FILENO) == 1);
  if (!run.OpenResults()) {
    return ctx.Fail(kExitLocal, "LOCAL", "cannot write " + results_path,
                    "Give --results FILE in a writable folder.");
  }
  size_t rows = records->size() - 1;
  if (stop_after) rows = std::min<size_t>(rows, *stop_after);
  run.set_total(rows);

  std::map<uint64_t, size_t> pending;  // request id -> line
  size_t next = 1;                     // records[0] is the header
  Status lost;
  while ((next <= rows || !pending.empty()) && lost.ok()) {
    while (next <= rows && pending.size() < window) {
      const CsvRecord& row = (*records)[next++];
      StatusOr<pb::TransactionBody> body = layout->Body(row, signer->account);
      if (!body.ok()) {
        run.Record(row.line, "error", "", "", "", "INVALID_ROW", body.status().message());
        continue;
      }
      body->set_origin(*origin);
      body->set_nonce(layout->Nonce(row, digest));
      body->set_created_micros(0);
      pb::Request request;
      request.mutable_submit()->set_signed_transaction(
          SignTransaction(*body, signer->account, signer->key));
      lost = client->Send(request);
      pending[request.id()] = row.line;
      if (!lost.ok()) break;
    }
    if (pending.empty() || !lost.ok()) continue;
    StatusOr<pb::Response> response = client->Receive();
    if (!response.ok()) {
      lost = response.status();
      break;
    }
    auto it = pending.find(response->id());
    if (it == pending.end()) continue;
    run.RecordResponse(it->second, *response);
    pending.erase(it);
  }
  for (const auto& [id, line] : pending) {
    run.Record(line, "error", "", "", "", "NO_ANSWER",
               "the connection failed before the node answered; rerun the file");
  }
  if (Status s = run.Finish(); !s.ok()) return ctx.FailLocal(s, "");
  if (stop_after && lost.ok()) {
    std::cerr << "creg: stopped after " << rows << " rows (--stop-after)\n";
    return 130;
  }

  size_t bad = run.count("refused") + run.count("error");
  const bool protocol = lost.code() == StatusCode::kDataLoss;  // see client.h
  int code = !lost.ok() ? (protocol ? kExitProtocol : kExitUnreachable)
             : bad > 0  ? kExitRefused
                        : kExitOk;
  if (ctx.json()) {
    json::Value v = json::Value::EmptyObject();
    v.Set("file", input);
    v.Set("kind", std::string(BulkKindName(kind)));
    v.Set("rows", records->size() - 1);
    v.Set("done", run.done());
    for (const char* verdict : {"committed", "duplicate", "refused", "error"}) {
      v.Set(verdict, run.count(verdict));
    }
    v.Set("results_file", results_path);
    v.Set("exit_code", code);
    PrintJson(v);
  } else {
    std::cout << "bulk " << BulkKindName(kind) << " " << input << ": " << records->size() - 1
              << " rows\n";
    PrintFields({{"  committed", std::to_string(run.count("committed"))},
                 {"  duplicate", std::to_string(run.count("duplicate"))},
                 {"  refused", std::to_string(run.count("refused"))},
                 {"  error", std::to_string(run.count("error"))},
                 {"  results", results_path}});
  }
  if (!lost.ok()) {
    return ctx.Fail(code, protocol ? "PROTOCOL_ERROR" : "UNREACHABLE", lost.message(),
                    "Rerun the same command when the node is back: rows already done are not "
                    "applied twice.");
  }
  if (bad > 0) {
    std::cerr << "creg: " << bad << (bad == 1 ? " row was" : " rows were") << " not applied (see "
              << results_path << ").\n"
              << "  Fix them and submit them in a new file; rerunning this file does not apply "
                 "the other rows twice.\n";
  }
  return code;
}

int BulkTransfer(Context& ctx) { return Bulk(ctx, BulkKind::kTransfer); }
int BulkRetire(Context& ctx) { return Bulk(ctx, BulkKind::kRetire); }

constexpr char kBulkHelp[] =
    "Rows are sent pipelined (--window N in flight); a progress bar shows on a\n"
    "terminal (--no-progress hides it). Each row's result goes to the results\n"
    "CSV (--results FILE, default FILE.results.csv) with the columns\n"
    "row,verdict,entry_index,retirement_id,serials,code,message; row is the\n"
    "line in FILE, verdict committed, duplicate, refused or error). Bad rows\n"
    "are reported one by one and the others still go.\n"
    "\nRerunning the same file after an interruption applies nothing twice:\n"
    "rows already done come back as 'duplicate'. Give rows a request_id column\n"
    "if you want to edit the file between runs. Exit status 1 if any row was\n"
    "refused or bad.\n";

std::vector<Flag> BulkFlags() {
  return {{"--results", "FILE", "where each row's result goes; default FILE.results.csv"},
          {"--window", "N", "rows in flight, 1 to 1000", "256"},
          {"--no-progress", nullptr, "no progress bar"},
          {"--stop-after", "N", nullptr}};  // hidden: stop after N rows, for tests
}

}  // namespace

void AddBulkCommands(std::vector<Command>& out) {
  static const std::string kTransferHelp =
      std::string(
          "Columns (header row first, any order; [optional]):\n"
          "  to_account, batch and quantity or serials, [memo], [request_id]\n") +
      "\n" + kBulkHelp +
      "\nExample file:\n"
      "  to_account,batch,quantity,memo\n"
      "  organiser,1,500,PO 7731\n"
      "  airline-a,1,200,\n"
      "\nExample:\n  creg bulk transfer transfers.csv --results transfers-done.csv\n";
  static const std::string kRetireHelp =
      std::string(
          "Columns (header row first, any order; [optional]):\n"
          "  batch and quantity or serials, beneficiary, reason, [details],\n"
          "  [country_of_use], [claim_reference], [use], [using_entity], [request_id]\n"
          "reason is one of:\n") +
      ReasonList() +
      "details is required when reason is other. use is what the credits are used\n"
      "for: voluntary (also when empty), ndc or oimp; using_entity who uses them\n"
      "(as 'creg retire --use --using-entity').\n\n" +
      kBulkHelp +
      "\nExample file:\n"
      "  batch,quantity,beneficiary,reason,details,country_of_use,claim_reference\n"
      "  1,120,Forum Organising Committee,voluntary-event-offset,Forum 2026,CN,INV-1\n"
      "\nExample:\n  creg bulk retire retirements.csv\n";
  out.push_back({"bulk transfer", "FILE.csv [--results FILE] [--window N] [--no-progress]",
                 "Transfer credits, one CSV row per transfer", kTransferHelp.c_str(), BulkTransfer,
                 Command::kSigned, BulkFlags()});
  out.push_back({"bulk retire", "FILE.csv [--results FILE] [--window N] [--no-progress]",
                 "Retire credits, one CSV row per retirement", kRetireHelp.c_str(), BulkRetire,
                 Command::kSigned, BulkFlags()});
}

}  // namespace creg::cli
