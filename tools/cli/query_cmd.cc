// creg holdings|batch|retirement|retirements|provenance|entry|status.
#include <iostream>

#include "ledger/registry/article6.h"
#include "tools/cli/commands.h"
#include "tools/cli/json_stream.h"
#include "tools/cli/log_walk.h"
#include "tools/cli/output.h"
#include "tools/cli/pages.h"
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

// `creg holdings` output, written as the pages come. With --json one
// document, each batch an object whose blocks and serials arrays may span
// pages; for people a table with one row per batch and up to
// kBlocksPerRow blocks, so that rows stay readable and nothing waits for
// the end of a batch.
class HoldingsPrinter {
 public:
  static constexpr size_t kBlocksPerRow = 100;

  HoldingsPrinter(Context& ctx, const std::string& account)
      : ctx_(ctx),
        account_(account),
        json_(std::cout),
        table_({"BATCH", "PROJECT", "VINTAGE", "QUANTITY", "SERIALS"}) {
    if (!ctx_.json()) return;
    json_.BeginObject();
    json_.Key("account_id");
    json_.Value(account_);
    json_.Key("batches");
    json_.BeginArray();
  }

  // False after printing a failure.
  bool Add(const pb::HoldingsResponse::BatchHolding& h) {
    if (!in_batch_ || h.batch().batch() != batch_) {
      if (!EndBatch()) return false;
      StartBatch(h);
    }
    for (int i = 0; i < h.blocks_size(); ++i) {
      const pb::SerialBlock& b = h.blocks(i);
      const uint64_t quantity = b.last() - b.first() + 1;
      total_ += quantity;
      batch_quantity_ += quantity;
      const pb::BlockAttributes labels =
          i < h.attributes_size() ? h.attributes(i) : pb::BlockAttributes();
      if (ctx_.json()) {
        json::Value block = SerialBlockJson(b);
        block.Set("labels", LabelsJson(labels));
        block.Set("article6", Article6Json(labels));
        json_.Value(block);
        std::string serial = i < h.serials_size() ? h.serials(i) : std::string();
        if (Status s = serials_.Add(json::Serialize(json::Value(serial))); !s.ok()) {
          ctx_.FailLocal(s, "creg keeps long lists in a temporary file: check TMPDIR.");
          return false;
        }
        continue;
      }
      row_blocks_ += (row_count_ == 0 ? "" : ",") + BlockText(b);
      if (labels.labels_size() > 0) row_blocks_ += " [" + LabelsText(labels) + "]";
      if (labels.has_authorization())
        row_blocks_ += " [Article 6: " + Article6Summary(labels) + "]";
      row_quantity_ += quantity;
      if (++row_count_ == kBlocksPerRow) FlushRow();
    }
    return true;
  }

  // False after printing a failure.
  bool Finish() {
    if (!EndBatch()) return false;
    if (ctx_.json()) {
      json_.End();
      json_.Key("total");
      json_.Value(total_);
      json_.End();
    } else if (table_.rows() == 0) {
      std::cout << "account " << account_ << " holds no active credits\n";
    } else {
      table_.Finish();
      std::cout << "total: " << Credits(total_) << " held by " << account_ << "\n";
    }
    return true;
  }

 private:
  void StartBatch(const pb::HoldingsResponse::BatchHolding& h) {
    in_batch_ = true;
    batch_ = h.batch().batch();
    batch_quantity_ = 0;
    if (ctx_.json()) {
      json_.BeginObject();
      json::Value b = json::Value::EmptyObject();
      b.Set("batch", h.batch().batch());
      b.Set("project_id", h.batch().project_id());
      b.Set("project_name", h.project().name());
      b.Set("country", h.project().country());
      b.Set("vintage_start", h.batch().vintage_start());
      b.Set("vintage_end", h.batch().vintage_end());
      json_.Members(b);
      json_.Key("blocks");
      json_.BeginArray();
      return;
    }
    row_head_ = {std::to_string(batch_), h.batch().project_id(),
                 h.batch().vintage_start() + ".." + h.batch().vintage_end()};
  }

  bool EndBatch() {
    if (!in_batch_) return true;
    in_batch_ = false;
    if (!ctx_.json()) {
      FlushRow();
      return true;
    }
    json_.End();  // blocks
    json_.Key("serials");
    json_.BeginArray();
    if (Status s = serials_.MoveTo(json_); !s.ok()) {
      ctx_.FailLocal(s, "creg keeps long lists in a temporary file: check TMPDIR.");
      return false;
    }
    json_.End();
    json_.Key("quantity");
    json_.Value(batch_quantity_);
    json_.End();  // the batch
    return true;
  }

