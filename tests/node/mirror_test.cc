// Mirrors (docs/replication.md): a real cregd made with `cregd init --join`
// and run with --follow copies a real writer's log, checks every entry and
// checkpoint, serves reads and refuses writes with NOT_LEADER; a tampered
// entry or a forged checkpoint (injected by a proxy between them) stops it
// with an alarm, and a lost writer is retried. A writer with --sync-mirrors
// answers a write only once a signed-in mirror stored it.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <functional>
#include <thread>

#include "client/sign_in.h"
#include "creg/log.pb.h"
#include "creg/transaction.pb.h"
#include "ledger/checkpoint.h"
#include "ledger/data_dir.h"
#include "ledger/registry/transaction.h"
#include "tests/support/eventually.h"
#include "tests/support/frame_proxy.h"
#include "tests/support/loopback_port.h"
#include "tests/support/node_accounts.h"
#include "tests/support/node_process.h"
#include "tests/support/temp_dir.h"

namespace creg {
namespace {

using testing::ClosedPort;
using testing::FrameProxy;
using testing::NodeAccounts;
using testing::NodeProcess;
using testing::ProgramPath;
using testing::RunProgram;
using testing::RunResult;
using testing::StatusOf;
using testing::TempDir;

constexpr std::chrono::seconds kCatchUp{30};

// testing::Eventually, by default within kCatchUp.
template <typename Condition>
bool Eventually(Condition&& condition, std::chrono::milliseconds limit = kCatchUp) {
  return testing::Eventually(std::forward<Condition>(condition), limit);
}

RunResult Join(const std::string& member_dir, const std::string& join_folder,
               const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv = {
      ProgramPath("CREGD_BIN"), "init", "--data", member_dir, "--join", join_folder};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return RunProgram(argv);
}

class MirrorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    writer_ = std::make_unique<NodeProcess>(dir_, "writer");
    ASSERT_TRUE(writer_->Start());
    writer_client_ = writer_->Connect();
    ASSERT_NE(writer_client_, nullptr);
    accounts_ = std::make_unique<NodeAccounts>(*writer_);
  }

  // A holder, a project, an issuance, a transfer and a retirement.
  void WriteStory() {
    Client& c = *writer_client_;
    accounts_->OpenAccount(c, "org-1", pb::ROLE_HOLDER);
    accounts_->OpenAccount(c, "org-2", pb::ROLE_HOLDER);
    accounts_->RegisterProject(c, "ke-stoves-001", "org-1");
    pb::Committed issued = accounts_->Issue(c, "ke-stoves-001", 1000, "org-1");
    accounts_->Transfer(c, "org-1", "org-2", issued.effects().batch(), 300);
    accounts_->Retire(c, "org-2", issued.effects().batch(), 100);
  }

  // A member joined to the writer, not started.
  std::unique_ptr<NodeProcess> NewMirror(const std::string& name) {
    RunResult joined = Join(dir_.Sub(name), writer_->data_dir());
    EXPECT_EQ(joined.exit_code, 0) << joined.out << joined.err;
    EXPECT_NE(joined.out.find("empty member"), std::string::npos) << joined.out;
    return std::make_unique<NodeProcess>(dir_, name);
  }

  // A mirror of the writer, started and caught up; null after a failure.
  std::unique_ptr<NodeProcess> CaughtUpMirror(const std::string& name) {
    std::unique_ptr<NodeProcess> mirror = NewMirror(name);
    if (!mirror->Start({"--follow", writer_->address()}) || !CaughtUp(*mirror)) {
      ADD_FAILURE() << "the mirror did not catch up: " << mirror->log_text();
      return nullptr;
    }
    return mirror;
  }

  // True once `mirror` holds the writer's log and publishes its checkpoint.
  bool CaughtUp(const NodeProcess& mirror) {
    return Eventually([&] {
      pb::StatusResponse w = StatusOf(*writer_);
      pb::StatusResponse m = StatusOf(mirror);
      return m.tree_size() == w.tree_size() && m.checkpoint_size() == w.checkpoint_size();
    });
  }

