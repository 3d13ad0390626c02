// A holder of many small blocks against the real cregd and creg. Anyone can
// make such a holder by sending it single-serial transfers (a transfer may
// name 10,000 blocks); its holdings, its batch and their exports must still
// be readable, page by page, with the client's memory flat, and while
// twenty clients read them at once the node must keep answering others.
//
// Size: CREG_LARGE_LISTING_BLOCKS blocks (default 60,000: enough that the
// old single-answer holdings, about 66 bytes a block, passed the 4 MiB
// frame). By hand, at a million blocks (a few minutes to build):
//   CREG_LARGE_LISTING_BLOCKS=1000000 build/tests/node_large_listing_test
#include <fcntl.h>
#include <gtest/gtest.h>
#include <malloc.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include "ledger/json.h"
#include "ledger/registry/transaction.h"
#include "tests/support/node_process.h"

namespace creg {
namespace {

using testing::NodeProcess;

uint64_t BlockCount() {
  const char* env = std::getenv("CREG_LARGE_LISTING_BLOCKS");
  if (env == nullptr || *env == '\0') return 60'000;
  return std::max<uint64_t>(std::strtoull(env, nullptr, 10), 1000);
}

// A member as a number; 0 when missing.
uint64_t U(const json::Value& v, const char* key) {
  auto n = v.GetUint(key);
  return n.ok() ? *n : 0;
}

// A creg run: exit status, peak resident memory (from wait4), and where
// its output went. The peak includes what this test process held when it
// forked the run (the child starts as a copy of it), so the test keeps no
// large output in memory while it starts creg.
struct CregRun {
  int exit_code = -1;
  long peak_rss_kib = 0;
  std::string out_path;
  std::string err;
};

std::pair<uint64_t, uint64_t> CsvRowsAndQuantity(const std::string& path);

// What this test bounds (a streaming creg's peak memory, status answered
// within 1 s under 20 heavy readers) is a property of optimised builds:
// AddressSanitizer's quarantine keeps freed memory resident and its -O0
// build is several times slower. PagingTest checks the pages themselves
// under the sanitizers.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kBoundsAreMeasurable = false;
#else
constexpr bool kBoundsAreMeasurable = true;
#endif

class LargeListingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!kBoundsAreMeasurable) GTEST_SKIP() << "memory and time bounds need an optimised build";
  }

  static void SetUpTestSuite() {
    if (!kBoundsAreMeasurable) return;
    dir_ = new testing::TempDir();
    node_ = new NodeProcess(*dir_);
    ASSERT_TRUE(node_->Start());
    auto client = node_->Connect();
    ASSERT_NE(client, nullptr);
    PrivateKey op = node_->OperatorKey();
    seller_key_ = new PrivateKey(PrivateKey::Generate().value());
    PrivateKey other = PrivateKey::Generate().value();
    Commit(*client, OpenAccount("seller", *seller_key_), op);
    Commit(*client, OpenAccount("holder", other), op);
    Commit(*client, OpenAccount("tiny", other), op);
    pb::TransactionBody project = Body();
    auto* p = project.mutable_register_project();
    p->set_project_id("cookstoves-01");
    p->set_name("Cookstoves");
    p->set_standard("VCS");
    p->set_methodology("AMS-II.G");
    p->set_country("KE");
    p->set_proponent("seller");
    Commit(*client, project, op);
    pb::TransactionBody issue = Body();
    auto* i = issue.mutable_issue();
    i->set_project_id("cookstoves-01");
    i->set_vintage_start("2025-01-01");
    i->set_vintage_end("2025-12-31");
    i->set_quantity(2 * BlockCount());
    i->set_to_account("seller");
    i->set_verification_ref("VR-1");
    Commit(*client, issue, op);
    // The holder gets every odd serial, one block each, 10,000 a transfer;
    // tiny gets serial 2.
    Transfer(*client, "tiny", 2, 2);
    for (uint64_t first = 1; first <= 2 * BlockCount(); first += 20'000) {
      Transfer(*client, "holder", first, std::min(first + 19'999, 2 * BlockCount()));
      if (::testing::Test::HasFatalFailure()) return;
    }
  }

  static void TearDownTestSuite() {
    delete node_;
    delete seller_key_;
    delete dir_;
  }

  static pb::TransactionBody Body() {
    pb::TransactionBody body;
    body.set_origin(NodeProcess::kOrigin);
    body.set_nonce("n" + std::to_string(++nonce_));
    return body;
  }
  static pb::TransactionBody OpenAccount(const std::string& id, const PrivateKey& key) {
    pb::TransactionBody body = Body();
    body.mutable_open_account()->set_account_id(id);
    body.mutable_open_account()->set_role(pb::ROLE_HOLDER);
    body.mutable_open_account()->set_public_key(key.public_key().raw());
    return body;
  }
  static void Commit(Client& client, const pb::TransactionBody& body, const PrivateKey& key,
                     const std::string& signer = "operator") {
    auto answer = client.Submit(SignTransaction(body, signer, key));
    ASSERT_TRUE(answer.ok()) << answer.status().ToString();
    ASSERT_TRUE(answer->has_committed()) << answer->refused().message();
  }
  // Odd serials of first..last (first odd) from the seller to `to`, one
  // block each; or the single serial when first == last.
  static void Transfer(Client& client, const std::string& to, uint64_t first, uint64_t last) {
    pb::TransactionBody body = Body();
    auto* t = body.mutable_transfer();
    t->set_from_account("seller");
    t->set_to_account(to);
    for (uint64_t s = first; s <= last; s += first == last ? 1 : 2) {
      auto* b = t->mutable_credits()->add_blocks();
      b->set_batch(1);
      b->set_first(s);
      b->set_last(s);
    }
    Commit(client, body, *seller_key_, "seller");
  }

  CregRun Creg(std::vector<std::string> args) {
    static int runs = 0;
    CregRun run;
    run.out_path = dir_->Sub("creg-out-" + std::to_string(++runs));
    std::string err_path = run.out_path + ".err";
    args.insert(args.begin(), testing::ProgramPath("CREG_BIN"));
    malloc_trim(0);  // hand freed memory back first: the fork starts as a copy of this process
    args.push_back("--node");
    args.push_back(node_->address());
    pid_t pid = testing::SpawnProgram(args, run.out_path, err_path);
    int status = 0;
    rusage usage{};
    if (wait4(pid, &status, 0, &usage) == pid && WIFEXITED(status)) {
      run.exit_code = WEXITSTATUS(status);
    }
    run.peak_rss_kib = usage.ru_maxrss;
    run.err = testing::ReadTextFile(err_path);
    return run;
  }

  static uint64_t FileSize(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
  }

  // The client may not keep what it prints: the big read's peak memory
  // stays within this of a read of one block. Buffering the answers of a
  // 60,000-block holding costs well over it in creg (the old answer alone
  // was 4 MiB, its JSON tree several times that), a million blocks
  // hundreds of MiB.
  static constexpr long kFlatSlackKib = 24 * 1024;

  static testing::TempDir* dir_;
  static NodeProcess* node_;
  static PrivateKey* seller_key_;
  static uint64_t nonce_;
};

testing::TempDir* LargeListingTest::dir_ = nullptr;
NodeProcess* LargeListingTest::node_ = nullptr;
PrivateKey* LargeListingTest::seller_key_ = nullptr;
uint64_t LargeListingTest::nonce_ = 0;

TEST_F(LargeListingTest, HoldingsPrintPageByPageWithFlatClientMemory) {
  const uint64_t n = BlockCount();
  CregRun tiny = Creg({"holdings", "tiny", "--json"});
  ASSERT_EQ(tiny.exit_code, 0) << tiny.err;
  CregRun big = Creg({"holdings", "holder", "--json"});
  ASSERT_EQ(big.exit_code, 0) << big.err;
  EXPECT_EQ(big.err.find("Is cregd running"), std::string::npos) << big.err;
  // Each block is in the document, with its serial string.
  EXPECT_GT(FileSize(big.out_path), n * 60);
  if (n <= 100'000) {
    auto doc = json::Parse(testing::ReadTextFile(big.out_path));
    ASSERT_TRUE(doc.ok()) << doc.status().ToString();
    EXPECT_EQ(U(*doc, "total"), n);
    const json::Value& batches = *doc->Find("batches");
    ASSERT_EQ(batches.as_array().size(), 1u);  // one batch, across every page
    const json::Value& batch = batches.as_array()[0];
    EXPECT_EQ(U(batch, "quantity"), n);
    ASSERT_EQ(batch.Find("blocks")->as_array().size(), n);
    ASSERT_EQ(batch.Find("serials")->as_array().size(), n);
    EXPECT_EQ(U(batch.Find("blocks")->as_array()[n - 1], "first"), 2 * n - 1);
  }
  RecordProperty("tiny_peak_rss_kib", static_cast<int>(tiny.peak_rss_kib));
  RecordProperty("holdings_json_peak_rss_kib", static_cast<int>(big.peak_rss_kib));
  EXPECT_LT(big.peak_rss_kib, tiny.peak_rss_kib + kFlatSlackKib)
      << "creg holdings --json: peak " << big.peak_rss_kib << " KiB for " << n
      << " blocks, against " << tiny.peak_rss_kib << " KiB for one";

  CregRun table = Creg({"holdings", "holder"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  std::string text = testing::ReadTextFile(table.out_path);
  EXPECT_NE(text.find("total: " + std::to_string(n) + " credits held by holder"),
            std::string::npos);
  EXPECT_LT(table.peak_rss_kib, tiny.peak_rss_kib + kFlatSlackKib);
}

TEST_F(LargeListingTest, BatchAndExportsWork) {
  const uint64_t n = BlockCount();
  CregRun tiny = Creg({"holdings", "tiny", "--json"});
  ASSERT_EQ(tiny.exit_code, 0) << tiny.err;

  CregRun batch = Creg({"batch", "1", "--json"});
  ASSERT_EQ(batch.exit_code, 0) << batch.err;
  if (n <= 100'000) {
    auto doc = json::Parse(testing::ReadTextFile(batch.out_path));
    ASSERT_TRUE(doc.ok()) << doc.status().ToString();
    const auto& blocks = doc->Find("blocks")->as_array();
    ASSERT_EQ(blocks.size(), 2 * n);  // the holder's odd serials, the seller's even ones
    for (uint64_t i = 0; i < blocks.size(); i += 997) {
      EXPECT_EQ(U(blocks[i], "first"), i + 1);
    }
  }
  EXPECT_LT(batch.peak_rss_kib, tiny.peak_rss_kib + kFlatSlackKib);

  CregRun table = Creg({"batch", "1"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_GT(FileSize(table.out_path), 2 * n * 20);
  EXPECT_LT(table.peak_rss_kib, tiny.peak_rss_kib + kFlatSlackKib);

  std::string csv_path = dir_->Sub("holdings.csv");
  CregRun csv = Creg({"export", "holdings", "--holder", "holder", "-o", csv_path});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  // One row per 1,000 blocks; their quantities add up to the holding.
  auto [rows, total] = CsvRowsAndQuantity(csv_path);
  EXPECT_EQ(rows, (n + 999) / 1000);
  EXPECT_EQ(total, n);
  EXPECT_LT(csv.peak_rss_kib, tiny.peak_rss_kib + kFlatSlackKib);

  CregRun json = Creg({"export", "holdings", "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_LT(json.peak_rss_kib, tiny.peak_rss_kib + kFlatSlackKib);
}

// The data rows of a holdings export and the sum of their quantities.
// (Its text is freed on return: a creg started later is a fork of this
// process, and its peak memory counts what this process held then.)
std::pair<uint64_t, uint64_t> CsvRowsAndQuantity(const std::string& path) {
  std::string text = testing::ReadTextFile(path);
  uint64_t rows = 0, total = 0;
  size_t line = text.find('\n') + 1;  // after the header
  while (line < text.size()) {
    size_t end = text.find('\n', line);
    std::string row = text.substr(line, end - line);
    // account,batch,project_id,project_name,country,vintage_start,vintage_end,quantity,serials
    size_t at = 0;
    for (int comma = 0; comma < 7; ++comma) at = row.find(',', at) + 1;
    total += std::strtoull(row.c_str() + at, nullptr, 10);
    ++rows;
    line = end + 1;
  }
  return {rows, total};
}

// Reads every page of a listing on `client`; the number of pages, or 0 on
// a failure.
size_t ReadAllPages(Client& client, pb::Request request) {
  std::string cursor;
  size_t pages = 0;
  do {
    if (request.has_batch()) request.mutable_batch()->set_cursor(cursor);
    if (request.has_holdings()) request.mutable_holdings()->set_cursor(cursor);
    request.set_id(0);
    auto answer = client.Call(request);
    if (!answer.ok() || answer->has_error()) return 0;
    ++pages;
    cursor = answer->has_batch() ? answer->batch().next_cursor() : answer->holdings().next_cursor();
  } while (!cursor.empty());
  return pages;
}

TEST_F(LargeListingTest, TwentyHeavyReadersDoNotStallStatus) {
  constexpr int kReaders = 20;
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::atomic<size_t> pages{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&, r] {
      auto client = Client::Connect(node_->address());
      if (!client.ok()) {
        ++failures;
        return;
      }
      pb::Request request;
      if (r % 2 == 0) {
        request.mutable_batch()->set_batch(1);
      } else {
        request.mutable_holdings()->set_account_id("holder");
      }
      while (!stop) {
        size_t read = ReadAllPages(**client, request);
        if (read == 0) {
          ++failures;
          return;
        }
        pages += read;
      }
    });
  }
  // Status on its own connection, again and again while the readers page
  // through the big listings: each answer within a second.
  auto status_client = Client::Connect(node_->address());
  ASSERT_TRUE(status_client.ok());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  const size_t want_pages = 20 * kReaders;
  std::chrono::milliseconds slowest{0};
  int answered = 0;
  while ((pages < want_pages || answered < 50) && std::chrono::steady_clock::now() < deadline &&
         failures == 0) {
    auto start = std::chrono::steady_clock::now();
    auto status = (*status_client)->GetStatus();
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    ASSERT_TRUE(status.ok()) << status.status().ToString();
    EXPECT_LT(took, std::chrono::seconds(1)) << "status answer " << answered;
    slowest = std::max(slowest, took);
    ++answered;
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_GE(pages, want_pages) << "the readers did not get far enough in time";
  RecordProperty("status_answers", answered);
  RecordProperty("slowest_status_ms", static_cast<int>(slowest.count()));
  RecordProperty("pages_read", static_cast<int>(pages));
}

}  // namespace
}  // namespace creg
