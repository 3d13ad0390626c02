// Online backups of a real cregd (`cregd backup`, node/control_socket.h):
// made while writes go on, verified by creg-audit, served by a second node
// that continues from the same size; and the control socket refuses what it
// does not understand without harm.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <sstream>
#include <thread>

#include "ledger/registry/transaction.h"
#include "node/control_socket.h"
#include "tests/support/node_process.h"
#include "tests/support/temp_dir.h"

namespace creg {
namespace {

using testing::NodeProcess;
using testing::TempDir;

constexpr std::chrono::seconds kAnswerTimeout{60};

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    node_ = std::make_unique<NodeProcess>(dir_);
    ASSERT_TRUE(node_->Start());
    client_ = node_->Connect();
    ASSERT_NE(client_, nullptr);
  }

  // An operator-signed open_account of a fresh holder.
  std::string OpenAccount() {
    pb::TransactionBody body;
    body.set_origin(NodeProcess::kOrigin);
    body.set_nonce("b" + std::to_string(nonce_));
    auto* open = body.mutable_open_account();
    open->set_account_id("holder-" + std::to_string(nonce_++));
    open->set_role(pb::ROLE_HOLDER);
    open->set_public_key(PrivateKey::Generate().value().public_key().raw());
    return SignTransaction(body, "operator", node_->OperatorKey());
  }

  uint64_t Commit(Client& client) {
    StatusOr<pb::SubmitResponse> answer = client.Submit(OpenAccount());
    EXPECT_TRUE(answer.ok() && answer->has_committed()) << answer.status().ToString();
    return answer.ok() ? answer->committed().entry_index() : 0;
  }

  // Runs `cregd backup`; returns what it printed.
  std::string Backup(const std::string& destination) {
    testing::RunResult run =
        testing::RunProgram({testing::ProgramPath("CREGD_BIN"), "backup", "--data",
                             node_->data_dir(), "--to", destination});
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
    return run.out;
  }

  static uint64_t EntriesIn(const std::string& printout) {
    size_t at = printout.find("entries:");
    if (at == std::string::npos) return 0;
    return std::stoull(printout.substr(at + 8));
  }

  StatusOr<std::string> Control(std::string_view request) {
    return SendControlRequest(DataDir(node_->data_dir()), request, kAnswerTimeout);
  }

  TempDir dir_;
  std::unique_ptr<NodeProcess> node_;
  std::unique_ptr<Client> client_;
  int nonce_ = 0;
};

TEST_F(BackupTest, OnlineBackupVerifiesAndAnotherNodeContinuesFromIt) {
  for (int i = 0; i < 20; ++i) Commit(*client_);
  // Writes go on, on their own connection, while the backup is made.
  std::atomic<bool> stop{false};
  std::unique_ptr<Client> writer_client = node_->Connect();
  ASSERT_NE(writer_client, nullptr);
  std::thread writer([&] {
    for (int i = 0; i < 500 && !stop.load(); ++i) Commit(*writer_client);
  });
  const std::string destination = dir_.Sub("backup");
  std::string printout = Backup(destination);
  stop = true;
  writer.join();
  EXPECT_NE(printout.find("running node"), std::string::npos) << printout;
  const uint64_t entries = EntriesIn(printout);
  EXPECT_GE(entries, 21u) << printout;

  auto audit = testing::RunProgram(
      {testing::ProgramPath("CREG_AUDIT_BIN"), "verify-log", "--data", destination});
  EXPECT_EQ(audit.exit_code, 0) << audit.out << audit.err;

  // The original stops; a node on the backup serves what the backup holds
  // and appends at the next index.
  node_->Stop();
  NodeProcess restored(dir_, "backup");
  ASSERT_TRUE(restored.Start());
  std::unique_ptr<Client> client = restored.Connect();
  ASSERT_NE(client, nullptr);
  StatusOr<pb::StatusResponse> status = client->GetStatus();
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(status->tree_size(), entries);
  nonce_ += 1000;  // fresh nonces: the backup may hold some of the writer's
  StatusOr<pb::SubmitResponse> next = client->Submit(OpenAccount());
  ASSERT_TRUE(next.ok() && next->has_committed()) << next.status().ToString();
  EXPECT_EQ(next->committed().entry_index(), entries);
}

TEST_F(BackupTest, StoppedFolderIsBackedUpWithoutANode) {
  uint64_t last = Commit(*client_);
  node_->Stop();
  EXPECT_FALSE(std::filesystem::exists(DataDir(node_->data_dir()).control_socket_path()));
  std::string printout = Backup(dir_.Sub("cold"));
  EXPECT_NE(printout.find("no node was serving"), std::string::npos) << printout;
  EXPECT_EQ(EntriesIn(printout), last + 1);
}

TEST_F(BackupTest, ControlSocketIsTheOwnersOnly) {
  struct stat info {};
  ASSERT_EQ(::stat(DataDir(node_->data_dir()).control_socket_path().c_str(), &info), 0);
  EXPECT_TRUE(S_ISSOCK(info.st_mode));
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST_F(BackupTest, ControlSocketRefusesWhatItDoesNotUnderstandAndChangesNothing) {
  const std::string taken = dir_.Sub("taken");
  std::filesystem::create_directories(taken);
  struct Case {
    std::string request;
    std::string says;
  };
  for (const Case& c : std::vector<Case>{
           {"restore /tmp/x", "unknown request"},
           {"backup", "unknown request"},
           {"backup relative/path", "absolute path"},
           {std::string("backup /tmp/a\0b", 15), "NUL"},
           {"backup " + taken, "exists"},
           {"backup " + dir_.Sub("no/such/folder"), "no folder"},
           {std::string(kMaxControlLine + 10, 'x'), "longer than"},
       }) {
    StatusOr<std::string> answer = Control(c.request);
    ASSERT_TRUE(answer.ok()) << c.request.substr(0, 40) << ": " << answer.status().ToString();
    EXPECT_TRUE(answer->starts_with("error ")) << *answer;
    EXPECT_NE(answer->find(c.says), std::string::npos) << *answer;
  }
  EXPECT_TRUE(std::filesystem::is_empty(taken));
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("relative")));
  // The node still serves, and a good request after the bad ones works.
  Commit(*client_);
  StatusOr<std::string> answer = Control("backup " + dir_.Sub("good"));
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_TRUE(answer->starts_with("ok ")) << *answer;
}

TEST_F(BackupTest, KilledNodeLeavesAStaleSocketThatTheNextStartReplaces) {
  Commit(*client_);
  client_.reset();
  node_->Kill();
  const std::string socket = DataDir(node_->data_dir()).control_socket_path();
  EXPECT_TRUE(std::filesystem::exists(socket));
  StatusOr<std::string> answer = Control("backup " + dir_.Sub("nobody"));
  EXPECT_EQ(answer.status().code(), StatusCode::kNotFound) << answer.status().ToString();

  ASSERT_TRUE(node_->Start());
  EXPECT_NE(Backup(dir_.Sub("after-restart")).find("running node"), std::string::npos);
}

}  // namespace
}  // namespace creg