  TempDir dir_;
  std::unique_ptr<NodeProcess> writer_;
  std::unique_ptr<Client> writer_client_;
  std::unique_ptr<NodeAccounts> accounts_;
};

TEST_F(MirrorTest, CopiesChecksAndServesTheLogAndRefusesWrites) {
  WriteStory();
  std::unique_ptr<NodeProcess> mirror = NewMirror("mirror");
  ASSERT_TRUE(mirror->Start({"--follow", writer_->address(), "--metrics", "127.0.0.1:0"}));
  ASSERT_TRUE(CaughtUp(*mirror)) << mirror->log_text();

  std::unique_ptr<Client> reader = mirror->Connect();
  ASSERT_NE(reader, nullptr);
  // The same checkpoint note, signed by the writer, and the same state.
  EXPECT_EQ(reader->GetCheckpoint()->note(), writer_client_->GetCheckpoint()->note());
  for (const char* id : {"org-1", "org-2"}) {
    pb::Request request;
    request.mutable_account()->set_account_id(id);
    StatusOr<pb::Response> at_mirror = reader->Call(request);
    StatusOr<pb::Response> at_writer = writer_client_->Call(request);
    ASSERT_TRUE(at_mirror.ok() && at_writer.ok());
    EXPECT_TRUE(at_mirror->has_account()) << at_mirror->DebugString();
    EXPECT_EQ(at_mirror->account().SerializeAsString(), at_writer->account().SerializeAsString());
  }
  pb::StatusResponse status = StatusOf(*mirror);
  EXPECT_EQ(status.role(), "mirror");
  EXPECT_EQ(status.writer(), writer_->address());
  EXPECT_FALSE(status.accepting_writes());
  EXPECT_EQ(status.replication_alarm(), "");
  EXPECT_EQ(StatusOf(*writer_).role(), "writer");
  EXPECT_TRUE(mirror->MetricReaches("creg_mirror_connected", 1));
  EXPECT_TRUE(mirror->MetricReaches("creg_accepting_writes", 0));

  // A write is refused, naming the writer; nothing is added.
  pb::Request submit;
  submit.mutable_submit()->set_signed_transaction("any bytes: a mirror takes no write");
  StatusOr<pb::Response> refused = reader->Call(submit);
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  EXPECT_EQ(refused->error().code(), "NOT_LEADER");
  EXPECT_EQ(refused->error().leader(), writer_->address());
  EXPECT_NE(refused->error().message().find(writer_->address()), std::string::npos);

  // New entries follow as they are committed.
  accounts_->OpenAccount(*writer_client_, "org-3", pb::ROLE_HOLDER);
  ASSERT_TRUE(CaughtUp(*mirror));
  const uint64_t size = StatusOf(*mirror).tree_size();

  // Its folder passes the audit, and a restarted mirror serves the
  // checkpoint it saved before it reaches the writer again.
  EXPECT_EQ(mirror->Stop(), 0);
  RunResult audit =
      RunProgram({ProgramPath("CREG_AUDIT_BIN"), "verify-log", "--data", mirror->data_dir()});
  EXPECT_EQ(audit.exit_code, 0) << audit.out << audit.err;
  writer_->Stop();
  ASSERT_TRUE(mirror->Start({"--follow", writer_->address()}));
  pb::StatusResponse restarted = StatusOf(*mirror);
  EXPECT_EQ(restarted.tree_size(), size);
  EXPECT_EQ(restarted.checkpoint_size(), size);
  EXPECT_TRUE(Eventually([&] { return !StatusOf(*mirror).replication_error().empty(); }));
  EXPECT_EQ(StatusOf(*mirror).replication_alarm(), "");
}

