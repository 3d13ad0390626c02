// creg-bench against the members of a replicated registry: with
// --node MIRROR,WRITER the mirror answers first, refuses the first write
// with NOT_LEADER, and the run goes to the writer it names.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "ledger/data_dir.h"
#include "tests/support/eventually.h"
#include "tests/support/node_accounts.h"
#include "tests/support/node_process.h"
#include "tests/support/temp_dir.h"

namespace creg::testing {
namespace {

TEST(BenchMembersTest, WritesGoToTheWriterAMirrorNames) {
  TempDir dir;
  NodeProcess writer(dir, "writer");
  ASSERT_TRUE(writer.Start());
  {
    std::unique_ptr<Client> client = writer.Connect();
    ASSERT_NE(client, nullptr);
    NodeAccounts(writer).OpenAccount(*client, "org-1", pb::ROLE_HOLDER);
  }
  RunResult joined = RunProgram(
      {ProgramPath("CREGD_BIN"), "init", "--data", dir.Sub("mirror"), "--join", writer.data_dir()});
  ASSERT_EQ(joined.exit_code, 0) << joined.out << joined.err;
  NodeProcess mirror(dir, "mirror");
  ASSERT_TRUE(mirror.Start({"--follow", writer.address()}));
  const uint64_t before = StatusOf(writer).tree_size();
  ASSERT_TRUE(
      Eventually([&] { return StatusOf(mirror).tree_size() == before; }, std::chrono::seconds(30)))
      << mirror.log_text();

  RunResult run = RunProgram({ProgramPath("CREG_BENCH_BIN"), "transfers", "--node",
                              mirror.address() + "," + writer.address(), "--operator-key",
                              DataDir(writer.data_dir()).operator_key_path(), "--connections", "2",
                              "--transactions", "10"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("committed 10 of 10 transfers"), std::string::npos) << run.out;
  EXPECT_NE(
      run.err.find(mirror.address() + " is a mirror: writing to the writer " + writer.address()),
      std::string::npos)
      << run.err;
  // A project, two holders and their issuances, then the transfers.
  EXPECT_EQ(StatusOf(writer).tree_size(), before + 5 + 10);
  EXPECT_EQ(StatusOf(mirror).role(), "mirror");
  EXPECT_EQ(mirror.Stop(), 0);
  EXPECT_EQ(writer.Stop(), 0);
}

}  // namespace
}  // namespace creg::testing
