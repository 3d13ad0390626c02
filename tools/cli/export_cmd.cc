// creg export retirements|issuances|holdings: reports as CSV or JSON. The
// retirement columns follow the public retirement reports of registries
// (serials, quantity, project, vintage, country, beneficiary, reason,
// details, date). docs/cli.md lists every column.
#include <map>
#include <memory>

#include "ledger/registry/article6.h"
#include "ledger/registry/registry.h"
#include "tools/cli/article6_columns.h"
#include "tools/cli/commands.h"
#include "tools/cli/csv.h"
#include "tools/cli/json_stream.h"
#include "tools/cli/log_walk.h"
#include "tools/cli/output.h"
#include "tools/cli/pages.h"
#include "tools/cli/report_file.h"

namespace creg::cli {
namespace {

std::string CellText(const json::Value& v) {
  if (v.is_string()) return v.as_string();
  if (v.is_null()) return "";
  return json::Serialize(v);
}

struct ExportFlags {
  std::string format;
  std::optional<std::string> output;
  std::string account;
};

std::optional<ExportFlags> ReadFlags(Context& ctx, bool takes_account) {
  ExportFlags f;
  f.format = ctx.flags().Get("--format").value_or(ctx.json() ? "json" : "csv");
  f.output = ctx.flags().Get("--output");
  if (takes_account) f.account = ctx.flags().Value("--holder");
  if (!ctx.Finish(0, 0)) return std::nullopt;
  if (f.format != "csv" && f.format != "json") {
    ctx.UsageError("--format must be csv or json, not '" + f.format + "'");
    return std::nullopt;
  }
  return f;
}

// A report written row by row as the walk finds them, so that memory stays
// flat whatever its length (report_file.h says where it goes).
class ReportWriter {
 public:
  ReportWriter(Context& ctx, const ExportFlags& flags, std::vector<std::string> columns)
      : ctx_(ctx), flags_(flags), columns_(std::move(columns)), file_(flags.output) {}

  // False after printing a failure.
  bool Open() {
    if (!file_.Open(ctx_)) return false;
    out_ = &file_.out();
    json_ = std::make_unique<JsonStream>(*out_);
    if (flags_.format == "csv") {
      *out_ << CsvLine(columns_);
    } else {
      json_->BeginArray();
    }
    return true;
  }

  void Row(const std::vector<json::Value>& row) {
    ++rows_;
    if (flags_.format == "csv") {
      std::vector<std::string> cells;
      cells.reserve(row.size());
      for (const json::Value& v : row) cells.push_back(CellText(v));
      *out_ << CsvLine(cells);
      return;
    }
    json::Value object = json::Value::EmptyObject();
    for (size_t i = 0; i < row.size() && i < columns_.size(); ++i) object.Set(columns_[i], row[i]);
    json_->Value(object);
  }

  // Ends the report; the exit code.
  int Close() {
    if (flags_.format == "json") json_->End();
    return file_.Close(ctx_, std::to_string(rows_) + " rows");
  }

 private:
  Context& ctx_;
  const ExportFlags& flags_;
  std::vector<std::string> columns_;
  ReportFile file_;
  std::ostream* out_ = nullptr;
  std::unique_ptr<JsonStream> json_;
  size_t rows_ = 0;
};

// Batch and project records (no blocks), asked once per batch.
class BatchInfo {
 public:
  explicit BatchInfo(Context& ctx) : ctx_(ctx) {}
  // nullptr after printing a failure.
  const pb::BatchResponse* Get(uint64_t batch) {
    auto it = known_.find(batch);
    if (it != known_.end()) return &it->second;
    pb::Request request;
    request.mutable_batch()->set_batch(batch);
    request.mutable_batch()->set_without_blocks(true);
    std::optional<pb::Response> answer = ctx_.Ask(std::move(request));
    if (!answer) return nullptr;
    return &(known_[batch] = std::move(*answer->mutable_batch()));
  }

