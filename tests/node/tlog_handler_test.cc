#include "node/http/tlog_handler.h"

#include <gtest/gtest.h>

#include "ledger/log_entry.h"
#include "ledger/merkle.h"
#include "tests/support/log_fixture.h"

namespace creg::http {
namespace {

using creg::testing::MakeEntry;

class TlogHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = creg::testing::OpenLogStore(dir_.Sub("db"), creg::testing::TinyStoreOptions());
    ASSERT_NE(store_, nullptr);
    log_ = MerkleLog::Open(store_.get(), LogEntryLinkReader()).value();
  }

  // Appends entries with payloads of these sizes.
  void Append(const std::vector<size_t>& payload_sizes) {
    for (size_t bytes : payload_sizes) {
      const uint64_t index = log_->size();
      Hash prev = index == 0 ? Hash() : log_->LeafHashAt(index - 1).value();
      ASSERT_TRUE(log_->Append({MakeEntry(index, prev, std::string(bytes, 'p'))}).ok());
    }
  }

  TlogHandler Handler(ReadPolicy policy) const {
    return TlogHandler(
        *log_, [] { return std::string("note\n"); }, policy);
  }

  creg::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<MerkleLog> log_;
};

TEST_F(TlogHandlerTest, ServesCheckpointTilesAndBundles) {
  Append({10, 20, 30});
  TlogHandler handler = Handler(ReadPolicy::kPublicLog);
  Answer checkpoint = handler.Handle({"GET", "/checkpoint"});
  EXPECT_EQ(checkpoint.status, 200u);
  EXPECT_EQ(checkpoint.body, "note\n");
  EXPECT_EQ(checkpoint.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(checkpoint.cache_control, "no-store");

  Answer tile = handler.Handle({"GET", "/tile/0/000.p/3"});
  ASSERT_EQ(tile.status, 200u) << tile.body;
  EXPECT_EQ(tile.content_type, "application/octet-stream");
  ASSERT_EQ(tile.body.size(), 3 * Hash::kSize);
  for (uint64_t i = 0; i < 3; ++i) {
    EXPECT_EQ(tile.body.substr(i * Hash::kSize, Hash::kSize), log_->LeafHashAt(i).value().str());
  }
  Answer bundle = handler.Handle({"HEAD", "/tile/entries/000.p/3?cache=1"});
  ASSERT_EQ(bundle.status, 200u) << bundle.body;
  std::string want;
  for (uint64_t i = 0; i < 3; ++i) {
    std::string entry = log_->Entry(i).value();
    want.push_back(static_cast<char>(entry.size() >> 8));
    want.push_back(static_cast<char>(entry.size() & 0xff));
    want += entry;
  }
  EXPECT_EQ(bundle.body, want);
  EXPECT_EQ(handler.Handle({"GET", "/tile/0/000.p/4"}).status, 404u);
  EXPECT_EQ(handler.Handle({"GET", "/tile/0/000"}).status, 404u);
  EXPECT_EQ(handler.Handle({"GET", "/tile/0/000.p/256"}).status, 400u);
  EXPECT_EQ(handler.Handle({"GET", "/nothing"}).status, 404u);
  Answer post = handler.Handle({"POST", "/checkpoint"});
  EXPECT_EQ(post.status, 405u);
  EXPECT_EQ(post.allow, "GET, HEAD");
}

TEST_F(TlogHandlerTest, FullTilesFromTheCacheAreTheLogsAndStillFollowThePolicy) {
  Append(std::vector<size_t>(2 * 256 + 5, 40));
  TlogHandler cached = Handler(ReadPolicy::kPublicLog);
  TlogHandler uncached(
      *log_, [] { return std::string("note\n"); }, ReadPolicy::kPublicLog, 0);
  for (int round = 0; round < 3; ++round) {
    for (const char* path :
         {"/tile/0/000", "/tile/0/001", "/tile/entries/000", "/tile/entries/001", "/tile/0/002.p/5",
          "/tile/entries/002.p/5", "/tile/0/002", "/tile/1/000.p/2"}) {
      Answer got = cached.Handle({round == 1 ? "HEAD" : "GET", path});
      Answer want = uncached.Handle({"GET", path});
      EXPECT_EQ(got.status, want.status) << path;
      EXPECT_EQ(got.body, want.body) << path << " round " << round;
      EXPECT_EQ(got.content_type, want.content_type) << path;
      EXPECT_EQ(got.cache_control, want.cache_control) << path;
    }
  }
  EXPECT_EQ(cached.Handle({"GET", "/tile/0/001"}).body.size(), 256 * Hash::kSize);
  EXPECT_EQ(cached.Handle({"GET", "/tile/0/002"}).status, 404u);
  // The policy is decided before the cache is asked.
  TlogHandler closed = Handler(ReadPolicy::kRegistry);
  EXPECT_EQ(closed.Handle({"GET", "/tile/entries/000"}).status, 403u);
}

TEST_F(TlogHandlerTest, EntryBundlesFollowTheReadPolicy) {
  Append({10});
  for (ReadPolicy policy : {ReadPolicy::kRegistry, ReadPolicy::kPrivate}) {
    TlogHandler handler = Handler(policy);
    Answer bundle = handler.Handle({"GET", "/tile/entries/000.p/1"});
    EXPECT_EQ(bundle.status, 403u);
    EXPECT_NE(bundle.body.find("keeps log entries private"), std::string::npos) << bundle.body;
    EXPECT_EQ(handler.Handle({"GET", "/tile/0/000.p/1"}).status, 200u);
    EXPECT_EQ(handler.Handle({"GET", "/checkpoint"}).status, 200u);
  }
  EXPECT_EQ(Handler(ReadPolicy::kPublicLog).Handle({"GET", "/tile/entries/000.p/1"}).status, 200u);
}

TEST_F(TlogHandlerTest, EntryTooLongForABundleIsRefusedByName) {
  // The largest entry that fits, then one over: payload sizes chosen so the
  // stored entries straddle 65,535 bytes.
  Append({10});
  const size_t overhead = log_->Entry(0).value().size() - 10;
  Append({kMaxBundledEntryBytes - overhead - 8, kMaxBundledEntryBytes - overhead + 8});
  ASSERT_LE(log_->Entry(1).value().size(), kMaxBundledEntryBytes);
  ASSERT_GT(log_->Entry(2).value().size(), kMaxBundledEntryBytes);
  TlogHandler handler = Handler(ReadPolicy::kPublicLog);
  EXPECT_EQ(handler.Handle({"GET", "/tile/entries/000.p/2"}).status, 200u);
  Answer refused = handler.Handle({"GET", "/tile/entries/000.p/3"});
  EXPECT_EQ(refused.status, 500u);
  EXPECT_NE(refused.body.find("entry 2 is"), std::string::npos) << refused.body;
  EXPECT_EQ(handler.Handle({"GET", "/tile/0/000.p/3"}).status, 200u);
}

}  // namespace
}  // namespace creg::http
