// creg-bench: a load generator for a running cregd (docs/benchmarks.md).
//
//   creg-bench transfers --node ADDR[,ADDR...] --operator-key FILE [--connections C]
//                        [--transactions N] [--window W] [--rate TPS]
//                        [--metrics ADDR]
//   creg-bench proofs    --node ADDR[,ADDR...] [--connections C] [--requests N]
//   (each node command also takes --tls-ca FILE, and --account ID --key FILE
//   to sign its connections in)
//   creg-bench fill      --node ADDR[,ADDR...] --operator-key FILE --entries N
//   creg-bench audit     [--entries N] [--data DIR] [--jobs J] [--repetitions R] [--tree-only]
//   creg-bench scale     [--entries N] [--data DIR] [--cregd PATH] [--creg PATH] [--queries Q]
//                        [--jobs J]
//
// Signing is done before the clock starts; what is measured is committed,
// durable, signature-checked transactions per second and their latency.
// Every report also prints this machine's Ed25519 verification rates on one
// core and on all of them, measured in-process with libsodium under creg's
// rule (what the node runs; results read as ratios to its one-core rate)
// and with OpenSSL beside it for comparison.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <limits>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>

#include "client/client.h"
#include "client/client_flags.h"
#include "client/metrics_reader.h"
#include "cmdline/app.h"
#include "ledger/keys.h"
#include "ledger/log_entry.h"
#include "ledger/registry/transaction.h"
#include "net/wire_status.h"
#include "tools/bench/audit_bench.h"
#include "tools/bench/latency_stats.h"
#include "tools/bench/mirror_lag.h"
#include "tools/bench/node_connection.h"
#include "tools/bench/scale_bench.h"
#include "tools/bench/workload.h"

namespace creg::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kTransfersHelp[] =
    "Opens one holder account per connection, issues it credits, pre-signs transfers of 1 "
    "credit, submits them pipelined (at most --window unanswered per connection), and prints "
    "committed transactions per second and latency percentiles. With --rate, each transfer is "
    "sent when due at TPS in total (the connections taking turns), whether or not earlier ones "
    "were answered, and its latency counts from when it was due; --window then defaults to no "
    "limit but the node's. With --metrics (the node's --metrics address), also what the run "
    "cost the node: CPU per transfer, cores busy, and transactions per group commit. With "
    "--mirror (a mirror of the node, docs/replication.md), also the mirror's lag: for each "
    "entry, from its arrival on a subscription to the node to its arrival on one to the mirror.";

constexpr char kAuditHelp[] =
    "creg-audit verify-log --data DIR --jobs J in process, entries per second, beside SHA-256, "
    "the hash-and-tree checks alone and Ed25519 on one core and on J cores at once, measured in "
    "the same run. Makes DIR (default /tmp/creg-audit-bench-N) with N signed transfers unless it "
    "holds a registry already. Needs no node.";

constexpr char kScaleHelp[] =
    "Builds a registry of N/10 entries in process through the registry's own commit path "
    "(about 1,000 projects, 10,000 accounts, 2% issuances, 60% transfers, 30% retirements, 8% "
    "account events, a broker ending with N/10 separate blocks), measures it with a cregd it "
    "starts on 127.0.0.1 port 0, grows it to N and measures again: each query kind's p50 and "
    "p99, exports, bytes on disk per entry, the write-ahead log's peak, open time after a clean "
    "stop and after kill -9, the node's memory, verify-log's rate, and each figure's growth. "
    "Reuses DIR when it holds both registries whole. Needs no running node.";

constexpr char kFooter[] =
    "transfers, proofs and fill take --node HOST:PORT[,HOST:PORT...]: of several members of a "
    "cluster, the first that answers serves the run; a write a mirror refuses (NOT_LEADER) goes "
    "to the writer it names, and the rest of the run with it, so transfers and fill measure the "
    "writer while proofs measures whichever member answered. "
    "Every command but audit and scale takes --tls-ca FILE (or CREG_TLS_CA) to connect over TLS, "
    "trusting "
    "the node only if its certificate chains to one in FILE. They read only what the public may "
    "read (the status, checkpoints, inclusion proofs) and submit transactions, so they need no "
    "account at the node's default read policy (registry); against a node at --read-policy "
    "private, give --account ID and --key FILE (or CREG_ACCOUNT and CREG_KEY) and every "
    "connection signs in as that account. Every report starts with this machine's Ed25519 "
    "verification rate on one "
    "core.";

