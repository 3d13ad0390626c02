// A real cregd serving C2SP tlog-tiles over HTTP on loopback (docs/http.md):
// a client that reads only /checkpoint, tiles and entry bundles rebuilds the
// signed root and every leaf; other methods, malformed paths and bodies are
// refused; the read policy keeps entry bundles private. Attacks on the
// server itself are in http_hostile_test.cc.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ledger/checkpoint.h"
#include "ledger/merkle.h"
#include "ledger/registry/transaction.h"
#include "ledger/tiles.h"
#include "tests/support/http_client.h"
#include "tests/support/node_process.h"
#include "tests/support/temp_dir.h"

namespace creg::testing {
namespace {

using Clock = std::chrono::steady_clock;

// Adds `count` accounts to the node's log, pipelined on one connection.
void AddAccounts(const NodeProcess& node, size_t count) {
  std::unique_ptr<Client> client = node.Connect();
  ASSERT_NE(client, nullptr);
  const PrivateKey op = node.OperatorKey();
  const PrivateKey key = PrivateKey::Generate().value();
  std::vector<pb::Request> requests(count);
  for (size_t i = 0; i < count; ++i) {
    pb::TransactionBody body;
    body.set_origin(NodeProcess::kOrigin);
    body.set_nonce("http-" + std::to_string(i));
    auto* open = body.mutable_open_account();
    open->set_account_id("holder-" + std::to_string(i));
    open->set_role(pb::ROLE_HOLDER);
    open->set_public_key(key.public_key().raw());
    requests[i].mutable_submit()->set_signed_transaction(SignTransaction(body, "operator", op));
  }
  ASSERT_TRUE(client->SendAll(requests).ok());
  for (size_t i = 0; i < count; ++i) {
    StatusOr<pb::Response> response = client->Receive();
    ASSERT_TRUE(response.ok()) << response.status().ToString();
    ASSERT_TRUE(response->has_submit() && response->submit().has_committed())
        << response->DebugString();
  }
}

// Polls /checkpoint until it verifies and names `size` entries.
Checkpoint SignedCheckpointOfSize(HttpClient& http, const NodeProcess& node, uint64_t size) {
  const NoteVerifier verifier = NoteVerifier::FromVerifierKey(node.VerifierKey()).value();
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  Checkpoint checkpoint;
  do {
    StatusOr<HttpResponse> got = http.Get("/checkpoint");
    if (got.ok() && got->status == 200) {
      EXPECT_EQ(got->Header("content-type"), "text/plain; charset=utf-8");
      EXPECT_EQ(got->Header("cache-control"), "no-store");
      EXPECT_EQ(got->Header("access-control-allow-origin"), "*");
      StatusOr<Checkpoint> verified = VerifyCheckpoint(got->body, verifier, NodeProcess::kOrigin);
      EXPECT_TRUE(verified.ok()) << verified.status().ToString() << "\n" << got->body;
      if (verified.ok()) checkpoint = *verified;
    }
  } while (checkpoint.size != size && Clock::now() < deadline);
  EXPECT_EQ(checkpoint.size, size);
  return checkpoint;
}

// Reads a tree through its tiles only, as a tlog-tiles client does.
class TileReader {
 public:
  TileReader(HttpClient& http, uint64_t size) : http_(http), size_(size) {}

  // Tile (level, index) at the width the tree of `size` has there.
  const std::vector<Hash>& Tile(int level, uint64_t index) {
    auto key = std::make_pair(level, index);
    auto it = tiles_.find(key);
    if (it != tiles_.end()) return it->second;
    tiles::TileId id{false, level, index, tiles::WidthInTree(size_, level, index)};
    std::vector<Hash>& hashes = tiles_[key];
    StatusOr<HttpResponse> got = http_.Get("/" + tiles::TilePath(id));
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    if (!got.ok()) return hashes;
    EXPECT_EQ(got->status, 200u) << tiles::TilePath(id) << ": " << got->body;
    EXPECT_EQ(got->Header("content-type"), "application/octet-stream");
    EXPECT_EQ(got->Header("cache-control"), "public, max-age=604800, immutable");
    EXPECT_EQ(got->Header("access-control-allow-origin"), "*");
    EXPECT_EQ(got->body.size(), size_t{id.width} * Hash::kSize) << tiles::TilePath(id);
    for (size_t at = 0; at + Hash::kSize <= got->body.size(); at += Hash::kSize) {
      hashes.push_back(
          Hash::FromBytes(std::string_view(got->body).substr(at, Hash::kSize)).value());
    }
    return hashes;
  }

