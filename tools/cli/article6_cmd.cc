// creg authorize, creg adjust: Article 6 authorisations and corresponding
// adjustments (docs/rules.md, "Article 6").
#include <algorithm>

#include "ledger/registry/article6.h"
#include "tools/cli/commands.h"
#include "tools/cli/output.h"
#include "tools/cli/selection.h"

namespace creg::cli {
namespace {

// "oimp,ndc" into the authorised uses, in ascending order as the registry
// stores them; InvalidArgument naming an unknown one.
StatusOr<std::vector<pb::AuthorizedUse>> ParseUses(std::string_view text) {
  std::vector<pb::AuthorizedUse> uses;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view name = text.substr(start, end - start);
    std::optional<pb::AuthorizedUse> use = ParseAuthorizedUse(name);
    if (!use) {
      return InvalidArgumentError("unknown use '" + std::string(name) +
                                  "' in --uses; use ndc, oimp and other-international, "
                                  "separated by commas");
    }
    uses.push_back(*use);
    start = end + 1;
  }
  std::sort(uses.begin(), uses.end());
  return uses;
}

std::string Changed(const pb::Committed& c) {
  return Credits(c.effects().quantity()) + " (" + BlocksText(c.effects().blocks()) + ")";
}

int Authorize(Context& ctx) {
  ctx.ReadSignerFlags(true);
  std::optional<std::string> serials = ctx.flags().Get("--serials");
  std::optional<std::string> batch = ctx.flags().Get("--batch");
  std::optional<std::string> party = ctx.flags().Get("--party");
  std::optional<std::string> reference = ctx.flags().Get("--reference");
  std::optional<std::string> date = ctx.flags().Get("--date");
  std::optional<std::string> uses = ctx.flags().Get("--uses");
  std::optional<std::string> first_transfer = ctx.flags().Get("--first-transfer");
  if (!ctx.Finish(0, 0)) return ctx.exit_code();
  StatusOr<pb::BlockSelection> credits = MakeBlockSelection(serials, batch);
  if (!credits.ok()) return ctx.UsageError(credits.status().message());
  if (!party) return ctx.UsageError("give --party CC, the authorising party's ISO 3166-1 code");
  if (!reference || reference->empty()) {
    return ctx.UsageError("give --reference REF, the letter or decision of authorisation");
  }
  if (!date) return ctx.UsageError("give --date YYYY-MM-DD, the date of the authorisation");
  if (!uses)
    return ctx.UsageError("give --uses USES: ndc, oimp, other-international, e.g. ndc,oimp");
  StatusOr<std::vector<pb::AuthorizedUse>> parsed_uses = ParseUses(*uses);
  if (!parsed_uses.ok()) return ctx.UsageError(parsed_uses.status().message());
  if (!first_transfer) {
    return ctx.UsageError(
        "give --first-transfer DEF: authorization, issuance or use-or-cancellation");
  }
  std::optional<pb::FirstTransfer> definition = ParseFirstTransfer(*first_transfer);
  if (!definition) {
    return ctx.UsageError("unknown --first-transfer '" + *first_transfer +
                          "'; use authorization, issuance or use-or-cancellation");
  }
  pb::TransactionBody body;
  pb::Authorize* op = body.mutable_authorize();
  *op->mutable_credits() = std::move(*credits);
  pb::Article6Authorization* a = op->mutable_authorization();
  a->set_party(*party);
  a->set_reference(*reference);
  a->set_date(*date);
  for (pb::AuthorizedUse use : *parsed_uses) a->add_uses(use);
  a->set_first_transfer(*definition);
  const std::string authorization = AuthorizationText(*a);
  std::optional<pb::Committed> c = ctx.Submit(std::move(body));
  if (!c) return ctx.exit_code();
  return ReportCommitted(ctx, *c,
                         "authorised " + Changed(*c) + " under Article 6: " + authorization);
}

int Adjust(Context& ctx) {
  ctx.ReadSignerFlags(true);
  std::optional<std::string> serials = ctx.flags().Get("--serials");
  std::optional<std::string> batch = ctx.flags().Get("--batch");
  std::optional<std::string> status = ctx.flags().Get("--status");
  std::optional<std::string> reference = ctx.flags().Get("--reference");
  if (!ctx.Finish(0, 0)) return ctx.exit_code();
  StatusOr<pb::BlockSelection> credits = MakeBlockSelection(serials, batch);
  if (!credits.ok()) return ctx.UsageError(credits.status().message());
  std::optional<pb::AdjustmentStatus> parsed =
      status ? ParseAdjustmentStatus(*status) : std::nullopt;
  if (!parsed || *parsed == pb::ADJUSTMENT_NOT_REQUIRED) {
    return ctx.UsageError("give --status pending or --status applied");
  }
  if (!reference || reference->empty()) {
    return ctx.UsageError("give --reference REF, e.g. the report that records the adjustment");
  }
  pb::TransactionBody body;
  pb::CorrespondingAdjustment* op = body.mutable_corresponding_adjustment();
  *op->mutable_credits() = std::move(*credits);
  op->set_status(*parsed);
  op->set_reference(*reference);
  std::optional<pb::Committed> c = ctx.Submit(std::move(body));
  if (!c) return ctx.exit_code();
  return ReportCommitted(
      ctx, *c, "corresponding adjustment " + AdjustmentStatusName(*parsed) + " for " + Changed(*c));
}

constexpr char kAuthorizeHelp[] =
    "Records a host party's Article 6 authorisation on credits. Which credits:\n"
    "--serials BATCH:FIRST-LAST[,...] names them exactly; --batch N takes the\n"
    "whole batch. Only active credits are authorised, and none may carry an\n"
    "authorisation already.\n"
    "\n--party is the authorising party's ISO 3166-1 alpha-2 code; --reference\n"
    "and --date (YYYY-MM-DD) name the letter or decision of authorisation.\n"
    "--uses, one or more separated by commas:\n"
    "  ndc                    towards another party's NDC\n"
    "  oimp                   other international mitigation purposes (CORSIA, ...)\n"
    "  other-international    other purposes the host party names\n"
    "--first-transfer, when the first transfer happens:\n"
    "  authorization          at this authorisation\n"
    "  issuance               at the issuance of the credits\n"
    "  use-or-cancellation    when they are retired or cancelled\n"
    "Credits authorised for ndc or oimp need a corresponding adjustment: their\n"
    "status becomes pending ('creg adjust' records it applied).\n"
    "\nExample:\n"
    "  creg authorize --batch 2 --party GH --reference \"GH LoA 2026-001\" \\\n"
    "      --date 2026-03-02 --uses ndc,oimp --first-transfer authorization\n";

constexpr char kAdjustHelp[] =
    "Moves the corresponding adjustment status of authorised credits forward:\n"
    "not-required, then pending, then applied, never back. Which credits:\n"
    "--serials BATCH:FIRST-LAST[,...] or --batch N; retired and cancelled credits\n"
    "change too. --reference names what the status rests on, e.g. the host\n"
    "party's report that records the adjustment applied.\n"
    "\nExample:\n"
    "  creg adjust --serials 2:1-1000 --status applied --reference \"GH BTR 2028\"\n";

}  // namespace

