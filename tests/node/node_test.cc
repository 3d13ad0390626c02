// Integration tests: the real cregd on a loopback port, driven through the
// project's client library and raw sockets.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "client/metrics_reader.h"
#include "ledger/checkpoint.h"
#include "ledger/data_dir.h"
#include "ledger/encoding.h"
#include "ledger/log_entry.h"
#include "ledger/merkle.h"
#include "ledger/registry/transaction.h"
#include "net/address.h"
#include "net/frame.h"
#include "tests/support/node_process.h"
#include "tests/support/raw_connection.h"

namespace creg {
namespace {

using testing::NodeProcess;
using testing::RawConnection;

// Builds and signs transactions for the node's registry.
class Signers {
 public:
  explicit Signers(const NodeProcess& node) { keys_.emplace("operator", node.OperatorKey()); }

  pb::TransactionBody Body() {
    pb::TransactionBody body;
    body.set_origin(NodeProcess::kOrigin);
    body.set_nonce("t" + std::to_string(++nonce_) + "-" + std::to_string(NowMicros()));
    return body;
  }
  std::string Sign(const pb::TransactionBody& body, const std::string& signer) {
    return SignTransaction(body, signer, keys_.at(signer));
  }
  std::string OpenAccount(const std::string& id) {
    keys_.emplace(id, PrivateKey::Generate().value());
    pb::TransactionBody body = Body();
    body.mutable_open_account()->set_account_id(id);
    body.mutable_open_account()->set_role(pb::ROLE_HOLDER);
    body.mutable_open_account()->set_public_key(keys_.at(id).public_key().raw());
    return Sign(body, "operator");
  }
  std::string RegisterProject(const std::string& id, const std::string& proponent) {
    pb::TransactionBody body = Body();
    auto* op = body.mutable_register_project();
    op->set_project_id(id);
    op->set_name("Cookstoves");
    op->set_standard("VCS");
    op->set_methodology("AMS-II.G");
    op->set_country("KE");
    op->set_proponent(proponent);
    return Sign(body, "operator");
  }
  std::string Issue(const std::string& project, uint64_t quantity, const std::string& to) {
    pb::TransactionBody body = Body();
    auto* op = body.mutable_issue();
    op->set_project_id(project);
    op->set_vintage_start("2025-01-01");
    op->set_vintage_end("2025-12-31");
    op->set_quantity(quantity);
    op->set_to_account(to);
    op->set_verification_ref("VR-" + body.nonce());
    return Sign(body, "operator");
  }
  std::string Transfer(const std::string& from, const std::string& to, uint64_t batch,
                       uint64_t quantity) {
    pb::TransactionBody body = Body();
    body.mutable_transfer()->set_from_account(from);
    body.mutable_transfer()->set_to_account(to);
    body.mutable_transfer()->mutable_credits()->set_batch(batch);
    body.mutable_transfer()->mutable_credits()->set_quantity(quantity);
    return Sign(body, from);
  }
  std::string Retire(const std::string& account, uint64_t batch, uint64_t quantity) {
    pb::TransactionBody body = Body();
    auto* op = body.mutable_retire();
    op->set_account(account);
    op->mutable_credits()->set_batch(batch);
    op->mutable_credits()->set_quantity(quantity);
    op->set_beneficiary("Belt and Road Green Development Forum 2026");
    op->set_reason(pb::VOLUNTARY_EVENT_OFFSET);
    return Sign(body, account);
  }

 private:
  std::map<std::string, PrivateKey> keys_;
  uint64_t nonce_ = 0;
};

// Commits `signed_tx` and returns the committed answer (test fails otherwise).
pb::Committed MustCommit(Client& client, std::string signed_tx) {
  auto answer = client.Submit(std::move(signed_tx));
  EXPECT_TRUE(answer.ok()) << answer.status().ToString();
  if (!answer.ok()) return {};
  EXPECT_TRUE(answer->has_committed())
      << answer->refused().code() << ": " << answer->refused().message();
  return answer->committed();
}

class NodeTest : public ::testing::Test {
 protected:
  void StartNode(const std::vector<std::string>& flags = {}) {
    node_ = std::make_unique<NodeProcess>(dir_);
    ASSERT_TRUE(node_->Start(flags));
    client_ = node_->Connect();
    ASSERT_NE(client_, nullptr);
    signers_ = std::make_unique<Signers>(*node_);
  }

