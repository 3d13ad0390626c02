// A real disk fault: the node's data folder lives on a small tmpfs that
// fills up. The node must acknowledge nothing it did not write, say why it
// stopped taking writes, keep serving reads, and after the fault is cleared
// and it restarts, hold every acknowledged entry in an intact chain.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <filesystem>

#include "ledger/log_entry.h"
#include "ledger/merkle.h"
#include "ledger/registry/transaction.h"
#include "tests/support/node_process.h"

namespace creg {
namespace {

using testing::NodeProcess;

class SmallDisk {
 public:
  explicit SmallDisk(const std::string& path) : path_(path) {
    std::filesystem::create_directories(path_);
    mounted_ = mount("tmpfs", path_.c_str(), "tmpfs", 0, "size=12m") == 0;
  }
  ~SmallDisk() {
    if (mounted_) umount2(path_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  bool Grow() { return mount("tmpfs", path_.c_str(), "tmpfs", MS_REMOUNT, "size=256m") == 0; }

 private:
  std::string path_;
  bool mounted_ = false;
};

TEST(DiskFaultTest, FullDiskStopsWritesKeepsReadsAndLosesNothingAcknowledged) {
  creg::testing::TempDir dir;
  SmallDisk disk(dir.Sub("disk"));
  if (!disk.mounted())
    GTEST_SKIP() << "cannot mount a tmpfs here (needs root); disk fault test skipped";
  // The registry itself lives on the small disk.
  NodeProcess on_disk(dir, "disk/node");
  ASSERT_TRUE(on_disk.Start());
  auto client = on_disk.Connect();
  ASSERT_NE(client, nullptr);
  PrivateKey operator_key = on_disk.OperatorKey();

  // Register projects with long texts until the disk is full.
  std::vector<uint64_t> acknowledged;
  std::string fault;
  for (int i = 0; i < 200'000 && fault.empty(); ++i) {
    pb::TransactionBody body;
    body.set_origin(NodeProcess::kOrigin);
    body.set_nonce("fill-" + std::to_string(i));
    auto* op = body.mutable_register_project();
    op->set_project_id("fill-project-" + std::to_string(i));
    op->set_name(std::string(200, 'n'));
    op->set_standard("VCS");
    op->set_methodology(std::string(64, 'm'));
    op->set_country("KE");
    op->set_proponent("operator");
    auto answer = client->Submit(SignTransaction(body, "operator", operator_key));
    if (!answer.ok()) {
      fault = answer.status().ToString();
      break;
    }
    ASSERT_TRUE(answer->has_committed()) << answer->refused().message();
    acknowledged.push_back(answer->committed().entry_index());
  }
  ASSERT_FALSE(fault.empty()) << "the disk never filled up";
  EXPECT_NE(fault.find("UNAVAILABLE"), std::string::npos) << fault;
  ASSERT_FALSE(acknowledged.empty());

  // Reads go on, and the status says why writes stopped.
  auto status = client->GetStatus();
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_FALSE(status->accepting_writes());
  EXPECT_FALSE(status->fault().empty());
  pb::Request entries;
  entries.mutable_get_entries()->set_start(0);
  entries.mutable_get_entries()->set_count(5);
  EXPECT_TRUE(client->Call(entries)->has_entries());

  // Clear the fault, restart: every acknowledged entry is there, chained.
  on_disk.Stop(SIGTERM);
  ASSERT_TRUE(disk.Grow());
  ASSERT_TRUE(on_disk.Start()) << on_disk.log_text();
  client = on_disk.Connect();
  status = client->GetStatus();
  ASSERT_TRUE(status.ok());
  EXPECT_TRUE(status->accepting_writes());
  ASSERT_GT(status->tree_size(), acknowledged.back());
  Hash prev;
  for (uint64_t start = 0; start < status->tree_size();) {
    pb::Request page;
    page.mutable_get_entries()->set_start(start);
    page.mutable_get_entries()->set_count(1000);
    auto response = client->Call(page);
    ASSERT_TRUE(response.ok() && response->has_entries());
    for (const std::string& bytes : response->entries().entries()) {
      auto entry = DecodeLogEntry(bytes).value();
      ASSERT_EQ(entry.index(), start);
      ASSERT_EQ(entry.prev_hash(), prev.str()) << "chain broken at entry " << start;
      prev = merkle::LeafHash(bytes);
      ++start;
    }
  }
  on_disk.Stop(SIGTERM);
}

}  // namespace
}  // namespace creg