TEST_F(MirrorTest, ATamperedEntryRaisesTheAlarmAndIsNeverStored) {
  WriteStory();
  const uint64_t bad = StatusOf(*writer_).tree_size() - 2;
  FrameProxy proxy(writer_->address());
  proxy.SetEdit([bad](pb::Response& response) {
    if (!response.has_entries()) return;
    pb::EntriesResponse& page = *response.mutable_entries();
    for (int i = 0; i < page.entries_size(); ++i) {
      if (page.start() + static_cast<uint64_t>(i) != bad) continue;
      pb::LogEntry entry;
      pb::SignedTransaction tx;
      ASSERT_TRUE(entry.ParseFromString(page.entries(i)));
      ASSERT_TRUE(tx.ParseFromString(entry.signed_transaction()));
      ASSERT_FALSE(tx.signature().empty());
      tx.mutable_signature()->at(0) ^= 1;
      entry.set_signed_transaction(tx.SerializeAsString());
      page.set_entries(i, entry.SerializeAsString());
    }
  });
  std::unique_ptr<NodeProcess> mirror = NewMirror("mirror");
  ASSERT_TRUE(mirror->Start({"--follow", proxy.address(), "--metrics", "127.0.0.1:0"}));
  ASSERT_TRUE(mirror->MetricReaches("creg_mirror_alarm", 1, kCatchUp)) << mirror->log_text();

  pb::StatusResponse status = StatusOf(*mirror);
  EXPECT_NE(status.replication_alarm().find("entry " + std::to_string(bad)), std::string::npos)
      << status.replication_alarm();
  // What verified before it is kept; the bad entry is not there to serve.
  EXPECT_EQ(status.tree_size(), bad);
  std::unique_ptr<Client> reader = mirror->Connect();
  pb::Request get;
  get.mutable_get_entries()->set_start(bad);
  get.mutable_get_entries()->set_count(1);
  StatusOr<pb::Response> entries = reader->Call(get);
  ASSERT_TRUE(entries.ok());
  EXPECT_TRUE(entries->has_error() || entries->entries().entries_size() == 0)
      << entries->DebugString();
  EXPECT_NE(mirror->log_text().find("mirror alarm"), std::string::npos);
  // The alarm holds: more entries on the writer are not taken.
  accounts_->OpenAccount(*writer_client_, "org-3", pb::ROLE_HOLDER);
  EXPECT_EQ(StatusOf(*mirror).tree_size(), bad);
  EXPECT_EQ(mirror->Stop(), 0);
}

TEST_F(MirrorTest, AForgedCheckpointIsTwoHistories) {
  WriteStory();
  // The writer's own key signs a checkpoint of its size over another root:
  // a writer showing this mirror one history and the world another.
  StatusOr<PrivateKey> key =
      PrivateKey::LoadFile(DataDir(writer_->data_dir()).checkpoint_key_path());
  ASSERT_TRUE(key.ok());
  StatusOr<NoteSigner> signer = NoteSigner::Create(NodeProcess::kOrigin, std::move(key).value());
  ASSERT_TRUE(signer.ok());
  const uint64_t size = StatusOf(*writer_).tree_size();
  const std::string forged =
      SignCheckpoint(Checkpoint{NodeProcess::kOrigin, size, Sha256("another history")}, *signer);
  FrameProxy proxy(writer_->address());
  proxy.SetEdit([&forged](pb::Response& response) {
    if (response.has_checkpoint()) response.mutable_checkpoint()->set_note(forged);
  });
  std::unique_ptr<NodeProcess> mirror = NewMirror("mirror");
  ASSERT_TRUE(mirror->Start({"--follow", proxy.address(), "--metrics", "127.0.0.1:0"}));
  ASSERT_TRUE(mirror->MetricReaches("creg_mirror_alarm", 1, kCatchUp)) << mirror->log_text();
  pb::StatusResponse status = StatusOf(*mirror);
  EXPECT_NE(status.replication_alarm().find("two histories"), std::string::npos)
      << status.replication_alarm();
  // The forged checkpoint is never served.
  std::unique_ptr<Client> reader = mirror->Connect();
  StatusOr<pb::CheckpointResponse> served = reader->GetCheckpoint();
  if (served.ok()) {
    EXPECT_NE(served->note(), forged);
  }
  EXPECT_EQ(mirror->Stop(), 0);
}