  // Developer holds batch 1 of `quantity` credits; organiser exists.
  void SetUpCredits(uint64_t quantity) {
    MustCommit(*client_, signers_->OpenAccount("developer"));
    MustCommit(*client_, signers_->OpenAccount("organiser"));
    MustCommit(*client_, signers_->RegisterProject("ke-cookstoves-001", "developer"));
    pb::Committed issued =
        MustCommit(*client_, signers_->Issue("ke-cookstoves-001", quantity, "developer"));
    ASSERT_EQ(issued.effects().batch(), 1u);
  }

  bool StillServes() {
    auto client = Client::Connect(node_->address());
    return client.ok() && (*client)->GetStatus().ok();
  }

  creg::testing::TempDir dir_;
  std::unique_ptr<NodeProcess> node_;
  std::unique_ptr<Client> client_;
  std::unique_ptr<Signers> signers_;
};

TEST_F(NodeTest, StoryWithProofFetchedRightAfterCommit) {
  StartNode();
  SetUpCredits(10'000);
  MustCommit(*client_, signers_->Transfer("developer", "organiser", 1, 500));
  pb::Committed retired = MustCommit(*client_, signers_->Retire("organiser", 1, 120));
  ASSERT_FALSE(retired.effects().retirement_id().empty());

  // A proof for the new entry is available at once, against a signed checkpoint.
  auto checkpoint = client_->GetCheckpoint();
  ASSERT_TRUE(checkpoint.ok());
  ASSERT_GE(checkpoint->tree_size(), retired.entry_index() + 1);
  NoteVerifier verifier = NoteVerifier::FromVerifierKey(node_->VerifierKey()).value();
  Checkpoint signed_head =
      VerifyCheckpoint(checkpoint->note(), verifier, NodeProcess::kOrigin).value();
  pb::Request request;
  request.mutable_inclusion_proof()->set_index(retired.entry_index());
  request.mutable_inclusion_proof()->set_tree_size(signed_head.size);
  pb::Response proof = client_->Call(request).value();
  ASSERT_TRUE(proof.has_proof()) << proof.error().message();
  std::vector<std::string> hashes(proof.proof().hashes().begin(), proof.proof().hashes().end());
  EXPECT_TRUE(merkle::VerifyInclusion(retired.entry_index(), signed_head.size,
                                      proof.proof().leaf_hash(), hashes, signed_head.root.view())
                  .ok());

  // The same serials cannot be retired twice.
  pb::TransactionBody again = signers_->Body();
  again.mutable_retire()->set_account("organiser");
  *again.mutable_retire()->mutable_credits()->add_blocks() = retired.effects().blocks(0);
  again.mutable_retire()->set_beneficiary("Someone else");
  again.mutable_retire()->set_reason(pb::VOLUNTARY_CORPORATE_INVENTORY);
  auto refused = client_->Submit(signers_->Sign(again, "organiser"));
  ASSERT_TRUE(refused.ok());
  ASSERT_TRUE(refused->has_refused());
  EXPECT_EQ(refused->refused().code(), "CREDITS_RETIRED");

  pb::Request holdings;
  holdings.mutable_holdings()->set_account_id("organiser");
  pb::Response held = client_->Call(holdings).value();
  ASSERT_EQ(held.holdings().batches_size(), 1);
  EXPECT_EQ(held.holdings().batches(0).quantity(), 380u);
}

TEST_F(NodeTest, ResubmissionAnswersDuplicateWithOriginalIndex) {
  StartNode();
  SetUpCredits(100);
  std::string tx = signers_->Transfer("developer", "organiser", 1, 5);
  pb::Committed first = MustCommit(*client_, tx);
  pb::Committed second = MustCommit(*client_, tx);
  EXPECT_TRUE(second.duplicate());
  EXPECT_EQ(second.entry_index(), first.entry_index());
}

TEST_F(NodeTest, PipelinedRequestsAreAllAnsweredWithTheirIds) {
  StartNode();
  SetUpCredits(1000);
  constexpr int kRequests = 200;
  std::map<uint64_t, pb::Request::BodyCase> sent;
  for (int i = 0; i < kRequests; ++i) {
    pb::Request request;
    if (i % 2 == 0) {
      request.mutable_submit()->set_signed_transaction(
          signers_->Transfer("developer", "organiser", 1, 1));
    } else {
      request.mutable_status();
    }
    ASSERT_TRUE(client_->Send(request).ok());
    sent[request.id()] = request.body_case();
  }
  int committed = 0;
  for (int i = 0; i < kRequests; ++i) {
    auto response = client_->Receive();
    ASSERT_TRUE(response.ok()) << response.status().ToString();
    ASSERT_EQ(sent.count(response->id()), 1u) << "unknown or repeated id " << response->id();
    if (sent[response->id()] == pb::Request::kSubmit) {
      ASSERT_TRUE(response->has_submit());
      committed += response->submit().has_committed() ? 1 : 0;
    } else {
      EXPECT_TRUE(response->has_status());
    }
    sent.erase(response->id());
  }
  EXPECT_EQ(committed, kRequests / 2);
}

TEST_F(NodeTest, ReceiveBeforeReturnsAtItsDeadlineAndTheConnectionStaysUsable) {
  StartNode();
  using std::chrono::steady_clock;
  // Nothing asked: nothing comes, and the call returns at its deadline.
  auto asked_at = steady_clock::now();
  auto nothing = client_->ReceiveBefore(asked_at + std::chrono::milliseconds(50));
  ASSERT_TRUE(nothing.ok()) << nothing.status().ToString();
  EXPECT_FALSE(nothing->has_value());
  EXPECT_GE(steady_clock::now() - asked_at, std::chrono::milliseconds(50));

  // A read left pending does not hold up a request going out, even one
  // that is never answered: a subscription past the end of the log.
  auto size = client_->GetStatus();
  ASSERT_TRUE(size.ok()) << size.status().ToString();
  pb::Request quiet;
  quiet.mutable_subscribe()->set_start(size->tree_size() + 1000);
  ASSERT_TRUE(client_->Send(quiet).ok());
  nothing = client_->ReceiveBefore(steady_clock::now() + std::chrono::milliseconds(20));
  ASSERT_TRUE(nothing.ok()) << nothing.status().ToString();
  EXPECT_FALSE(nothing->has_value());
  pb::Request another = quiet;
  another.set_id(0);
  auto sending = steady_clock::now();
  ASSERT_TRUE(client_->Send(another).ok());
  EXPECT_LT(steady_clock::now() - sending, std::chrono::seconds(1));

  // The pending read then takes the next answer, whichever call receives.
  pb::Request request;
  request.mutable_status();
  ASSERT_TRUE(client_->Send(request).ok());
  auto answer = client_->ReceiveBefore(steady_clock::now() + std::chrono::seconds(10));
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  ASSERT_TRUE(answer->has_value());
  EXPECT_EQ((*answer)->id(), request.id());
  EXPECT_TRUE((*answer)->has_status());

  ASSERT_TRUE(client_->ReceiveBefore(steady_clock::now() + std::chrono::milliseconds(20)).ok());
  auto status = client_->GetStatus();
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(status->origin(), NodeProcess::kOrigin);
}

TEST_F(NodeTest, SubscriptionStreamsHistoryThenNewEntries) {
  StartNode();
  SetUpCredits(100);
  auto subscriber = node_->Connect();
  pb::Request subscribe;
  subscribe.mutable_subscribe()->set_start(0);
  ASSERT_TRUE(subscriber->Send(subscribe).ok());
  uint64_t seen = 0;
  Hash prev;
  auto read_until = [&](uint64_t want) {
    while (seen < want) {
      auto response = subscriber->Receive();
      ASSERT_TRUE(response.ok()) << response.status().ToString();
      ASSERT_EQ(response->id(), subscribe.id());
      ASSERT_EQ(response->entries().start(), seen);
      for (const std::string& bytes : response->entries().entries()) {
        auto entry = DecodeLogEntry(bytes).value();
        ASSERT_EQ(entry.index(), seen);
        ASSERT_EQ(entry.prev_hash(), prev.str());
        prev = merkle::LeafHash(bytes);
        ++seen;
      }
    }
  };
  read_until(5);  // init entry + 4 setup transactions
  pb::Committed later = MustCommit(*client_, signers_->Transfer("developer", "organiser", 1, 3));
  read_until(later.entry_index() + 1);
  EXPECT_EQ(seen, later.entry_index() + 1);
}

TEST_F(NodeTest, OversizedFrameIsRefusedAndOthersAreNotDisturbed) {
  StartNode({"--max-frame-bytes", "65536"});
  RawConnection raw(node_->address());
  ASSERT_TRUE(raw.connected());
  ASSERT_TRUE(raw.Write(std::string("\xff\xff\xff\xff", 4)));  // announces 4 GiB
  auto response = raw.ReadResponse();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->error().code(), "INVALID_ARGUMENT");
  EXPECT_TRUE(raw.ClosedByPeer());
  EXPECT_TRUE(StillServes());
}

TEST_F(NodeTest, GarbageAndTruncatedFramesDoNotTakeTheNodeDown) {
  StartNode();
  {
    RawConnection raw(node_->address());
    std::string garbage = EncodeFrame("\x08\x01\xff\xff\xff garbage that is not a Request");
    ASSERT_TRUE(raw.Write(garbage));
    auto response = raw.ReadResponse();
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->error().code(), "INVALID_ARGUMENT");
  }
  {
    RawConnection raw(node_->address());
    std::string frame = EncodeFrame(std::string(1000, 'x'));
    ASSERT_TRUE(raw.Write(frame.substr(0, 500)));  // cut off mid-way, then gone
  }
  {
    RawConnection raw(node_->address());
    std::string noise;
    for (int i = 0; i < 4096; ++i) noise += static_cast<char>((i * 7919) & 0xff);
    raw.Write(noise);
  }
  // A valid request on a new connection is answered.
  EXPECT_TRUE(StillServes());
}

TEST_F(NodeTest, InFlightLimitRefusesTheExcess) {
  StartNode({"--max-in-flight", "4"});
  SetUpCredits(1000);
  constexpr int kRequests = 64;
  for (int i = 0; i < kRequests; ++i) {
    pb::Request request;
    request.mutable_submit()->set_signed_transaction(
        signers_->Transfer("developer", "organiser", 1, 1));
    ASSERT_TRUE(client_->Send(request).ok());
  }
  int exhausted = 0, committed = 0;
  for (int i = 0; i < kRequests; ++i) {
    auto response = client_->Receive();
    ASSERT_TRUE(response.ok());
    if (response->has_error()) {
      EXPECT_EQ(response->error().code(), "RESOURCE_EXHAUSTED");
      ++exhausted;
    } else {
      committed += response->submit().has_committed() ? 1 : 0;
    }
  }
  EXPECT_GT(exhausted, 0);
  EXPECT_GT(committed, 0);
  EXPECT_EQ(exhausted + committed, kRequests);
}

TEST_F(NodeTest, ConnectionLimitAndIdleTimeout) {
  StartNode({"--max-connections", "3", "--idle-timeout", "1", "--metrics", "127.0.0.1:0"});
  std::vector<std::unique_ptr<Client>> held;
  held.push_back(std::move(client_));
  held.push_back(node_->Connect());
  held.push_back(node_->Connect());
  RawConnection extra(node_->address());
  auto refusal = extra.ReadResponse();
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->error().code(), "RESOURCE_EXHAUSTED");
  EXPECT_EQ(node_->Metric("creg_open_connections"), 3);
  // Silent connections are closed after the idle timeout, freeing places.
  EXPECT_TRUE(node_->MetricReaches("creg_open_connections", 0));
  EXPECT_FALSE(held[0]->GetStatus().ok());
  EXPECT_TRUE(StillServes());
}

