// The remote modes of creg-audit against real cregd processes: watch (trust
// on first use, growth, and a log rewritten under the same checkpoint key),
// verify-log --node and consistency --node.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "ledger/data_dir.h"
#include "ledger/registry/transaction.h"
#include "tests/audit/audit_fixture.h"
#include "tests/support/loopback_port.h"
#include "tests/support/node_process.h"

namespace creg::testing {
namespace {

using ::testing::HasSubstr;

// A node and transactions of a small registry: a project, a holder with
// 1000 t, then a key rotation and a retirement by the holder (so that
// watch follows a key change) and another account.
class TestRegistry {
 public:
  TestRegistry(const TempDir& dir, const std::string& name) : node_(dir, name) {}

  NodeProcess& node() { return node_; }
  bool Start() {
    if (!node_.Start()) return false;
    client_ = node_.Connect();
    return client_ != nullptr;
  }

  // Project, holder, issuance: 3 entries.
  void Setup() {
    pb::TransactionBody project = Body();
    auto* reg = project.mutable_register_project();
    reg->set_project_id("watch-project");
    reg->set_name("Watch test project");
    reg->set_standard("VCS");
    reg->set_methodology("AMS-II.G");
    reg->set_country("KE");
    reg->set_proponent("operator");
    Commit(project, "operator", node_.OperatorKey());
    pb::TransactionBody open = Body();
    open.mutable_open_account()->set_account_id("holder");
    open.mutable_open_account()->set_role(pb::ROLE_HOLDER);
    open.mutable_open_account()->set_public_key(holder_key_.public_key().raw());
    Commit(open, "operator", node_.OperatorKey());
    pb::TransactionBody issue = Body();
    auto* op = issue.mutable_issue();
    op->set_project_id("watch-project");
    op->set_vintage_start("2025-01-01");
    op->set_vintage_end("2025-12-31");
    op->set_quantity(1000);
    op->set_to_account("holder");
    op->set_verification_ref("VR-1");
    Commit(issue, "operator", node_.OperatorKey());
  }

  // Key rotation, retirement with the new key, another account: 3 entries.
  void More() {
    PrivateKey fresh = PrivateKey::Generate().value();
    pb::TransactionBody rotate = Body();
    rotate.mutable_rotate_key()->set_account_id("holder");
    rotate.mutable_rotate_key()->set_new_public_key(fresh.public_key().raw());
    Commit(rotate, "holder", holder_key_);
    holder_key_ = std::move(fresh);
    pb::TransactionBody retire = Body();
    auto* op = retire.mutable_retire();
    op->set_account("holder");
    op->mutable_credits()->set_batch(1);
    op->mutable_credits()->set_quantity(10);
    op->set_beneficiary("Watch test beneficiary");
    op->set_reason(pb::VOLUNTARY_EVENT_OFFSET);
    Commit(retire, "holder", holder_key_);
    pb::TransactionBody open = Body();
    open.mutable_open_account()->set_account_id("second");
    open.mutable_open_account()->set_role(pb::ROLE_HOLDER);
    open.mutable_open_account()->set_public_key(PrivateKey::Generate()->public_key().raw());
    Commit(open, "operator", node_.OperatorKey());
  }

  // `count` more accounts opened by the operator, pipelined 256 at a time.
  void AddAccounts(int count) {
    PrivateKey op = node_.OperatorKey();
    std::string holder_key = PrivateKey::Generate()->public_key().raw();
    for (int done = 0; done < count;) {
      int window = std::min(256, count - done);
      for (int i = 0; i < window; ++i) {
        pb::TransactionBody open = Body();
        open.mutable_open_account()->set_account_id("bulk-" + std::to_string(bulk_++));
        open.mutable_open_account()->set_role(pb::ROLE_HOLDER);
        open.mutable_open_account()->set_public_key(holder_key);
        pb::Request request;
        request.mutable_submit()->set_signed_transaction(SignTransaction(open, "operator", op));
        ASSERT_TRUE(client_->Send(request).ok());
      }
      for (int i = 0; i < window; ++i) {
        auto answer = client_->Receive();
        ASSERT_TRUE(answer.ok()) << answer.status().ToString();
        ASSERT_TRUE(answer->has_submit() && answer->submit().has_committed())
            << answer->ShortDebugString();
      }
      done += window;
    }
  }