TEST_F(MirrorTest, ALostWriterIsRetriedAndCaughtUpWith) {
  WriteStory();
  FrameProxy proxy(writer_->address());
  std::unique_ptr<NodeProcess> mirror = NewMirror("mirror");
  ASSERT_TRUE(mirror->Start({"--follow", proxy.address(), "--metrics", "127.0.0.1:0"}));
  ASSERT_TRUE(CaughtUp(*mirror));

  proxy.Cut();
  ASSERT_TRUE(mirror->MetricReaches("creg_mirror_connected", 0, kCatchUp));
  EXPECT_NE(StatusOf(*mirror).replication_error(), "");
  accounts_->OpenAccount(*writer_client_, "org-3", pb::ROLE_HOLDER);
  accounts_->OpenAccount(*writer_client_, "org-4", pb::ROLE_HOLDER);
  EXPECT_LT(StatusOf(*mirror).tree_size(), StatusOf(*writer_).tree_size());

  proxy.Heal();
  ASSERT_TRUE(CaughtUp(*mirror)) << mirror->log_text();
  EXPECT_GE(proxy.connections(), 2u);
  pb::StatusResponse status = StatusOf(*mirror);
  EXPECT_EQ(status.replication_error(), "");
  EXPECT_EQ(status.replication_alarm(), "");
  EXPECT_EQ(mirror->Stop(), 0);
}

TEST_F(MirrorTest, AMirrorSignsInToAWriterThatKeepsTheLogPrivate) {
  writer_->Stop();
  ASSERT_TRUE(writer_->Start({"--read-policy", "registry"}));
  writer_client_ = writer_->Connect();
  accounts_->OpenAccount(*writer_client_, "auditor-1", pb::ROLE_AUDITOR);
  const std::string key_file = dir_.Sub("auditor-1.pem");
  ASSERT_TRUE(accounts_->Key("auditor-1").SaveFile(key_file).ok());

  std::unique_ptr<NodeProcess> anonymous = NewMirror("anonymous");
  ASSERT_TRUE(anonymous->Start({"--follow", writer_->address()}));
  EXPECT_TRUE(Eventually([&] {
    return StatusOf(*anonymous).replication_error().find("NOT_AUTHORIZED") != std::string::npos;
  })) << StatusOf(*anonymous).replication_error();
  EXPECT_EQ(StatusOf(*anonymous).tree_size(), 0u);

  std::unique_ptr<NodeProcess> mirror = NewMirror("mirror");
  ASSERT_TRUE(mirror->Start(
      {"--follow", writer_->address(), "--follow-account", "auditor-1", "--follow-key", key_file}));
  EXPECT_TRUE(CaughtUp(*mirror)) << mirror->log_text();
}

TEST_F(MirrorTest, JoinAndFollowAreCheckedBeforeAnythingIsMade) {
  RunResult none = Join(dir_.Sub("m1"), dir_.Sub("nowhere"));
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("no verifier.key"), std::string::npos) << none.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("m1")));

  RunResult other = Join(dir_.Sub("m2"), writer_->data_dir(), {"--origin", "other.example"});
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_NE(other.err.find("not 'other.example'"), std::string::npos) << other.err;

  RunResult onto_registry = Join(writer_->data_dir(), writer_->data_dir());
  EXPECT_EQ(onto_registry.exit_code, 1);
  EXPECT_NE(onto_registry.err.find("already holds a registry"), std::string::npos);

  // An empty member does not run as a writer.
  ASSERT_EQ(Join(dir_.Sub("m3"), writer_->data_dir()).exit_code, 0);
  RunResult empty = RunProgram(
      {ProgramPath("CREGD_BIN"), "run", "--data", dir_.Sub("m3"), "--listen", "127.0.0.1:0"});
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_NE(empty.err.find("--follow"), std::string::npos) << empty.err;

  for (const std::vector<std::string>& flags : std::vector<std::vector<std::string>>{
           {"--follow-account", "a1"},
           {"--follow", "127.0.0.1:1", "--follow-account", "a1"},
           {"--follow", "nowhere"},
           {"--follow", "127.0.0.1:1", "--witness", "http://127.0.0.1:1=k"},
           {"--follow", "127.0.0.1:1", "--sync-mirrors", "1"},
           {"--sync-timeout-ms", "0"}}) {
    std::vector<std::string> argv = {ProgramPath("CREGD_BIN"), "run",      "--data",
                                     dir_.Sub("m3"),           "--listen", "127.0.0.1:0"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    RunResult run = RunProgram(argv);
    EXPECT_EQ(run.exit_code, 2) << flags[0] << run.err;
  }
}