TEST_F(NodeTest, SigtermAnswersInFlightAndLosesNothingAnswered) {
  StartNode();
  SetUpCredits(1'000'000);
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::condition_variable acknowledged_more;
  std::vector<uint64_t> acknowledged;
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    auto tx_source = std::make_shared<std::vector<std::string>>();
    for (int i = 0; i < 400; ++i)
      tx_source->push_back(signers_->Transfer("developer", "organiser", 1, 1));
    writers.emplace_back([&, tx_source] {
      auto client = Client::Connect(node_->address());
      if (!client.ok()) return;
      for (const std::string& tx : *tx_source) {
        if (stop) break;
        auto answer = (*client)->Submit(tx);
        if (!answer.ok()) break;  // the node went away: fine, it was not acknowledged
        if (answer->has_committed()) {
          std::lock_guard lock(mu);
          acknowledged.push_back(answer->committed().entry_index());
          acknowledged_more.notify_all();
        }
      }
    });
  }
  // SIGTERM lands while the writers are committing: once some of their
  // transactions are acknowledged, with most still to come.
  {
    std::unique_lock lock(mu);
    EXPECT_TRUE(acknowledged_more.wait_for(lock, std::chrono::seconds(30),
                                           [&] { return acknowledged.size() >= 100; }))
        << acknowledged.size() << " acknowledged";
  }
  EXPECT_EQ(node_->Stop(SIGTERM), 0) << node_->log_text();
  stop = true;
  for (std::thread& t : writers) t.join();
  ASSERT_FALSE(acknowledged.empty());
  ASSERT_TRUE(node_->Start());
  client_ = node_->Connect();
  auto status = client_->GetStatus().value();
  for (uint64_t index : acknowledged) {
    ASSERT_LT(index, status.tree_size())
        << "acknowledged entry " << index << " is missing after restart";
  }
  EXPECT_NE(node_->log_text().find("stopped cleanly"), std::string::npos);
}