  // The node's latest checkpoint note, written to `path`.
  void SaveCheckpoint(const std::string& path) {
    auto cp = client_->GetCheckpoint();
    ASSERT_TRUE(cp.ok()) << cp.status().ToString();
    WriteText(path, cp->note());
  }

 private:
  pb::TransactionBody Body() {
    pb::TransactionBody body;
    body.set_origin(NodeProcess::kOrigin);
    body.set_nonce("w" + std::to_string(nonce_++));
    return body;
  }
  void Commit(const pb::TransactionBody& body, const std::string& signer, const PrivateKey& key) {
    auto answer = client_->Submit(SignTransaction(body, signer, key));
    ASSERT_TRUE(answer.ok()) << answer.status().ToString();
    ASSERT_TRUE(answer->has_committed()) << answer->refused().message();
  }

  NodeProcess node_;
  std::unique_ptr<Client> client_;
  PrivateKey holder_key_ = PrivateKey::Generate().value();
  int nonce_ = 0;
  int bulk_ = 0;
};

std::vector<std::string> EvidenceFiles(const std::string& state, const std::string& suffix) {
  std::vector<std::string> found;
  std::string prefix = std::filesystem::path(state).filename().string() + ".evidence-";
  for (const auto& e :
       std::filesystem::directory_iterator(std::filesystem::path(state).parent_path())) {
    std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && name.ends_with(suffix)) found.push_back(e.path().string());
  }
  return found;
}

std::string Slurp(const std::string& path) {
  StatusOr<std::string> text = ReadFile(path);
  return text.ok() ? *text : "";
}

TEST(NodeAuditTest, WatchVerifyLogAndConsistencyOnAGrowingLog) {
  TempDir dir;
  TestRegistry a(dir, "a");
  ASSERT_TRUE(a.Start());
  const std::string key = a.node().VerifierKey();
  const std::string state = dir.Sub("watch.json");
  auto watch = [&] {
    return RunAudit({"watch", "--node", a.node().address(), "--state", state, "--key", key});
  };
  a.Setup();
  a.SaveCheckpoint(dir.Sub("old.checkpoint"));

  AuditResult first = watch();
  EXPECT_EQ(first.exit_code, 0) << first.output;
  EXPECT_THAT(first.output, HasSubstr("trust on first use"));
  EXPECT_THAT(first.output, HasSubstr("4 entries checked"));
  AuditResult again = watch();
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_THAT(again.output, HasSubstr("has not changed"));

  a.More();
  a.SaveCheckpoint(dir.Sub("new.checkpoint"));
  AuditResult grown = watch();
  EXPECT_EQ(grown.exit_code, 0) << grown.output;
  EXPECT_THAT(grown.output, HasSubstr("only grew"));
  EXPECT_THAT(grown.output, HasSubstr("3 entries checked"));
  EXPECT_TRUE(EvidenceFiles(state, ".old").empty());

  AuditResult log = RunAudit({"verify-log", "--node", a.node().address(), "--key", key});
  EXPECT_EQ(log.exit_code, 0) << log.output;
  EXPECT_THAT(log.output, HasSubstr("replayed:     7 entries"));
  EXPECT_THAT(log.output, HasSubstr("cannot be compared remotely"));
  EXPECT_THAT(log.output, HasSubstr("VERIFIED"));

  auto consistency = [&](const std::string& old_cp, const std::string& new_cp) {
    return RunAudit({"consistency", dir.Sub(old_cp), dir.Sub(new_cp), "--node", a.node().address(),
                     "--key", key});
  };
  AuditResult grew = consistency("old.checkpoint", "new.checkpoint");
  EXPECT_EQ(grew.exit_code, 0) << grew.output;
  EXPECT_THAT(grew.output, HasSubstr("only grew from OLD to NEW"));
  AuditResult swapped = consistency("new.checkpoint", "old.checkpoint");
  EXPECT_EQ(swapped.exit_code, 1) << swapped.output;
  EXPECT_THAT(swapped.output, HasSubstr("smaller than OLD"));

  // A state file that does not hold together is not silently replaced.
  std::string damaged = Slurp(state);
  size_t at = damaged.find("\"tree_size\": 7");
  ASSERT_NE(at, std::string::npos) << damaged;
  damaged.replace(at, 15, "\"tree_size\": 6");
  WriteText(state, damaged);
  AuditResult unusable = watch();
  EXPECT_EQ(unusable.exit_code, 3) << unusable.output;
  EXPECT_THAT(unusable.output, HasSubstr("is not usable"));

  a.node().Stop();
  EXPECT_EQ(watch().exit_code, 3);
}

// Logs of more than one page (GetEntries answers at most 1,000 entries) and
// frontiers of several subtrees.
TEST(NodeAuditTest, LongLogsArePagedAndStreamed) {
  TempDir dir;
  TestRegistry a(dir, "a");
  ASSERT_TRUE(a.Start());
  const std::string key = a.node().VerifierKey();
  const std::string state = dir.Sub("watch.json");
  auto watch = [&] {
    return RunAudit({"watch", "--node", a.node().address(), "--state", state, "--key", key});
  };
  a.Setup();
  ASSERT_NO_FATAL_FAILURE(a.AddAccounts(1300));  // 1304 entries
  AuditResult first = watch();
  EXPECT_EQ(first.exit_code, 0) << first.output;
  EXPECT_THAT(first.output, HasSubstr("1304 entries checked"));
  a.More();
  ASSERT_NO_FATAL_FAILURE(a.AddAccounts(1100));  // 2407 entries: 100101100111b
  AuditResult grown = watch();
  EXPECT_EQ(grown.exit_code, 0) << grown.output;
  EXPECT_THAT(grown.output, HasSubstr("1103 entries checked"));
  AuditResult log = RunAudit({"verify-log", "--node", a.node().address(), "--key", key});
  EXPECT_EQ(log.exit_code, 0) << log.output;
  EXPECT_THAT(log.output, HasSubstr("replayed:     2407 entries"));
}

TEST(NodeAuditTest, RemoteModesRefuseIncompleteCommandLines) {
  EXPECT_EQ(RunAudit({"watch", "--node", "127.0.0.1:1", "--key", "k+1+2"}).exit_code, 2);
  EXPECT_EQ(RunAudit({"watch", "--node", "127.0.0.1:1", "--state", "s"}).exit_code, 2);
  EXPECT_EQ(RunAudit({"verify-log", "--node", "127.0.0.1:1"}).exit_code, 2);
  EXPECT_EQ(
      RunAudit({"verify-log", "--node", "127.0.0.1:1", "--data", "d", "--key", "k"}).exit_code, 2);
  EXPECT_EQ(RunAudit({"consistency", "a", "b", "--node", "127.0.0.1:1"}).exit_code, 2);
  AuditResult help = RunAudit({"watch", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.output, HasSubstr("trusted as first seen"));
}

// --node A,B: a member that cannot be reached is passed over with a note
// naming it, and the next one is audited; with none answering, the error
// names each. Malformed lists are usage errors.
TEST(NodeAuditTest, MembersAreTriedInTurn) {
  TempDir dir;
  TestRegistry a(dir, "a");
  ASSERT_TRUE(a.Start());
  a.Setup();
  a.SaveCheckpoint(dir.Sub("old.checkpoint"));
  a.More();
  a.SaveCheckpoint(dir.Sub("new.checkpoint"));
  const std::string key = a.node().VerifierKey();
  ClosedPort closed, other;
  const std::string members = closed.address() + "," + a.node().address();
  const std::string skipped = "skipping member " + closed.address() + ": cannot connect";
  const std::vector<std::vector<std::string>> commands = {
      {"verify-log", "--key", key},
      {"watch", "--state", dir.Sub("watch.json"), "--key", key},
      {"consistency", dir.Sub("old.checkpoint"), dir.Sub("new.checkpoint"), "--key", key}};
  for (const std::vector<std::string>& command : commands) {
    std::vector<std::string> args = command;
    args.insert(args.end(), {"--node", members});
    AuditResult run = RunAudit(args);
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_THAT(run.output, HasSubstr(skipped));
    EXPECT_THAT(run.output, HasSubstr("VERIFIED"));

    const std::string none = closed.address() + "," + other.address();
    args = command;
    args.insert(args.end(), {"--node", none});
    AuditResult unreachable = RunAudit(args);
    EXPECT_EQ(unreachable.exit_code, 3) << unreachable.output;
    EXPECT_THAT(unreachable.output, HasSubstr("no member of " + none + " answered"));
    for (const std::string& member : {closed.address(), other.address()}) {
      EXPECT_THAT(unreachable.output,
                  HasSubstr(member + ": cannot connect to the node at " + member));
    }

    for (const std::string& malformed :
         {a.node().address() + ",," + other.address(), a.node().address() + ",",
          a.node().address() + ",127.0.0.1"}) {
      args = command;
      args.insert(args.end(), {"--node", malformed});
      AuditResult usage = RunAudit(args);
      EXPECT_EQ(usage.exit_code, 2) << malformed << ": " << usage.output;
      EXPECT_THAT(usage.output, HasSubstr("HOST:PORT[,HOST:PORT...]"));
    }
  }
  // The state names the member that served the run.
  EXPECT_THAT(Slurp(dir.Sub("watch.json")), HasSubstr(a.node().address()));
}

TEST(NodeAuditTest, WatchReportsALogRewrittenUnderTheSameKey) {
  TempDir dir;
  TestRegistry a(dir, "a");
  TestRegistry b(dir, "b");  // another registry of the same origin...
  // ...that signs with a's checkpoint key: a rewritten history.
  std::filesystem::copy_file(DataDir(a.node().data_dir()).checkpoint_key_path(),
                             DataDir(b.node().data_dir()).checkpoint_key_path(),
                             std::filesystem::copy_options::overwrite_existing);
  ASSERT_TRUE(a.Start());
  ASSERT_TRUE(b.Start());
  const std::string key = a.node().VerifierKey();
  const std::string state = dir.Sub("watch.json");
  a.Setup();
  a.SaveCheckpoint(dir.Sub("a.checkpoint"));
  AuditResult first =
      RunAudit({"watch", "--node", a.node().address(), "--state", state, "--key", key});
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const std::string saved = Slurp(state);

  // b's own log passes an audit on its own: only a kept checkpoint shows
  // that it is not the history a signed.
  auto watch_b = [&] {
    return RunAudit({"watch", "--node", b.node().address(), "--state", state, "--key", key});
  };
  AuditResult shrank = watch_b();  // b has 1 entry, a had 4
  EXPECT_EQ(shrank.exit_code, 1) << shrank.output;
  EXPECT_THAT(shrank.output, HasSubstr("the log shrank"));
  b.Setup();  // 4 entries, other bytes
  AuditResult fork = watch_b();
  EXPECT_EQ(fork.exit_code, 1) << fork.output;
  EXPECT_THAT(fork.output, HasSubstr("fork"));
  b.More();  // 7 entries
  AuditResult rewritten = watch_b();
  EXPECT_EQ(rewritten.exit_code, 1) << rewritten.output;
  EXPECT_THAT(rewritten.output, HasSubstr("the log was rewritten"));

  EXPECT_EQ(Slurp(state), saved) << "the state must not move to a contradicting log";
  std::vector<std::string> olds = EvidenceFiles(state, ".old");
  std::vector<std::string> news = EvidenceFiles(state, ".new");
  EXPECT_EQ(olds.size(), 3u);
  EXPECT_EQ(news.size(), 3u);
  for (const std::string& path : olds) EXPECT_EQ(Slurp(path), Slurp(dir.Sub("a.checkpoint")));

  b.SaveCheckpoint(dir.Sub("b.checkpoint"));
  AuditResult consistency =
      RunAudit({"consistency", dir.Sub("a.checkpoint"), dir.Sub("b.checkpoint"), "--node",
                b.node().address(), "--key", key});
  EXPECT_EQ(consistency.exit_code, 1) << consistency.output;
  EXPECT_THAT(consistency.output, HasSubstr("does not verify"));

  AuditResult other_key =
      RunAudit({"verify-log", "--node", a.node().address(), "--key", b.node().VerifierKey()});
  EXPECT_EQ(other_key.exit_code, 1) << other_key.output;
  EXPECT_THAT(other_key.output, HasSubstr("not validly signed"));
}

}  // namespace
}  // namespace creg::testing
