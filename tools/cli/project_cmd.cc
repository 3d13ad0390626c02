// creg project register|show.
#include <iostream>

#include "tools/cli/commands.h"
#include "tools/cli/output.h"
#include "tools/cli/records.h"

namespace creg::cli {
namespace {

int Register(Context& ctx) {
  ctx.ReadSignerFlags(true);
  struct Field {
    const char* flag;
    std::optional<std::string> value;
  };
  Field fields[] = {{"--name", {}},
                    {"--standard", {}},
                    {"--methodology", {}},
                    {"--country", {}},
                    {"--proponent", {}}};
  for (Field& f : fields) f.value = ctx.flags().Get(f.flag);
  if (!ctx.Finish(1, 1)) return ctx.exit_code();
  for (const Field& f : fields) {
    if (!f.value || f.value->empty()) {
      return ctx.UsageError("give " + std::string(f.flag) +
                            "; a project needs --name, --standard, "
                            "--methodology, --country and --proponent");
    }
  }
  const std::string id = ctx.positional()[0];
  pb::TransactionBody body;
  pb::RegisterProject* op = body.mutable_register_project();
  op->set_project_id(id);
  op->set_name(*fields[0].value);
  op->set_standard(*fields[1].value);
  op->set_methodology(*fields[2].value);
  op->set_country(*fields[3].value);
  op->set_proponent(*fields[4].value);
  std::optional<pb::Committed> committed = ctx.Submit(std::move(body));
  if (!committed) return ctx.exit_code();
  json::Value extra = json::Value::EmptyObject();
  extra.Set("project_id", id);
  return ReportCommitted(ctx, *committed, "registered project " + id, extra);
}

int Show(Context& ctx) {
  if (!ctx.Finish(1, 1)) return ctx.exit_code();
  pb::Request request;
  request.mutable_project()->set_project_id(ctx.positional()[0]);
  std::optional<pb::Response> response = ctx.Ask(std::move(request));
  if (!response) return ctx.exit_code();
  if (ctx.json()) {
    PrintJson(ProjectJson(response->project().project()));
  } else {
    PrintFields(ProjectFields(response->project().project()));
  }
  return kExitOk;
}

}  // namespace

void AddProjectCommands(std::vector<Command>& out) {
  out.push_back({"project register",
                 "ID --name TEXT --standard S --methodology M --country CC --proponent ACCOUNT",
                 "Register a project (operator)",
                 "CC is the ISO 3166-1 alpha-2 country of the project in capitals; ACCOUNT\n"
                 "is the project developer's account. Ids follow the account id rule.\n"
                 "\nExample:\n"
                 "  creg project register yunnan-wind-01 --name \"Yunnan Dali Wind Farm\" \\\n"
                 "      --standard VCS --methodology ACM0002 --country CN --proponent developer\n",
                 Register,
                 Command::kOperator,
                 {{"--name", "TEXT", "the project's name"},
                  {"--standard", "S", "the standard it is certified under, e.g. VCS"},
                  {"--methodology", "M", "the methodology, e.g. ACM0002"},
                  {"--country", "CC", "ISO 3166-1 alpha-2 country code"},
                  {"--proponent", "ACCOUNT", "the project developer's account"},
                  kProposeFlag,
                  kProposalOutputFlag}});
  out.push_back({"project show", "ID", "Show a project",
                 "Example:\n  creg project show yunnan-wind-01\n", Show, Command::kQuery});
}

}  // namespace creg::cli
