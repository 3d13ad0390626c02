// creg export cadt: the registry's projects, issuances and units (with
// their labels and Article 6 corresponding adjustment) in the field names
// of the Climate Action Data Trust data model (cadt_fields.h),
// as one JSON document written as the pages come, so that memory stays at
// a page whatever the registry's size. docs/cadt.md.
#include <map>
#include <set>

#include "ledger/records/names.h"
#include "tools/cli/cadt_fields.h"
#include "tools/cli/commands.h"
#include "tools/cli/json_stream.h"
#include "tools/cli/log_walk.h"
#include "tools/cli/pages.h"
#include "tools/cli/report_file.h"

namespace creg::cli {
namespace {

// Batch records asked for at once while listing issuances.
constexpr uint64_t kBatchesPerRound = 256;
// Retirements whose details are kept for the blocks of later pages; the
// cache starts again when full.
constexpr size_t kRetirementsKept = 4096;

class CadtExport {
 public:
  CadtExport(Context& ctx, std::ostream& out) : ctx_(ctx), json_(out) {}

  // Writes the whole document. False after printing a failure.
  bool Run() {
    pb::Request request;
    request.mutable_status();
    std::optional<pb::Response> status = ctx_.Ask(std::move(request));
    if (!status) return false;
    origin_ = status->status().origin();
    json_.BeginObject();
    json_.Key("format");
    json_.Value("creg-cadt/1");
    json_.Key("origin");
    json_.Value(origin_);
    json_.Key("tree_size");
    json_.Value(status->status().tree_size());
    if (!Section("projects", &CadtExport::Projects) ||
        !Section("issuances", &CadtExport::Issuances) || !Section("units", &CadtExport::Units)) {
      return false;
    }
    json_.End();
    return true;
  }

  std::string Summary() const {
    return std::to_string(projects_) + " projects, " + std::to_string(batches_) +
           " issuances and " + std::to_string(units_) + " units";
  }

 private:
  bool Section(const char* name, bool (CadtExport::*write)()) {
    json_.Key(name);
    json_.BeginArray();
    if (!(this->*write)()) return false;
    json_.End();
    return true;
  }

  bool NodeError(const pb::Error& error) {
    ctx_.Fail(kExitRefused, error.code(), error.message(), HintForNodeError(error.code()));
    return false;
  }

  // Every project, a page at a time, with the time of its registration.
  bool Projects() {
    pb::Request request;
    request.mutable_projects();
    return ForEachPage(ctx_, std::move(request), [&](const pb::Response& page) {
      std::vector<uint64_t> indexes;
      for (const pb::ProjectRecord& p : page.projects().projects()) {
        indexes.push_back(p.registered_at_entry());
      }
      std::map<uint64_t, int64_t> registered;
      if (!ForEachEntry(ctx_, indexes, [&](const EntryView& e) {
            registered[e.entry.index()] = e.entry.timestamp_micros();
          })) {
        return false;
      }
      for (const pb::ProjectRecord& p : page.projects().projects()) {
        json_.Value(CadtProject(p, origin_, registered[p.registered_at_entry()]));
        ++projects_;
      }
      return true;
    });
  }

  // Batches are numbered 1, 2, 3, ... (docs/serials.md): asked for in
  // rounds until the node knows no more.
  bool Issuances() {
    for (;;) {
      std::vector<pb::Request> requests(kBatchesPerRound);
      for (uint64_t i = 0; i < kBatchesPerRound; ++i) {
        requests[i].mutable_batch()->set_batch(batches_ + 1 + i);
        requests[i].mutable_batch()->set_without_blocks(true);
      }
      std::optional<std::vector<pb::Response>> answers = AskMany(ctx_, std::move(requests));
      if (!answers) return false;
      for (const pb::Response& answer : *answers) {
        if (answer.has_error()) {
          if (answer.error().code() == "NOT_FOUND") return true;
          return NodeError(answer.error());
        }
        if (answer.batch().batch().batch() != batches_ + 1) {
          ctx_.FailProtocol("the node answered a request for batch " +
                            std::to_string(batches_ + 1) + " with batch " +
                            std::to_string(answer.batch().batch().batch()) + ": protocol error");
          return false;
        }
        json_.Value(CadtIssuance(answer.batch().batch()));
        ++batches_;
      }
    }
  }

