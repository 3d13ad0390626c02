#include "tests/cli/cli_fixture.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "ledger/data_dir.h"

namespace creg::testing {

std::string CregBin() { return ProgramPath("CREG_BIN"); }

pid_t SpawnCreg(const std::vector<std::string>& args, const std::string& out_path,
                const std::string& err_path) {
  return SpawnProgram(Join({CregBin()}, args), out_path, err_path);
}

void WriteText(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::vector<std::string> Join(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

void CliTest::SetUp() {
  // Only what a test sets itself may reach creg.
  for (const char* name : {"CREG_NODE", "CREG_ACCOUNT", "CREG_KEY"}) unsetenv(name);
  node_ = std::make_unique<NodeProcess>(dir_);
  ASSERT_TRUE(node_->Start(NodeFlags()));
}

RunResult CliTest::Creg(std::vector<std::string> args) {
  return RunProgram(Join(Join({CregBin()}, args), {"--node", node_->address()}));
}

json::Value CliTest::CregJson(std::vector<std::string> args) {
  RunResult r = Creg(Join(std::move(args), {"--json"}));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  StatusOr<json::Value> doc = json::Parse(r.out);
  EXPECT_TRUE(doc.ok()) << doc.status().ToString() << "\n" << r.out;
  return doc.ok() ? *doc : json::Value();
}

std::string CliTest::OperatorKey() const { return DataDir(node_->data_dir()).operator_key_path(); }

std::vector<std::string> CliTest::As(const std::string& account) const {
  return {"--account", account, "--key", Path(account + ".key")};
}

std::vector<std::string> CliTest::AsOperator() const {
  return {"--account", "operator", "--key", OperatorKey()};
}

void CliTest::OpenHolder(const std::string& account, const std::string& name) {
  RunResult keygen = RunProgram({CregBin(), "keygen", Path(account + ".key")});
  ASSERT_EQ(keygen.exit_code, 0) << keygen.err;
  RunResult open = Creg(Join({"account", "open", account, "--public-key",
                              Path(account + ".key.pub"), "--name", name.empty() ? account : name},
                             AsOperator()));
  ASSERT_EQ(open.exit_code, 0) << open.out << open.err;
}

void CliTest::SetUpStory() {
  OpenHolder("developer", "Yunnan Green Energy Ltd");
  OpenHolder("organiser", "Forum Organising Committee");
  RunResult project =
      Creg(Join({"project", "register", "wind-01", "--name", "Dali Wind Farm", "--standard", "VCS",
                 "--methodology", "ACM0002", "--country", "CN", "--proponent", "developer"},
                AsOperator()));
  ASSERT_EQ(project.exit_code, 0) << project.err;
  RunResult issue = Creg(Join({"issue", "--project", "wind-01", "--vintage", "2025", "--quantity",
                               "10000", "--to", "developer", "--verification-ref", "VR-2025-1"},
                              AsOperator()));
  ASSERT_EQ(issue.exit_code, 0) << issue.err;
  RunResult transfer = Creg(Join(
      {"transfer", "--to", "organiser", "--batch", "1", "--quantity", "500"}, As("developer")));
  ASSERT_EQ(transfer.exit_code, 0) << transfer.err;
}

uint64_t CliTest::Total(const std::string& account) {
  json::Value holdings = CregJson({"holdings", account});
  StatusOr<uint64_t> total = holdings.GetUint("total");
  EXPECT_TRUE(total.ok()) << total.status().ToString();
  return total.ok() ? *total : 0;
}

}  // namespace creg::testing
