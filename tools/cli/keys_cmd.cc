// creg keygen: make a key pair for an account.
#include <filesystem>
#include <iostream>

#include "ledger/encoding.h"
#include "ledger/keys.h"
#include "tools/cli/commands.h"
#include "tools/cli/output.h"

namespace creg::cli {
namespace {

int Keygen(Context& ctx) {
  if (!ctx.Finish(1, 1)) return ctx.exit_code();
  const std::string path = ctx.positional()[0];
  const std::string pub_path = path + ".pub";
  std::error_code ec;
  for (const std::string& p : {path, pub_path}) {
    if (std::filesystem::exists(p, ec)) {
      return ctx.Fail(kExitUsage, "ALREADY_EXISTS", p + " already exists",
                      "creg never overwrites a key: choose another file name.");
    }
  }
  StatusOr<PrivateKey> key = PrivateKey::Generate();
  if (!key.ok()) return ctx.FailLocal(key.status(), "");
  if (Status s = key->SaveFile(path); !s.ok()) {
    return ctx.FailLocal(s, "Check that the folder exists and is writable.");
  }
  if (Status s = SavePublicKeyFile(key->public_key(), pub_path); !s.ok()) {
    return ctx.FailLocal(s, "The private key is in " + path +
                                "; write its public key with "
                                "'openssl pkey -in " +
                                path + " -pubout'.");
  }
  std::string raw = Base64Encode(key->public_key().raw());
  if (ctx.json()) {
    json::Value v = json::Value::EmptyObject();
    v.Set("private_key_file", path);
    v.Set("public_key_file", pub_path);
    v.Set("public_key", raw);
    PrintJson(v);
    return kExitOk;
  }
  std::cout << "wrote private key " << path << " (mode 0600; keep it secret, it signs for you)\n"
            << "wrote public key  " << pub_path << "\n"
            << "public key:       " << raw << "\n"
            << "Next: give " << pub_path
            << " to the registry operator, who opens your account with\n"
            << "  creg account open ACCOUNT_ID --public-key " << pub_path
            << " --name \"Your name\"\n"
            << "then sign with --account ACCOUNT_ID --key " << path << ".\n";
  return kExitOk;
}

}  // namespace

void AddKeyCommands(std::vector<Command>& out) {
  out.push_back({"keygen", "FILE", "Make an Ed25519 key pair for an account",
                 "Writes the private key to FILE (PEM, mode 0600) and the public key to\n"
                 "FILE.pub. Never overwrites a file. The files are the same PEM forms\n"
                 "`openssl genpkey -algorithm ed25519` writes.\n"
                 "\nExample:\n  creg keygen organiser.key\n",
                 Keygen, Command::kLocal});
}

}  // namespace creg::cli