  // The blocks of every batch listed above, as they stand now.
  bool Units() {
    for (uint64_t batch = 1; batch <= batches_; ++batch) {
      pb::Request request;
      request.mutable_batch()->set_batch(batch);
      if (!ForEachPage(ctx_, std::move(request),
                       [&](const pb::Response& page) { return UnitsPage(page.batch()); })) {
        return false;
      }
    }
    return true;
  }

  bool UnitsPage(const pb::BatchResponse& page) {
    std::map<uint64_t, UnitStatusDetails> cancelled;
    if (!LearnRetirements(page) || !LearnCancellations(page, cancelled)) return false;
    for (const pb::BlockRecord& block : page.blocks()) {
      if (CadtUnitStatus(block.status()).empty()) {
        ctx_.FailProtocol("the node sent a block of batch " + std::to_string(page.batch().batch()) +
                          " with status " + std::to_string(block.status()) +
                          ", which creg does not define: " + "protocol error");
        return false;
      }
      if (block.first() == 0 || block.last() < block.first() ||
          block.last() > page.batch().quantity()) {
        ctx_.FailProtocol("the node sent block " + std::to_string(block.first()) + "-" +
                          std::to_string(block.last()) + " of batch " +
                          std::to_string(page.batch().batch()) +
                          ", which is not inside the batch: protocol error");
        return false;
      }
      const UnitStatusDetails* details = nullptr;
      if (block.status() == pb::BLOCK_RETIRED) {
        details = &retired_[block.retirement_id()];
      } else if (block.status() == pb::BLOCK_CANCELLED) {
        auto it = cancelled.find(block.first());
        if (it != cancelled.end()) details = &it->second;
      }
      json_.Value(CadtUnit(page.batch(), page.project(), block, details));
      ++units_;
    }
    return true;
  }

  // The retirements of the page's retired blocks not yet known.
  bool LearnRetirements(const pb::BatchResponse& page) {
    std::set<std::string> on_page;
    std::set<std::string> wanted;
    for (const pb::BlockRecord& block : page.blocks()) {
      if (block.status() != pb::BLOCK_RETIRED) continue;
      on_page.insert(block.retirement_id());
      if (!retired_.contains(block.retirement_id())) wanted.insert(block.retirement_id());
    }
    if (wanted.empty()) return true;
    if (retired_.size() + wanted.size() > kRetirementsKept) {
      retired_.clear();
      wanted = std::move(on_page);
    }
    std::vector<pb::Request> requests;
    for (const std::string& id : wanted) {
      requests.emplace_back().mutable_retirement()->set_retirement_id(id);
    }
    std::optional<std::vector<pb::Response>> answers = AskMany(ctx_, std::move(requests));
    if (!answers) return false;
    for (const pb::Response& answer : *answers) {
      if (answer.has_error()) return NodeError(answer.error());
      const pb::RetirementRecord& retirement = answer.retirement().retirement();
      if (!wanted.contains(retirement.retirement_id())) {
        ctx_.FailProtocol("the node answered with retirement '" + retirement.retirement_id() +
                          "', which was not asked for: protocol error");
        return false;
      }
      retired_[retirement.retirement_id()] = RetirementDetails(retirement);
    }
    return true;
  }

