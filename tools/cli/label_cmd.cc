// creg label add|remove.
#include "ledger/registry/labels.h"
#include "tools/cli/commands.h"
#include "tools/cli/output.h"
#include "tools/cli/selection.h"

namespace creg::cli {
namespace {

int ChangeLabel(Context& ctx, pb::LabelAction action) {
  ctx.ReadSignerFlags(true);
  std::optional<std::string> serials = ctx.flags().Get("--serials");
  std::optional<std::string> batch = ctx.flags().Get("--batch");
  std::optional<std::string> label = ctx.flags().Get("--label");
  std::optional<std::string> reference = ctx.flags().Get("--reference");
  if (!ctx.Finish(0, 0)) return ctx.exit_code();
  StatusOr<pb::BlockSelection> selection = MakeBlockSelection(serials, batch);
  if (!selection.ok()) return ctx.UsageError(selection.status().message());
  if (!label) return ctx.UsageError("give --label L: ccp, ccb, corsia:FIRST-LAST or other:TEXT");
  // The registry refuses it too (INVALID_LABEL); say so before signing.
  if (std::string why = CheckLabel(*label); !why.empty()) {
    return ctx.UsageError("label '" + *label + "' " + why);
  }
  if (!reference || reference->empty()) {
    return ctx.UsageError("give --reference REF, the approval or assessment the label rests on");
  }
  pb::TransactionBody body;
  pb::Label* op = body.mutable_label();
  op->set_action(action);
  op->set_label(*label);
  op->set_reference(*reference);
  *op->mutable_credits() = std::move(*selection);
  std::optional<pb::Committed> c = ctx.Submit(std::move(body));
  if (!c) return ctx.exit_code();
  const std::string credits =
      Credits(c->effects().quantity()) + " (" + BlocksText(c->effects().blocks()) + ")";
  return ReportCommitted(ctx, *c,
                         action == pb::LABEL_ADD ? "labelled " + credits + " " + *label
                                                 : "removed label " + *label + " from " + credits);
}

int AddLabel(Context& ctx) { return ChangeLabel(ctx, pb::LABEL_ADD); }
int RemoveLabel(Context& ctx) { return ChangeLabel(ctx, pb::LABEL_REMOVE); }

constexpr char kLabelHelp[] =
    "Which credits: --serials BATCH:FIRST-LAST[,...] names them exactly; --batch N\n"
    "takes the whole batch. Only active credits change: retired and cancelled\n"
    "credits keep the labels they had.\n"
    "\nLabels (docs/rules.md, \"Labels\"):\n"
    "  ccp                    ICVCM Core Carbon Principles approved\n"
    "  ccb                    CCB (Climate, Community & Biodiversity) standards\n"
    "  corsia:FIRST-LAST      CORSIA eligible for a compliance period, e.g. corsia:2024-2026\n"
    "  other:TEXT             any other mark, TEXT of a-z 0-9 . _ / - (at most 64)\n"
    "A block carries at most 8 labels. --reference names the approval or\n"
    "assessment the label rests on; it is kept in the log.\n";

}  // namespace

void AddLabelCommands(std::vector<Command>& out) {
  static const std::vector<Flag> kFlags = {
      {"--serials", "BLOCKS", "the serials, BATCH:FIRST-LAST[,...]"},
      {"--batch", "N", "or every credit of batch N"},
      {"--label", "L", "the label (the list above)"},
      {"--reference", "REF", "the approval or assessment it rests on"},
      kProposeFlag,
      kProposalOutputFlag};
  static const std::string kAddHelp =
      std::string(kLabelHelp) +
      "\nExample:\n"
      "  creg label add --batch 1 --label ccp --reference \"ICVCM CCP approval 2025-014\"\n";
  static const std::string kRemoveHelp =
      std::string(kLabelHelp) +
      "\nExample:\n"
      "  creg label remove --serials 1:1-500 --label corsia:2024-2026 \\\n"
      "      --reference \"ICAO TAB decision 2026-03\"\n";
  out.push_back({"label add", "(--serials BLOCKS | --batch N) --label L --reference REF",
                 "Add a label to credits (operator)", kAddHelp.c_str(), AddLabel,
                 Command::kOperator, kFlags});
  out.push_back({"label remove", "(--serials BLOCKS | --batch N) --label L --reference REF",
                 "Remove a label from credits (operator)", kRemoveHelp.c_str(), RemoveLabel,
                 Command::kOperator, kFlags});
}

}  // namespace creg::cli
