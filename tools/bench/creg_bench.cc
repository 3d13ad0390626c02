// creg-bench: a load generator for a running cregd (docs/benchmarks.md).
//
//   creg-bench transfers --node ADDR --operator-key FILE [--connections C]
//                        [--transactions N] [--window W] [--rate TPS]
//   creg-bench proofs    --node ADDR [--connections C] [--requests N]
//   creg-bench fill      --node ADDR --operator-key FILE --entries N
//
// Signing is done before the clock starts; what is measured is committed,
// durable, signature-checked transactions per second and their latency.
// Every report also prints this machine's Ed25519 verification rate on one
// core, measured in-process with OpenSSL, so results read as a ratio.
#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>

#include "ledger/keys.h"
#include "ledger/log_entry.h"
#include "ledger/registry/transaction.h"
#include "node/cli/args.h"
#include "node/client/client.h"
#include "tools/bench/latency_stats.h"

namespace creg::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kUsage[] = R"(creg-bench - load generator for a creg node

  creg-bench transfers --node HOST:PORT --operator-key FILE [--operator ID]
                       [--connections 8] [--transactions 20000] [--window 64]
                       [--rate TPS]
      Opens one holder account per connection, issues it credits, pre-signs
      transfers of 1 credit, submits them pipelined (at most --window
      unanswered per connection, or paced at --rate in total), and prints
      committed transactions per second and latency percentiles.
  creg-bench proofs --node HOST:PORT [--connections 8] [--requests 20000]
      Inclusion proof requests for random entries at the latest checkpoint.
  creg-bench fill --node HOST:PORT --operator-key FILE --entries N
      Grows the log to at least N entries (for the proofs benchmark).

Every report starts with this machine's Ed25519 verification rate on one core.
)";

