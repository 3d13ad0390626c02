// creg holdings|batch|retirement|retirements|provenance|entry|status.
#include <iostream>

#include "tools/cli/commands.h"
#include "tools/cli/log_walk.h"
#include "tools/cli/output.h"
#include "tools/cli/records.h"
#include "tools/cli/selection.h"

namespace creg::cli {
namespace {

std::optional<uint64_t> NumberArgument(Context& ctx, size_t i, const char* what) {
  StatusOr<uint64_t> n = ParseCount(ctx.positional()[i], what, true);
  if (!n.ok()) {
    ctx.UsageError(n.status().message());
    return std::nullopt;
  }
  return *n;
}

int Holdings(Context& ctx) {
  std::string own = ctx.ReadAccountFlag();
  if (!ctx.Finish(0, 1)) return ctx.exit_code();
  std::string id = ctx.positional().empty() ? own : ctx.positional()[0];
  if (id.empty()) return ctx.UsageError("name the account: 'creg holdings ACCOUNT'");
  pb::Request request;
  request.mutable_holdings()->set_account_id(id);
  std::optional<pb::Response> response = ctx.Ask(std::move(request));
  if (!response) return ctx.exit_code();
  uint64_t total = 0;
  json::Value batches = json::Value::EmptyArray();
  Table table({"BATCH", "PROJECT", "VINTAGE", "QUANTITY", "SERIALS"});
  for (const auto& h : response->holdings().batches()) {
    total += h.quantity();
    json::Value b = json::Value::EmptyObject();
    b.Set("batch", h.batch().batch());
    b.Set("project_id", h.batch().project_id());
    b.Set("project_name", h.project().name());
    b.Set("country", h.project().country());
    b.Set("vintage_start", h.batch().vintage_start());
    b.Set("vintage_end", h.batch().vintage_end());
    b.Set("quantity", h.quantity());
    b.Set("blocks", SerialBlocksJson(h.blocks()));
    json::Value serials = json::Value::EmptyArray();
    for (const std::string& s : h.serials()) serials.Append(s);
    b.Set("serials", std::move(serials));
    batches.Append(std::move(b));
    table.AddRow({std::to_string(h.batch().batch()), h.batch().project_id(),
                  h.batch().vintage_start() + ".." + h.batch().vintage_end(),
                  std::to_string(h.quantity()), BlocksText(h.blocks())});
  }
  if (ctx.json()) {
    json::Value v = json::Value::EmptyObject();
    v.Set("account_id", id);
    v.Set("total", total);
    v.Set("batches", std::move(batches));
    PrintJson(v);
  } else if (table.empty()) {
    std::cout << "account " << id << " holds no active credits\n";
  } else {
    table.Print();
    std::cout << "total: " << Credits(total) << " held by " << id << "\n";
  }
  return kExitOk;
}

int Batch(Context& ctx) {
  if (!ctx.Finish(1, 1)) return ctx.exit_code();
  std::optional<uint64_t> n = NumberArgument(ctx, 0, "the batch number");
  if (!n) return ctx.exit_code();
  pb::Request request;
  request.mutable_batch()->set_batch(*n);
  std::optional<pb::Response> response = ctx.Ask(std::move(request));
  if (!response) return ctx.exit_code();
  const pb::BatchResponse& b = response->batch();
  if (ctx.json()) {
    json::Value v = BatchJson(b.batch());
    v.Set("project", ProjectJson(b.project()));
    json::Value blocks = json::Value::EmptyArray();
    for (const pb::BlockRecord& block : b.blocks()) blocks.Append(BlockRecordJson(block));
    v.Set("blocks", std::move(blocks));
    PrintJson(v);
    return kExitOk;
  }
  Fields fields = BatchFields(b.batch());
  fields.insert(fields.begin() + 2, {"project name", b.project().name()});
  fields.insert(fields.begin() + 3, {"country", b.project().country()});
  PrintFields(fields);
  std::cout << "\n";
  Table table({"FIRST", "LAST", "QUANTITY", "OWNER", "STATUS", "RETIREMENT", "CHANGED AT ENTRY"});
  for (const pb::BlockRecord& block : b.blocks()) {
    table.AddRow({std::to_string(block.first()), std::to_string(block.last()),
                  std::to_string(block.last() - block.first() + 1), block.owner(),
                  BlockStatusName(block.status()), block.retirement_id(),
                  std::to_string(block.changed_at_entry())});
  }
  table.Print();
  return kExitOk;
}

int Retirement(Context& ctx) {
  if (!ctx.Finish(1, 1)) return ctx.exit_code();
  pb::Request request;
  request.mutable_retirement()->set_retirement_id(ctx.positional()[0]);
  std::optional<pb::Response> response = ctx.Ask(std::move(request));
  if (!response) return ctx.exit_code();
  const pb::RetirementResponse& r = response->retirement();
  if (ctx.json()) {
    json::Value v = RetirementJson(r.retirement());
    json::Value serials = json::Value::EmptyArray();
    for (const std::string& s : r.serials()) serials.Append(s);
    v.Set("serials", std::move(serials));
    PrintJson(v);
    return kExitOk;
  }
  PrintFields(RetirementFields(r.retirement()));
  for (const std::string& s : r.serials()) std::cout << "  " << s << "\n";
  return kExitOk;
}

int Retirements(Context& ctx) {
  std::optional<std::string> beneficiary = ctx.args().Get("--beneficiary");
  std::string account = ctx.ReadAccountFlag();
  if (!ctx.Finish(0, 0)) return ctx.exit_code();
  pb::Request request;
  if (beneficiary) {
    request.mutable_retirements()->set_beneficiary(*beneficiary);
  } else if (!account.empty()) {
    request.mutable_retirements()->set_account_id(account);
  } else {
    return ctx.UsageError("give --beneficiary NAME or --account ID");
  }
  std::optional<pb::Response> response = ctx.Ask(std::move(request));
  if (!response) return ctx.exit_code();
  if (ctx.json()) {
    json::Value list = json::Value::EmptyArray();
    for (const auto& r : response->retirements().retirements()) list.Append(RetirementJson(r));
    json::Value v = json::Value::EmptyObject();
    v.Set("retirements", std::move(list));
    PrintJson(v);
    return kExitOk;
  }
  if (response->retirements().retirements_size() == 0) {
    std::cout << "no retirements found\n";
    return kExitOk;
  }
  Table table(
      {"RETIREMENT", "RETIRED AT", "ACCOUNT", "QUANTITY", "SERIALS", "BENEFICIARY", "REASON"});
  for (const auto& r : response->retirements().retirements()) {
    table.AddRow({r.retirement_id(), IsoTime(r.retired_micros()), r.account(),
                  std::to_string(r.quantity()), BlocksText(r.blocks()), r.beneficiary(),
                  ReasonName(r.reason())});
  }
  table.Print();
  return kExitOk;
}

int Provenance(Context& ctx) {
  if (!ctx.Finish(1, 2)) return ctx.exit_code();
  uint64_t batch = 0, serial = 0;
  if (ctx.positional().size() == 1) {
    StatusOr<std::vector<pb::SerialBlock>> blocks = ParseSerials(ctx.positional()[0]);
    if (!blocks.ok() || blocks->size() != 1 || (*blocks)[0].first() != (*blocks)[0].last()) {
      return ctx.UsageError("name one serial: 'creg provenance BATCH SERIAL' or BATCH:SERIAL");
    }
    batch = (*blocks)[0].batch();
    serial = (*blocks)[0].first();
  } else {
    std::optional<uint64_t> b = NumberArgument(ctx, 0, "the batch number");
    std::optional<uint64_t> s = b ? NumberArgument(ctx, 1, "the serial") : std::nullopt;
    if (!s) return ctx.exit_code();
    batch = *b;
    serial = *s;
  }
  pb::Request request;
  request.mutable_provenance()->set_batch(batch);
  request.mutable_provenance()->set_serial(serial);
  std::optional<pb::Response> response = ctx.Ask(std::move(request));
  if (!response) return ctx.exit_code();
  std::vector<uint64_t> indexes(response->history().entry_indexes().begin(),
                                response->history().entry_indexes().end());
  std::optional<std::vector<EntryView>> entries = FetchEntries(ctx, indexes);
  if (!entries) return ctx.exit_code();
  if (entries->empty() && !ctx.json()) {
    std::cout << "no transaction has touched serial " << serial << " of batch " << batch << "\n";
    return kExitOk;
  }
  json::Value doc = json::Value::EmptyObject();
  doc.Set("batch", batch);
  doc.Set("serial", serial);
  return PrintEntryList(ctx, *entries, std::move(doc));
}

int Entry(Context& ctx) {
  if (!ctx.Finish(1, 1)) return ctx.exit_code();
  std::optional<uint64_t> n = NumberArgument(ctx, 0, "the entry index");
  if (!n) return ctx.exit_code();
  std::optional<std::vector<EntryView>> entries = FetchEntries(ctx, {*n});
  if (!entries) return ctx.exit_code();
  const EntryView& e = (*entries)[0];
  if (ctx.json()) {
    PrintJson(EntryJson(e));
    return kExitOk;
  }
  PrintFields({{"entry", std::to_string(e.entry.index())},
               {"time", IsoTime(e.entry.timestamp_micros())},
               {"kind", e.kind},
               {"signer", e.envelope.signer()},
               {"summary", e.summary}});
  std::cout << "\n" << json::Serialize(EntryJson(e), true) << "\n";
  return kExitOk;
}

int StatusCommand(Context& ctx) {
  if (!ctx.Finish(0, 0)) return ctx.exit_code();
  pb::Request request;
  request.mutable_status();
  std::optional<pb::Response> response = ctx.Ask(std::move(request));
  if (!response) return ctx.exit_code();
  const pb::StatusResponse& s = response->status();
  if (ctx.json()) {
    json::Value v = json::Value::EmptyObject();
    v.Set("node", ctx.node());
    v.Set("origin", s.origin());
    v.Set("tree_size", s.tree_size());
    v.Set("checkpoint_size", s.checkpoint_size());
    v.Set("verifier_key", s.verifier_key());
    v.Set("version", s.version());
    v.Set("accepting_writes", s.accepting_writes());
    v.Set("fault", s.fault());
    PrintJson(v);
    return kExitOk;
  }
  PrintFields({{"node", ctx.node()},
               {"origin", s.origin()},
               {"entries", std::to_string(s.tree_size())},
               {"checkpoint size", std::to_string(s.checkpoint_size())},
               {"writes", s.accepting_writes() ? "accepted" : "refused: " + s.fault()},
               {"verifier key", s.verifier_key()},
               {"version", s.version()}});
  return kExitOk;
}

}  // namespace

void AddQueryCommands(std::vector<Command>& out) {
  out.push_back({"holdings", "[ACCOUNT]", "Show the active credits an account holds",
                 "Without ACCOUNT, shows --account (CREG_ACCOUNT). --json also gives the\n"
                 "human serial strings of each block.\n\nExample:\n  creg holdings organiser\n",
                 Holdings});
  out.push_back({"batch", "N", "Show a batch and who holds each block of it",
                 "Example:\n  creg batch 1\n", Batch});
  out.push_back(
      {"retirement", "ID", "Show a retirement", "Example:\n  creg retirement R6\n", Retirement});
  out.push_back({"retirements", "(--beneficiary NAME | --account ID)",
                 "List retirements for a beneficiary or by an account",
                 "Example:\n  creg retirements --beneficiary \"Forum Organising Committee\"\n",
                 Retirements});
  out.push_back({"provenance", "BATCH SERIAL", "List every transaction that touched a serial",
                 "Also accepts BATCH:SERIAL.\n\nExample:\n  creg provenance 1 42\n", Provenance});
  out.push_back({"entry", "N", "Show log entry N", "Example:\n  creg entry 6\n", Entry});
  out.push_back({"status", "", "Show the node's registry, size and verifier key",
                 "Example:\n  creg status\n", StatusCommand});
}

}  // namespace creg::cli