  void FlushRow() {
    if (row_count_ == 0) return;
    table_.AddRow({row_head_[0], row_head_[1], row_head_[2], std::to_string(row_quantity_),
                   std::move(row_blocks_)});
    row_blocks_.clear();
    row_count_ = 0;
    row_quantity_ = 0;
  }

  Context& ctx_;
  std::string account_;
  JsonStream json_;
  TableStream table_;
  uint64_t total_ = 0;
  bool in_batch_ = false;
  uint64_t batch_ = 0;
  uint64_t batch_quantity_ = 0;
  SpillList serials_;
  std::vector<std::string> row_head_;
  std::string row_blocks_;
  size_t row_count_ = 0;
  uint64_t row_quantity_ = 0;
};

int Holdings(Context& ctx) {
  std::string own = ctx.ReadAccountFlag();
  if (!ctx.Finish(0, 1)) return ctx.exit_code();
  std::string id = ctx.positional().empty() ? own : ctx.positional()[0];
  if (id.empty()) return ctx.UsageError("name the account: 'creg holdings ACCOUNT'");
  pb::Request request;
  request.mutable_holdings()->set_account_id(id);
  std::optional<HoldingsPrinter> printer;
  bool ok = ForEachPage(ctx, std::move(request), [&](const pb::Response& page) {
    if (!printer) printer.emplace(ctx, id);  // after the account is known to exist
    for (const auto& h : page.holdings().batches()) {
      if (!printer->Add(h)) return false;
    }
    return true;
  });
  if (!ok || !printer->Finish()) return ctx.exit_code();
  return kExitOk;
}

int Batch(Context& ctx) {
  if (!ctx.Finish(1, 1)) return ctx.exit_code();
  std::optional<uint64_t> n = NumberArgument(ctx, 0, "the batch number");
  if (!n) return ctx.exit_code();
  pb::Request request;
  request.mutable_batch()->set_batch(*n);
  JsonStream json(std::cout);
  std::optional<TableStream> table;
  bool ok = ForEachPage(ctx, std::move(request), [&](const pb::Response& page) {
    const pb::BatchResponse& b = page.batch();
    if (!table) {  // the first page: the batch itself
      table.emplace(std::vector<std::string>{"FIRST", "LAST", "QUANTITY", "OWNER", "STATUS",
                                             "RETIREMENT", "CHANGED AT ENTRY", "LABELS",
                                             "ARTICLE 6"});
      if (ctx.json()) {
        json.BeginObject();
        json.Members(BatchWithProjectJson(b.batch(), b.project()));
        json.Key("blocks");
        json.BeginArray();
      } else {
        Fields fields = BatchFields(b.batch());
        fields.insert(fields.begin() + 2, {"project name", b.project().name()});
        fields.insert(fields.begin() + 3, {"country", b.project().country()});
        PrintFields(fields);
        std::cout << "\n";
      }
    }
    for (const pb::BlockRecord& block : b.blocks()) {
      if (ctx.json()) {
        json.Value(BlockRecordJson(block));
        continue;
      }
      table->AddRow({std::to_string(block.first()), std::to_string(block.last()),
                     std::to_string(block.last() - block.first() + 1), block.owner(),
                     BlockStatusName(block.status()), block.retirement_id(),
                     std::to_string(block.changed_at_entry()), LabelsText(block.attributes()),
                     Article6Summary(block.attributes())});
    }
    return true;
  });
  if (!ok) return ctx.exit_code();
  if (ctx.json()) {
    json.End();
    json.End();
  } else {
    table->Finish();
  }
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
    PrintJson(RetirementResponseJson(r));
    return kExitOk;
  }
  PrintFields(RetirementFields(r.retirement()));
  for (const std::string& s : r.serials()) std::cout << "  " << s << "\n";
  return kExitOk;
}