// Ed25519 verifications per second on this thread, over ~1 s.
double MeasureVerifyRate() {
  PrivateKey key = PrivateKey::Generate().value();
  std::string message(200, 'm');
  std::string signature = key.Sign(message);
  PublicKey public_key = key.public_key();
  uint64_t done = 0;
  auto start = Clock::now();
  while (Clock::now() - start < std::chrono::seconds(1)) {
    for (int i = 0; i < 256; ++i) done += public_key.Verify(message, signature) ? 1 : 0;
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return static_cast<double>(done) / seconds;
}

struct Setup {
  std::string address;
  std::string origin;
  std::string operator_id;
  std::optional<PrivateKey> operator_key_slot;
  std::string run_id;
  const PrivateKey& operator_key() const { return *operator_key_slot; }
};

Status Commit(Client& client, const std::string& tx) {
  CREG_ASSIGN_OR_RETURN(pb::SubmitResponse answer, client.Submit(tx));
  if (answer.has_refused())
    return FailedPreconditionError(answer.refused().code() + ": " + answer.refused().message());
  return OkStatus();
}

pb::TransactionBody Body(const Setup& s, const std::string& nonce) {
  pb::TransactionBody body;
  body.set_origin(s.origin);
  body.set_nonce(s.run_id + "-" + nonce);
  return body;
}

// Opens `holders` accounts, each holding `credits` credits of its own batch.
// Returns their keys and batch numbers.
StatusOr<std::vector<std::pair<PrivateKey, uint64_t>>> FundHolders(Setup& s, Client& client,
                                                                   size_t holders,
                                                                   uint64_t credits) {
  std::vector<std::pair<PrivateKey, uint64_t>> out;
  pb::TransactionBody project = Body(s, "project");
  auto* reg = project.mutable_register_project();
  reg->set_project_id("bench-" + s.run_id);
  reg->set_name("Benchmark project");
  reg->set_standard("VCS");
  reg->set_methodology("BENCH");
  reg->set_country("KE");
  reg->set_proponent(s.operator_id);
  CREG_RETURN_IF_ERROR(Commit(client, SignTransaction(project, s.operator_id, s.operator_key())));
  for (size_t i = 0; i < holders; ++i) {
    CREG_ASSIGN_OR_RETURN(PrivateKey key, PrivateKey::Generate());
    std::string id = "b" + s.run_id + "-h" + std::to_string(i);
    pb::TransactionBody open = Body(s, "open-" + id);
    open.mutable_open_account()->set_account_id(id);
    open.mutable_open_account()->set_role(pb::ROLE_HOLDER);
    open.mutable_open_account()->set_public_key(key.public_key().raw());
    CREG_RETURN_IF_ERROR(Commit(client, SignTransaction(open, s.operator_id, s.operator_key())));
    pb::TransactionBody issue = Body(s, "issue-" + id);
    auto* op = issue.mutable_issue();
    op->set_project_id("bench-" + s.run_id);
    op->set_vintage_start("2025-01-01");
    op->set_vintage_end("2025-12-31");
    op->set_quantity(credits);
    op->set_to_account(id);
    op->set_verification_ref("VR-" + id);
    CREG_ASSIGN_OR_RETURN(pb::SubmitResponse issued,
                          client.Submit(SignTransaction(issue, s.operator_id, s.operator_key())));
    if (!issued.has_committed())
      return FailedPreconditionError("issuance refused: " + issued.refused().message());
    out.emplace_back(std::move(key), issued.committed().effects().batch());
  }
  return out;
}

// One connection's load: submits `txs` keeping at most `window` unanswered,
// optionally paced to `rate` per second. Adds latencies to `stats`.
Status RunConnection(const std::string& address, const std::vector<std::string>& txs, size_t window,
                     double rate, LatencyStats& stats, std::atomic<uint64_t>& committed) {
  CREG_ASSIGN_OR_RETURN(std::unique_ptr<Client> client, Client::Connect(address));
  std::unordered_map<uint64_t, Clock::time_point> sent_at;
  size_t next = 0, answered = 0;
  auto start = Clock::now();
  while (answered < txs.size()) {
    while (next < txs.size() && sent_at.size() < window) {
      if (rate > 0) {
        auto due = start + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(next / rate));
        if (Clock::now() < due) {
          if (!sent_at.empty()) break;  // receive while waiting
          std::this_thread::sleep_until(due);
        }
      }
      pb::Request request;
      request.mutable_submit()->set_signed_transaction(txs[next++]);
      CREG_RETURN_IF_ERROR(client->Send(request));
      sent_at[request.id()] = Clock::now();
    }
    if (sent_at.empty()) continue;
    CREG_ASSIGN_OR_RETURN(pb::Response response, client->Receive());
    auto it = sent_at.find(response.id());
    if (it == sent_at.end()) continue;
    stats.Add(static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - it->second).count()));
    sent_at.erase(it);
    ++answered;
    if (response.has_submit() && response.submit().has_committed()) ++committed;
  }
  return OkStatus();
}

