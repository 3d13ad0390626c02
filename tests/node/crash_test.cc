// Crash test: a real cregd under concurrent transfers and retirements is
// killed with SIGKILL at random moments and restarted. After each cycle:
//   - every transaction that was acknowledged is in the log, at the index
//     it was acknowledged with, byte for byte;
//   - creg-audit verify-log passes: the chain and tree verify, and the
//     stored state equals a replay of the log (nothing half-applied).
// CREG_CRASH_CYCLES sets the number of cycles (default 3 here; hundreds
// when run by hand, see docs/security.md).
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <random>
#include <thread>

#include "ledger/log_entry.h"
#include "tests/support/node_process.h"
#include "tests/support/transfer_load.h"

namespace creg {
namespace {

using testing::NodeProcess;
using testing::TransferLoad;

TEST(CrashTest, KillNineLosesNothingAcknowledged) {
  const char* env = std::getenv("CREG_CRASH_CYCLES");
  const int cycles = env != nullptr ? std::atoi(env) : 3;
  testing::TempDir dir;
  NodeProcess node(dir);
  ASSERT_TRUE(node.Start());
  TransferLoad load(*node.Connect(), node.OperatorKey(), NodeProcess::kOrigin);
  std::mt19937 rng(20261129);
  for (int cycle = 0; cycle < cycles; ++cycle) {
    load.Start({node.address()});
    // A random moment to crash at, not a wait for something.
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng() % 400));
    const int killed = node.Kill();
    load.Stop();
    if (killed != 128 + SIGKILL) {
      const std::string log = node.log_text();
      FAIL() << "cycle " << cycle << ": the node ended before the kill (status " << killed << "):\n"
             << log.substr(log.size() - std::min<size_t>(log.size(), 8000));
    }

    auto audit = testing::RunProgram(
        {testing::ProgramPath("CREG_AUDIT_BIN"), "verify-log", "--data", node.data_dir()});
    ASSERT_EQ(audit.exit_code, 0) << "cycle " << cycle << ":\n" << audit.out << audit.err;

    ASSERT_TRUE(node.Start()) << "cycle " << cycle;
    auto client = node.Connect();
    uint64_t size = client->GetStatus()->tree_size();
    for (const testing::Ack& ack : load.acks()) {
      ASSERT_LT(ack.index, size) << "acknowledged entry " << ack.index << " lost in cycle "
                                 << cycle;
      pb::Request request;
      request.mutable_get_entries()->set_start(ack.index);
      request.mutable_get_entries()->set_count(1);
      auto response = client->Call(request);
      ASSERT_TRUE(response.ok() && response->has_entries());
      auto entry = DecodeLogEntry(response->entries().entries(0)).value();
      ASSERT_EQ(entry.signed_transaction(), ack.transaction)
          << "entry " << ack.index << " is not what was acknowledged";
    }
  }
  EXPECT_GT(load.ack_count(), 0u);
  EXPECT_EQ(load.refusals(), 0u);
  RecordProperty("cycles", cycles);
  RecordProperty("acknowledged", static_cast<int>(load.ack_count()));
  node.Stop(SIGTERM);
}

}  // namespace
}  // namespace creg