TEST_F(MirrorTest, CregTriesTheMembersInTurnAndSendsWritesToTheWriter) {
  WriteStory();
  std::unique_ptr<NodeProcess> mirror = CaughtUpMirror("mirror");
  ASSERT_NE(mirror, nullptr);
  // Nothing listens on port 1 of the loopback address.
  const std::string members = "127.0.0.1:1," + mirror->address();

  // A read goes to the first member that answers: the mirror.
  RunResult status = RunProgram({ProgramPath("CREG_BIN"), "--node", members, "status"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find(mirror->address()), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("a mirror of " + writer_->address()), std::string::npos) << status.out;

  // A write reaches the writer the mirror names, once.
  const std::string key_file = dir_.Sub("org-2.pem");
  ASSERT_TRUE(accounts_->Key("org-2").SaveFile(key_file).ok());
  const uint64_t before = StatusOf(*writer_).tree_size();
  RunResult moved =
      RunProgram({ProgramPath("CREG_BIN"), "--node", members, "transfer", "--account", "org-2",
                  "--key", key_file, "--to", "org-1", "--batch", "1", "--quantity", "5"});
  EXPECT_EQ(moved.exit_code, 0) << moved.out << moved.err;
  EXPECT_EQ(StatusOf(*writer_).tree_size(), before + 1);
  EXPECT_EQ(mirror->Stop(), 0);
}

// creg-audit --node MIRROR,WRITER audits the mirror, which answers first:
// its answers verify against the writer's signed checkpoints. Of several
// members, a mirror behind the checkpoint a watch verified before is passed
// over, not taken for a log that shrank, and one whose log is shorter than
// a consistency proof needs is passed over too.
TEST_F(MirrorTest, CregAuditAuditsTheFirstMemberThatAnswersAMirrorToo) {
  WriteStory();
  std::unique_ptr<NodeProcess> mirror = CaughtUpMirror("mirror");
  ASSERT_NE(mirror, nullptr);
  const std::string key = writer_->VerifierKey();
  auto audit = [&](std::vector<std::string> args, const std::string& members) {
    args.insert(args.begin(), ProgramPath("CREG_AUDIT_BIN"));
    args.insert(args.end(), {"--node", members, "--key", key});
    return RunProgram(args);
  };
  const std::string state = dir_.Sub("watch.json");
  RunResult log = audit({"verify-log"}, mirror->address() + "," + writer_->address());
  EXPECT_EQ(log.exit_code, 0) << log.out << log.err;
  EXPECT_NE(log.out.find("served by " + mirror->address()), std::string::npos) << log.out;
  RunResult first =
      audit({"watch", "--state", state}, mirror->address() + "," + writer_->address());
  EXPECT_EQ(first.exit_code, 0) << first.out << first.err;
  const std::string old_note = dir_.Sub("old.checkpoint");
  std::ofstream(old_note) << writer_client_->GetCheckpoint()->note();

  // The writer grows while the mirror, restarted to follow nothing that
  // answers, stays behind with the checkpoint it saved.
  ClosedPort nowhere;
  EXPECT_EQ(mirror->Stop(), 0);
  ASSERT_TRUE(mirror->Start({"--follow", nowhere.address()}));
  const uint64_t behind = StatusOf(*mirror).checkpoint_size();
  accounts_->OpenAccount(*writer_client_, "org-3", pb::ROLE_HOLDER);
  ASSERT_TRUE(Eventually([&] {
    pb::StatusResponse w = StatusOf(*writer_);
    return w.checkpoint_size() == w.tree_size() && w.checkpoint_size() > behind;
  }));
  RunResult grown = audit({"watch", "--state", state}, writer_->address());
  ASSERT_EQ(grown.exit_code, 0) << grown.out << grown.err;
  const std::string new_note = dir_.Sub("new.checkpoint");
  std::ofstream(new_note) << writer_client_->GetCheckpoint()->note();

  // The mirror's log is shorter than NEW: it gives no proof, the writer does.
  RunResult proved =
      audit({"consistency", old_note, new_note}, mirror->address() + "," + writer_->address());
  EXPECT_EQ(proved.exit_code, 0) << proved.out << proved.err;
  EXPECT_NE(proved.err.find("skipping member " + mirror->address()), std::string::npos)
      << proved.err;
  EXPECT_NE(proved.out.find("from the node at " + writer_->address()), std::string::npos)
      << proved.out;

  RunResult again =
      audit({"watch", "--state", state}, mirror->address() + "," + writer_->address());
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.err.find("skipping member " + mirror->address() + ": behind"), std::string::npos)
      << again.err;
  EXPECT_NE(again.out.find("has not changed"), std::string::npos) << again.out;
  EXPECT_EQ(mirror->Stop(), 0);
}

