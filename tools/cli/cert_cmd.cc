// creg cert|checkpoint|verifier-key.
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "ledger/data_dir.h"
#include "tools/cli/commands.h"
#include "tools/cli/output.h"

namespace creg::cli {
namespace {

// How long `creg cert` waits for a published checkpoint that covers the
// retirement (with witnesses, one they cosigned).
constexpr auto kCertWait = std::chrono::seconds(60);

// True if the node cannot give the certificate only because no published
// checkpoint covers the retirement yet.
bool NotYetCovered(const pb::Error& error) {
  return (error.code() == "FAILED_PRECONDITION" &&
          error.message().find("is not covered by the checkpoint") != std::string::npos) ||
         (error.code() == "UNAVAILABLE" &&
          error.message().find("no checkpoint published yet") != std::string::npos);
}

// The certificate, asked again every 200 ms while NotYetCovered, for at
// most kCertWait; progress on stderr if it is a terminal.
std::optional<pb::Response> AskCertificate(Context& ctx, const std::string& id) {
  Client* client = ctx.client();
  if (client == nullptr) return std::nullopt;
  const bool tty = isatty(STDERR_FILENO) == 1;
  const auto deadline = std::chrono::steady_clock::now() + kCertWait;
  bool waited = false;
  for (;;) {
    pb::Request request;
    request.mutable_certificate()->set_retirement_id(id);
    StatusOr<pb::Response> response = client->Call(std::move(request));
    if (!response.ok()) {
      ctx.FailConnection(response.status());
      return std::nullopt;
    }
    if (!response->has_error()) {
      if (waited && tty) std::cerr << " covered\n";
      return std::move(response).value();
    }
    if (!NotYetCovered(response->error()) || std::chrono::steady_clock::now() >= deadline) {
      if (waited && tty) std::cerr << "\n";
      ctx.Fail(kExitRefused, response->error().code(), response->error().message(),
               HintForNodeError(response->error().code()));
      return std::nullopt;
    }
    if (tty) std::cerr << (waited ? "." : "waiting for a published checkpoint that covers " + id);
    waited = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

int Cert(Context& ctx) {
  std::optional<std::string> output = ctx.flags().Get("--output");
  if (!ctx.Finish(1, 1)) return ctx.exit_code();
  const std::string id = ctx.positional()[0];
  std::optional<pb::Response> response = AskCertificate(ctx, id);
  if (!response) return ctx.exit_code();
  std::string text = response->certificate().json();
  if (!text.empty() && text.back() != '\n') text += '\n';
  if (!output || *output == "-") {
    std::cout << text;
    return kExitOk;
  }
  if (Status s = WriteFileAtomically(*output, text); !s.ok()) {
    return ctx.FailLocal(s, "Check that the folder of " + *output + " exists and is writable.");
  }
  pb::Request status;
  status.mutable_status();
  std::optional<pb::Response> node = ctx.Ask(std::move(status));
  if (!node) return ctx.exit_code();
  if (ctx.json()) {
    json::Value v = json::Value::EmptyObject();
    v.Set("retirement_id", id);
    v.Set("file", *output);
    v.Set("bytes", text.size());
    v.Set("verifier_key", node->status().verifier_key());
    PrintJson(v);
    return kExitOk;
  }
  std::cout << "wrote the retirement certificate of " << id << " to " << *output << "\n"
            << "Anyone can check it offline against the registry's verifier key:\n"
            << "  creg-audit verify-cert " << *output << " --key '" << node->status().verifier_key()
            << "'\n";
  return kExitOk;
}

int Checkpoint(Context& ctx) {
  if (!ctx.Finish(0, 0)) return ctx.exit_code();
  pb::Request request;
  request.mutable_get_checkpoint();
  std::optional<pb::Response> response = ctx.Ask(std::move(request));
  if (!response) return ctx.exit_code();
  if (ctx.json()) {
    json::Value v = json::Value::EmptyObject();
    v.Set("tree_size", response->checkpoint().tree_size());
    v.Set("note", response->checkpoint().note());
    PrintJson(v);
  } else {
    std::cout << response->checkpoint().note();
  }
  return kExitOk;
}

int VerifierKey(Context& ctx) {
  if (!ctx.Finish(0, 0)) return ctx.exit_code();
  pb::Request request;
  request.mutable_status();
  std::optional<pb::Response> response = ctx.Ask(std::move(request));
  if (!response) return ctx.exit_code();
  if (ctx.json()) {
    json::Value v = json::Value::EmptyObject();
    v.Set("origin", response->status().origin());
    v.Set("verifier_key", response->status().verifier_key());
    PrintJson(v);
  } else {
    std::cout << response->status().verifier_key() << "\n";
  }
  return kExitOk;
}

}  // namespace

void AddCertCommands(std::vector<Command>& out) {
  out.push_back({"cert",
                 "RETIREMENT_ID [-o FILE]",
                 "Write a retirement certificate",
                 "Writes the self-contained certificate (JSON, docs/audit.md) to FILE, or\n"
                 "to stdout without -o (--output). Anyone can check it offline with\n"
                 "'creg-audit verify-cert FILE --key VERIFIER_KEY'. If no published\n"
                 "checkpoint covers the retirement yet (a registry with witnesses\n"
                 "publishes only cosigned ones), waits up to 60 s for one.\n"
                 "\nExample:\n  creg cert R6 -o forum-retirement.json\n",
                 Cert,
                 Command::kQuery,
                 {{"-o,--output", "FILE", "write the certificate there; default stdout"}}});
  out.push_back({"checkpoint", "", "Print the latest signed checkpoint",
                 "The C2SP signed note the node signed over its log.\n"
                 "\nExample:\n  creg checkpoint\n",
                 Checkpoint});
  out.push_back({"verifier-key", "", "Print the registry's checkpoint verifier key",
                 "Auditors check checkpoints and certificates against this key; get it\n"
                 "from the registry through a channel you trust.\n"
                 "\nExample:\n  creg verifier-key\n",
                 VerifierKey});
}

}  // namespace creg::cli