// The flags of transfers (and of the transfers fill sends).
struct TransfersFlags {
  NodeFlags node;
  std::string operator_key = "./creg-data/keys/operator.key";
  std::string operator_id = "operator";
  uint64_t connections = 8;
  uint64_t transactions = 20'000;
  uint64_t rate = 0;  // 0: as fast as the window allows
  uint64_t window = 64;
  bool window_given = false;  // else no limit with --rate
  std::string metrics;
  std::string mirror;  // a mirror of the node, whose lag is measured
};

struct ProofsFlags {
  NodeFlags node;
  uint64_t connections = 8;
  uint64_t requests = 20'000;
};

struct FillFlags {
  NodeFlags node;
  std::string operator_key = TransfersFlags().operator_key;
  uint64_t entries = 1'000'000;
};

// Prints why something the benchmark needs from the node could not be had;
// returns 3. The benchmarks read only the registry's public record (status,
// checkpoints, inclusion proofs), so they need an account only on a node
// whose read policy keeps even that from the public (private). A signed-in
// connection has the node check the account before every read, which is
// not the path a public verifier's requests take: the figures differ.
int CannotGet(const std::string& what, const Status& status) {
  std::cerr << "creg-bench: cannot get " << what << ": " << status.ToString();
  if (status.code() == StatusCode::kNotAuthorized) {
    std::cerr << " (to read it, sign in: pass --account ID and --key FILE of an account the "
                 "node's read policy lets read it)";
  }
  std::cerr << "\n";
  return 3;
}

// The node's connector, or nullopt after printing why it cannot be had
// (InvalidArgument: the flags; otherwise the key file).
std::optional<NodeConnector> ConnectorOrSay(const NodeFlags& flags) {
  auto connector = NodeConnector::FromFlags(flags);
  if (!connector.ok()) {
    std::cerr << "creg-bench: " << connector.status().message() << "\n";
    return std::nullopt;
  }
  return std::move(*connector);
}

// Submits through `client` and waits for the commit. A write a mirror
// refuses (NOT_LEADER, nothing applied) is sent again, the same bytes, to
// the writer it names, and `client` is from then on a connection to the
// writer, as are the connector's later ones.
Submit Through(NodeConnector& connector, std::unique_ptr<Client>& client) {
  return [&connector, &client](const std::string& tx) -> StatusOr<pb::Effects> {
    for (;;) {
      pb::Request request;
      request.mutable_submit()->set_signed_transaction(tx);
      CREG_ASSIGN_OR_RETURN(pb::Response response, client->Call(std::move(request)));
      if (response.has_error() && connector.FollowLeader(response.error())) {
        std::cerr << "creg-bench: " << client->address() << " is a mirror: writing to the writer "
                  << response.error().leader() << "\n";
        CREG_ASSIGN_OR_RETURN(client, connector.ConnectToAMember());
        continue;  // FollowLeader is true once: a writer that refuses too ends it
      }
      if (response.has_error()) return StatusFromWire(response.error());
      if (!response.has_submit()) {
        return DataLossError("the node answered a submission with something else");
      }
      const pb::SubmitResponse& answer = response.submit();
      if (!answer.has_committed()) {
        return FailedPreconditionError(answer.refused().code() + ": " + answer.refused().message());
      }
      return answer.committed().effects();
    }
  };
}

// How one connection paces its transfers: none due before `start`, then
// `rate` per second, offset by `phase` (0 to 1) of one interval so that the
// connections of a run take turns instead of sending in step. A rate of 0
// sends as fast as the window allows.
struct Pacing {
  double rate = 0;
  Clock::time_point start;
  double phase = 0;

  Clock::time_point Due(size_t i) const {
    if (rate <= 0) return start;
    return start + std::chrono::duration_cast<Clock::duration>(
                       std::chrono::duration<double>((static_cast<double>(i) + phase) / rate));
  }
};