 private:
  Context& ctx_;
  std::map<uint64_t, pb::BatchResponse> known_;
};

int Retirements(Context& ctx) {
  std::optional<ExportFlags> flags = ReadFlags(ctx, true);
  if (!flags) return ctx.exit_code();
  ReportWriter report(ctx, *flags,
                      {"retirement_id",
                       "retired_at",
                       "entry_index",
                       "account",
                       "quantity",
                       "serials",
                       "batch",
                       "project_id",
                       "project_name",
                       "standard",
                       "methodology",
                       "project_country",
                       "vintage_start",
                       "vintage_end",
                       "beneficiary",
                       "reason",
                       "details",
                       "country_of_use",
                       "claim_reference",
                       "labels",
                       "article6_authorization",
                       "use",
                       "using_entity",
                       "corresponding_adjustment"});
  if (!report.Open()) return ctx.exit_code();
  BatchInfo info(ctx);
  Article6Now article6(ctx);
  bool ok = WalkLog(ctx, [&](const EntryView& e) {
    if (e.kind != "retire") return true;
    const pb::Retire& op = e.body.retire();
    if (!flags->account.empty() && op.account() != flags->account) return true;
    // One row per batch the retirement took credits from.
    std::map<uint64_t, std::pair<uint64_t, std::string>> per_batch;
    for (const pb::SerialBlock& b : e.entry.effects().blocks()) {
      const pb::BatchResponse* batch = info.Get(b.batch());
      if (batch == nullptr) return false;
      auto& [quantity, serials] = per_batch[b.batch()];
      quantity += b.last() - b.first() + 1;
      serials += (serials.empty() ? "" : " ") +
                 SerialString(batch->batch(), batch->project(), b.first(), b.last());
    }
    // Credits per label in each batch, as the entry recorded them.
    // and per authorisation, as the entry recorded them.
    std::map<uint64_t, std::map<std::string, uint64_t>> labels, authorizations;
    for (const pb::AttributedBlock& run : e.entry.effects().attributed()) {
      const uint64_t n = run.block().last() - run.block().first() + 1;
      for (const std::string& label : run.attributes().labels()) {
        labels[run.block().batch()][label] += n;
      }
      if (std::string a = AuthorizationColumnValue(run.attributes()); !a.empty()) {
        authorizations[run.block().batch()][a] += n;
      }
    }
    for (const auto& [batch_number, totals] : per_batch) {
      const pb::BatchResponse& batch = *info.Get(batch_number);
      // The adjustment status may have moved on since the retirement.
      const Article6Now::Batch* now = article6.Get(batch_number);
      if (now == nullptr) return false;
      auto adjusted = now->retired_adjustments.find(e.entry.effects().retirement_id());
      report.Row({e.entry.effects().retirement_id(),
                  IsoTime(e.entry.timestamp_micros()),
                  e.entry.index(),
                  op.account(),
                  totals.first,
                  totals.second,
                  batch_number,
                  batch.project().project_id(),
                  batch.project().name(),
                  batch.project().standard(),
                  batch.project().methodology(),
                  batch.project().country(),
                  batch.batch().vintage_start(),
                  batch.batch().vintage_end(),
                  op.beneficiary(),
                  ReasonName(op.reason()),
                  op.details(),
                  op.country_of_use(),
                  op.claim_reference(),
                  ShareColumn(labels[batch_number], totals.first),
                  ShareColumn(authorizations[batch_number], totals.first),
                  CreditUseName(op.use()),
                  op.using_entity(),
                  adjusted == now->retired_adjustments.end()
                      ? std::string()
                      : ShareColumn(adjusted->second, totals.first)});
    }
    return true;
  });
  if (!ok) return ctx.exit_code();
  return report.Close();
}

int Issuances(Context& ctx) {
  std::optional<ExportFlags> flags = ReadFlags(ctx, false);
  if (!flags) return ctx.exit_code();
  ReportWriter report(
      ctx, *flags,
      {"batch", "issued_at", "entry_index", "project_id", "project_name", "standard", "methodology",
       "country", "vintage_start", "vintage_end", "quantity", "issued_to", "verification_ref",
       "serials", "labels", "article6_authorization", "corresponding_adjustment"});
  if (!report.Open()) return ctx.exit_code();
  BatchInfo info(ctx);
  // The labels column needs the whole log (labels come after issuance),
  // so the rows are written once it is read. A label entry adds exactly
  // the credits without the label, or removes it from exactly those with
  // it, so its effects' quantity counts the credits that change.
  std::vector<std::pair<uint64_t, std::vector<json::Value>>> rows;  // (batch, row)
  std::map<uint64_t, std::map<std::string, uint64_t>> carried;      // batch -> label -> credits
  bool ok = WalkLog(ctx, [&](const EntryView& e) {
    if (e.kind == "label") {
      const pb::Label& op = e.body.label();
      for (const pb::SerialBlock& b : e.entry.effects().blocks()) {
        uint64_t& n = carried[b.batch()][op.label()];
        const uint64_t q = b.last() - b.first() + 1;
        n = op.action() == pb::LABEL_ADD ? n + q : n - std::min(n, q);
      }
      return true;
    }
    if (e.kind != "issue") return true;
    const pb::Issue& op = e.body.issue();
    const pb::BatchResponse* batch = info.Get(e.entry.effects().batch());
    if (batch == nullptr) return false;
    rows.emplace_back(
        e.entry.effects().batch(),
        std::vector<json::Value>{e.entry.effects().batch(), IsoTime(e.entry.timestamp_micros()),
                                 e.entry.index(), op.project_id(), batch->project().name(),
                                 batch->project().standard(), batch->project().methodology(),
                                 batch->project().country(), op.vintage_start(), op.vintage_end(),
                                 op.quantity(), op.to_account(), op.verification_ref(),
                                 SerialString(batch->batch(), batch->project(), 1, op.quantity())});
    return true;
  });
  if (!ok) return ctx.exit_code();
  Article6Now article6(ctx);
  for (auto& [batch, row] : rows) {
    const uint64_t quantity = row[10].as_uint();
    row.emplace_back(ShareColumn(carried[batch], quantity));
    const Article6Now::Batch* now = article6.Get(batch);
    if (now == nullptr) return ctx.exit_code();
    row.emplace_back(ShareColumn(now->authorizations, quantity));
    row.emplace_back(ShareColumn(now->adjustments, quantity));
    report.Row(std::move(row));
  }
  return report.Close();
}

// Rows of `creg export holdings`: one per account and batch, and per
// kBlocksPerRow blocks of a batch held in more blocks than that, so that a
// row stays a usable size and is written without waiting for the end of
// the batch. The rows of one account and batch add up to its holding.
class HoldingRows {
 public:
  static constexpr size_t kBlocksPerRow = 1000;

