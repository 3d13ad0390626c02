// Writer failover through etcd (node/cluster_member.h): three real cregd
// members (`cregd run --etcd`) and a real etcd on loopback. One member
// writes and logs a leader-term entry; the others mirror it and answer
// writes NOT_LEADER; when the writer stops, another takes over with a
// leader-term entry of its own at the size it took over, and the old
// writer, restarted, rejoins as a mirror. Each member's status names the
// cluster, the term it serves under and the entries it quarantined. Every
// member's log passes creg-audit verify-log.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <random>
#include <thread>

#include "client/client.h"
#include "client/sign_in.h"
#include "ledger/checkpoint.h"
#include "ledger/log_entry.h"
#include "node/cluster_keys.h"
#include "node/etcd_client.h"
#include "node/quarantine.h"
#include "tests/support/etcd_process.h"
#include "tests/support/eventually.h"
#include "tests/support/node_accounts.h"
#include "tests/support/node_process.h"
#include "tests/support/tcp_proxy.h"
#include "tests/support/transfer_load.h"

namespace creg {
namespace {

using std::chrono::milliseconds;
using testing::Eventually;
using testing::NodeAccounts;
using testing::NodeProcess;
using testing::ProgramPath;
using testing::RunProgram;
using testing::RunResult;
using testing::StatusOf;
using testing::TransferLoad;

constexpr milliseconds kTakeOver{30'000};

class ClusterTest : public testing::EtcdTest {
 protected:
  void SetUp() override {
    EtcdTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    etcd_client_ = EtcdClient::Create({etcd().url()}).value();
    members_.push_back(std::make_unique<NodeProcess>(dir(), "a"));
    for (const char* name : {"b", "c"}) {
      RunResult joined = RunProgram({ProgramPath("CREGD_BIN"), "init", "--data", dir().Sub(name),
                                     "--join", members_[0]->data_dir()});
      ASSERT_EQ(joined.exit_code, 0) << joined.out << joined.err;
      members_.push_back(std::make_unique<NodeProcess>(dir(), name));
    }
  }

  // Starts `member` on the cluster, reaching etcd at `etcd_url` (default:
  // etcd itself).
  bool StartMember(NodeProcess& member, std::vector<std::string> extra = {},
                   const std::string& etcd_url = "") {
    std::vector<std::string> flags = {"--etcd",          etcd_url.empty() ? etcd().url() : etcd_url,
                                      "--cluster",       "c1",
                                      "--lease-seconds", "2"};
    flags.insert(flags.end(), extra.begin(), extra.end());
    return member.Start(flags);
  }

  // The flags of a member that signs in to the others as its own auditor
  // account (made by OpenAuditors) and, writing, waits for one mirror.
  std::vector<std::string> SyncFlags(size_t member) {
    return {"--sync-mirrors",   "1",
            "--follow-account", "auditor-" + std::to_string(member),
            "--follow-key",     dir().Sub("auditor-" + std::to_string(member) + ".pem")};
  }

  // Opens an auditor account per member on `writer`, keys saved for SyncFlags.
  void OpenAuditors(NodeProcess& writer) {
    NodeAccounts accounts(writer);
    auto client = writer.Connect();
    for (size_t i = 0; i < members_.size(); ++i) {
      const std::string id = "auditor-" + std::to_string(i);
      accounts.OpenAccount(*client, id, pb::ROLE_AUDITOR);
      ASSERT_TRUE(accounts.Key(id).SaveFile(dir().Sub(id + ".pem")).ok());
    }
  }

  std::vector<std::string> Addresses() {
    std::vector<std::string> addresses;
    for (auto& m : members_) addresses.push_back(m->address());
    return addresses;
  }

  // The leader key's value: the writer's address, or "" if none.
  std::string LeaderInEtcd() {
    StatusOr<std::optional<etcd::KeyValue>> leader = etcd_client_->Get("/creg/c1/leader");
    return leader.ok() && leader->has_value() ? (*leader)->value : "";
  }

  // The leader key's create_revision: the current term, or 0 if none.
  int64_t TermInEtcd() {
    StatusOr<std::optional<etcd::KeyValue>> leader = etcd_client_->Get("/creg/c1/leader");
    return leader.ok() && leader->has_value() ? (*leader)->create_revision : 0;
  }

  // Every running member reports cluster c1 and `term`.
  void ExpectAllServeUnder(int64_t term) {
    for (auto& m : members_) {
      if (!m->running()) continue;
      const pb::StatusResponse s = StatusOf(*m);
      EXPECT_EQ(s.cluster(), "c1") << m->address();
      EXPECT_EQ(s.term(), term) << m->address() << " (" << s.role() << ")";
    }
  }

  // Every member reports the entries its quarantine folder holds.
  bool QuarantinesReported() {
    for (auto& m : members_) {
      StatusOr<QuarantineCount> held = CountQuarantined(DataDir(m->data_dir()));
      if (!held.ok() || StatusOf(*m).quarantined_entries() != held->entries) return false;
    }
    return true;
  }

  NodeProcess* Writer() {
    const std::string leader = LeaderInEtcd();
    for (auto& m : members_) {
      if (m->running() && m->address() == leader && StatusOf(*m).role() == "writer") {
        return m.get();
      }
    }
    return nullptr;
  }

  // Every running member holds the writer's log (same size and checkpoint).
  bool Converged(NodeProcess& writer) {
    const pb::StatusResponse w = StatusOf(writer);
    for (auto& m : members_) {
      if (!m->running() || m.get() == &writer) continue;
      const pb::StatusResponse s = StatusOf(*m);
      if (s.role() != "mirror" || s.tree_size() != w.tree_size() ||
          s.checkpoint_size() != w.checkpoint_size()) {
        return false;
      }
    }
    return w.tree_size() > 0;
  }

  // Every member's log, each under its address: what a failure prints.
  std::string AllLogs() {
    std::string text;
    for (auto& m : members_) {
      text += "--- member " + m->address() + (m->running() ? "" : " (not running)") + " ---\n";
      text += m->log_text();
    }
    return text;
  }

  // The leader-term entries of `node`'s log: index -> leader.
  std::map<uint64_t, std::string> LeaderTerms(NodeProcess& node) {
    std::map<uint64_t, std::string> terms;
    auto client = node.Connect();
    const uint64_t size = client->GetStatus()->tree_size();
    for (uint64_t i = 0; i < size; ++i) {
      pb::Request request;
      request.mutable_get_entries()->set_start(i);
      request.mutable_get_entries()->set_count(1);
      StatusOr<pb::Response> page = client->Call(request);
      if (!page.ok() || !page->has_entries()) break;
      pb::LogEntry entry = DecodeLogEntry(page->entries().entries(0)).value();
      pb::SignedTransaction signed_tx;
      signed_tx.ParseFromString(entry.signed_transaction());
      pb::TransactionBody body;
      body.ParseFromString(signed_tx.body());
      if (body.has_leader_term()) terms[i] = body.leader_term().leader();
    }
    return terms;
  }

  // Member a writes (reaching etcd at `etcd_for_a` if given), b and c
  // mirror it, and all three hold an account more than the registry began
  // with.
  void StartWithAWriting(const std::string& etcd_for_a = "") {
    NodeProcess& a = *members_[0];
    ASSERT_TRUE(StartMember(a, {}, etcd_for_a));
    ASSERT_TRUE(Eventually([&] { return Writer() == &a; }, kTakeOver)) << a.log_text();
    for (size_t i = 1; i < members_.size(); ++i) ASSERT_TRUE(StartMember(*members_[i]));
    NodeAccounts accounts(a);
    auto client = a.Connect();
    accounts.OpenAccount(*client, "org-1", pb::ROLE_HOLDER);
    ASSERT_TRUE(Eventually([&] { return Converged(a); }, kTakeOver));
  }

  // A write through `member`; a test failure unless it is committed.
  void CommitThrough(NodeProcess& member, const std::string& account) {
    auto client = member.Connect();
    StatusOr<pb::SubmitResponse> answer =
        client->Submit(testing::SignedOpenHolderAccount(*members_[0], account, "n-" + account));
    ASSERT_TRUE(answer.ok() && answer->has_committed()) << answer.status().ToString();
  }

  // Stops every running member cleanly; each one's log must pass verify-log.
  void StopAllAndVerify() {
    for (auto& m : members_) {
      if (!m->running()) continue;
      ASSERT_EQ(m->Stop(SIGTERM), 0) << m->address();
    }
    for (auto& m : members_) {
      RunResult audit =
          RunProgram({ProgramPath("CREG_AUDIT_BIN"), "verify-log", "--data", m->data_dir()});
      EXPECT_EQ(audit.exit_code, 0) << m->data_dir() << ":\n" << audit.out << audit.err;
    }
  }

  std::unique_ptr<EtcdClient> etcd_client_;
  std::vector<std::unique_ptr<NodeProcess>> members_;
};

TEST_F(ClusterTest, OneWriterAtATimeAndAnotherTakesOverWhenItStops) {
  NodeProcess& a = *members_[0];
  ASSERT_TRUE(StartMember(a));
  ASSERT_TRUE(Eventually([&] { return Writer() == &a; }, kTakeOver)) << a.log_text();
  for (size_t i = 1; i < members_.size(); ++i) ASSERT_TRUE(StartMember(*members_[i]));

  NodeAccounts accounts(a);
  {
    auto client = a.Connect();
    for (const char* id : {"org-1", "org-2", "org-3"}) {
      accounts.OpenAccount(*client, id, pb::ROLE_HOLDER);
    }
  }
  ASSERT_TRUE(Eventually([&] { return Converged(a); }, kTakeOver));
  // The writer logged its term at the size it took over: after entry 0.
  EXPECT_EQ(LeaderTerms(a), (std::map<uint64_t, std::string>{{1, a.address()}}));
  // Each member serves under the writer's term, and says so.
  const int64_t first_term = TermInEtcd();
  ASSERT_GT(first_term, 0);
  ExpectAllServeUnder(first_term);
  RunResult shown =
      RunProgram({ProgramPath("CREG_BIN"), "--node", members_[1]->address(), "status"});
  EXPECT_NE(shown.out.find("c1, term " + std::to_string(first_term)), std::string::npos)
      << shown.out << shown.err;
  // A mirror refuses writes and names the writer.
  {
    auto mirror = members_[1]->Connect();
    StatusOr<pb::SubmitResponse> refused =
        mirror->Submit(testing::SignedOpenHolderAccount(a, "org-4", "n-org-4"));
    EXPECT_EQ(refused.status().code(), StatusCode::kNotLeader) << refused.status().ToString();
    EXPECT_NE(refused.status().message().find(a.address()), std::string::npos)
        << refused.status().ToString();
  }

  // The writer stops; another member takes over and takes writes.
  const uint64_t size_before = StatusOf(a).tree_size();
  ASSERT_EQ(a.Stop(SIGTERM), 0);
  NodeProcess* next = nullptr;
  ASSERT_TRUE(Eventually([&] { return (next = Writer()) != nullptr; }, kTakeOver)) << AllLogs();
  ASSERT_NE(next, &a);
  ASSERT_NO_FATAL_FAILURE(CommitThrough(*next, "org-5"));
  std::map<uint64_t, std::string> terms = LeaderTerms(*next);
  EXPECT_EQ(terms.size(), 2u);
  EXPECT_EQ(terms[size_before], next->address());

  // The old writer comes back as a mirror of the new one.
  ASSERT_TRUE(StartMember(a));
  ASSERT_TRUE(Eventually([&] { return Converged(*next); }, kTakeOver)) << a.log_text();
  EXPECT_EQ(StatusOf(a).role(), "mirror");
  // All of them under the new writer's term, a later one.
  const int64_t second_term = TermInEtcd();
  EXPECT_GT(second_term, first_term);
  ExpectAllServeUnder(second_term);

  StopAllAndVerify();
}

// Flags that do not make a member of a cluster are usage errors (exit 2)
// naming what is wrong, before anything is opened or asked of etcd.
TEST_F(ClusterTest, FlagsThatDoNotMakeAMemberAreUsageErrors) {
  const std::string url = etcd().url();
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--etcd", url}, "--cluster NAME"},
      {{"--cluster", "c1"}, "--etcd URL"},
      {{"--advertise", "127.0.0.1:7601"}, "--etcd URL"},
      {{"--etcd", url, "--cluster", "c1", "--follow", "127.0.0.1:1"}, "--follow and --etcd"},
      {{"--etcd", url, "--cluster", "c1", "--lease-seconds", "0"}, "--lease-seconds"},
      {{"--etcd", url, "--cluster", "c1", "--lease-seconds", "3601"}, "--lease-seconds"},
      {{"--etcd", url, "--cluster", "East/1"}, "cluster name"},
      {{"--etcd", url, "--cluster", std::string(64, 'a')}, "cluster name"},
      {{"--etcd", "https://127.0.0.1:2379", "--cluster", "c1"}, "TLS"},
      {{"--etcd", "127.0.0.1:2379", "--cluster", "c1"}, "127.0.0.1:2379"},
      {{"--etcd", url + "/v3", "--cluster", "c1"}, "/v3"},
      {{"--etcd", url, "--cluster", "c1", "--listen", "0.0.0.0:7601"}, "--advertise"},
      {{"--etcd", url, "--cluster", "c1", "--advertise", "127.0.0.1:0"}, "needs a port"},
      {{"--etcd", url, "--cluster", "c1", "--advertise", "no-port"}, "no-port"},
  };
  for (const auto& [flags, names] : cases) {
    std::vector<std::string> argv = {ProgramPath("CREGD_BIN"), "run", "--data",
                                     members_[0]->data_dir()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    RunResult run = RunProgram(argv);
    EXPECT_EQ(run.exit_code, 2) << flags[1] << ": " << run.err;
    EXPECT_NE(run.err.find(names), std::string::npos) << flags[1] << ": " << run.err;
  }
  // Nothing reached etcd: no member registered itself.
  StatusOr<std::vector<etcd::KeyValue>> keys = etcd_client_->List("/creg/", true);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_TRUE(keys->empty());
}

// The stale writer: frozen (SIGSTOP) for longer than its lease while
// another member takes over and writes. Thawed, it acknowledges nothing,
// not even a write that reached it while it was frozen, and it rejoins as a
// mirror of the new writer.
TEST_F(ClusterTest, AWriterFrozenPastItsLeaseAcknowledgesNothingAndRejoinsAsAMirror) {
  NodeProcess& a = *members_[0];
  ASSERT_NO_FATAL_FAILURE(StartWithAWriting());

  std::unique_ptr<Client> stale = a.Connect();
  ASSERT_NE(stale, nullptr);
  ASSERT_TRUE(a.Pause());
  pb::Request write;
  write.mutable_submit()->set_signed_transaction(
      testing::SignedOpenHolderAccount(a, "org-2", "n-org-2"));
  ASSERT_TRUE(stale->Send(write).ok());  // waits in the frozen writer's socket
  NodeProcess* next = nullptr;
  ASSERT_TRUE(Eventually([&] { return (next = Writer()) != nullptr && next != &a; }, kTakeOver))
      << AllLogs();
  ASSERT_NO_FATAL_FAILURE(CommitThrough(*next, "org-3"));

  ASSERT_TRUE(a.Resume());
  StatusOr<pb::Response> answer = stale->Receive();
  // An error, or the connection closed: never a commit.
  if (answer.ok()) {
    EXPECT_FALSE(answer->has_submit()) << answer->DebugString();
    EXPECT_EQ(answer->error().code(), "UNAVAILABLE") << answer->DebugString();
  }
  ASSERT_TRUE(Eventually([&] { return Converged(*next); }, kTakeOver)) << a.log_text();
  EXPECT_EQ(StatusOf(a).role(), "mirror");
  StopAllAndVerify();
}

// The member that wins the writer role may lack entries of the registry's
// history that only another member holds, while that member waits for the
// new writer to answer. It stands by serving its log meanwhile, so the new
// writer copies them and takes up its role. Here b missed writes while
// stopped, c holds them but is frozen while a stops and b alone campaigns.
TEST_F(ClusterTest, ANewWriterCopiesWhatItLacksFromAMemberWaitingForIt) {
  NodeProcess& a = *members_[0];
  NodeProcess& b = *members_[1];
  NodeProcess& c = *members_[2];
  ASSERT_NO_FATAL_FAILURE(StartWithAWriting());
  ASSERT_EQ(b.Stop(SIGTERM), 0);
  ASSERT_NO_FATAL_FAILURE(CommitThrough(a, "org-2"));
  ASSERT_NO_FATAL_FAILURE(CommitThrough(a, "org-3"));
  ASSERT_TRUE(Eventually([&] { return Converged(a); }, kTakeOver)) << AllLogs();
  const uint64_t history = StatusOf(a).tree_size();

  // c frozen past its lease: its member key goes, so b finds no one to
  // copy from until c comes back.
  ASSERT_TRUE(c.Pause());
  const std::string c_key = ClusterKeys::For("c1").value().Member(c.address());
  ASSERT_TRUE(Eventually(
      [&] {
        StatusOr<std::optional<etcd::KeyValue>> key = etcd_client_->Get(c_key);
        return key.ok() && !key->has_value();
      },
      kTakeOver));
  ASSERT_EQ(a.Stop(SIGTERM), 0);
  // b serves only once it holds the history, so c is thawed beside b's
  // start, as soon as b holds the leader key (a stopped, c frozen: no one
  // else can; a's own key may outlive it by a lease if its revoke failed).
  const std::string a_address = a.address();
  bool b_led = false;
  std::thread thaw([&] {
    b_led = Eventually(
        [&] {
          const std::string leader = LeaderInEtcd();
          return !leader.empty() && leader != a_address;
        },
        kTakeOver);
    c.Resume();
  });
  const bool b_started = StartMember(b);
  thaw.join();
  ASSERT_TRUE(b_led) << AllLogs();
  ASSERT_TRUE(b_started) << AllLogs();
  EXPECT_EQ(LeaderInEtcd(), b.address());

  NodeProcess* next = nullptr;
  ASSERT_TRUE(Eventually([&] { return (next = Writer()) != nullptr; }, kTakeOver)) << AllLogs();
  EXPECT_EQ(next, &b) << AllLogs();
  ASSERT_NO_FATAL_FAILURE(CommitThrough(*next, "org-4"));
  ASSERT_TRUE(Eventually([&] { return Converged(*next); }, kTakeOver)) << AllLogs();
  // b's term begins after the whole history, which it had from c.
  const std::map<uint64_t, std::string> terms = LeaderTerms(*next);
  ASSERT_EQ(terms.size(), 2u);
  EXPECT_EQ(terms.rbegin()->first, history);
  EXPECT_EQ(terms.rbegin()->second, b.address());
  EXPECT_NE(c.log_text().find("standing by"), std::string::npos) << c.log_text();
  StopAllAndVerify();
}

// Every member is started with --sync-mirrors, for when it writes; as a
// mirror it waits for no mirrors and signs nothing. Here b copies a write
// it cannot confirm (it is not signed in), which a therefore leaves
// unacknowledged and uncovered; an auditor then tells b that it stored it.
TEST_F(ClusterTest, AMirrorToldWhatItStoredSignsNothing) {
  NodeProcess& a = *members_[0];
  NodeProcess& b = *members_[1];
  ASSERT_TRUE(StartMember(a));
  ASSERT_TRUE(Eventually([&] { return Writer() == &a; }, kTakeOver)) << AllLogs();
  OpenAuditors(a);
  ASSERT_EQ(a.Stop(SIGTERM), 0);
  const std::vector<std::string> sync = {"--sync-mirrors", "1", "--sync-timeout-ms", "1500"};
  ASSERT_TRUE(StartMember(a, sync));
  ASSERT_TRUE(Eventually([&] { return Writer() == &a; }, kTakeOver)) << AllLogs();
  ASSERT_TRUE(StartMember(b, sync));
  auto client = a.Connect();
  EXPECT_FALSE(client->Submit(testing::SignedOpenHolderAccount(a, "org-1", "n-org-1")).ok());
  const uint64_t size = StatusOf(a).tree_size();
  const uint64_t covered = StatusOf(a).checkpoint_size();
  ASSERT_GT(size, covered);
  ASSERT_TRUE(Eventually([&] { return StatusOf(b).tree_size() == size; }, kTakeOver)) << AllLogs();

  std::unique_ptr<Client> auditor = b.Connect();
  const PrivateKey key = PrivateKey::LoadFile(dir().Sub("auditor-1.pem")).value();
  ASSERT_TRUE(SignIn(*auditor, "auditor-1", key, NodeProcess::kOrigin).ok());
  pb::Request report;
  report.mutable_mirror_synced()->set_size(size);
  ASSERT_TRUE(auditor->Call(report).ok());
  // A gate would sign at once; this bounds the wait for what must not come.
  EXPECT_FALSE(
      Eventually([&] { return StatusOf(b).checkpoint_size() > covered; }, milliseconds(2000)))
      << AllLogs();
  EXPECT_EQ(StatusOf(a).checkpoint_size(), covered);
  StopAllAndVerify();
}

// A partition between the writer and etcd (a TcpProxy that stops moving
// bytes): the writer stops acknowledging, another member takes over; once
// healed, the old writer rejoins as a mirror.
TEST_F(ClusterTest, AWriterCutOffFromEtcdStepsDownAndRejoinsWhenHealed) {
  NodeProcess& a = *members_[0];
  testing::TcpProxy etcd_for_a(etcd().client_address());
  ASSERT_NO_FATAL_FAILURE(StartWithAWriting("http://" + etcd_for_a.address()));

  etcd_for_a.Blackhole();
  NodeProcess* next = nullptr;
  ASSERT_TRUE(Eventually([&] { return (next = Writer()) != nullptr && next != &a; }, kTakeOver))
      << a.log_text();
  // The old writer takes no write now: it answers none, or refuses it.
  {
    StatusOr<std::unique_ptr<Client>> client = Client::Connect(a.address());
    if (client.ok()) {
      StatusOr<pb::SubmitResponse> answer =
          (*client)->Submit(testing::SignedOpenHolderAccount(a, "org-2", "n-org-2"));
      EXPECT_FALSE(answer.ok() && answer->has_committed()) << answer->DebugString();
    }
  }
  ASSERT_NO_FATAL_FAILURE(CommitThrough(*next, "org-3"));

  etcd_for_a.Heal();
  ASSERT_TRUE(Eventually([&] { return Converged(*next); }, kTakeOver)) << a.log_text();
  EXPECT_EQ(StatusOf(a).role(), "mirror");
  StopAllAndVerify();
}

// Kills the writer with SIGKILL under a stream of transfers, again and
// again (CREG_FAILOVER_CYCLES, default 2; hundreds by hand), with one
// synchronous mirror. After each failover every acknowledged transfer is
// in the new writer's log at its index, byte for byte, and the killed
// member, restarted, converges as a mirror; at the end every member's log
// passes creg-audit verify-log. Prints each failover's time, from the kill
// to the first acknowledgement by the new writer.
TEST_F(ClusterTest, KillNineOfTheWriterLosesNothingAcknowledged) {
  const char* env = std::getenv("CREG_FAILOVER_CYCLES");
  const int cycles = env != nullptr ? std::atoi(env) : 2;
  NodeProcess& a = *members_[0];
  // The auditor accounts the members sign in with, written before any
  // member waits for a synchronous mirror.
  ASSERT_TRUE(StartMember(a));
  ASSERT_TRUE(Eventually([&] { return Writer() == &a; }, kTakeOver)) << a.log_text();
  OpenAuditors(a);
  ASSERT_EQ(a.Stop(SIGTERM), 0);
  for (size_t i = 0; i < members_.size(); ++i) {
    ASSERT_TRUE(StartMember(*members_[i], SyncFlags(i)));
    if (i == 0) {
      ASSERT_TRUE(Eventually([&] { return Writer() == &a; }, kTakeOver));
    }
  }
  ASSERT_TRUE(Eventually([&] { return Converged(a); }, kTakeOver));
  auto setup = a.Connect();
  TransferLoad load(*setup, a.OperatorKey(), NodeProcess::kOrigin);
  std::mt19937 rng(20261207);
  std::vector<double> failover_ms;
  const NoteVerifier verifier = NoteVerifier::FromVerifierKey(a.VerifierKey()).value();
  std::map<uint64_t, std::string> roots_by_size;  // every checkpoint published, by size
  for (int cycle = 0; cycle < cycles; ++cycle) {
    NodeProcess* writer = Writer();
    ASSERT_NE(writer, nullptr) << "cycle " << cycle;
    const size_t acked_before = load.ack_count();
    load.Start(Addresses());
    ASSERT_TRUE(Eventually([&] { return load.ack_count() >= acked_before + 20; }, kTakeOver))
        << "cycle " << cycle << ": no transfers acknowledged\n"
        << AllLogs();
    // A random moment to crash at, not a wait for something.
    std::this_thread::sleep_for(milliseconds(rng() % 300));
    const auto killed_at = std::chrono::steady_clock::now();
    writer->Kill();
    NodeProcess* next = nullptr;
    ASSERT_TRUE(Eventually([&] { return (next = Writer()) != nullptr; }, kTakeOver))
        << "cycle " << cycle << ": no writer took over\n"
        << AllLogs();
    const std::string next_address = next->address();
    ASSERT_TRUE(Eventually(
        [&] {
          for (const testing::Ack& ack : load.acks()) {
            if (ack.member == next_address && ack.at > killed_at) return true;
          }
          return false;
        },
        kTakeOver))
        << "cycle " << cycle << ": the new writer acknowledged nothing\n"
        << AllLogs();
    load.Stop();
    for (const testing::Ack& ack : load.acks()) {
      if (ack.member == next_address && ack.at > killed_at) {
        failover_ms.push_back(
            std::chrono::duration<double, std::milli>(ack.at - killed_at).count());
        break;
      }
    }

    const size_t killed = static_cast<size_t>(
        std::find_if(members_.begin(), members_.end(), [&](auto& m) { return m.get() == writer; }) -
        members_.begin());
    ASSERT_TRUE(StartMember(*writer, SyncFlags(killed))) << "cycle " << cycle;
    ASSERT_TRUE(Eventually([&] { return Converged(*next); }, kTakeOver))
        << "cycle " << cycle << ": the members did not converge\n"
        << AllLogs();
    // What a member cut off (the killed writer's unacknowledged tail, if
    // any) is in its status, counted from its quarantine folder.
    EXPECT_TRUE(Eventually([&] { return QuarantinesReported(); }, kTakeOver)) << "cycle " << cycle;
    // No two members ever published different checkpoints of one size.
    for (auto& m : members_) {
      StatusOr<pb::CheckpointResponse> published = m->Connect()->GetCheckpoint();
      ASSERT_TRUE(published.ok()) << published.status().ToString();
      StatusOr<Checkpoint> checkpoint =
          VerifyCheckpoint(published->note(), verifier, NodeProcess::kOrigin);
      ASSERT_TRUE(checkpoint.ok()) << checkpoint.status().ToString();
      auto [seen, first] = roots_by_size.emplace(checkpoint->size, checkpoint->root.ToHex());
      EXPECT_EQ(seen->second, checkpoint->root.ToHex())
          << "cycle " << cycle << ": two checkpoints of size " << checkpoint->size;
    }
    auto client = next->Connect();
    for (const testing::Ack& ack : load.acks()) {
      pb::Request request;
      request.mutable_get_entries()->set_start(ack.index);
      request.mutable_get_entries()->set_count(1);
      StatusOr<pb::Response> page = client->Call(request);
      ASSERT_TRUE(page.ok() && page->has_entries())
          << "cycle " << cycle << ": acknowledged entry " << ack.index << " is missing";
      ASSERT_EQ(DecodeLogEntry(page->entries().entries(0)).value().signed_transaction(),
                ack.transaction)
          << "cycle " << cycle << ": entry " << ack.index << " is not what was acknowledged";
    }
  }
  EXPECT_EQ(load.refusals(), 0u);
  StopAllAndVerify();
  std::sort(failover_ms.begin(), failover_ms.end());
  std::string times;
  for (double ms : failover_ms) times += " " + std::to_string(static_cast<int>(ms));
  std::cout << "failover times (ms, kill to first acknowledgement by the new writer):" << times
            << "\n";
  RecordProperty("acknowledged", static_cast<int>(load.ack_count()));
}

}  // namespace
}  // namespace creg