  // Perfect subtree (level, index) of the tree, from the tiles alone: the
  // tile hashes at level 8L it spans, hashed up the remaining levels.
  StatusOr<Hash> Node(int level, uint64_t index) {
    const int tile_level = level / tiles::kTileHeight;
    const int up = level % tiles::kTileHeight;
    const uint64_t first = index << up;
    const std::vector<Hash>& tile = Tile(tile_level, first / tiles::kTileWidth);
    const size_t at = static_cast<size_t>(first % tiles::kTileWidth);
    if (at + (size_t{1} << up) > tile.size()) return DataLossError("tile too short");
    std::vector<Hash> row(tile.begin() + static_cast<ptrdiff_t>(at),
                          tile.begin() + static_cast<ptrdiff_t>(at + (size_t{1} << up)));
    while (row.size() > 1) {
      std::vector<Hash> next;
      for (size_t i = 0; i < row.size(); i += 2)
        next.push_back(merkle::NodeHash(row[i], row[i + 1]));
      row = std::move(next);
    }
    return row[0];
  }

  size_t fetched() const { return tiles_.size(); }

 private:
  HttpClient& http_;
  uint64_t size_;
  std::map<std::pair<int, uint64_t>, std::vector<Hash>> tiles_;
};

// Splits an entry bundle into its entries.
std::vector<std::string> Unbundle(const std::string& bundle) {
  std::vector<std::string> entries;
  size_t at = 0;
  while (at + 2 <= bundle.size()) {
    const size_t length =
        (static_cast<unsigned char>(bundle[at]) << 8) | static_cast<unsigned char>(bundle[at + 1]);
    at += 2;
    EXPECT_LE(at + length, bundle.size()) << "bundle cut off";
    entries.push_back(bundle.substr(at, length));
    at += length;
  }
  EXPECT_EQ(at, bundle.size()) << "bundle has trailing bytes";
  return entries;
}

class HttpTest : public ::testing::Test {
 protected:
  // Starts a node with --http on loopback and `flags`.
  void StartNode(std::vector<std::string> flags = {}) {
    node_ = std::make_unique<NodeProcess>(dir_);
    flags.insert(flags.begin(), {"--http", "127.0.0.1:0"});
    ASSERT_TRUE(node_->Start(flags));
    ASSERT_FALSE(node_->http_address().empty());
  }