// A writer that must have one synchronous mirror: it made the auditor
// account the mirror signs in as first (without a mirror it takes no write).
class SyncMirrorTest : public MirrorTest {
 protected:
  void SetUp() override {
    MirrorTest::SetUp();
    accounts_->OpenAccount(*writer_client_, "auditor-1", pb::ROLE_AUDITOR);
    key_file_ = dir_.Sub("auditor-1.pem");
    ASSERT_TRUE(accounts_->Key("auditor-1").SaveFile(key_file_).ok());
    writer_->Stop();
    ASSERT_TRUE(writer_->Start({"--sync-mirrors", "1", "--sync-timeout-ms", "1500"}));
    writer_client_ = writer_->Connect();
    ASSERT_NE(writer_client_, nullptr);
  }

  // An operator transaction nobody made before, signed.
  std::string NewAccountTransaction(const std::string& id) {
    return testing::SignedOpenHolderAccount(*writer_, id, "sync-" + id);
  }

  std::unique_ptr<NodeProcess> StartSyncMirror(const std::string& name) {
    std::unique_ptr<NodeProcess> mirror = NewMirror(name);
    EXPECT_TRUE(mirror->Start({"--follow", writer_->address(), "--follow-account", "auditor-1",
                               "--follow-key", key_file_}));
    EXPECT_TRUE(Eventually([&] { return StatusOf(*writer_).sync_mirrors_connected() == 1; }))
        << mirror->log_text();
    return mirror;
  }

  std::string key_file_;
};