// One connection's load: submits `txs` keeping at most `window` unanswered,
// paced as `pacing` says. Adds latencies to `stats`. The requests due
// together go in one write, and every answer already read is taken before
// writing again, so that the load generator, on the same cores as the
// node, spends little on system calls. Paced, the load is open: each
// request is sent when it is due (the window permitting), whatever is
// unanswered, and its latency counts from when it was due, so a node that
// falls behind is not hidden by a generator that waits for it.
Status RunConnection(Client& client, const std::vector<std::string>& txs, size_t window,
                     const Pacing& pacing, LatencyStats& stats, std::atomic<uint64_t>& committed) {
  std::unordered_map<uint64_t, Clock::time_point> sent_at;
  std::vector<pb::Request> batch;
  std::vector<Clock::time_point> due_at;
  size_t next = 0, answered = 0;
  auto take = [&](const pb::Response& response) {
    auto it = sent_at.find(response.id());
    if (it == sent_at.end()) return;
    stats.Add(static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - it->second).count()));
    sent_at.erase(it);
    ++answered;
    if (response.has_submit() && response.submit().has_committed()) ++committed;
  };
  const bool paced = pacing.rate > 0;
  while (answered < txs.size()) {
    batch.clear();
    due_at.clear();
    const auto now = Clock::now();
    while (next < txs.size() && sent_at.size() + batch.size() < window && pacing.Due(next) <= now) {
      batch.emplace_back().mutable_submit()->set_signed_transaction(txs[next]);
      due_at.push_back(pacing.Due(next++));
    }
    if (!batch.empty()) {
      CREG_RETURN_IF_ERROR(client.SendAll(batch));
      const auto sent = Clock::now();
      for (size_t i = 0; i < batch.size(); ++i) {
        sent_at[batch[i].id()] = paced ? due_at[i] : sent;
      }
    }
    const bool more_to_send = next < txs.size() && sent_at.size() < window;
    if (sent_at.empty()) {
      if (more_to_send) std::this_thread::sleep_until(pacing.Due(next));
      continue;
    }
    if (paced && more_to_send) {
      // Wait for answers only until the next request is due.
      CREG_ASSIGN_OR_RETURN(std::optional<pb::Response> response,
                            client.ReceiveBefore(pacing.Due(next)));
      if (!response.has_value()) continue;
      take(*response);
    } else {
      CREG_ASSIGN_OR_RETURN(pb::Response response, client.Receive());
      take(response);
    }
    for (;;) {
      CREG_ASSIGN_OR_RETURN(std::optional<pb::Response> more, client.ReceiveBuffered());
      if (!more.has_value()) break;
      take(*more);
    }
  }
  return OkStatus();
}

// What the transfers cost the node, from its metrics before and after:
// CPU per transfer against one signature check on one core, and how many
// transactions shared a group commit.
void PrintNodeCost(const MetricSamples& before, const MetricSamples& after, uint64_t committed,
                   double seconds, double verify_rate) {
  auto grown = [&](const char* name) -> std::optional<double> {
    auto b = before.find(name), a = after.find(name);
    if (a == after.end() || b == before.end()) return std::nullopt;
    return a->second - b->second;
  };
  const std::optional<double> cpu = grown("process_cpu_seconds_total");
  const std::optional<double> groups = grown("creg_commit_groups_total");
  const std::optional<double> node_committed = grown("creg_transactions_committed_total");
  std::cout << "node: ";
  if (cpu.has_value()) {
    const double per_transfer_us = *cpu / static_cast<double>(committed) * 1e6;
    std::cout << static_cast<uint64_t>(per_transfer_us) << " us of CPU per transfer ("
              << per_transfer_us * verify_rate / 1e6 << " x one signature check on one core), "
              << *cpu / seconds << " cores busy";
  } else {
    std::cout << "no process_cpu_seconds_total in its metrics";
  }
  if (groups.has_value() && node_committed.has_value() && *groups > 0) {
    std::cout << ", " << *node_committed / *groups << " transactions committed per group commit";
  }
  std::cout << "\n";
}

