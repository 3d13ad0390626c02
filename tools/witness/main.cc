// creg-witness: a C2SP tlog-witness for creg registries (docs/witness.md).
//
//   creg-witness init --data DIR --name NAME
//   creg-witness run  --data DIR --listen HOST:PORT --log VERIFIER_KEY [--log ...]
//
// The data folder holds DIR/witness.key (the Ed25519 key, PEM, mode 0600),
// DIR/verifier.key (its type 0x04 verifier key, which carries the
// witness's name), DIR/logs/ (what was last cosigned per log,
// tools/witness/witness_store.h) and DIR/witness.lock (held while running).
//
// Exit codes: 0 success (run: after SIGINT or SIGTERM), 1 a runtime
// failure, 2 a usage error.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cmdline/app.h"
#include "ledger/data_dir.h"
#include "node/accept_loop.h"
#include "node/http/http_server.h"
#include "tools/witness/witness.h"

namespace creg::witness {
namespace {

namespace asio = boost::asio;

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
// The largest add-checkpoint body served: 63 proof lines (45 bytes each)
// and a checkpoint with many signatures fit with room to spare.
constexpr size_t kMaxBodyBytes = 16 * 1024;

constexpr char kExitStatus[] =
    "Exit status: 0 on success (run: after SIGINT or SIGTERM), 1 on a runtime failure, 2 on a "
    "usage error.";

std::string KeyPath(const std::string& dir) { return dir + "/witness.key"; }
std::string VerifierPath(const std::string& dir) { return dir + "/verifier.key"; }

struct InitFlags {
  std::string data = "witness-data";
  std::string name;
};

struct RunFlags {
  std::string data = "witness-data";
  std::string listen = "127.0.0.1:7680";
  std::vector<std::string> logs;
  uint64_t threads = 2;
  uint64_t read_timeout_ms = 10'000;
  uint64_t max_connections = 256;
};

int Fail(const std::string& message) {
  std::cerr << "creg-witness: " << message << "\n";
  return kExitFailure;
}

int Init(const InitFlags& flags) {
  if (!IsValidNoteKeyName(flags.name)) {
    return cmdline::UsageError("creg-witness init",
                               "--name NAME is required: a key name with no spaces and no '+', "
                               "e.g. witness.example.org/w1",
                               kExitUsage);
  }
  std::error_code ec;
  std::filesystem::create_directories(flags.data, ec);
  if (ec) return Fail("cannot create " + flags.data + ": " + ec.message());
  StatusOr<PrivateKey> key = PrivateKey::Generate();
  if (!key.ok()) return Fail(key.status().ToString());
  // The key first: it is never overwritten, so a second init stops here.
  if (Status saved = key->SaveFile(KeyPath(flags.data)); !saved.ok()) return Fail(saved.message());
  StatusOr<CosignatureSigner> signer =
      CosignatureSigner::Create(flags.name, std::move(key).value());
  if (!signer.ok()) return Fail(signer.status().message());
  const std::string vkey = signer->VerifierKey();
  if (Status saved = WriteFileAtomically(VerifierPath(flags.data), vkey + "\n"); !saved.ok()) {
    return Fail(saved.message());
  }
  std::cout << "witness " << flags.name << " created in " << flags.data << "\n"
            << "key: " << KeyPath(flags.data) << " (keep it secret)\n"
            << "verifier key (give it to the registries you witness, and to their auditors):\n"
            << vkey << "\n";
  return 0;
}

// Holds DIR/witness.lock (flock) while the witness runs: two witnesses on
// one state would each trust a state the other moves on, and could cosign
// a fork between them. Released when the process ends, however it ends.
Status LockDataDir(const std::string& dir) {
  const std::string path = dir + "/witness.lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return UnavailableError("cannot open " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return FailedPreconditionError("another creg-witness is serving " + dir + " (" + path +
                                   " is locked)");
  }
  return OkStatus();  // fd stays open, and the lock held, until exit
}

StatusOr<CosignatureSigner> LoadSigner(const std::string& dir) {
  CREG_ASSIGN_OR_RETURN(PrivateKey key, PrivateKey::LoadFile(KeyPath(dir)));
  CREG_ASSIGN_OR_RETURN(std::string text, ReadFile(VerifierPath(dir)));
  if (!text.empty() && text.back() == '\n') text.pop_back();
  StatusOr<CosignatureVerifier> verifier = CosignatureVerifier::FromVerifierKey(text);
  if (!verifier.ok()) return verifier.status().WithContext(VerifierPath(dir));
  if (!(verifier->key() == key.public_key())) {
    return InvalidArgumentError(VerifierPath(dir) + " is not the verifier key of " + KeyPath(dir));
  }
  return CosignatureSigner::Create(verifier->name(), std::move(key));
}

int Run(const RunFlags& flags) {
  const std::string path = "creg-witness run";
  if (flags.logs.empty()) {
    return cmdline::UsageError(path, "--log VERIFIER_KEY is required (once per log)", kExitUsage);
  }
  if (flags.threads < 1 || flags.threads > 64) {
    return cmdline::UsageError(path, "--threads must be 1 to 64", kExitUsage);
  }
  if (flags.read_timeout_ms < 1 || flags.max_connections < 1) {
    return cmdline::UsageError(path, "--read-timeout and --max-connections must be at least 1",
                               kExitUsage);
  }
  std::vector<NoteVerifier> logs;
  for (const std::string& text : flags.logs) {
    StatusOr<NoteVerifier> log = NoteVerifier::FromVerifierKey(text);
    if (!log.ok())
      return cmdline::UsageError(path, "--log " + text + ": " + log.status().message(), kExitUsage);
    logs.push_back(*std::move(log));
  }
  StatusOr<CosignatureSigner> signer = LoadSigner(flags.data);
  if (!signer.ok()) return Fail(signer.status().message());
  if (Status locked = LockDataDir(flags.data); !locked.ok()) return Fail(locked.message());
  StatusOr<WitnessStore> store = WitnessStore::Open(flags.data);
  if (!store.ok()) return Fail(store.status().message());
  StatusOr<std::unique_ptr<Witness>> witness =
      Witness::Create(std::move(signer).value(), std::move(logs), std::move(store).value());
  if (!witness.ok()) return Fail(witness.status().message());

  asio::io_context io(static_cast<int>(flags.threads));
  StatusOr<asio::ip::tcp::endpoint> endpoint = ResolveAddress(io, flags.listen);
  if (!endpoint.ok())
    return cmdline::UsageError(path, "--listen: " + endpoint.status().message(), kExitUsage);
  StatusOr<asio::ip::tcp::acceptor> acceptor = Listen(io, *endpoint);
  if (!acceptor.ok()) return Fail(acceptor.status().message());
  http::HttpLimits limits;
  limits.max_body_bytes = kMaxBodyBytes;
  limits.read_timeout = std::chrono::milliseconds(flags.read_timeout_ms);
  limits.max_connections = flags.max_connections;
  http::HttpServer server(io, std::move(acceptor).value(),
                          std::make_shared<WitnessHandler>(**witness), limits);
  server.Start();
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) { server.Stop(); });
  std::ostringstream where;
  where << server.endpoint();
  std::cerr << "creg-witness: " << (*witness)->signer().name() << " serving " << flags.logs.size()
            << " log key(s) on http://" << where.str() << "/add-checkpoint" << std::endl;
  std::vector<std::thread> threads;
  for (uint64_t i = 1; i < flags.threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (std::thread& t : threads) t.join();
  std::cerr << "creg-witness: stopped" << std::endl;
  return 0;
}

