// cregd: the registry node. `cregd init` creates a registry, `cregd run`
// serves it, `cregd backup` copies it. `cregd run --help` lists every option with its default (the
// defaults are those of InitOptions and NodeOptions); docs/operations.md
// explains them.
#include <iostream>

#include "cmdline/app.h"
#include "node/cluster_member.h"
#include "node/log.h"
#include "node/protobuf_log.h"
#include "node/read_policy.h"
#include "node/registry_node.h"
#include "node/witness_client.h"

namespace creg {
namespace {

constexpr int kExitUsage = 2;

constexpr char kExitStatus[] =
    "Exit status: 0 on success (for run: after a clean shutdown), 1 on a runtime failure, 2 on a "
    "usage error.";

// The options of `cregd run` that are not NodeOptions fields as such.
struct RunFlags {
  uint64_t idle_timeout = 0;
  uint64_t read_timeout = 0;
  uint64_t http_read_timeout = 0;
  uint64_t sync_timeout_ms = 0;
  std::string log_level = "info";
  std::string read_policy = "registry";
  uint64_t lease_seconds = 2;
  ClusterOptions cluster;
};

void AddInit(CLI::App& app, InitOptions& options) {
  CLI::App* init = cmdline::NewSubcommand(app, "init", "create a registry");
  init->footer(
      "init creates a registry in DIR: the node's checkpoint key, the first operator's account "
      "and key (PEM, mode 0600), and a first signed checkpoint. It prints the verifier key "
      "auditors need. It never overwrites a registry.\n\n"
      "With --join FOLDER it makes an empty member of the registry whose data folder (or a copy "
      "of its keys/ and verifier.key) is at FOLDER instead: the same origin and checkpoint key, "
      "no operator key, no entries. Run it as a mirror with 'cregd run --follow "
      "HOST:PORT' (docs/replication.md).\n\n" +
      std::string(kExitStatus));
  init->add_option("--data", options.data_dir, "data folder")->type_name("DIR");
  init->add_option("--origin", options.origin, "the registry's name (required)")->type_name("NAME");
  init->add_option("--operator-id", options.operator_id, "the first operator's account")
      ->type_name("ID");
  init->add_option("--operator-name", options.operator_name, "its display name")->type_name("TEXT");
  init->add_option("--join", options.join,
                   "make an empty member of the registry in FOLDER (its data folder, or a copy "
                   "of its keys/ and verifier.key) instead")
      ->type_name("FOLDER");
}

void AddBackup(CLI::App& app, BackupOptions& options) {
  CLI::App* backup = cmdline::NewSubcommand(app, "backup", "copy a registry, while it runs");
  backup->footer(
      "backup writes a consistent copy of the registry in DIR to the new folder DEST (its "
      "parent must exist): keys, verifier key, the latest checkpoint and the database as of one "
      "moment. A node serving DIR makes the copy itself, through DIR/control.sock, while it goes "
      "on taking writes. DEST is a data folder: 'cregd run --data DEST' serves it.\n\n" +
      std::string(kExitStatus));
  backup->add_option("--data", options.data_dir, "data folder")->type_name("DIR");
  backup->add_option("--to", options.destination, "the new backup folder (required)")
      ->type_name("DEST");
}

void AddRun(CLI::App& app, NodeOptions& options, RunFlags& flags) {
  CLI::App* run = cmdline::NewSubcommand(app, "run", "serve a registry");
  run->footer(
      "run serves the registry in DIR until SIGINT or SIGTERM, then finishes and answers every "
      "transaction it has taken before it exits.\n\n" +
      std::string(kExitStatus));
  run->add_option("--data", options.data_dir, "data folder")->type_name("DIR");
  run->add_option("--listen", options.listen, "address to serve")->type_name("HOST:PORT");
  run->add_option("--tls-cert", options.tls_cert_file,
                  "serve TLS with this certificate chain (PEM); default plain TCP")
      ->type_name("FILE");
  run->add_option("--tls-key", options.tls_key_file,
                  "the certificate's private key (PEM); give both or neither")
      ->type_name("FILE");
  run->add_option("--metrics", options.metrics_listen,
                  "serve Prometheus metrics there (plain HTTP); default off")
      ->type_name("HOST:PORT");
  run->add_option("--http", options.http_listen,
                  "serve the public tlog-tiles HTTP surface there (checkpoint, tiles, entry "
                  "bundles; docs/http.md); default off")
      ->type_name("HOST:PORT");
  cmdline::AddNumber(*run, "--http-max-connections", options.http_max_connections,
                     "simultaneous HTTP connections, at least 1");
  cmdline::AddNumber(*run, "--http-max-connections-per-address",
                     options.http_max_connections_per_address,
                     "simultaneous HTTP connections from one IP address, at least 1");
  flags.http_read_timeout = static_cast<uint64_t>(options.http_read_timeout.count());
  cmdline::AddNumber(*run, "--http-read-timeout", flags.http_read_timeout,
                     "seconds within which an HTTP request header must arrive whole (also "
                     "the keep-alive idle limit), at least 1");
  cmdline::AddNumber(*run, "--io-threads", options.io_threads, "network threads");
  cmdline::AddNumber(*run, "--verify-threads", options.pipeline.verify_threads,
                     "signature verification threads; 0 = one per core");
  cmdline::AddNumber(*run, "--max-connections", options.max_connections,
                     "simultaneous connections, at least 1");
  cmdline::AddNumber(*run, "--max-in-flight", options.max_in_flight,
                     "unanswered requests per connection, subscriptions included, at least 1");
  cmdline::AddNumber(*run, "--max-subscriptions", options.max_subscriptions,
                     "subscriptions on the whole node");
  cmdline::AddNumber(*run, "--max-subscriptions-per-connection",
                     options.max_subscriptions_per_connection, "subscriptions on one connection");
  cmdline::AddNumber(*run, "--max-frame-bytes", options.max_frame_bytes,
                     "largest request frame, 1024 to 67108864");
  flags.idle_timeout = static_cast<uint64_t>(options.idle_timeout.count());
  cmdline::AddNumber(*run, "--idle-timeout", flags.idle_timeout,
                     "seconds after which a silent connection that waits for no answer and "
                     "holds no subscription is closed");
  flags.read_timeout = static_cast<uint64_t>(options.read_timeout.count());
  cmdline::AddNumber(*run, "--read-timeout", flags.read_timeout,
                     "seconds within which a frame must arrive whole");
  cmdline::AddNumber(*run, "--max-group", options.pipeline.max_group,
                     "most transactions per group commit");
  run->add_option("--witness", options.witnesses,
                  "a witness that must cosign checkpoints before they are published, as its "
                  "http://HOST:PORT URL, '=', and its cosignature verifier key; repeatable "
                  "(docs/witness.md)")
      ->type_name("URL=KEY")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmdline::AddNumber(*run, "--witness-quorum", options.witness_quorum,
                     "cosignatures a checkpoint needs before it is published; 0 = every witness");
  run->add_option("--follow", options.follow,
                  "be a mirror: copy and check the log of the writer at HOST:PORT (several, "
                  "comma-separated, are tried in turn) and refuse writes with NOT_LEADER "
                  "(docs/replication.md)")
      ->type_name("HOST:PORT")
      ->delimiter(',')
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  run->add_option("--follow-account", options.follow_account,
                  "a mirror signs in to the writer as this account (an auditor's) when the "
                  "writer's read policy is not public-log")
      ->type_name("ID");
  run->add_option("--follow-key", options.follow_key_file,
                  "the private key (PEM) of --follow-account")
      ->type_name("FILE");
  run->add_option("--follow-tls-ca", options.follow_tls_ca_file,
                  "the writer serves TLS with a certificate chaining to this CA file (PEM)")
      ->type_name("FILE");
  cmdline::AddNumber(*run, "--sync-mirrors", options.sync_mirrors,
                     "answer a write only once this many mirrors (signed in with "
                     "--follow-account as operator or auditor accounts) stored it, and sign "
                     "checkpoints only of what they hold; 0 = answer at once "
                     "(docs/replication.md)");
  flags.sync_timeout_ms = static_cast<uint64_t>(options.sync_timeout.count());
  cmdline::AddNumber(*run, "--sync-timeout-ms", flags.sync_timeout_ms,
                     "with --sync-mirrors: milliseconds an answer waits for the mirrors before "
                     "it is UNAVAILABLE, at least 1");
  run->add_option("--etcd", flags.cluster.etcd,
                  "be a member of a cluster whose writer is elected through this etcd "
                  "(http://HOST:PORT; several, comma-separated, of one etcd cluster); the "
                  "writer role moves to another member when this one fails "
                  "(docs/replication.md, \"Failover\")")
      ->type_name("URL")
      ->delimiter(',')
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  run->add_option("--cluster", flags.cluster.cluster,
                  "with --etcd: the cluster's name, the same on every member of the registry "
                  "(a-z, 0-9 and '-')")
      ->type_name("NAME");
  run->add_option("--advertise", flags.cluster.advertise,
                  "with --etcd: the address at which the other members and clients reach this "
                  "one; default the --listen address")
      ->type_name("HOST:PORT");
  cmdline::AddNumber(*run, "--lease-seconds", flags.lease_seconds,
                     "with --etcd: the etcd lease's TTL; a writer that cannot renew it for 3/4 "
                     "of it stops taking writes, and another member takes over (etcd grants 2 "
                     "at least)");
  run->add_option("--log-level", flags.log_level, "debug, info, warn or error")->type_name("LEVEL");
  flags.read_policy = std::string(ReadPolicyName(options.read_policy));
  run->add_option("--read-policy", flags.read_policy,
                  "who may read what: public-log, registry or private (docs/security.md)")
      ->type_name("POLICY");
}

int Usage(const std::string& command, const std::string& error) {
  return cmdline::UsageError("cregd " + command, error, kExitUsage);
}

int Init(const InitOptions& options) {
  if (options.origin.empty() && options.join.empty()) {
    return Usage("init",
                 "--origin NAME is required, for example --origin registry.example.org (or --join "
                 "FOLDER to join an existing registry)");
  }
  Status s = InitRegistry(options, std::cout);
  if (!s.ok()) {
    std::cerr << "cregd: " << s.message() << "\n";
    return 1;
  }
  return 0;
}

int Backup(const BackupOptions& options) {
  if (options.destination.empty()) return Usage("backup", "--to DEST is required");
  Status s = BackupRegistry(options, std::cout);
  if (!s.ok()) {
    std::cerr << "cregd backup: " << s.message() << "\n";
    return 1;
  }
  return 0;
}

int Run(NodeOptions options, const RunFlags& flags) {
  if (options.max_connections == 0 || options.max_in_flight == 0) {
    return Usage("run", "--max-connections and --max-in-flight must be at least 1");
  }
  if (options.max_frame_bytes < 1024 || options.max_frame_bytes > (64u << 20)) {
    return Usage("run", "--max-frame-bytes must be between 1024 and 67108864");
  }
  options.pipeline.max_group = std::max<size_t>(1, options.pipeline.max_group);
  options.idle_timeout = std::chrono::seconds(flags.idle_timeout);
  options.read_timeout = std::chrono::seconds(flags.read_timeout);
  if (options.http_max_connections == 0 || options.http_max_connections_per_address == 0 ||
      flags.http_read_timeout == 0) {
    return Usage("run",
                 "--http-max-connections, --http-max-connections-per-address and "
                 "--http-read-timeout must be at least 1");
  }
  options.http_read_timeout = std::chrono::seconds(flags.http_read_timeout);
  StatusOr<ReadPolicy> policy = ParseReadPolicy(flags.read_policy);
  if (!policy.ok()) {
    return Usage("run", "--read-policy must be public-log, registry or private, not '" +
                            flags.read_policy + "'");
  }
  options.read_policy = *policy;
  if (options.follow_account.empty() != options.follow_key_file.empty()) {
    return Usage("run", options.follow_account.empty()
                            ? "--follow-key needs --follow-account ID as well"
                            : "--follow-account needs --follow-key FILE as well");
  }
  const bool member = !flags.cluster.etcd.empty();
  if ((!options.follow_account.empty() || !options.follow_tls_ca_file.empty()) &&
      options.follow.empty() && !member) {
    return Usage("run",
                 "--follow-account, --follow-key and --follow-tls-ca need --follow HOST:PORT "
                 "(or --etcd)");
  }
  if (member && !options.follow.empty()) {
    return Usage("run",
                 "--follow and --etcd do not go together: a member of a cluster follows "
                 "whichever member writes");
  }
  if (member && flags.cluster.cluster.empty()) {
    return Usage("run", "--etcd needs --cluster NAME as well");
  }
  if (!member && (!flags.cluster.cluster.empty() || !flags.cluster.advertise.empty())) {
    return Usage("run", "--cluster and --advertise need --etcd URL");
  }
  if (flags.lease_seconds == 0 || flags.lease_seconds > 3600) {
    return Usage("run", "--lease-seconds must be between 1 and 3600");
  }
  for (const std::string& writer : options.follow) {
    if (writer.empty() || writer.find(':') == std::string::npos) {
      return Usage("run", "--follow takes HOST:PORT[,HOST:PORT...], not '" + writer + "'");
    }
  }
  if (flags.sync_timeout_ms == 0) return Usage("run", "--sync-timeout-ms must be at least 1");
  options.sync_timeout = std::chrono::milliseconds(flags.sync_timeout_ms);
  if (!options.follow.empty() && options.sync_mirrors > 0) {
    return Usage("run", "--sync-mirrors is for the writer, not a mirror (--follow)");
  }
  if (!options.follow.empty() && !options.witnesses.empty()) {
    return Usage("run",
                 "a mirror (--follow) publishes the writer's checkpoints; give --witness to the "
                 "writer");
  }
  if (options.witness_quorum > options.witnesses.size()) {
    return Usage("run", "--witness-quorum " + std::to_string(options.witness_quorum) +
                            " needs at least that many --witness");
  }
  for (const std::string& w : options.witnesses) {
    Status parsed = ParseWitnessFlag(w).status();
    if (!parsed.ok()) return Usage("run", parsed.message());
  }
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return Usage("run", options.tls_cert_file.empty() ? "--tls-key needs --tls-cert FILE as well"
                                                      : "--tls-cert needs --tls-key FILE as well");
  }
  if (flags.log_level == "debug")
    SetLogLevel(LogLevel::kDebug);
  else if (flags.log_level == "warn")
    SetLogLevel(LogLevel::kWarning);
  else if (flags.log_level == "error")
    SetLogLevel(LogLevel::kError);
  else if (flags.log_level != "info")
    return Usage("run", "--log-level must be debug, info, warn or error");

