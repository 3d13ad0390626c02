// creg export retirements|issuances|holdings: reports as CSV or JSON. The
// retirement columns follow the public retirement reports of registries
// (serials, quantity, project, vintage, country, beneficiary, reason,
// details, date). docs/cli.md lists every column.
#include <iostream>
#include <map>
#include <set>

#include "ledger/data_dir.h"
#include "ledger/registry/registry.h"
#include "tools/cli/commands.h"
#include "tools/cli/csv.h"
#include "tools/cli/log_walk.h"
#include "tools/cli/output.h"

namespace creg::cli {
namespace {

struct Report {
  std::vector<std::string> columns;
  std::vector<std::vector<json::Value>> rows;
};

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
  f.format = ctx.args().Value("--format", ctx.json() ? "json" : "csv");
  f.output = ctx.args().Get("--output");
  if (takes_account) f.account = ctx.args().Value("--account", "");
  if (!ctx.Finish(0, 0)) return std::nullopt;
  if (f.format != "csv" && f.format != "json") {
    ctx.UsageError("--format must be csv or json, not '" + f.format + "'");
    return std::nullopt;
  }
  return f;
}

int Emit(Context& ctx, const ExportFlags& flags, const Report& report) {
  std::string text;
  if (flags.format == "csv") {
    text = CsvLine(report.columns);
    for (const auto& row : report.rows) {
      std::vector<std::string> cells;
      for (const json::Value& v : row) cells.push_back(CellText(v));
      text += CsvLine(cells);
    }
  } else {
    json::Value list = json::Value::EmptyArray();
    for (const auto& row : report.rows) {
      json::Value object = json::Value::EmptyObject();
      for (size_t i = 0; i < row.size(); ++i) object.Set(report.columns[i], row[i]);
      list.Append(std::move(object));
    }
    text = json::Serialize(list, true) + "\n";
  }
  if (!flags.output || *flags.output == "-") {
    std::cout << text;
    return kExitOk;
  }
  if (Status s = WriteFileAtomically(*flags.output, text); !s.ok()) {
    return ctx.FailLocal(s, "Check that the folder of " + *flags.output + " is writable.");
  }
  std::cerr << "wrote " << report.rows.size() << " rows to " << *flags.output << "\n";
  return kExitOk;
}

// Batch and project records of `batches`, asked pipelined.
std::optional<std::map<uint64_t, pb::BatchResponse>> FetchBatches(
    Context& ctx, const std::set<uint64_t>& batches) {
  std::vector<pb::Request> requests;
  for (uint64_t b : batches) {
    requests.emplace_back();
    requests.back().mutable_batch()->set_batch(b);
  }
  std::optional<std::vector<pb::Response>> answers = AskMany(ctx, std::move(requests));
  if (!answers) return std::nullopt;
  std::map<uint64_t, pb::BatchResponse> out;
  for (pb::Response& a : *answers) {
    if (a.has_error()) {
      ctx.Fail(kExitRefused, a.error().code(), a.error().message(),
               HintForNodeError(a.error().code()));
      return std::nullopt;
    }
    out[a.batch().batch().batch()] = std::move(*a.mutable_batch());
  }
  return out;
}

int Retirements(Context& ctx) {
  std::optional<ExportFlags> flags = ReadFlags(ctx, true);
  if (!flags) return ctx.exit_code();
  std::vector<EntryView> retirements;
  std::set<uint64_t> batches;
  bool ok = WalkLog(ctx, [&](const EntryView& e) {
    if (e.kind != "retire") return;
    if (!flags->account.empty() && e.body.retire().account() != flags->account) return;
    for (const pb::SerialBlock& b : e.entry.effects().blocks()) batches.insert(b.batch());
    retirements.push_back(e);
  });
  if (!ok) return ctx.exit_code();
  auto info = FetchBatches(ctx, batches);
  if (!info) return ctx.exit_code();
  Report report{
      {"retirement_id", "retired_at", "entry_index", "account", "quantity", "serials", "batch",
       "project_id", "project_name", "standard", "methodology", "project_country", "vintage_start",
       "vintage_end", "beneficiary", "reason", "details", "country_of_use", "claim_reference"},
      {}};
  for (const EntryView& e : retirements) {
    const pb::Retire& op = e.body.retire();
    // One row per batch the retirement took credits from.
    std::map<uint64_t, std::pair<uint64_t, std::string>> per_batch;
    for (const pb::SerialBlock& b : e.entry.effects().blocks()) {
      const pb::BatchResponse& batch = (*info)[b.batch()];
      auto& [quantity, serials] = per_batch[b.batch()];
      quantity += b.last() - b.first() + 1;
      serials += (serials.empty() ? "" : " ") +
                 SerialString(batch.batch(), batch.project(), b.first(), b.last());
    }
    for (const auto& [batch_number, totals] : per_batch) {
      const pb::BatchResponse& batch = (*info)[batch_number];
      report.rows.push_back({e.entry.effects().retirement_id(), IsoTime(e.entry.timestamp_micros()),
                             e.entry.index(), op.account(), totals.first, totals.second,
                             batch_number, batch.project().project_id(), batch.project().name(),
                             batch.project().standard(), batch.project().methodology(),
                             batch.project().country(), batch.batch().vintage_start(),
                             batch.batch().vintage_end(), op.beneficiary(), ReasonName(op.reason()),
                             op.details(), op.country_of_use(), op.claim_reference()});
    }
  }
  return Emit(ctx, *flags, report);
}

int Issuances(Context& ctx) {
  std::optional<ExportFlags> flags = ReadFlags(ctx, false);
  if (!flags) return ctx.exit_code();
  std::vector<EntryView> issues;
  std::set<uint64_t> batches;
  bool ok = WalkLog(ctx, [&](const EntryView& e) {
    if (e.kind != "issue") return;
    batches.insert(e.entry.effects().batch());
    issues.push_back(e);
  });
  if (!ok) return ctx.exit_code();
  auto info = FetchBatches(ctx, batches);
  if (!info) return ctx.exit_code();
  Report report{{"batch", "issued_at", "entry_index", "project_id", "project_name", "standard",
                 "methodology", "country", "vintage_start", "vintage_end", "quantity", "issued_to",
                 "verification_ref", "serials"},
                {}};
  for (const EntryView& e : issues) {
    const pb::Issue& op = e.body.issue();
    const pb::BatchResponse& batch = (*info)[e.entry.effects().batch()];
    report.rows.push_back({e.entry.effects().batch(), IsoTime(e.entry.timestamp_micros()),
                           e.entry.index(), op.project_id(), batch.project().name(),
                           batch.project().standard(), batch.project().methodology(),
                           batch.project().country(), op.vintage_start(), op.vintage_end(),
                           op.quantity(), op.to_account(), op.verification_ref(),
                           SerialString(batch.batch(), batch.project(), 1, op.quantity())});
  }
  return Emit(ctx, *flags, report);
}

int Holdings(Context& ctx) {
  std::optional<ExportFlags> flags = ReadFlags(ctx, true);
  if (!flags) return ctx.exit_code();
  std::vector<std::string> accounts;
  if (!flags->account.empty()) {
    accounts.push_back(flags->account);
  } else if (!WalkLog(ctx, [&](const EntryView& e) {
               if (e.kind == "open-account") accounts.push_back(e.body.open_account().account_id());
             })) {
    return ctx.exit_code();
  }
  std::vector<pb::Request> requests(accounts.size());
  for (size_t i = 0; i < accounts.size(); ++i) {
    requests[i].mutable_holdings()->set_account_id(accounts[i]);
  }
  std::optional<std::vector<pb::Response>> answers = AskMany(ctx, std::move(requests));
  if (!answers) return ctx.exit_code();
  Report report{{"account", "batch", "project_id", "project_name", "country", "vintage_start",
                 "vintage_end", "quantity", "serials"},
                {}};
  for (size_t i = 0; i < accounts.size(); ++i) {
    const pb::Response& a = (*answers)[i];
    if (a.has_error())
      return ctx.Fail(kExitRefused, a.error().code(), a.error().message(),
                      HintForNodeError(a.error().code()));
    for (const auto& h : a.holdings().batches()) {
      std::string serials;
      for (const std::string& s : h.serials()) serials += (serials.empty() ? "" : " ") + s;
      report.rows.push_back({accounts[i], h.batch().batch(), h.batch().project_id(),
                             h.project().name(), h.project().country(), h.batch().vintage_start(),
                             h.batch().vintage_end(), h.quantity(), serials});
    }
  }
  return Emit(ctx, *flags, report);
}

constexpr char kExportOptions[] =
    "--format csv|json (default csv; --json implies json), -o/--output FILE\n"
    "(default stdout). docs/cli.md lists the columns.\n";

}  // namespace