  TempDir dir_;
  std::unique_ptr<NodeProcess> node_;
};

TEST_F(HttpTest, TilesAndBundlesRebuildTheSignedRootAndEveryLeaf) {
  StartNode();
  const uint64_t size = 600;  // level 0: 2 full tiles and 88; level 1: 2
  AddAccounts(*node_, size - 1);
  if (HasFatalFailure()) return;
  HttpClient http(node_->http_address());
  const Checkpoint checkpoint = SignedCheckpointOfSize(http, *node_, size);
  ASSERT_EQ(checkpoint.size, size);

  TileReader reader(http, size);
  StatusOr<Hash> root =
      merkle::RootAt(size, [&](int level, uint64_t index) { return reader.Node(level, index); });
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(*root, checkpoint.root);

  // Each level-1 hash is the root of a full level-0 tile.
  const std::vector<Hash>& level1 = reader.Tile(1, 0);
  ASSERT_EQ(level1.size(), 2u);
  for (uint64_t n = 0; n < 2; ++n) EXPECT_EQ(level1[n], reader.Node(8, n).value());

  // Every entry hashes to its leaf.
  uint64_t index = 0;
  for (uint64_t n = 0; n <= tiles::FullTiles(size, 0); ++n) {
    tiles::TileId bundle{true, 0, n, tiles::WidthInTree(size, 0, n)};
    StatusOr<HttpResponse> got = http.Get("/" + tiles::TilePath(bundle));
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ASSERT_EQ(got->status, 200u) << got->body;
    EXPECT_EQ(got->Header("content-type"), "application/octet-stream");
    EXPECT_EQ(got->Header("access-control-allow-origin"), "*");
    std::vector<std::string> entries = Unbundle(got->body);
    ASSERT_EQ(entries.size(), bundle.width);
    const std::vector<Hash>& leaves = reader.Tile(0, n);
    for (size_t i = 0; i < entries.size(); ++i, ++index) {
      EXPECT_EQ(merkle::LeafHash(entries[i]), leaves.at(i)) << "entry " << index;
    }
  }
  EXPECT_EQ(index, size);
  EXPECT_EQ(http.connects(), 1) << "keep-alive should serve every request on one connection";
}

TEST_F(HttpTest, PartialTilesOfEarlierSizesOnlyUpToTheTree) {
  StartNode();
  AddAccounts(*node_, 299);  // 300 entries: level 0 tile 1 holds 44
  if (HasFatalFailure()) return;
  HttpClient http(node_->http_address());
  SignedCheckpointOfSize(http, *node_, 300);
  StatusOr<HttpResponse> wide = http.Get("/tile/0/001.p/44");
  ASSERT_TRUE(wide.ok());
  ASSERT_EQ(wide->status, 200u);
  StatusOr<HttpResponse> narrow = http.Get("/tile/0/001.p/10");
  ASSERT_TRUE(narrow.ok());
  EXPECT_EQ(narrow->status, 200u);
  EXPECT_EQ(narrow->body, wide->body.substr(0, 10 * Hash::kSize));
  for (const char* missing :
       {"/tile/0/001.p/45", "/tile/0/001", "/tile/0/002.p/1", "/tile/1/000", "/tile/1/000.p/2",
        "/tile/2/000.p/1", "/tile/entries/001.p/45", "/tile/entries/002.p/1"}) {
    StatusOr<HttpResponse> got = http.Get(missing);
    ASSERT_TRUE(got.ok()) << missing;
    EXPECT_EQ(got->status, 404u) << missing << ": " << got->body;
    EXPECT_EQ(got->Header("access-control-allow-origin"), "*");
  }
  StatusOr<HttpResponse> head = http.Request("HEAD", "/tile/0/000");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->status, 200u);
  EXPECT_EQ(head->Header("content-length"), "8192");
  EXPECT_TRUE(head->body.empty());
  EXPECT_EQ(http.connects(), 1);
}

TEST_F(HttpTest, RefusesOtherMethodsMalformedPathsAndBodies) {
  StartNode();
  HttpClient http(node_->http_address());
  for (const char* method : {"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"}) {
    StatusOr<HttpResponse> got = http.Request(method, "/checkpoint");
    ASSERT_TRUE(got.ok()) << method << ": " << got.status().ToString();
    EXPECT_EQ(got->status, 405u) << method;
    EXPECT_EQ(got->Header("allow"), "GET, HEAD") << method;
  }
  for (const char* path :
       {"/tile", "/tile/", "/tile/../checkpoint", "/tile/0/../../etc/passwd", "/%2e%2e/checkpoint",
        "/tile/0/%2e%2e/000", "/tile/0/x000/001", "/tile/00/000", "/tile/64/000", "/tile/0/000.p/0",
        "/tile/0/000.p/256", "/tile/0/000.p/01", "/tile/0/000/", "/tile/entries/000/",
        "/tile/0/x018/x446/x744/x073/x709/x551/616", "/checkpoint/", "/CHECKPOINT", "//checkpoint",
        "/metrics"}) {
    StatusOr<HttpResponse> got = http.Get(path);
    ASSERT_TRUE(got.ok()) << path << ": " << got.status().ToString();
    EXPECT_TRUE(got->status == 400 || got->status == 404) << path << ": " << got->status;
  }
  // A body is never read: the request is answered and the connection closed.
  RawExchange post =
      SendRaw(node_->http_address(),
              "POST /checkpoint HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_EQ(post.received.rfind("HTTP/1.1 405", 0), 0u) << post.received;
  EXPECT_TRUE(post.closed_by_node);
  RawExchange get =
      SendRaw(node_->http_address(),
              "GET /checkpoint HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_EQ(get.received.rfind("HTTP/1.1 400", 0), 0u) << get.received;
  EXPECT_TRUE(get.closed_by_node);
  RawExchange garbage = SendRaw(node_->http_address(), "\x16\x03\x01 not http\r\n\r\n");
  EXPECT_TRUE(garbage.closed_by_node);
  // Still serving.
  HttpClient after(node_->http_address());
  StatusOr<HttpResponse> ok = after.Get("/checkpoint");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->status, 200u);
}

TEST_F(HttpTest, BadHttpFlagsStopTheNodeBeforeItServesNamingTheFlag) {
  NodeProcess node(dir_);  // makes the data folder; never started
  struct Case {
    std::vector<std::string> flags;
    int exit_code;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"--http-max-connections", "0"}, 2, "--http-max-connections"},
      {{"--http-max-connections-per-address", "0"}, 2, "--http-max-connections-per-address"},
      {{"--http-read-timeout", "0"}, 2, "--http-read-timeout"},
      {{"--http", "nowhere"}, 1, "address 'nowhere' is not HOST:PORT"},
      {{"--http", "127.0.0.1:99999"}, 1, "port '99999'"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> argv = {ProgramPath("CREGD_BIN"), "run",      "--data",
                                     node.data_dir(),          "--listen", "127.0.0.1:0"};
    argv.insert(argv.end(), c.flags.begin(), c.flags.end());
    RunResult run = RunProgram(argv);
    EXPECT_EQ(run.exit_code, c.exit_code) << c.flags[0] << "\n" << run.out << run.err;
    EXPECT_NE((run.out + run.err).find(c.says), std::string::npos) << c.flags[0] << "\n"
                                                                   << run.out << run.err;
    EXPECT_EQ((run.out + run.err).find("serving on"), std::string::npos) << c.flags[0];
  }
}

TEST_F(HttpTest, RegistryPolicyKeepsEntryBundlesPrivateButTilesPublic) {
  for (const char* policy : {"registry", "private"}) {
    SCOPED_TRACE(policy);
    StartNode({"--read-policy", policy});
    HttpClient http(node_->http_address());
    StatusOr<HttpResponse> bundle = http.Get("/tile/entries/000.p/1");
    ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
    EXPECT_EQ(bundle->status, 403u);
    EXPECT_NE(bundle->body.find("read policy"), std::string::npos) << bundle->body;
    EXPECT_NE(bundle->body.find("checkpoints and hash tiles are public"), std::string::npos)
        << bundle->body;
    EXPECT_EQ(bundle->Header("access-control-allow-origin"), "*");
    StatusOr<HttpResponse> tile = http.Get("/tile/0/000.p/1");
    ASSERT_TRUE(tile.ok());
    EXPECT_EQ(tile->status, 200u);
    EXPECT_EQ(tile->body.size(), Hash::kSize);
    StatusOr<HttpResponse> checkpoint = http.Get("/checkpoint");
    ASSERT_TRUE(checkpoint.ok());
    EXPECT_EQ(checkpoint->status, 200u);
    node_->Stop();
    node_.reset();
  }
}

}  // namespace
}  // namespace creg::testing