int Transfers(const TransfersFlags& flags, NodeConnector& connector, double verify_rate) {
  Workload w;
  w.operator_id = flags.operator_id;
  const size_t connections = flags.connections;
  const size_t total = flags.transactions;
  const double rate = static_cast<double>(flags.rate);
  // Paced, nothing but the node's own limit holds a due transfer back.
  const size_t window =
      rate > 0 && !flags.window_given ? std::numeric_limits<size_t>::max() : size_t{flags.window};
  // The node's --metrics address: what the run cost the node.
  const std::string& metrics_address = flags.metrics;
  if (window == 0 || connections == 0) {
    std::cerr << "creg-bench: --window and --connections must be at least 1\n";
    return 2;
  }
  auto key = PrivateKey::LoadFile(flags.operator_key);
  auto client = connector.ConnectToAMember();
  if (!key.ok() || !client.ok()) {
    std::cerr << "creg-bench: " << (key.ok() ? client.status() : key.status()).message() << "\n";
    return 3;
  }
  w.operator_key_slot.emplace(std::move(*key));
  auto status = (*client)->GetStatus();
  if (!status.ok()) return CannotGet("the node's status", status.status());
  w.origin = status->origin();
  w.run_id = std::to_string(NowMicros() % 100'000'000);
  size_t per_connection = (total + connections - 1) / connections;
  std::cout << "setting up " << connections << " holders...\n";
  auto holders = FundHolders(w, Through(connector, *client), connections, per_connection + 10);
  if (!holders.ok()) {
    std::cerr << "creg-bench: setup failed: " << holders.status().message() << "\n";
    return 1;
  }
  std::cout << "signing " << per_connection * connections << " transfers...\n";
  std::vector<std::vector<std::string>> txs(connections);
  for (size_t c = 0; c < connections; ++c) {
    for (size_t i = 0; i < per_connection; ++i) txs[c].push_back(SignTransfer(w, *holders, c, i));
  }
  std::cout << "submitting...\n";
  std::vector<LatencyStats> stats(connections);
  std::atomic<uint64_t> committed{0};
  std::vector<std::unique_ptr<Client>> clients;
  for (size_t c = 0; c < connections; ++c) {
    auto connected = connector.Connect();
    if (!connected.ok()) {
      std::cerr << "creg-bench: " << connected.status().message() << "\n";
      return 3;
    }
    clients.push_back(std::move(*connected));
  }
  std::optional<MetricSamples> metrics_before;
  if (!metrics_address.empty()) {
    auto fetched = FetchMetrics(metrics_address);
    if (!fetched.ok()) {
      std::cerr << "creg-bench: " << fetched.status().message() << "\n";
      return 3;
    }
    metrics_before = std::move(*fetched);
  }
  std::unique_ptr<MirrorLag> mirror_lag;
  if (!flags.mirror.empty()) {
    auto writer_stream = connector.Connect();
    auto mirror_stream = Client::Connect(flags.mirror, connector.client_options());
    auto size = (*client)->GetStatus();
    if (!writer_stream.ok() || !mirror_stream.ok() || !size.ok()) {
      return CannotGet("subscriptions to the node and the mirror",
                       !writer_stream.ok()   ? writer_stream.status()
                       : !mirror_stream.ok() ? mirror_stream.status()
                                             : size.status());
    }
    auto started =
        MirrorLag::Start(std::move(*writer_stream), std::move(*mirror_stream), size->tree_size());
    if (!started.ok())
      return CannotGet("subscriptions to the node and the mirror", started.status());
    mirror_lag = std::move(*started);
  }
  std::vector<std::thread> threads;
  auto start = Clock::now();
  for (size_t c = 0; c < connections; ++c) {
    Pacing pacing{rate / static_cast<double>(connections), start,
                  static_cast<double>(c) / static_cast<double>(connections)};
    threads.emplace_back([&, c, pacing] {
      Status st = RunConnection(*clients[c], txs[c], window, pacing, stats[c], committed);
      if (!st.ok()) std::cerr << "connection " << c << ": " << st.message() << "\n";
    });
  }
  for (std::thread& t : threads) t.join();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  LatencyStats all;
  for (const LatencyStats& st : stats) all.Merge(st);
  double tps = static_cast<double>(committed.load()) / seconds;
  std::cout << "committed " << committed.load() << " of " << all.count() << " transfers in "
            << seconds << " s: " << static_cast<uint64_t>(tps) << " tx/s\n"
            << "latency " << all.Summary() << "\n"
            << "ratio to Ed25519 verifications on one core: " << tps / verify_rate << "\n";
  if (mirror_lag) {
    LatencyStats lags = mirror_lag->Finish(std::chrono::seconds(30));
    std::cout << "mirror lag over " << lags.count() << " entries (node's stream to mirror's "
              << "stream): " << lags.Summary() << "\n"
              << "mirror behind at the end: "
              << mirror_lag->writer_entries() -
                     std::min(mirror_lag->writer_entries(), mirror_lag->mirror_entries())
              << " entries\n";
    if (!mirror_lag->error().empty()) {
      std::cout << "mirror lag: a subscription ended early: " << mirror_lag->error() << "\n";
    }
  }
  if (metrics_before.has_value() && committed.load() > 0) {
    auto after = FetchMetrics(metrics_address);
    if (!after.ok()) {
      std::cerr << "creg-bench: " << after.status().message() << "\n";
      return 3;
    }
    PrintNodeCost(*metrics_before, *after, committed.load(), seconds, verify_rate);
  }
  return committed.load() == all.count() ? 0 : 1;
}