void AddArticle6Commands(std::vector<Command>& out) {
  static const std::vector<Flag> kAuthorizeFlags = {
      {"--serials", "BLOCKS", "the serials, BATCH:FIRST-LAST[,...]"},
      {"--batch", "N", "or every credit of batch N"},
      {"--party", "CC", "the authorising party (ISO 3166-1 alpha-2)"},
      {"--reference", "REF", "the letter or decision of authorisation"},
      {"--date", "YYYY-MM-DD", "the date of the authorisation"},
      {"--uses", "USES", "ndc, oimp, other-international (comma-separated)"},
      {"--first-transfer", "DEF", "authorization, issuance or use-or-cancellation"},
      kProposeFlag,
      kProposalOutputFlag};
  static const std::vector<Flag> kAdjustFlags = {
      {"--serials", "BLOCKS", "the serials, BATCH:FIRST-LAST[,...]"},
      {"--batch", "N", "or every credit of batch N"},
      {"--status", "STATUS", "pending or applied"},
      {"--reference", "REF", "what it rests on, e.g. a report"},
      kProposeFlag,
      kProposalOutputFlag};
  out.push_back({"authorize",
                 "(--serials BLOCKS | --batch N) --party CC --reference REF --date YYYY-MM-DD "
                 "--uses USES --first-transfer DEF",
                 "Record an Article 6 authorisation of credits (operator)", kAuthorizeHelp,
                 Authorize, Command::kOperator, kAuthorizeFlags});
  out.push_back({"adjust",
                 "(--serials BLOCKS | --batch N) --status pending|applied --reference REF",
                 "Record a corresponding adjustment status of credits (operator)", kAdjustHelp,
                 Adjust, Command::kOperator, kAdjustFlags});
}

}  // namespace creg::cli