TEST_F(NodeTest, StatusAndMetrics) {
  StartNode({"--metrics", "127.0.0.1:0"});
  auto status = client_->GetStatus().value();
  EXPECT_EQ(status.origin(), NodeProcess::kOrigin);
  EXPECT_EQ(status.verifier_key(), node_->VerifierKey());
  EXPECT_TRUE(status.accepting_writes());
  EXPECT_GE(status.tree_size(), 1u);
  EXPECT_EQ(status.cluster(), "");
  EXPECT_EQ(status.term(), 0);
  EXPECT_EQ(status.quarantined_entries(), 0u);

  // Four commits, one more, a resubmission of it and a refusal.
  SetUpCredits(10);
  std::string transfer = signers_->Transfer("developer", "organiser", 1, 2);
  MustCommit(*client_, transfer);
  auto again = client_->Submit(transfer);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->committed().duplicate());
  auto refused = client_->Submit(signers_->Transfer("developer", "organiser", 1, 100));
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  ASSERT_TRUE(refused->has_refused());
  const uint64_t tree_size = client_->GetStatus().value().tree_size();

  ASSERT_FALSE(node_->metrics_address().empty()) << node_->log_text();
  auto metrics = FetchMetrics(node_->metrics_address());
  ASSERT_TRUE(metrics.ok()) << metrics.status().ToString();
  auto sample_of = [](const MetricSamples& samples, const std::string& name) {
    auto it = samples.find(name);
    EXPECT_NE(it, samples.end()) << "no sample " << name;
    return it == samples.end() ? -1.0 : it->second;
  };
  auto sample = [&](const std::string& name) { return sample_of(*metrics, name); };
  EXPECT_EQ(sample("creg_transactions_committed_total"), 5);
  EXPECT_EQ(sample("creg_transactions_duplicate_total"), 1);
  EXPECT_EQ(sample("creg_transactions_refused_total{code=\"" + refused->refused().code() + "\"}"),
            1);
  EXPECT_EQ(sample("creg_tree_size"), static_cast<double>(tree_size));
  // One submission at a time, each answered before the next: a group each.
  EXPECT_EQ(sample("creg_commit_groups_total"), 7);
  EXPECT_EQ(sample("creg_commit_latency_seconds_count"), 7);
  EXPECT_EQ(sample("creg_open_connections"), 1);
  EXPECT_EQ(sample("creg_accepting_writes"), 1);
  const double cpu = sample("process_cpu_seconds_total");
  EXPECT_GT(cpu, 0);

  // Counters only grow.
  auto later = FetchMetrics(node_->metrics_address());
  ASSERT_TRUE(later.ok()) << later.status().ToString();
  EXPECT_GE(sample_of(*later, "process_cpu_seconds_total"), cpu);
  EXPECT_EQ(sample_of(*later, "creg_transactions_committed_total"), 5);

  // A metrics client that connects and sends nothing is dropped in time
  // for the next one to be answered.
  RawConnection silent(node_->metrics_address());
  auto after_silent = FetchMetrics(node_->metrics_address(), std::chrono::seconds(10));
  ASSERT_TRUE(after_silent.ok()) << after_silent.status().ToString();
  EXPECT_EQ(sample_of(*after_silent, "creg_transactions_committed_total"), 5);
  EXPECT_EQ(sample_of(*after_silent, "creg_quarantined_entries_total"), 0);

  // Reopened on a folder holding quarantine files, it counts them by their
  // names: one that does not decode too; a stray file is logged, not counted.
  ASSERT_EQ(node_->Stop(), 0);
  const std::string quarantine = node_->data_dir() + "/quarantine";
  std::filesystem::create_directories(quarantine);
  ASSERT_TRUE(WriteFileAtomically(quarantine + "/7-3-5.entries", "\xff not an entry").ok());
  ASSERT_TRUE(WriteFileAtomically(quarantine + "/9-5-8.entries", "").ok());
  ASSERT_TRUE(WriteFileAtomically(quarantine + "/README", "moved here by hand").ok());
  ASSERT_TRUE(node_->Start({"--metrics", "127.0.0.1:0"}));
  EXPECT_EQ(node_->Connect()->GetStatus().value().quarantined_entries(), 5u);
  EXPECT_EQ(node_->Metric("creg_quarantined_entries_total"), 5);
  EXPECT_NE(node_->log_text().find(quarantine + "/README is not named"), std::string::npos)
      << node_->log_text();
  EXPECT_NE(node_->log_text().find(quarantine + " holds 5 quarantined entries in 2 files"),
            std::string::npos)
      << node_->log_text();
}

}  // namespace
}  // namespace creg