int Proofs(const ProofsFlags& flags, NodeConnector& connector) {
  const size_t connections = flags.connections;
  const size_t total = flags.requests;
  if (connections == 0) {
    std::cerr << "creg-bench: --connections must be at least 1\n";
    return 2;
  }
  auto client = connector.ConnectToAMember();
  if (!client.ok()) return CannotGet("a connection", client.status());
  auto checkpoint = (*client)->GetCheckpoint();
  if (!checkpoint.ok()) return CannotGet("the node's checkpoint", checkpoint.status());
  uint64_t size = checkpoint->tree_size();
  std::vector<LatencyStats> stats(connections);
  std::atomic<uint64_t> ok{0};
  std::vector<std::thread> threads;
  auto start = Clock::now();
  for (size_t c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      auto conn = connector.Connect();
      if (!conn.ok()) return;
      std::mt19937_64 rng(c + 1);
      for (size_t i = 0; i < total / connections; ++i) {
        pb::Request request;
        request.mutable_inclusion_proof()->set_index(rng() % size);
        request.mutable_inclusion_proof()->set_tree_size(size);
        auto sent = Clock::now();
        auto response = (*conn)->Call(request);
        if (!response.ok()) return;
        stats[c].Add(static_cast<uint64_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - sent).count()));
        if (response->has_proof()) ++ok;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  LatencyStats all;
  for (const LatencyStats& st : stats) all.Merge(st);
  std::cout << "tree size " << size << ": " << ok.load() << " inclusion proofs in " << seconds
            << " s: " << static_cast<uint64_t>(static_cast<double>(ok.load()) / seconds)
            << " proofs/s\n"
            << "latency " << all.Summary() << "\n";
  return 0;
}

int Fill(const FillFlags& flags, NodeConnector& connector, double verify_rate) {
  auto client = connector.ConnectToAMember();
  if (!client.ok()) return CannotGet("a connection", client.status());
  auto status = (*client)->GetStatus();
  if (!status.ok()) return CannotGet("the node's status", status.status());
  if (status->tree_size() >= flags.entries) return 0;
  TransfersFlags transfers;
  transfers.node = flags.node;
  transfers.operator_key = flags.operator_key;
  transfers.transactions = flags.entries - status->tree_size();
  return Transfers(transfers, connector, verify_rate);
}