int Transfers(Args& args, double verify_rate) {
  Setup s;
  s.address = args.ValueOrEnv("--node", "CREG_NODE", "127.0.0.1:7600");
  std::string key_path = args.Value("--operator-key", "./creg-data/keys/operator.key");
  s.operator_id = args.Value("--operator", "operator");
  size_t connections = args.Number("--connections").value_or(8);
  size_t total = args.Number("--transactions").value_or(20'000);
  size_t window = args.Number("--window").value_or(64);
  double rate = static_cast<double>(args.Number("--rate").value_or(0));
  if (Status st = args.Finish(); !st.ok()) {
    std::cerr << "creg-bench: " << st.message() << "\n";
    return 2;
  }
  auto key = PrivateKey::LoadFile(key_path);
  auto client = Client::Connect(s.address);
  if (!key.ok() || !client.ok()) {
    std::cerr << "creg-bench: " << (key.ok() ? client.status() : key.status()).message() << "\n";
    return 3;
  }
  s.operator_key_slot.emplace(std::move(*key));
  auto status = (*client)->GetStatus();
  if (!status.ok()) return 3;
  s.origin = status->origin();
  s.run_id = std::to_string(NowMicros() % 100'000'000);
  size_t per_connection = (total + connections - 1) / connections;
  std::cout << "setting up " << connections << " holders...\n";
  auto holders = FundHolders(s, **client, connections, per_connection + 10);
  if (!holders.ok()) {
    std::cerr << "creg-bench: setup failed: " << holders.status().message() << "\n";
    return 1;
  }
  std::cout << "signing " << per_connection * connections << " transfers...\n";
  std::vector<std::vector<std::string>> txs(connections);
  for (size_t c = 0; c < connections; ++c) {
    const auto& [holder_key, batch] = (*holders)[c];
    std::string from = "b" + s.run_id + "-h" + std::to_string(c);
    std::string to = "b" + s.run_id + "-h" + std::to_string((c + 1) % connections);
    for (size_t i = 0; i < per_connection; ++i) {
      pb::TransactionBody body = Body(s, from + "-t" + std::to_string(i));
      body.mutable_transfer()->set_from_account(from);
      body.mutable_transfer()->set_to_account(connections > 1 ? to : s.operator_id);
      body.mutable_transfer()->mutable_credits()->set_batch(batch);
      body.mutable_transfer()->mutable_credits()->set_quantity(1);
      txs[c].push_back(SignTransaction(body, from, holder_key));
    }
  }
  std::cout << "submitting...\n";
  std::vector<LatencyStats> stats(connections);
  std::atomic<uint64_t> committed{0};
  std::vector<std::thread> threads;
  auto start = Clock::now();
  for (size_t c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      Status st = RunConnection(s.address, txs[c], window, rate / static_cast<double>(connections),
                                stats[c], committed);
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
  return committed.load() == all.count() ? 0 : 1;
}

int Proofs(Args& args, double) {
  std::string address = args.ValueOrEnv("--node", "CREG_NODE", "127.0.0.1:7600");
  size_t connections = args.Number("--connections").value_or(8);
  size_t total = args.Number("--requests").value_or(20'000);
  if (Status st = args.Finish(); !st.ok()) {
    std::cerr << "creg-bench: " << st.message() << "\n";
    return 2;
  }
  auto client = Client::Connect(address);
  if (!client.ok()) return 3;
  auto checkpoint = (*client)->GetCheckpoint();
  if (!checkpoint.ok()) return 3;
  uint64_t size = checkpoint->tree_size();
  std::vector<LatencyStats> stats(connections);
  std::atomic<uint64_t> ok{0};
  std::vector<std::thread> threads;
  auto start = Clock::now();
  for (size_t c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      auto conn = Client::Connect(address);
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

int Fill(Args& args, double verify_rate) {
  uint64_t entries = args.Number("--entries").value_or(1'000'000);
  std::string address = args.ValueOrEnv("--node", "CREG_NODE", "127.0.0.1:7600");
  auto client = Client::Connect(address);
  if (!client.ok()) return 3;
  auto status = (*client)->GetStatus();
  if (!status.ok()) return 3;
  if (status->tree_size() >= entries) return 0;
  uint64_t missing = entries - status->tree_size();
  std::vector<std::string> words = {"--node", address,          "--connections",
                                    "8",      "--transactions", std::to_string(missing)};
  if (auto key = args.Get("--operator-key")) {
    words.push_back("--operator-key");
    words.push_back(*key);
  }
  if (Status st = args.Finish(); !st.ok()) {
    std::cerr << "creg-bench: " << st.message() << "\n";
    return 2;
  }
  Args transfer_args(words, {});
  return Transfers(transfer_args, verify_rate);
}

int Main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "help" || std::string(argv[1]) == "--help") {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  std::string command = argv[1];
  Args args(argc, argv, 2);
  if (args.WantsHelp()) {
    std::cout << kUsage;
    return 0;
  }
  double verify_rate = MeasureVerifyRate();
  std::cout << "Ed25519 verifications on one core (OpenSSL, in-process): "
            << static_cast<uint64_t>(verify_rate)
            << "/s; cores here: " << std::thread::hardware_concurrency() << "\n";
  if (command == "transfers") return Transfers(args, verify_rate);
  if (command == "proofs") return Proofs(args, verify_rate);
  if (command == "fill") return Fill(args, verify_rate);
  std::cerr << "creg-bench: unknown command '" << command << "'\n" << kUsage;
  return 2;
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