  HoldingRows(ReportWriter& report, std::string account)
      : report_(report), account_(std::move(account)) {}

  void Add(const pb::HoldingsResponse::BatchHolding& h) {
    if (count_ > 0 && h.batch().batch() != batch_.batch()) Flush();
    batch_ = h.batch();
    project_ = h.project();
    for (int i = 0; i < h.blocks_size(); ++i) {
      const pb::SerialBlock& b = h.blocks(i);
      quantity_ += b.last() - b.first() + 1;
      if (i < h.serials_size()) serials_ += (serials_.empty() ? "" : " ") + h.serials(i);
      if (++count_ == kBlocksPerRow) Flush();
    }
  }

  void Flush() {
    if (count_ == 0) return;
    report_.Row({account_, batch_.batch(), batch_.project_id(), project_.name(), project_.country(),
                 batch_.vintage_start(), batch_.vintage_end(), quantity_, serials_});
    serials_.clear();
    quantity_ = 0;
    count_ = 0;
  }

 private:
  ReportWriter& report_;
  std::string account_;
  pb::BatchRecord batch_;
  pb::ProjectRecord project_;
  std::string serials_;
  uint64_t quantity_ = 0;
  size_t count_ = 0;
};

int Holdings(Context& ctx) {
  std::optional<ExportFlags> flags = ReadFlags(ctx, true);
  if (!flags) return ctx.exit_code();
  std::vector<std::string> accounts;
  if (!flags->account.empty()) {
    accounts.push_back(flags->account);
  } else if (!WalkLog(ctx, [&](const EntryView& e) {
               if (e.kind == "open-account") accounts.push_back(e.body.open_account().account_id());
               return true;
             })) {
    return ctx.exit_code();
  }
  ReportWriter report(ctx, *flags,
                      {"account", "batch", "project_id", "project_name", "country", "vintage_start",
                       "vintage_end", "quantity", "serials"});
  if (!report.Open()) return ctx.exit_code();
  for (const std::string& account : accounts) {
    HoldingRows rows(report, account);
    pb::Request request;
    request.mutable_holdings()->set_account_id(account);
    bool ok = ForEachPage(ctx, std::move(request), [&](const pb::Response& page) {
      for (const auto& h : page.holdings().batches()) rows.Add(h);
      return true;
    });
    if (!ok) return ctx.exit_code();
    rows.Flush();
  }
  return report.Close();
}

constexpr char kExportOptions[] =
    "--format csv|json (default csv; --json implies json), -o/--output FILE\n"
    "(default stdout). docs/cli.md lists the columns.\n";

}  // namespace

void AddExportCommands(std::vector<Command>& out) {
  static const Flag kHolder{"--holder", "ID", "only this account"};
  static const Flag kFormat{"--format", "FORMAT", "csv or json; default csv, json with --json"};
  static const Flag kOutput{"-o,--output", "FILE", "write the report there; default stdout"};
  static const std::string kRetirementsHelp =
      std::string(
          "One row per retirement and batch: retirement_id, retired_at, entry_index,\n"
          "account, quantity, serials, batch, project_id, project_name, standard,\n"
          "methodology, project_country, vintage_start, vintage_end, beneficiary,\n"
          "reason, details, country_of_use, claim_reference, labels (the labels\n"
          "the retired credits carried), article6_authorization (their Article 6\n"
          "authorisation), use, using_entity, corresponding_adjustment (their\n"
          "adjustment status now). --holder ID keeps one account's retirements. ") +
      kExportOptions + "\nExample:\n  creg export retirements --format csv -o retirements.csv\n";
  static const std::string kIssuancesHelp =
      std::string(
          "One row per batch: batch, issued_at, entry_index, project_id,\n"
          "project_name, standard, methodology, country, vintage_start, vintage_end,\n"
          "quantity, issued_to, verification_ref, serials, labels (the labels\n"
          "its credits carry now), article6_authorization, corresponding_adjustment\n"
          "(its credits' Article 6 authorisations and adjustment statuses now). ") +
      kExportOptions + "\nExample:\n  creg export issuances --format json\n";
  static const std::string kHoldingsHelp =
      std::string(
          "One row per account and batch: account, batch, project_id, project_name,\n"
          "country, vintage_start, vintage_end, quantity, serials (a batch held in\n"
          "more than 1,000 blocks takes a row per 1,000 blocks). Every account, or\n"
          "only --holder ID. ") +
      kExportOptions + "\nExample:\n  creg export holdings --holder organiser\n";
  out.push_back({"export retirements",
                 "[--holder ID] [--format csv|json] [-o FILE]",
                 "Export every retirement",
                 kRetirementsHelp.c_str(),
                 Retirements,
                 Command::kQuery,
                 {kHolder, kFormat, kOutput}});
  out.push_back({"export issuances",
                 "[--format csv|json] [-o FILE]",
                 "Export every issuance",
                 kIssuancesHelp.c_str(),
                 Issuances,
                 Command::kQuery,
                 {kFormat, kOutput}});
  out.push_back({"export holdings",
                 "[--holder ID] [--format csv|json] [-o FILE]",
                 "Export what accounts hold",
                 kHoldingsHelp.c_str(),
                 Holdings,
                 Command::kQuery,
                 {kHolder, kFormat, kOutput}});
}

}  // namespace creg::cli