int Main(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  if (!words.empty() && words[0] == "help") words[0] = "--help";
  std::unique_ptr<CLI::App> app =
      cmdline::NewApp("creg-bench", "creg-bench - load generator for a creg node");
  app->require_subcommand(1);

  TransfersFlags transfers;
  CLI::App* transfers_cmd = cmdline::NewSubcommand(
      *app, "transfers", "committed, signed transfers per second and their latency");
  transfers_cmd->footer(kTransfersHelp);
  AddNodeFlags(*transfers_cmd, transfers.node);
  transfers_cmd->add_option("--operator-key", transfers.operator_key, "the operator's key")
      ->type_name("FILE");
  transfers_cmd->add_option("--operator", transfers.operator_id, "the operator's account")
      ->type_name("ID");
  cmdline::AddNumber(*transfers_cmd, "--connections", transfers.connections, "connections");
  cmdline::AddNumber(*transfers_cmd, "--transactions", transfers.transactions, "transfers in all");
  cmdline::AddNumber(*transfers_cmd, "--rate", transfers.rate,
                     "send at TPS transfers a second in all; 0: as fast as answered")
      ->type_name("TPS");
  CLI::Option* window = cmdline::AddNumber(*transfers_cmd, "--window", transfers.window,
                                           "unanswered transfers per connection; with --rate, "
                                           "default no limit");
  transfers_cmd->add_option("--metrics", transfers.metrics, "the node's --metrics address")
      ->type_name("HOST:PORT");
  transfers_cmd
      ->add_option("--mirror", transfers.mirror,
                   "a mirror of the node: also measure how far it trails")
      ->type_name("HOST:PORT");

  ProofsFlags proofs;
  CLI::App* proofs_cmd = cmdline::NewSubcommand(
      *app, "proofs", "inclusion proofs of random entries at the latest checkpoint");
  AddNodeFlags(*proofs_cmd, proofs.node);
  cmdline::AddNumber(*proofs_cmd, "--connections", proofs.connections, "connections");
  cmdline::AddNumber(*proofs_cmd, "--requests", proofs.requests, "requests in all");

  FillFlags fill;
  CLI::App* fill_cmd = cmdline::NewSubcommand(
      *app, "fill", "grow the log to at least N entries (for the proofs benchmark)");
  AddNodeFlags(*fill_cmd, fill.node);
  fill_cmd->add_option("--operator-key", fill.operator_key, "the operator's key")
      ->type_name("FILE");
  cmdline::AddNumber(*fill_cmd, "--entries", fill.entries, "entries the log should have");

  AuditBenchFlags audit;
  CLI::App* audit_cmd = cmdline::NewSubcommand(
      *app, "audit", "the speed of creg-audit verify-log beside the cost of its parts");
  audit_cmd->footer(kAuditHelp);
  AddAuditBenchFlags(*audit_cmd, audit);

  ScaleBenchFlags scale;
  CLI::App* scale_cmd = cmdline::NewSubcommand(
      *app, "scale", "a registry of N entries built in process, served and measured, and growth");
  scale_cmd->footer(kScaleHelp);
  AddScaleBenchFlags(*scale_cmd, scale);
  app->footer(kFooter);

  cmdline::ParseResult parsed = cmdline::Parse(*app, words);
  if (std::optional<int> code = cmdline::ExitUnlessRun(*app, parsed, 2)) return *code;
  if (parsed.command == audit_cmd) return RunAuditBench(audit);
  if (parsed.command == scale_cmd) return RunScaleBench(scale);
  // Bad credentials are named before the rates below are measured.
  const NodeFlags& node = parsed.command == transfers_cmd ? transfers.node
                          : parsed.command == proofs_cmd  ? proofs.node
                                                          : fill.node;
  std::optional<NodeConnector> connector = ConnectorOrSay(node);
  if (!connector) return 2;
  const size_t cores = std::max(1u, std::thread::hardware_concurrency());
  const double verify_rate = MeasureVerifyRate();
  const double verify_all = MeasureVerifyRateOnThreads(cores);
  const double openssl_rate = MeasureOpensslVerifyRateOnThreads(1);
  const double openssl_all = MeasureOpensslVerifyRateOnThreads(cores);
  std::cout << "Ed25519 verifications (in-process), cores here: " << cores << "\n"
            << "  libsodium (creg's rule): " << static_cast<uint64_t>(verify_rate)
            << "/s on one core, " << static_cast<uint64_t>(verify_all) << "/s on all\n"
            << "  OpenSSL:                 " << static_cast<uint64_t>(openssl_rate)
            << "/s on one core, " << static_cast<uint64_t>(openssl_all) << "/s on all"
            << " (libsodium / OpenSSL: " << verify_rate / openssl_rate << " one core, "
            << verify_all / openssl_all << " all)\n"
            << "  ratios below are to libsodium's one-core rate\n";
  if (parsed.command == transfers_cmd) {
    transfers.window_given = window->count() > 0;
    return Transfers(transfers, *connector, verify_rate);
  }
  if (parsed.command == proofs_cmd) return Proofs(proofs, *connector);
  return Fill(fill, *connector, verify_rate);
}

}  // namespace
}  // namespace creg::bench

int main(int argc, char** argv) {
  try {
    return creg::bench::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "creg-bench: " << e.what() << "\n";
    return 1;
  }
}
