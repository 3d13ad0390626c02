// creg issue|transfer|retire|cancel.
#include <iostream>

#include "tools/cli/commands.h"
#include "tools/cli/credit_use.h"
#include "tools/cli/output.h"
#include "tools/cli/selection.h"

namespace creg::cli {
namespace {

struct SelectionFlags {
  std::optional<std::string> serials, batch, quantity;
};

SelectionFlags ReadSelection(Context& ctx) {
  SelectionFlags f;
  f.serials = ctx.flags().Get("--serials");
  f.batch = ctx.flags().Get("--batch");
  f.quantity = ctx.flags().Get("--quantity");
  return f;
}

std::optional<pb::CreditSelection> Selection(Context& ctx, const SelectionFlags& f) {
  StatusOr<pb::CreditSelection> s = MakeSelection(f.serials, f.batch, f.quantity);
  if (!s.ok()) {
    ctx.Fail(kExitUsage, "USAGE", s.status().message(),
             "Give --serials BATCH:FIRST-LAST[,...] or --batch N --quantity Q ('creg holdings' "
             "lists what an account holds).");
    return std::nullopt;
  }
  return *s;
}

std::string Moved(const pb::Committed& c) {
  return Credits(c.effects().quantity()) + " (" + BlocksText(c.effects().blocks()) + ")";
}

int Issue(Context& ctx) {
  ctx.ReadSignerFlags(true);
  std::optional<std::string> project = ctx.flags().Get("--project");
  std::optional<std::string> quantity = ctx.flags().Get("--quantity");
  std::optional<std::string> to = ctx.flags().Get("--to");
  std::optional<std::string> ref = ctx.flags().Get("--verification-ref");
  std::optional<std::string> vintage = ctx.flags().Get("--vintage");
  std::optional<std::string> start = ctx.flags().Get("--vintage-start");
  std::optional<std::string> end = ctx.flags().Get("--vintage-end");
  if (!ctx.Finish(0, 0)) return ctx.exit_code();
  if (!project || !quantity || !to || !ref) {
    return ctx.UsageError("give --project, --quantity, --to and --verification-ref");
  }
  if (vintage) {
    if (start || end) return ctx.UsageError("give --vintage YEAR or --vintage-start/--vintage-end");
    if (vintage->size() != 4) return ctx.UsageError("--vintage takes a year, e.g. 2025");
    start = *vintage + "-01-01";
    end = *vintage + "-12-31";
  }
  if (!start || !end) {
    return ctx.UsageError("give the vintage: --vintage YEAR, or --vintage-start and --vintage-end");
  }
  StatusOr<uint64_t> q = ParseCount(*quantity, "--quantity");
  if (!q.ok()) return ctx.UsageError(q.status().message());
  pb::TransactionBody body;
  pb::Issue* op = body.mutable_issue();
  op->set_project_id(*project);
  op->set_vintage_start(*start);
  op->set_vintage_end(*end);
  op->set_quantity(*q);
  op->set_to_account(*to);
  op->set_verification_ref(*ref);
  std::optional<pb::Committed> c = ctx.Submit(std::move(body));
  if (!c) return ctx.exit_code();
  return ReportCommitted(ctx, *c,
                         "issued batch " + std::to_string(c->effects().batch()) + ": " +
                             Credits(*q) + " of " + *project + " to " + *to);
}

int Transfer(Context& ctx) {
  ctx.ReadSignerFlags(false);
  std::optional<std::string> to = ctx.flags().Get("--to");
  std::string memo = ctx.flags().Value("--memo");
  SelectionFlags flags = ReadSelection(ctx);
  if (!ctx.Finish(0, 0)) return ctx.exit_code();
  if (!to) return ctx.UsageError("give --to ACCOUNT, the account that receives the credits");
  std::optional<pb::CreditSelection> selection = Selection(ctx, flags);
  if (!selection) return ctx.exit_code();
  std::optional<std::string> account = ctx.SignerAccount();
  if (!account) return ctx.exit_code();
  pb::TransactionBody body;
  pb::Transfer* op = body.mutable_transfer();
  op->set_from_account(*account);
  op->set_to_account(*to);
  *op->mutable_credits() = *selection;
  op->set_memo(memo);
  std::optional<pb::Committed> c = ctx.Submit(std::move(body));
  if (!c) return ctx.exit_code();
  return ReportCommitted(ctx, *c, "transferred " + Moved(*c) + " from " + *account + " to " + *to);
}

// The --use of retire and cancel (`flag`), into `use` when given; false
// after a usage error.
bool ReadUse(Context& ctx, const std::optional<std::string>& flag, pb::CreditUse& use) {
  if (!flag) return true;
  StatusOr<pb::CreditUse> parsed = ParseUseArgument("--use", *flag);
  if (!parsed.ok()) {
    ctx.UsageError(parsed.status().message());
    return false;
  }
  use = *parsed;
  return true;
}

constexpr char kUseHelp[] =
    "--use says what the credits are used for: voluntary (the default), ndc\n"
    "(towards a nationally determined contribution) or oimp (other international\n"
    "mitigation purposes, such as CORSIA); ndc and oimp need credits authorised\n"
    "for that use ('creg authorize'). --using-entity names who uses them.\n";

int Retire(Context& ctx) {
  ctx.ReadSignerFlags(false);
  std::optional<std::string> beneficiary = ctx.flags().Get("--beneficiary");
  std::optional<std::string> reason = ctx.flags().Get("--reason");
  std::string details = ctx.flags().Value("--details");
  std::string country = ctx.flags().Value("--country-of-use");
  std::string claim = ctx.flags().Value("--claim-reference");
  std::optional<std::string> use_flag = ctx.flags().Get("--use");
  std::string using_entity = ctx.flags().Value("--using-entity");
  SelectionFlags flags = ReadSelection(ctx);
  if (!ctx.Finish(0, 0)) return ctx.exit_code();
  pb::CreditUse use = pb::CREDIT_USE_VOLUNTARY;
  if (!ReadUse(ctx, use_flag, use)) return ctx.exit_code();
  if (!beneficiary || beneficiary->empty()) {
    return ctx.UsageError("give --beneficiary NAME, on whose behalf the credits are retired");
  }
  if (!reason) return ctx.UsageError("give --reason, one of:\n" + ReasonList());
  std::optional<pb::RetirementReason> r = ParseReason(*reason);
  if (!r) return ctx.UsageError("unknown --reason '" + *reason + "'; use one of:\n" + ReasonList());
  if (*r == pb::OTHER && details.empty()) {
    // The registry refuses it too (RETIREMENT_INCOMPLETE); say so before signing.
    return ctx.UsageError("--reason other needs --details TEXT saying what the reason is");
  }
  std::optional<pb::CreditSelection> selection = Selection(ctx, flags);
  if (!selection) return ctx.exit_code();
  std::optional<std::string> account = ctx.SignerAccount();
  if (!account) return ctx.exit_code();
  pb::TransactionBody body;
  pb::Retire* op = body.mutable_retire();
  op->set_account(*account);
  *op->mutable_credits() = *selection;
  op->set_beneficiary(*beneficiary);
  op->set_reason(*r);
  op->set_details(details);
  op->set_country_of_use(country);
  op->set_claim_reference(claim);
  op->set_use(use);
  op->set_using_entity(using_entity);
  std::optional<pb::Committed> c = ctx.Submit(std::move(body));
  if (!c) return ctx.exit_code();
  const std::string& id = c->effects().retirement_id();
  int code = ReportCommitted(ctx, *c, "retired " + Moved(*c) + " as " + id);
  if (!ctx.json()) {
    std::cout << "Next: write the certificate with 'creg cert " << id << " -o " << id << ".json'\n";
  }
  return code;
}

int Cancel(Context& ctx) {
  ctx.ReadSignerFlags(true);
  std::optional<std::string> holder = ctx.flags().Get("--holder");
  std::optional<std::string> reason = ctx.flags().Get("--reason");
  std::optional<std::string> use_flag = ctx.flags().Get("--use");
  std::string using_entity = ctx.flags().Value("--using-entity");
  SelectionFlags flags = ReadSelection(ctx);
  if (!ctx.Finish(0, 0)) return ctx.exit_code();
  pb::CreditUse use = pb::CREDIT_USE_VOLUNTARY;
  if (!ReadUse(ctx, use_flag, use)) return ctx.exit_code();
  if (!holder) return ctx.UsageError("give --holder ACCOUNT, the account holding the credits");
  if (!reason || reason->empty())
    return ctx.UsageError("give --reason TEXT; it is kept in the log");
  std::optional<pb::CreditSelection> selection = Selection(ctx, flags);
  if (!selection) return ctx.exit_code();
  pb::TransactionBody body;
  pb::Cancel* op = body.mutable_cancel();
  op->set_account(*holder);
  *op->mutable_credits() = *selection;
  op->set_reason(*reason);
  op->set_use(use);
  op->set_using_entity(using_entity);
  std::optional<pb::Committed> c = ctx.Submit(std::move(body));
  if (!c) return ctx.exit_code();
  return ReportCommitted(ctx, *c, "cancelled " + Moved(*c) + " held by " + *holder);
}

constexpr char kSelectionHelp[] =
    "Which credits: --serials BATCH:FIRST-LAST[,BATCH:FIRST-LAST...] names them\n"
    "exactly; --batch N --quantity Q takes the Q lowest serials held in batch N.\n";

}  // namespace

void AddCreditCommands(std::vector<Command>& out) {
  static const Flag kSerialsFlag{"--serials", "BLOCKS", "the serials, BATCH:FIRST-LAST[,...]"};
  static const Flag kBatchFlag{"--batch", "N", "or the batch"};
  static const Flag kQuantityFlag{"--quantity", "Q", "and how many credits of it"};
  static const std::string kIssueHelp =
      "Issues a new batch of Q credits (1 credit = 1 t CO2e), serials 1..Q, to\n"
      "ACCOUNT. The vintage is --vintage YEAR or --vintage-start/--vintage-end\n"
      "YYYY-MM-DD. REF names the verification report; it is issued only once.\n"
      "\nExample:\n"
      "  creg issue --project yunnan-wind-01 --vintage 2025 --quantity 10000 \\\n"
      "      --to developer --verification-ref VR-2025-001\n";
  static const std::string kTransferHelp =
      std::string(kSelectionHelp) +
      "\nExamples:\n"
      "  creg transfer --to organiser --batch 1 --quantity 500\n"
      "  creg transfer --to organiser --serials 1:1-500 --memo \"PO 7731\"\n";
  static const std::string kRetireHelp =
      std::string(kSelectionHelp) + "\n--beneficiary and --reason are required. Reasons:\n" +
      ReasonList() +
      "--reason other needs --details TEXT saying what the reason is.\n"
      "--country-of-use is an ISO 3166-1 alpha-2 code. A retirement is final.\n" +
      kUseHelp +
      "\nExamples:\n"
      "  creg retire --batch 1 --quantity 120 --beneficiary \"Forum Organising Committee\" \\\n"
      "      --reason voluntary-event-offset --country-of-use CN \\\n"
      "      --details \"Belt and Road Green and Low-carbon Development Forum\"\n"
      "  creg retire --serials 2:1-1000 --beneficiary \"Swiss Confederation\" \\\n"
      "      --reason compliance --use ndc --using-entity \"Switzerland\"\n";
  static const std::string kCancelHelp =
      std::string(kSelectionHelp) +
      "\nRemoves credits held by ACCOUNT from circulation (invalidated credits,\n"
      "buffer pool deductions).\n" +
      kUseHelp +
      "\nExample:\n"
      "  creg cancel --holder developer --serials 1:9901-10000 --reason \"buffer pool\"\n";
  out.push_back({"issue",
                 "--project ID --quantity Q --to ACCOUNT --verification-ref REF --vintage YEAR",
                 "Issue a batch of credits (operator)",
                 kIssueHelp.c_str(),
                 Issue,
                 Command::kOperator,
                 {{"--project", "ID", "the project"},
                  {"--quantity", "Q", "how many credits"},
                  {"--to", "ACCOUNT", "the account that receives them"},
                  {"--verification-ref", "REF", "the verification report"},
                  {"--vintage", "YEAR", "the vintage year"},
                  {"--vintage-start", "YYYY-MM-DD", "or the first day of the vintage"},
                  {"--vintage-end", "YYYY-MM-DD", "and its last day"},
                  kProposeFlag,
                  kProposalOutputFlag}});
  out.push_back({"transfer",
                 "--to ACCOUNT (--serials BLOCKS | --batch N --quantity Q) [--memo TEXT]",
                 "Transfer credits to another account",
                 kTransferHelp.c_str(),
                 Transfer,
                 Command::kSigned,
                 {{"--to", "ACCOUNT", "the account that receives the credits"},
                  kSerialsFlag,
                  kBatchFlag,
                  kQuantityFlag,
                  {"--memo", "TEXT", "a note kept in the log"},
                  kProposeFlag,
                  kProposalOutputFlag}});
  out.push_back({"retire",
                 "(--serials BLOCKS | --batch N --quantity Q) --beneficiary NAME --reason R "
                 "[--details TEXT] [--country-of-use CC] [--claim-reference REF] [--use USE] "
                 "[--using-entity NAME]",
                 "Retire credits for good",
                 kRetireHelp.c_str(),
                 Retire,
                 Command::kSigned,
                 {kSerialsFlag,
                  kBatchFlag,
                  kQuantityFlag,
                  {"--beneficiary", "NAME", "on whose behalf the credits are retired"},
                  {"--reason", "R", "why (the list above)"},
                  {"--details", "TEXT", "what the retirement is for"},
                  {"--country-of-use", "CC", "ISO 3166-1 alpha-2 country of use"},
                  {"--claim-reference", "REF", "the claim it backs, e.g. an invoice"},
                  {"--use", "USE", "voluntary (default), ndc or oimp"},
                  {"--using-entity", "NAME", "who uses the credits"},
                  kProposeFlag,
                  kProposalOutputFlag}});
  out.push_back({"cancel",
                 "--holder ACCOUNT (--serials BLOCKS | --batch N --quantity Q) --reason TEXT "
                 "[--use USE] [--using-entity NAME]",
                 "Cancel credits (operator)",
                 kCancelHelp.c_str(),
                 Cancel,
                 Command::kOperator,
                 {{"--holder", "ACCOUNT", "the account holding the credits"},
                  kSerialsFlag,
                  kBatchFlag,
                  kQuantityFlag,
                  {"--reason", "TEXT", "why; it is kept in the log"},
                  {"--use", "USE", "voluntary (default), ndc or oimp"},
                  {"--using-entity", "NAME", "who uses the credits"},
                  kProposeFlag,
                  kProposalOutputFlag}});
}

}  // namespace creg::cli
