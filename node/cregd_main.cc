// cregd: the registry node. `cregd init` creates a registry, `cregd run`
// serves it. docs/operations.md has every option and its default.
#include <iostream>

#include "cmdline/args.h"
#include "node/log.h"
#include "node/protobuf_log.h"
#include "node/registry_node.h"

namespace creg {
namespace {

constexpr char kUsage[] = R"(cregd - the creg carbon credit registry node

Usage:
  cregd init [--data DIR] --origin NAME [--operator-id ID] [--operator-name TEXT]
  cregd run  [--data DIR] [--listen HOST:PORT] [options]
  cregd help

init creates a registry in DIR: the node's checkpoint key, the first
operator's account and key (PEM, mode 0600), and a first signed checkpoint.
It prints the verifier key auditors need. It never overwrites a registry.

run serves the registry in DIR until SIGINT or SIGTERM, then finishes and
answers every transaction it has taken before it exits.

Options of run (defaults in brackets):
  --data DIR               data folder [./creg-data]
  --listen HOST:PORT       address to serve [127.0.0.1:7600]
  --tls-cert FILE          serve TLS with this certificate chain (PEM) [off]
  --tls-key FILE           the certificate's private key (PEM); give both
                           or neither [off: plain TCP]
  --metrics HOST:PORT      serve Prometheus metrics there (plain HTTP) [off]
  --io-threads N           network threads [2]
  --verify-threads N       signature verification threads [one per core]
  --max-connections N      simultaneous connections [4096]
  --max-in-flight N        unanswered requests per connection, subscriptions
                           included [1024]
  --max-subscriptions N    subscriptions on the whole node [1024]
  --max-subscriptions-per-connection N
                           subscriptions on one connection [4]
  --max-frame-bytes N      largest request frame [4194304]
  --idle-timeout SECONDS   close silent connections that wait for no answer
                           and hold no subscription after [300]
  --read-timeout SECONDS   a frame must arrive whole within [30]
  --max-group N            most transactions per group commit [4096]
  --log-level LEVEL        debug, info, warn or error [info]
  --read-policy POLICY     who may read what: public-log, registry or
                           private (docs/security.md) [registry]

Exit status: 0 after a clean shutdown, 1 on a runtime failure, 2 on a usage
error.
)";

int Usage(const std::string& error) {
  std::cerr << "cregd: " << error << "\nRun 'cregd help' for usage.\n";
  return 2;
}

int Init(Args& args) {
  InitOptions options;
  options.data_dir = args.Value("--data", options.data_dir);
  options.origin = args.Value("--origin", "");
  options.operator_id = args.Value("--operator-id", options.operator_id);
  options.operator_name = args.Value("--operator-name", options.operator_name);
  if (Status s = args.Finish(); !s.ok()) return Usage(s.message());
  if (options.origin.empty())
    return Usage("init needs --origin NAME, for example --origin registry.example.org");
  Status s = InitRegistry(options, std::cout);
  if (!s.ok()) {
    std::cerr << "cregd: " << s.message() << "\n";
    return 1;
  }
  return 0;
}

int Run(Args& args) {
  NodeOptions options;
  options.data_dir = args.Value("--data", options.data_dir);
  options.listen = args.Value("--listen", options.listen);
  options.metrics_listen = args.Value("--metrics", "");
  options.tls_cert_file = args.Value("--tls-cert", "");
  options.tls_key_file = args.Value("--tls-key", "");
  if (auto n = args.Number("--io-threads")) options.io_threads = static_cast<int>(*n);
  if (auto n = args.Number("--verify-threads"))
    options.pipeline.verify_threads = static_cast<int>(*n);
  if (auto n = args.Number("--max-connections")) options.max_connections = *n;
  if (auto n = args.Number("--max-in-flight")) options.max_in_flight = *n;
  if (options.max_connections == 0 || options.max_in_flight == 0) {
    return Usage("--max-connections and --max-in-flight must be at least 1");
  }
  if (auto n = args.Number("--max-subscriptions")) options.max_subscriptions = *n;
  if (auto n = args.Number("--max-subscriptions-per-connection")) {
    options.max_subscriptions_per_connection = *n;
  }
  if (auto n = args.Number("--max-frame-bytes")) {
    if (*n < 1024 || *n > (64u << 20))
      return Usage("--max-frame-bytes must be between 1024 and 67108864");
    options.max_frame_bytes = static_cast<uint32_t>(*n);
  }
  if (auto n = args.Number("--idle-timeout")) options.idle_timeout = std::chrono::seconds(*n);
  if (auto n = args.Number("--read-timeout")) options.read_timeout = std::chrono::seconds(*n);
  if (auto n = args.Number("--max-group")) options.pipeline.max_group = std::max<uint64_t>(1, *n);
  std::string level = args.Value("--log-level", "info");
  std::string read_policy = args.Value("--read-policy", "registry");
  if (Status s = args.Finish(); !s.ok()) return Usage(s.message());
  StatusOr<ReadPolicy> policy = ParseReadPolicy(read_policy);
  if (!policy.ok()) {
    return Usage("--read-policy must be public-log, registry or private, not '" + read_policy +
                 "'");
  }
  options.read_policy = *policy;
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return Usage(options.tls_cert_file.empty() ? "--tls-key needs --tls-cert FILE as well"
                                               : "--tls-cert needs --tls-key FILE as well");
  }
  if (level == "debug")
    SetLogLevel(LogLevel::kDebug);
  else if (level == "warn")
    SetLogLevel(LogLevel::kWarning);
  else if (level == "error")
    SetLogLevel(LogLevel::kError);
  else if (level != "info")
    return Usage("--log-level must be debug, info, warn or error");

  RouteProtobufLogToNodeLog();
  StatusOr<std::unique_ptr<RegistryNode>> node = RegistryNode::Open(options);
  if (!node.ok()) {
    LogError(node.status().message());
    return 1;
  }
  std::ostringstream where;
  where << (*node)->endpoint();
  LogInfo("serving on " + where.str() + ((*node)->tls() ? " with TLS" : "") + " (verifier key " +
          (*node)->verifier_key() + ")");
  if (auto metrics = (*node)->metrics_endpoint()) {
    std::ostringstream at;
    at << *metrics;
    LogInfo("metrics on http://" + at.str() + "/metrics");
  }
  (*node)->Run();
  node->reset();
  LogInfo("stopped cleanly");
  return 0;
}

int Main(int argc, char** argv) {
  if (argc < 2) return Usage("no command given");
  std::string command = argv[1];
  if (command == "help" || command == "--help" || command == "-h") {
    std::cout << kUsage;
    return 0;
  }
  Args args(argc, argv, 2);
  if (args.WantsHelp()) {
    std::cout << kUsage;
    return 0;
  }
  if (command == "init") return Init(args);
  if (command == "run") return Run(args);
  return Usage("unknown command '" + command + "'");
}

}  // namespace
}  // namespace creg

int main(int argc, char** argv) {
  try {
    return creg::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "cregd: unexpected failure: " << e.what() << "\n";
    return 1;
  }
}