  RouteProtobufLogToNodeLog();
  if (member) {
    ClusterOptions cluster = flags.cluster;
    cluster.lease = std::chrono::seconds(flags.lease_seconds);
    Status ran = RunClusterMember(options, cluster);
    if (ran.code() == StatusCode::kInvalidArgument) return Usage("run", ran.message());
    if (!ran.ok()) {
      LogError(ran.message());
      return 1;
    }
    LogInfo("stopped cleanly");
    return 0;
  }
  StatusOr<std::unique_ptr<RegistryNode>> node =
      RegistryNode::Open(options, options.follow.empty() ? NodeRole::Writer() : NodeRole::Mirror());
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
  if (auto http = (*node)->http_endpoint()) {
    std::ostringstream at;
    at << *http;
    LogInfo("tlog tiles on http://" + at.str() + "/ (read policy " +
            std::string(ReadPolicyName(options.read_policy)) + ")");
  }
  (*node)->Run();
  node->reset();
  LogInfo("stopped cleanly");
  return 0;
}

int Main(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  // "cregd help [COMMAND]" is "cregd [COMMAND] --help".
  if (!words.empty() && words[0] == "help") {
    words.erase(words.begin());
    words.push_back("--help");
  }
  std::unique_ptr<CLI::App> app =
      cmdline::NewApp("cregd", "cregd - the creg carbon credit registry node");
  app->require_subcommand(1);
  InitOptions init;
  NodeOptions run;
  RunFlags run_flags;
  BackupOptions backup;
  AddInit(*app, init);
  AddRun(*app, run, run_flags);
  AddBackup(*app, backup);
  app->footer("'cregd COMMAND --help' lists the options of a command and their defaults.\n\n" +
              std::string(kExitStatus));

  cmdline::ParseResult parsed = cmdline::Parse(*app, words);
  if (std::optional<int> code = cmdline::ExitUnlessRun(*app, parsed, kExitUsage)) return *code;
  const std::string command = parsed.command->get_name();
  if (command == "init") return Init(init);
  if (command == "backup") return Backup(backup);
  return Run(run, run_flags);
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