TEST_F(SyncMirrorTest, AWriteIsAnsweredOnlyOnceTheMirrorStoredIt) {
  // No mirror yet: refused before anything is written.
  const uint64_t before = StatusOf(*writer_).tree_size();
  StatusOr<pb::SubmitResponse> alone = writer_client_->Submit(NewAccountTransaction("early"));
  ASSERT_FALSE(alone.ok());
  EXPECT_EQ(alone.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(alone.status().message().find("--sync-mirrors"), std::string::npos)
      << alone.status().message();
  EXPECT_EQ(StatusOf(*writer_).tree_size(), before);

  std::unique_ptr<NodeProcess> mirror = StartSyncMirror("mirror");
  // Every answer comes after the mirror stored the entry: no waiting here.
  for (int i = 0; i < 5; ++i) {
    StatusOr<pb::SubmitResponse> answer =
        writer_client_->Submit(NewAccountTransaction("holder-" + std::to_string(i)));
    ASSERT_TRUE(answer.ok()) << answer.status().ToString();
    ASSERT_TRUE(answer->has_committed()) << answer->DebugString();
    const uint64_t index = answer->committed().entry_index();
    EXPECT_GT(StatusOf(*mirror).tree_size(), index);
    // The checkpoint the answer names covers only what the mirror holds.
    EXPECT_LE(answer->committed().tree_size(), StatusOf(*writer_).synced_size());
    EXPECT_GT(answer->committed().tree_size(), index);
  }
  pb::StatusResponse status = StatusOf(*writer_);
  EXPECT_EQ(status.sync_mirrors_required(), 1u);
  EXPECT_LE(status.checkpoint_size(), status.synced_size());
  EXPECT_TRUE(CaughtUp(*mirror));

  // The mirror stops answering (but its connection stays): the writer
  // stores the write, does not acknowledge it, and says so.
  ASSERT_EQ(kill(mirror->pid(), SIGSTOP), 0);
  const std::string late = NewAccountTransaction("late");
  StatusOr<pb::SubmitResponse> unconfirmed = writer_client_->Submit(late);
  ASSERT_EQ(kill(mirror->pid(), SIGCONT), 0);
  ASSERT_FALSE(unconfirmed.ok());
  EXPECT_EQ(unconfirmed.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(unconfirmed.status().message().find("not acknowledged"), std::string::npos)
      << unconfirmed.status().message();
  // Resubmitted unchanged once the mirror is back: applied once, answered.
  StatusOr<pb::SubmitResponse> again = writer_client_->Submit(late);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  ASSERT_TRUE(again->has_committed());
  EXPECT_TRUE(again->committed().duplicate());
  EXPECT_GT(StatusOf(*mirror).tree_size(), again->committed().entry_index());

  // The mirror gone: writes are refused again, and nothing is written.
  EXPECT_EQ(mirror->Stop(), 0);
  ASSERT_TRUE(Eventually([&] { return StatusOf(*writer_).sync_mirrors_connected() == 0; }));
  const uint64_t size = StatusOf(*writer_).tree_size();
  StatusOr<pb::SubmitResponse> gone = writer_client_->Submit(NewAccountTransaction("gone"));
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(StatusOf(*writer_).tree_size(), size);
}

TEST_F(SyncMirrorTest, OnlyASignedInMirrorCountsAndOnlyForWhatTheLogHolds) {
  auto report = [](Client& client, uint64_t size) {
    pb::Request request;
    request.mutable_mirror_synced()->set_size(size);
    StatusOr<pb::Response> answer = client.Call(request);
    EXPECT_TRUE(answer.ok()) << answer.status().ToString();
    return answer.ok() ? *answer : pb::Response();
  };
  const uint64_t size = StatusOf(*writer_).tree_size();
  // The public, and a holder, cannot make the writer acknowledge anything.
  std::unique_ptr<Client> anyone = writer_->Connect();
  EXPECT_EQ(report(*anyone, size).error().code(), "NOT_AUTHORIZED");
  EXPECT_FALSE(writer_client_->Submit(NewAccountTransaction("holder-1")).ok());
  ASSERT_EQ(StatusOf(*writer_).tree_size(), size);  // refused: no mirror counts
  EXPECT_EQ(StatusOf(*writer_).sync_mirrors_connected(), 0u);

  // A signed-in auditor may not claim entries the writer does not have.
  std::unique_ptr<Client> auditor = writer_->Connect();
  ASSERT_TRUE(
      SignIn(*auditor, "auditor-1", accounts_->Key("auditor-1"), NodeProcess::kOrigin).ok());
  pb::Response past = report(*auditor, size + 1);
  EXPECT_EQ(past.error().code(), "INVALID_ARGUMENT") << past.DebugString();
  EXPECT_EQ(StatusOf(*writer_).sync_mirrors_connected(), 0u);
  // What it truly holds counts; its connection closing takes it away.
  EXPECT_TRUE(report(*auditor, size).has_mirror_synced());
  EXPECT_EQ(StatusOf(*writer_).sync_mirrors_connected(), 1u);
  auditor.reset();
  EXPECT_TRUE(Eventually([&] { return StatusOf(*writer_).sync_mirrors_connected() == 0; }));
}

}  // namespace
}  // namespace creg
