#include "tools/audit/common.h"

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <thread>

#include "client/client_flags.h"
#include "ledger/data_dir.h"
#include "ledger/registry/registry.h"
#include "tools/audit/commands.h"

namespace creg::audit {
namespace {

std::string_view Trim(std::string_view s) {
  const char* space = " \t\r\n";
  size_t begin = s.find_first_not_of(space);
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(space) - begin + 1);
}

}  // namespace

StatusOr<std::string> ReadInput(const std::string& path) {
  if (path == "-") {
    std::ostringstream out;
    out << std::cin.rdbuf();
    if (std::cin.bad()) return UnavailableError("cannot read standard input");
    return out.str();
  }
  return ReadFile(path);
}

namespace {

// A verifier key given on the command line, or the path of a file holding one.
template <typename Verifier>
StatusOr<Verifier> LoadKey(const std::string& key_or_path, std::string_view flag) {
  StatusOr<Verifier> direct = Verifier::FromVerifierKey(Trim(key_or_path));
  if (direct.ok()) return direct;
  StatusOr<std::string> text = ReadFile(key_or_path);
  if (!text.ok()) {
    // No '+': meant as a path, so a missing file is "cannot read".
    if (key_or_path.find('+') == std::string::npos) return text.status();
    return InvalidArgumentError(std::string(flag) + " '" + key_or_path +
                                "' is neither a verifier key (" + direct.status().message() +
                                ") nor a readable file (" + text.status().message() + ")");
  }
  StatusOr<Verifier> from_file = Verifier::FromVerifierKey(Trim(*text));
  if (!from_file.ok()) {
    return InvalidArgumentError("file " + key_or_path +
                                " holds no verifier key: " + from_file.status().message());
  }
  return from_file;
}

}  // namespace

StatusOr<NoteVerifier> LoadVerifier(const std::string& key_or_path) {
  return LoadKey<NoteVerifier>(key_or_path, "--key");
}

StatusOr<CosignatureVerifier> LoadWitnessVerifier(const std::string& key_or_path) {
  return LoadKey<CosignatureVerifier>(key_or_path, "--witness-key");
}

int LoadFailureCode(const Status& status) {
  bool unreadable =
      status.code() == StatusCode::kNotFound || status.code() == StatusCode::kUnavailable;
  return unreadable ? kExitCannotRead : kExitUsage;
}

bool NodeDidNotServe(const Status& status) {
  return status.code() == StatusCode::kUnavailable ||
         status.code() == StatusCode::kResourceExhausted ||
         status.code() == StatusCode::kNotAuthorized;
}

std::string Count(uint64_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

int Report(std::string_view command, int code, std::string_view message) {
  std::cerr << "creg-audit " << command << ": " << message << "\n";
  return code;
}

std::unique_ptr<Store> OpenDataReadOnly(const DataDir& dir, std::string_view command,
                                        int* exit_code) {
  StoreOptions options;
  options.read_only = true;
  StatusOr<std::unique_ptr<Store>> store =
      Store::Open(dir.db_path(), options, Registry::ColumnNames());
  if (!store.ok()) {
    *exit_code = Report(command, kExitCannotRead,
                        "cannot open " + dir.db_path() + ": " + store.status().ToString());
    return nullptr;
  }
  return std::move(store).value();
}

void AddKeyFlag(CLI::App& app, std::string& key, const std::string& help) {
  app.add_option("--key", key, help)->type_name("VERIFIER_KEY");
}

void AddDataFlag(CLI::App& app, std::string& data) {
  app.add_option("--data", data, "a registry data folder, read-only")->type_name("DIR");
}

void AddNodeFlags(CLI::App& app, std::string& node, ClientOptions& client, AccountFlags& account) {
  app.add_option("--node", node,
                 "a running node instead; several, comma-separated (the members of a cluster, "
                 "mirrors too), are tried in turn until one answers")
      ->type_name(cmdline::kNodeListSyntax);
  AddClientFlags(app, client);
  AddAccountFlags(app, account);
}

std::optional<Members> NodeMembers(std::string_view command, const std::string& node) {
  StatusOr<Members> members = Members::Parse(node);
  if (!members.ok()) {
    UsageError(command, "--node: " + members.status().message());
    return std::nullopt;
  }
  return std::move(members).value();
}

Members::SkipNote NoteSkippedMembers(std::string_view command) {
  return SkipNoteTo(std::cerr, "creg-audit " + std::string(command) + ": ");
}

int UsageError(std::string_view command, const std::string& message) {
  return cmdline::UsageError("creg-audit " + std::string(command), message, kExitUsage);
}

size_t DefaultJobs() {
  unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : static_cast<size_t>(cores);
}

}  // namespace creg::audit