void AddExportCommands(std::vector<Command>& out) {
  static const std::string kRetirementsHelp =
      std::string(
          "One row per retirement and batch: retirement_id, retired_at, entry_index,\n"
          "account, quantity, serials, batch, project_id, project_name, standard,\n"
          "methodology, project_country, vintage_start, vintage_end, beneficiary,\n"
          "reason, details, country_of_use, claim_reference. --account ID keeps\n"
          "one account's retirements. ") +
      kExportOptions + "\nExample:\n  creg export retirements --format csv -o retirements.csv\n";
  static const std::string kIssuancesHelp =
      std::string(
          "One row per batch: batch, issued_at, entry_index, project_id,\n"
          "project_name, standard, methodology, country, vintage_start, vintage_end,\n"
          "quantity, issued_to, verification_ref, serials. ") +
      kExportOptions + "\nExample:\n  creg export issuances --format json\n";
  static const std::string kHoldingsHelp =
      std::string(
          "One row per account and batch: account, batch, project_id, project_name,\n"
          "country, vintage_start, vintage_end, quantity, serials. Every account, or\n"
          "only --account ID. ") +
      kExportOptions + "\nExample:\n  creg export holdings --account organiser\n";
  out.push_back({"export retirements", "[--account ID] [--format csv|json] [-o FILE]",
                 "Export every retirement", kRetirementsHelp.c_str(), Retirements});
  out.push_back({"export issuances", "[--format csv|json] [-o FILE]", "Export every issuance",
                 kIssuancesHelp.c_str(), Issuances});
  out.push_back({"export holdings", "[--account ID] [--format csv|json] [-o FILE]",
                 "Export what accounts hold", kHoldingsHelp.c_str(), Holdings});
}

}  // namespace creg::cli
