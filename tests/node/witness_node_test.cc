// A real cregd with real creg-witness processes (docs/witness.md, "Running
// a registry with witnesses"): checkpoints are published only once the
// quorum cosigned them, certificates carry the cosignatures and verify with
// the witness keys, a witness that stops holds publication (not commits)
// until it returns, and witnesses that hang or answer garbage stall
// nothing.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <thread>

#include <utility>  // before Asio (GCC 12, see DESIGN.md)

#include <boost/asio.hpp>

#include "ledger/cosignature.h"
#include "tests/support/node_accounts.h"
#include "tests/support/node_process.h"
#include "tests/support/witness_process.h"

namespace creg {
namespace {

using testing::NodeAccounts;
using testing::NodeProcess;
using testing::RunProgram;
using testing::RunResult;
using testing::TempDir;
using testing::WitnessProcess;
using Clock = std::chrono::steady_clock;

std::string WitnessFlag(const WitnessProcess& w) {
  return "http://" + w.address() + "=" + w.verifier_key();
}

pb::StatusResponse NodeStatus(Client& client) {
  pb::Request request;
  request.mutable_status();
  StatusOr<pb::Response> response = client.Call(std::move(request));
  if (!response.ok() || !response->has_status()) return {};
  return response->status();
}

// Polls the node's status until `want` holds, for at most 20 s.
::testing::AssertionResult StatusReaches(Client& client,
                                         const std::function<bool(const pb::StatusResponse&)>& want,
                                         const std::string& what) {
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  pb::StatusResponse last;
  while (Clock::now() < deadline) {
    last = NodeStatus(client);
    if (want(last)) return ::testing::AssertionSuccess();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return ::testing::AssertionFailure() << "status never showed " << what << "; last:\n"
                                       << last.DebugString();
}

bool Published(const pb::StatusResponse& s) {
  return s.tree_size() > 0 && s.checkpoint_size() == s.tree_size();
}

std::string CheckpointNote(Client& client) {
  pb::Request request;
  request.mutable_get_checkpoint();
  StatusOr<pb::Response> response = client.Call(std::move(request));
  if (!response.ok() || !response->has_checkpoint()) return "";
  return response->checkpoint().note();
}

std::string WriteCertificate(Client& client, const std::string& retirement,
                             const std::string& path) {
  pb::Request request;
  request.mutable_certificate()->set_retirement_id(retirement);
  StatusOr<pb::Response> response = client.Call(std::move(request));
  if (!response.ok() || !response->has_certificate()) return "";
  std::ofstream(path) << response->certificate().json();
  return path;
}

RunResult VerifyCert(const std::string& file, const std::string& log_key,
                     const std::vector<std::string>& witness_flags) {
  std::vector<std::string> argv = {testing::ProgramPath("CREG_AUDIT_BIN"), "verify-cert", file,
                                   "--key", log_key};
  argv.insert(argv.end(), witness_flags.begin(), witness_flags.end());
  return RunProgram(argv);
}

// A project, 100 credits issued to "org"; returns nothing (failures are
// recorded by NodeAccounts).
void Issue(Client& client, NodeAccounts& accounts) {
  accounts.OpenAccount(client, "org", pb::ROLE_HOLDER);
  accounts.RegisterProject(client, "yunnan-wind-01", "org");
  accounts.Issue(client, "yunnan-wind-01", 100, "org");
}

class WitnessNodeTest : public ::testing::Test {
 protected:
  TempDir dir_;
  NodeProcess node_{dir_};
  WitnessProcess w1_{dir_, "w1", "witness.example/w1"};
  WitnessProcess w2_{dir_, "w2", "witness.example/w2"};
};

TEST_F(WitnessNodeTest, PublishesOnlyCosignedCheckpointsAndCertificatesVerifyWithWitnessKeys) {
  ASSERT_TRUE(w1_.Start({node_.VerifierKey()}));
  ASSERT_TRUE(w2_.Start({node_.VerifierKey()}));
  ASSERT_TRUE(node_.Start({"--witness", WitnessFlag(w1_), "--witness", WitnessFlag(w2_),
                           "--witness-quorum", "2", "--http", "127.0.0.1:0"}));
  auto client = node_.Connect();
  ASSERT_NE(client, nullptr);
  NodeAccounts accounts(node_);
  Issue(*client, accounts);
  const std::string retirement = accounts.Retire(*client, "org", 1, 30).effects().retirement_id();
  ASSERT_FALSE(retirement.empty());
  ASSERT_TRUE(StatusReaches(*client, Published, "the newest checkpoint published"));

  const pb::StatusResponse status = NodeStatus(*client);
  EXPECT_EQ(status.witness_quorum(), 2u);
  ASSERT_EQ(status.witnesses_size(), 2);
  EXPECT_EQ(status.witnesses(0).cosigned_size(), status.tree_size());
  EXPECT_EQ(status.publication_fault(), "");

  const std::string note = CheckpointNote(*client);
  std::vector<CosignatureVerifier> verifiers = {
      CosignatureVerifier::FromVerifierKey(w1_.verifier_key()).value(),
      CosignatureVerifier::FromVerifierKey(w2_.verifier_key()).value()};
  auto cosigned = VerifyCosignatures(note, verifiers);
  ASSERT_TRUE(cosigned.ok()) << cosigned.status().ToString() << "\n" << note;
  EXPECT_EQ(cosigned->cosignatures.size(), 2u) << note;

  const std::string cert = WriteCertificate(*client, retirement, dir_.Sub("cert.json"));
  ASSERT_FALSE(cert.empty());
  RunResult ok = VerifyCert(cert, node_.VerifierKey(),
                            {"--witness-key", w1_.verifier_key(), "--witness-key",
                             w2_.verifier_key(), "--witness-quorum", "2"});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("cosigned by at least 2 of the 2 witnesses"), std::string::npos) << ok.out;

  // A third witness that never cosigned: a quorum of 3 is refused, naming it.
  WitnessProcess other(dir_, "w3", "witness.example/w3");
  RunResult refused =
      VerifyCert(cert, node_.VerifierKey(),
                 {"--witness-key", w1_.verifier_key(), "--witness-key", w2_.verifier_key(),
                  "--witness-key", other.verifier_key(), "--witness-quorum", "3"});
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_NE(refused.out.find("FAILED check 'witnesses'"), std::string::npos) << refused.out;
  EXPECT_NE(refused.out.find("not cosigned by: witness.example/w3"), std::string::npos)
      << refused.out;

  // One witness's key given twice does not make a quorum of 2.
  RunResult twice = VerifyCert(cert, node_.VerifierKey(),
                               {"--witness-key", w1_.verifier_key(), "--witness-key",
                                w1_.verifier_key(), "--witness-quorum", "2"});
  EXPECT_NE(twice.exit_code, 0) << twice.out << twice.err;
  EXPECT_NE((twice.out + twice.err).find("given twice"), std::string::npos)
      << twice.out << twice.err;
}

TEST_F(WitnessNodeTest, OneWitnessGivenTwiceIsRefusedAtStart) {
  ASSERT_TRUE(w1_.Start({node_.VerifierKey()}));
  // The second URL could be a proxy to the same witness: its key counts once.
  RunResult run = RunProgram({testing::ProgramPath("CREGD_BIN"), "run", "--data", node_.data_dir(),
                              "--listen", "127.0.0.1:0", "--witness", WitnessFlag(w1_), "--witness",
                              "http://127.0.0.1:1=" + w1_.verifier_key(), "--witness-quorum", "2"});
  EXPECT_NE(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE((run.out + run.err).find("given twice"), std::string::npos) << run.out << run.err;
  EXPECT_EQ((run.out + run.err).find("serving on"), std::string::npos) << run.out << run.err;
}

TEST_F(WitnessNodeTest, WitnessDownHoldsPublicationNotCommitsThenRecovers) {
  ASSERT_TRUE(w1_.Start({node_.VerifierKey()}));
  ASSERT_TRUE(w2_.Start({node_.VerifierKey()}));
  ASSERT_TRUE(node_.Start(
      {"--witness", WitnessFlag(w1_), "--witness", WitnessFlag(w2_), "--metrics", "127.0.0.1:0"}));
  auto client = node_.Connect();
  ASSERT_NE(client, nullptr);
  NodeAccounts accounts(node_);
  accounts.OpenAccount(*client, "org", pb::ROLE_HOLDER);
  ASSERT_TRUE(StatusReaches(*client, Published, "the first checkpoint published"));
  const uint64_t published = NodeStatus(*client).checkpoint_size();
  const std::string published_note = CheckpointNote(*client);
  const std::string w2_failing = "creg_witness_failing{witness=\"http://" + w2_.address() + "\"}";
  EXPECT_TRUE(node_.MetricReaches("creg_publication_stalled", 0));
  EXPECT_TRUE(
      node_.MetricReaches("creg_checkpoint_published_size", static_cast<double>(published)));
  EXPECT_TRUE(node_.MetricReaches(w2_failing, 0));

  const std::string w2_address = w2_.address();
  w2_.Stop();
  // Commits are still acknowledged; publication waits.
  accounts.OpenAccount(*client, "org2", pb::ROLE_HOLDER);
  accounts.OpenAccount(*client, "org3", pb::ROLE_HOLDER);
  ASSERT_TRUE(StatusReaches(
      *client, [](const pb::StatusResponse& s) { return !s.publication_fault().empty(); },
      "a publication fault"));
  pb::StatusResponse stalled = NodeStatus(*client);
  EXPECT_EQ(stalled.checkpoint_size(), published);
  EXPECT_GT(stalled.tree_size(), published);
  EXPECT_NE(stalled.witnesses(1).error().find("cannot connect"), std::string::npos)
      << stalled.DebugString();
  EXPECT_EQ(CheckpointNote(*client), published_note);
  RunResult shown =
      RunProgram({testing::ProgramPath("CREG_BIN"), "status", "--node", node_.address()});
  EXPECT_NE(shown.out.find("stalled: size"), std::string::npos) << shown.out << shown.err;
  EXPECT_TRUE(node_.MetricReaches("creg_publication_stalled", 1));
  EXPECT_TRUE(node_.MetricReaches(w2_failing, 1));
  EXPECT_EQ(node_.Metric("creg_checkpoint_published_size"), static_cast<double>(published));
  EXPECT_GT(node_.Metric("creg_checkpoint_signed_size"), static_cast<double>(published));

  // The witness returns where it was: the node publishes again (backoff
  // is at most 10 s).
  ASSERT_TRUE(w2_.Start({node_.VerifierKey()}, {}, w2_address));
  ASSERT_TRUE(StatusReaches(
      *client,
      [](const pb::StatusResponse& s) { return Published(s) && s.publication_fault().empty(); },
      "publication resumed"));
  EXPECT_TRUE(node_.MetricReaches("creg_publication_stalled", 0));
  EXPECT_TRUE(node_.MetricReaches(w2_failing, 0));

  // A restarted node serves its saved cosigned checkpoint at once, and
  // learns each witness's size from its 409 before the next publication.
  const uint64_t saved = NodeStatus(*client).checkpoint_size();
  client.reset();
  ASSERT_EQ(node_.Stop(), 0);
  ASSERT_TRUE(node_.Start({"--witness", WitnessFlag(w1_), "--witness", WitnessFlag(w2_)}));
  client = node_.Connect();
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(NodeStatus(*client).checkpoint_size(), saved);
  accounts.OpenAccount(*client, "org4", pb::ROLE_HOLDER);
  ASSERT_TRUE(StatusReaches(
      *client, [&](const pb::StatusResponse& s) { return Published(s) && s.tree_size() > saved; },
      "publication after the restart"));
}

TEST_F(WitnessNodeTest, CregCertWaitsForACosignedCheckpointThatCoversTheRetirement) {
  ASSERT_TRUE(w1_.Start({node_.VerifierKey()}));
  ASSERT_TRUE(node_.Start({"--witness", WitnessFlag(w1_)}));
  auto client = node_.Connect();
  ASSERT_NE(client, nullptr);
  NodeAccounts accounts(node_);
  Issue(*client, accounts);
  ASSERT_TRUE(StatusReaches(*client, Published, "the issuance published"));
  const std::string w1_address = w1_.address();
  w1_.Stop();
  const std::string retirement = accounts.Retire(*client, "org", 1, 30).effects().retirement_id();
  ASSERT_FALSE(retirement.empty());
  ASSERT_TRUE(StatusReaches(
      *client, [](const pb::StatusResponse& s) { return !s.publication_fault().empty(); },
      "publication stalled"));

  // No published checkpoint covers the retirement: creg cert waits for one.
  const std::string cert = dir_.Sub("waited-cert.json");
  const pid_t creg = testing::SpawnProgram(
      {testing::ProgramPath("CREG_BIN"), "cert", retirement, "-o", cert, "--node", node_.address()},
      dir_.Sub("cert.out"), dir_.Sub("cert.err"));
  ASSERT_TRUE(w1_.Start({node_.VerifierKey()}, {}, w1_address));
  EXPECT_EQ(testing::WaitProgram(creg), 0) << testing::ReadTextFile(dir_.Sub("cert.err"));
  RunResult ok = VerifyCert(cert, node_.VerifierKey(), {"--witness-key", w1_.verifier_key()});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
}

// Accepts connections on 127.0.0.1 and answers each with `answer`, or holds
// it open without a word if `answer` is empty.
class HostileWitness {
 public:
  explicit HostileWitness(std::string answer) : answer_(std::move(answer)) {
    thread_ = std::thread([this] {
      while (!stop_) {
        auto socket = std::make_shared<boost::asio::ip::tcp::socket>(io_);
        boost::system::error_code ec;
        acceptor_.accept(*socket, ec);
        if (ec || stop_) return;
        char buf[4096];
        socket->read_some(boost::asio::buffer(buf), ec);
        if (!answer_.empty()) boost::asio::write(*socket, boost::asio::buffer(answer_), ec);
        held_.push_back(socket);
      }
    });
  }
  ~HostileWitness() {
    stop_ = true;
    boost::system::error_code ec;
    // Wake the accept with one last connection.
    boost::asio::ip::tcp::socket poke(io_);
    poke.connect(acceptor_.local_endpoint(), ec);
    thread_.join();
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }

 private:
  std::string answer_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_{
      io_, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)};
  std::vector<std::shared_ptr<boost::asio::ip::tcp::socket>> held_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST_F(WitnessNodeTest, HangingGarbageAndHugeWitnessesStallNeitherCommitsNorTheQuorum) {
  ASSERT_TRUE(w1_.Start({node_.VerifierKey()}));
  HostileWitness silent("");
  HostileWitness garbage("\x16\x03\x01 not http at all\r\n\r\n");
  HostileWitness huge("HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n" +
                      std::string(64 << 10, 'x'));
  // Keys of witnesses that do not exist: nothing they say can verify.
  WitnessProcess k2(dir_, "k2", "hostile.example/2");
  WitnessProcess k3(dir_, "k3", "hostile.example/3");
  WitnessProcess k4(dir_, "k4", "hostile.example/4");
  ASSERT_TRUE(node_.Start({"--witness", WitnessFlag(w1_), "--witness",
                           silent.url() + "=" + k2.verifier_key(), "--witness",
                           garbage.url() + "=" + k3.verifier_key(), "--witness",
                           huge.url() + "=" + k4.verifier_key(), "--witness-quorum", "1"}));
  auto client = node_.Connect();
  ASSERT_NE(client, nullptr);
  NodeAccounts accounts(node_);
  const auto start = Clock::now();
  for (int i = 0; i < 20; ++i)
    accounts.OpenAccount(*client, "org" + std::to_string(i), pb::ROLE_HOLDER);
  // 20 commits while a witness hangs: far below its 5 s timeout.
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(4));
  ASSERT_TRUE(StatusReaches(*client, Published, "the newest checkpoint published by w1 alone"));
  ASSERT_TRUE(StatusReaches(
      *client,
      [](const pb::StatusResponse& s) {
        return s.witnesses_size() == 4 && !s.witnesses(2).error().empty() &&
               !s.witnesses(3).error().empty();
      },
      "the garbage and huge witnesses' errors"));
  pb::StatusResponse status = NodeStatus(*client);
  EXPECT_NE(status.witnesses(2).error().find("malformed status line"), std::string::npos)
      << status.DebugString();
  EXPECT_NE(status.witnesses(3).error().find("body over"), std::string::npos)
      << status.DebugString();
}

// Two nodes with one log key and the same first entries, then different
// ones: the witness that cosigned one refuses the other, which cannot
// publish; a certificate the fork makes without witnesses verifies against
// the log key alone but is refused with the witness key.
TEST_F(WitnessNodeTest, SplitViewIsRefusedByTheWitness) {
  NodeAccounts accounts(node_);  // its keys sign on both histories
  {
    ASSERT_TRUE(node_.Start());
    auto client = node_.Connect();
    Issue(*client, accounts);
    ASSERT_EQ(node_.Stop(), 0);
  }
  const std::string fork_dir = dir_.Sub("fork");
  RunResult copied = RunProgram({"/bin/cp", "-a", node_.data_dir(), fork_dir});
  ASSERT_EQ(copied.exit_code, 0) << copied.err;
  NodeProcess fork(dir_, "fork");
  ASSERT_EQ(fork.VerifierKey(), node_.VerifierKey());

  ASSERT_TRUE(w1_.Start({node_.VerifierKey()}));
  ASSERT_TRUE(node_.Start({"--witness", WitnessFlag(w1_)}));
  auto client = node_.Connect();
  accounts.Retire(*client, "org", 1, 10);
  ASSERT_TRUE(StatusReaches(*client, Published, "the first history published"));

  ASSERT_TRUE(fork.Start({"--witness", WitnessFlag(w1_)}));
  auto fork_client = fork.Connect();
  const std::string fork_retirement =
      accounts.Retire(*fork_client, "org", 1, 70).effects().retirement_id();
  ASSERT_FALSE(fork_retirement.empty());
  ASSERT_TRUE(StatusReaches(
      *fork_client,
      [](const pb::StatusResponse& s) {
        return s.witnesses_size() == 1 &&
               s.witnesses(0).error().find("refused") != std::string::npos;
      },
      "the witness refusing the fork"));
  pb::StatusResponse fork_status = NodeStatus(*fork_client);
  EXPECT_EQ(fork_status.checkpoint_size(), 0u) << fork_status.DebugString();
  EXPECT_FALSE(fork_status.publication_fault().empty());
  EXPECT_EQ(CheckpointNote(*fork_client), "");
  ASSERT_EQ(fork.Stop(), 0);

  // Without witnesses the fork publishes what it signs; its certificate
  // holds against the log key, not against the witness.
  ASSERT_TRUE(fork.Start());
  fork_client = fork.Connect();
  const std::string cert =
      WriteCertificate(*fork_client, fork_retirement, dir_.Sub("fork-cert.json"));
  ASSERT_FALSE(cert.empty());
  RunResult key_only = VerifyCert(cert, node_.VerifierKey(), {});
  EXPECT_EQ(key_only.exit_code, 0) << key_only.out << key_only.err;
  RunResult witnessed =
      VerifyCert(cert, node_.VerifierKey(), {"--witness-key", w1_.verifier_key()});
  EXPECT_EQ(witnessed.exit_code, 1) << witnessed.out << witnessed.err;
  EXPECT_NE(witnessed.out.find("not cosigned by: witness.example/w1"), std::string::npos)
      << witnessed.out;
}

}  // namespace
}  // namespace creg