int Dispatch(int argc, char** argv) {
  std::unique_ptr<CLI::App> app = cmdline::NewApp(
      "creg-witness",
      "creg-witness - cosign a transparency log's checkpoints only if they are consistent with "
      "every one it cosigned before (C2SP tlog-witness; docs/witness.md).");
  app->require_subcommand(1);
  InitFlags init_flags;
  CLI::App* init = cmdline::NewSubcommand(*app, "init", "make a witness key");
  init->footer(
      "init makes the witness's Ed25519 key in DIR (never overwriting one) and prints its "
      "verifier key (signature type 0x04), which registries and auditors configure.\n\n" +
      std::string(kExitStatus));
  init->add_option("--data", init_flags.data, "data folder")->type_name("DIR");
  init->add_option("--name", init_flags.name, "the witness's name (required)")->type_name("NAME");
  RunFlags run_flags;
  CLI::App* run = cmdline::NewSubcommand(*app, "run", "serve add-checkpoint");
  run->footer(
      "run serves POST /add-checkpoint over HTTP until SIGINT or SIGTERM. Each --log is a log's "
      "checkpoint verifier key (as 'cregd init' prints it); its name is the log's origin.\n\n" +
      std::string(kExitStatus));
  run->add_option("--data", run_flags.data, "data folder")->type_name("DIR");
  run->add_option("--listen", run_flags.listen, "address to serve")->type_name("HOST:PORT");
  run->add_option("--log", run_flags.logs, "a log's verifier key (repeat for more logs)")
      ->type_name("VERIFIER_KEY")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmdline::AddNumber(*run, "--threads", run_flags.threads, "threads serving requests");
  cmdline::AddNumber(*run, "--read-timeout", run_flags.read_timeout_ms,
                     "milliseconds a request may take to arrive, and an answer to be taken");
  cmdline::AddNumber(*run, "--max-connections", run_flags.max_connections,
                     "simultaneous connections; more are answered 503");
  cmdline::ParseResult parsed = cmdline::Parse(*app, argc, argv);
  if (std::optional<int> code = cmdline::ExitUnlessRun(*app, parsed, kExitUsage)) return *code;
  if (parsed.command == init) return Init(init_flags);
  if (parsed.command == run) return Run(run_flags);
  return kExitUsage;
}

}  // namespace
}  // namespace creg::witness

int main(int argc, char** argv) {
  try {
    return creg::witness::Dispatch(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "creg-witness: internal error: " << e.what() << "\n";
    return 1;
  }
}