int Retirements(Context& ctx) {
  std::optional<std::string> beneficiary = ctx.flags().Get("--beneficiary");
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
  JsonStream json(std::cout);
  TableStream table(
      {"RETIREMENT", "RETIRED AT", "ACCOUNT", "QUANTITY", "SERIALS", "BENEFICIARY", "REASON"});
  if (ctx.json()) {
    json.BeginObject();
    json.Key("retirements");
    json.BeginArray();
  }
  bool ok = ForEachPage(ctx, std::move(request), [&](const pb::Response& page) {
    for (const auto& r : page.retirements().retirements()) {
      if (ctx.json()) {
        json.Value(RetirementJson(r));
        continue;
      }
      table.AddRow({r.retirement_id(), IsoTime(r.retired_micros()), r.account(),
                    std::to_string(r.quantity()), BlocksText(r.blocks()), r.beneficiary(),
                    ReasonName(r.reason())});
    }
    return true;
  });
  if (!ok) return ctx.exit_code();
  if (ctx.json()) {
    json.End();
    json.End();
  } else if (table.rows() == 0) {
    std::cout << "no retirements found\n";
  } else {
    table.Finish();
  }
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
  json::Value doc = json::Value::EmptyObject();
  doc.Set("batch", batch);
  doc.Set("serial", serial);
  EntryListPrinter printer(ctx, doc);
  bool ok = ForEachPage(ctx, std::move(request), [&](const pb::Response& page) {
    const auto& found = page.history().entry_indexes();
    return ForEachEntry(ctx, std::vector<uint64_t>(found.begin(), found.end()),
                        [&](const EntryView& e) { printer.Add(e); });
  });
  if (!ok) return ctx.exit_code();
  printer.Finish("no transaction has touched serial " + std::to_string(serial) + " of batch " +
                 std::to_string(batch));
  return kExitOk;
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
    json::Value status = StatusJson(s);
    for (auto& [key, value] : status.as_object()) v.Set(key, std::move(value));
    PrintJson(v);
    return kExitOk;
  }
  Fields fields = {{"node", ctx.node()},
                   {"origin", s.origin()},
                   {"entries", std::to_string(s.tree_size())},
                   {"checkpoint size", std::to_string(s.checkpoint_size())},
                   {"writes", s.accepting_writes() ? "accepted" : "refused: " + s.fault()}};
  if (s.role() == "mirror") {
    fields.back().second = "refused: a mirror of " + s.writer();
    std::string replication = "following " + s.writer() + ", its checkpoint at " +
                              std::to_string(s.writer_checkpoint_size());
    if (!s.replication_error().empty()) replication = "retrying: " + s.replication_error();
    if (!s.replication_alarm().empty()) replication = "ALARM, stopped: " + s.replication_alarm();
    fields.push_back({"replication", replication});
  }
  if (!s.cluster().empty()) {
    fields.push_back({"cluster", s.cluster() + ", term " + std::to_string(s.term())});
  }
  if (s.quarantined_entries() > 0) {
    fields.push_back({"quarantined", std::to_string(s.quarantined_entries()) +
                                         " entries moved aside, in the node's quarantine/ folder"});
  }
  if (s.sync_mirrors_required() > 0) {
    fields.push_back({"sync mirrors", std::to_string(s.sync_mirrors_connected()) + " of " +
                                          std::to_string(s.sync_mirrors_required()) +
                                          " connected, synced to " +
                                          std::to_string(s.synced_size())});
  }
  if (s.witness_quorum() > 0) {
    fields.push_back({"publication", s.publication_fault().empty()
                                         ? "cosigned by " + std::to_string(s.witness_quorum()) +
                                               " of " + std::to_string(s.witnesses_size()) +
                                               " witnesses"
                                         : "stalled: " + s.publication_fault()});
    for (const pb::WitnessStatus& w : s.witnesses()) {
      fields.push_back({"witness " + w.url(), "cosigned size " + std::to_string(w.cosigned_size()) +
                                                  (w.error().empty() ? "" : "; " + w.error())});
    }
  }
  fields.push_back({"verifier key", s.verifier_key()});
  fields.push_back({"version", s.version()});
  PrintFields(fields);
  return kExitOk;
}

}  // namespace

void AddQueryCommands(std::vector<Command>& out) {
  out.push_back({"holdings",
                 "[ACCOUNT]",
                 "Show the active credits an account holds",
                 "Without ACCOUNT, shows --account (CREG_ACCOUNT). --json also gives the\n"
                 "human serial strings of each block.\n\nExample:\n  creg holdings organiser\n",
                 Holdings,
                 Command::kQuery,
                 {kOwnAccountFlag}});
  out.push_back({"batch", "N", "Show a batch and who holds each block of it",
                 "Example:\n  creg batch 1\n", Batch});
  out.push_back(
      {"retirement", "ID", "Show a retirement", "Example:\n  creg retirement R6\n", Retirement});
  out.push_back({"retirements",
                 "(--beneficiary NAME | --account ID)",
                 "List retirements for a beneficiary or by an account",
                 "Example:\n  creg retirements --beneficiary \"Forum Organising Committee\"\n",
                 Retirements,
                 Command::kQuery,
                 {{"--beneficiary", "NAME", "retirements for this beneficiary"},
                  {"--account", "ID", "or retirements by this account (signed in as, with --key)",
                   nullptr, "CREG_ACCOUNT"}}});
  out.push_back({"provenance", "BATCH SERIAL", "List every transaction that touched a serial",
                 "Also accepts BATCH:SERIAL.\n\nExample:\n  creg provenance 1 42\n", Provenance});
  out.push_back({"entry", "N", "Show log entry N", "Example:\n  creg entry 6\n", Entry});
  out.push_back({"status", "", "Show the node's registry, size and verifier key",
                 "Example:\n  creg status\n", StatusCommand});
}

}  // namespace creg::cli