  // The reasons and times of the cancellations that made the page's
  // cancelled blocks, by the block's first serial. A block's
  // changed_at_entry is its cancellation, unless a corresponding
  // adjustment changed the block since (docs/rules.md): then the
  // provenance of its first serial names the cancellation. A block whose
  // cancellation is not found has none.
  bool LearnCancellations(const pb::BatchResponse& page,
                          std::map<uint64_t, UnitStatusDetails>& out) {
    std::set<uint64_t> wanted;
    for (const pb::BlockRecord& block : page.blocks()) {
      if (block.status() == pb::BLOCK_CANCELLED) wanted.insert(block.changed_at_entry());
    }
    std::map<uint64_t, UnitStatusDetails> by_entry;
    if (!ForEachEntry(ctx_, {wanted.begin(), wanted.end()},
                      [&](const EntryView& e) { LearnCancellation(e, by_entry); })) {
      return false;
    }
    for (const pb::BlockRecord& block : page.blocks()) {
      if (block.status() != pb::BLOCK_CANCELLED) continue;
      uint64_t cancel = block.changed_at_entry();
      if (!by_entry.contains(cancel)) {
        std::optional<uint64_t> found =
            CancellationOf(page.batch().batch(), block.first(), by_entry);
        if (!found) return false;
        cancel = *found;
      }
      if (auto it = by_entry.find(cancel); it != by_entry.end()) out[block.first()] = it->second;
    }
    return true;
  }

  static void LearnCancellation(const EntryView& e, std::map<uint64_t, UnitStatusDetails>& out) {
    if (e.kind == "cancel") {
      out[e.entry.index()] = {e.body.cancel().reason(), e.entry.timestamp_micros(), "", ""};
    }
  }

  // The cancel entry among those that touched `serial` of `batch`, learnt
  // into `by_entry`; 0 when there is none (entry 0 opens the operator's
  // account). nullopt after printing a failure.
  std::optional<uint64_t> CancellationOf(uint64_t batch, uint64_t serial,
                                         std::map<uint64_t, UnitStatusDetails>& by_entry) {
    pb::Request request;
    request.mutable_provenance()->set_batch(batch);
    request.mutable_provenance()->set_serial(serial);
    std::vector<uint64_t> touched;
    if (!ForEachPage(ctx_, std::move(request), [&](const pb::Response& page) {
          touched.insert(touched.end(), page.history().entry_indexes().begin(),
                         page.history().entry_indexes().end());
          return true;
        })) {
      return std::nullopt;
    }
    uint64_t cancel = 0;
    if (!ForEachEntry(ctx_, touched, [&](const EntryView& e) {
          LearnCancellation(e, by_entry);
          if (e.kind == "cancel") cancel = e.entry.index();
        })) {
      return std::nullopt;
    }
    return cancel;
  }

  Context& ctx_;
  JsonStream json_;
  std::string origin_;
  std::map<std::string, UnitStatusDetails> retired_;
  uint64_t projects_ = 0;
  uint64_t batches_ = 0;
  uint64_t units_ = 0;
};

int ExportCadt(Context& ctx) {
  std::optional<std::string> output = ctx.flags().Get("--output");
  if (!ctx.Finish(0, 0)) return ctx.exit_code();
  ReportFile file(output);
  if (!file.Open(ctx)) return ctx.exit_code();
  CadtExport report(ctx, file.out());
  if (!report.Run()) return ctx.exit_code();
  return file.Close(ctx, report.Summary());
}

}  // namespace

void AddCadtCommands(std::vector<Command>& out) {
  static const Flag kOutput{"-o,--output", "FILE", "write the document there; default stdout"};
  out.push_back({"export cadt",
                 "[-o FILE]",
                 "Export projects, issuances and units in the CAD Trust data model",
                 "One JSON document: \"projects\", \"issuances\" (one per batch) and \"units\"\n"
                 "(one per serial block, as the blocks stand now), each object in the field\n"
                 "names of the Climate Action Data Trust data model, with the fields creg\n"
                 "holds; units carry their labels and corresponding adjustment status.\n"
                 "Reads batch blocks and log entries: sign in as an operator or an\n"
                 "auditor (--account, --key) unless the node's read policy is public-log.\n"
                 "docs/cadt.md has the mapping.\n"
                 "\nExample:\n  creg export cadt -o registry-cadt.json\n",
                 ExportCadt,
                 Command::kQuery,
                 {kOutput}});
}

}  // namespace creg::cli
