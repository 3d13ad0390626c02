// node/etcd_client.h against a real etcd 3.4 member on loopback
// (tests/support/etcd_process.h): leases, reads, the campaign, and the
// fenced swap refused exactly when it must be.
#include "node/etcd_client.h"

#include <gtest/gtest.h>

#include <utility>  // before Asio (GCC 12, see DESIGN.md)

#include <boost/asio.hpp>

#include "tests/support/etcd_process.h"
#include "tests/support/status_assertions.h"

namespace creg {
namespace {

using std::chrono::seconds;

constexpr std::string_view kLeader = "/creg/t/leader";
constexpr std::string_view kCheckpoint = "/creg/t/checkpoint";

class EtcdClientTest : public testing::EtcdTest {
 protected:
  std::unique_ptr<EtcdClient> NewClient() {
    auto client = EtcdClient::Create({etcd().url()});
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return client.ok() ? std::move(client).value() : nullptr;
  }

  EtcdLease NewLease(EtcdClient& client) {
    StatusOr<EtcdLease> lease = client.Grant(seconds(5));
    EXPECT_TRUE(lease.ok()) << lease.status().ToString();
    return lease.ok() ? *lease : EtcdLease{};
  }

  static etcd::SwapRequest SwapOf(int64_t term, int64_t mod_revision, std::string_view note) {
    etcd::SwapRequest swap;
    swap.leader_key = kLeader;
    swap.term_revision = term;
    swap.key = kCheckpoint;
    swap.mod_revision = mod_revision;
    swap.value = note;
    return swap;
  }
};

using testing::FailsWith;

TEST_F(EtcdClientTest, GrantsTheTtlEtcdGrants) {
  auto client = NewClient();
  ASSERT_NE(client, nullptr);
  // 1 s is below etcd's minimum with its default election timeout.
  StatusOr<EtcdLease> lease = client->Grant(seconds(1));
  ASSERT_TRUE(lease.ok()) << lease.status().ToString();
  EXPECT_GT(lease->id, 0);
  EXPECT_EQ(lease->ttl, seconds(2));
  StatusOr<seconds> renewed = client->KeepAlive(lease->id);
  ASSERT_TRUE(renewed.ok()) << renewed.status().ToString();
  EXPECT_EQ(*renewed, seconds(2));
  EXPECT_EQ(client->Grant(seconds(0)).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(EtcdClientTest, RevokedLeaseIsGone) {
  auto client = NewClient();
  ASSERT_NE(client, nullptr);
  const EtcdLease lease = NewLease(*client);
  ASSERT_TRUE(client->Campaign(kLeader, "a:1", lease.id).ok());
  ASSERT_TRUE(client->Revoke(lease.id).ok());
  // etcd answers the keepalive of a lease it no longer has without a TTL.
  EXPECT_TRUE(FailsWith(client->KeepAlive(lease.id).status(), StatusCode::kNotFound,
                        "lease " + std::to_string(lease.id) + " is gone"));
  EXPECT_TRUE(FailsWith(client->Revoke(lease.id), StatusCode::kNotFound, "lease not found"));
  // Its key went with it.
  StatusOr<std::optional<etcd::KeyValue>> leader = client->Get(kLeader);
  ASSERT_TRUE(leader.ok()) << leader.status().ToString();
  EXPECT_FALSE(leader->has_value());
}

TEST_F(EtcdClientTest, OneOfTwoCampaignsWinsAndTheLoserLearnsTheWinner) {
  auto a = NewClient();
  auto b = NewClient();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  const EtcdLease lease_a = NewLease(*a);
  const EtcdLease lease_b = NewLease(*b);
  StatusOr<EtcdCampaign> won = a->Campaign(kLeader, "127.0.0.1:7601", lease_a.id);
  ASSERT_TRUE(won.ok()) << won.status().ToString();
  EXPECT_TRUE(won->won);
  EXPECT_GT(won->term_revision, 0);
  EXPECT_EQ(won->leader, "127.0.0.1:7601");

  StatusOr<EtcdCampaign> lost = b->Campaign(kLeader, "127.0.0.1:7602", lease_b.id);
  ASSERT_TRUE(lost.ok()) << lost.status().ToString();
  EXPECT_FALSE(lost->won);
  EXPECT_EQ(lost->leader, "127.0.0.1:7601");
  EXPECT_EQ(lost->term_revision, won->term_revision);
  EXPECT_EQ(lost->leader_lease, lease_a.id);

  // The key as stored: the winner's value, bound to its lease, created at
  // the term's revision.
  StatusOr<std::optional<etcd::KeyValue>> key = b->Get(kLeader);
  ASSERT_TRUE(key.ok() && key->has_value()) << key.status().ToString();
  EXPECT_EQ((*key)->value, "127.0.0.1:7601");
  EXPECT_EQ((*key)->lease, lease_a.id);
  EXPECT_EQ((*key)->create_revision, won->term_revision);

  // A campaign repeated with the winner's lease (as after a retry on
  // another endpoint) finds its own key: still won, same term.
  StatusOr<EtcdCampaign> again = a->Campaign(kLeader, "127.0.0.1:7601", lease_a.id);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->won);
  EXPECT_EQ(again->term_revision, won->term_revision);
}

TEST_F(EtcdClientTest, SwapIsFencedByTheTermAndTheModRevision) {
  auto a = NewClient();
  auto b = NewClient();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  const EtcdLease lease_a = NewLease(*a);
  StatusOr<EtcdCampaign> term_a = a->Campaign(kLeader, "a:1", lease_a.id);
  ASSERT_TRUE(term_a.ok() && term_a->won) << term_a.status().ToString();
  const int64_t r_a = term_a->term_revision;

  // The first swap expects no checkpoint (mod_revision 0).
  StatusOr<int64_t> m1 = a->Swap(SwapOf(r_a, 0, "note-1"));
  ASSERT_TRUE(m1.ok()) << m1.status().ToString();
  EXPECT_GT(*m1, r_a);
  // A stale mod_revision is refused, and says so.
  EXPECT_TRUE(FailsWith(a->Swap(SwapOf(r_a, 0, "note-2")).status(), StatusCode::kFailedPrecondition,
                        "the key exists (mod_revision " + std::to_string(*m1) + "), not absent"));
  EXPECT_TRUE(
      FailsWith(a->Swap(SwapOf(r_a, *m1 - 1, "note-2")).status(), StatusCode::kFailedPrecondition,
                "mod_revision is " + std::to_string(*m1) + ", not " + std::to_string(*m1 - 1)));
  StatusOr<int64_t> m2 = a->Swap(SwapOf(r_a, *m1, "note-2"));
  ASSERT_TRUE(m2.ok()) << m2.status().ToString();
  EXPECT_GT(*m2, *m1);

  // A's lease revoked: its leader key is gone, its swaps are refused.
  ASSERT_TRUE(a->Revoke(lease_a.id).ok());
  EXPECT_TRUE(FailsWith(a->Swap(SwapOf(r_a, *m2, "note-3")).status(),
                        StatusCode::kFailedPrecondition, "the leader key is gone"));

  // B takes over: A, still at its old term, is refused; B is not.
  const EtcdLease lease_b = NewLease(*b);
  StatusOr<EtcdCampaign> term_b = b->Campaign(kLeader, "b:1", lease_b.id);
  ASSERT_TRUE(term_b.ok() && term_b->won) << term_b.status().ToString();
  const int64_t r_b = term_b->term_revision;
  EXPECT_GT(r_b, r_a);
  EXPECT_TRUE(FailsWith(a->Swap(SwapOf(r_a, *m2, "note-3")).status(),
                        StatusCode::kFailedPrecondition,
                        "create_revision is " + std::to_string(r_b) + ", not " +
                            std::to_string(r_a) + " (another term)"));
  StatusOr<int64_t> m3 = b->Swap(SwapOf(r_b, *m2, "note-b"));
  ASSERT_TRUE(m3.ok()) << m3.status().ToString();
  StatusOr<std::optional<etcd::KeyValue>> checkpoint = a->Get(kCheckpoint);
  ASSERT_TRUE(checkpoint.ok() && checkpoint->has_value()) << checkpoint.status().ToString();
  EXPECT_EQ((*checkpoint)->value, "note-b");
  EXPECT_EQ((*checkpoint)->mod_revision, *m3);
  EXPECT_EQ((*checkpoint)->lease, 0);

  // The same swap again (as after a retry on another endpoint) finds its
  // own value in place under the same term: swapped, at that revision.
  StatusOr<int64_t> repeated = b->Swap(SwapOf(r_b, *m2, "note-b"));
  ASSERT_TRUE(repeated.ok()) << repeated.status().ToString();
  EXPECT_EQ(*repeated, *m3);
}

TEST_F(EtcdClientTest, AbsentKeyAndPrefixes) {
  auto client = NewClient();
  ASSERT_NE(client, nullptr);
  StatusOr<std::optional<etcd::KeyValue>> absent = client->Get("/creg/t/none");
  ASSERT_TRUE(absent.ok()) << absent.status().ToString();
  EXPECT_FALSE(absent->has_value());
  StatusOr<std::vector<etcd::KeyValue>> none = client->List("/creg/t/members/", true);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());

  // Keys just outside the prefix on both sides, and the range end itself.
  const EtcdLease lease = NewLease(*client);
  for (std::string_view key :
       {"/creg/t/members", "/creg/t/members/b:2", "/creg/t/members/a:1", "/creg/t/members0"}) {
    StatusOr<EtcdCampaign> put = client->Campaign(key, key.substr(key.rfind('/') + 1), lease.id);
    ASSERT_TRUE(put.ok() && put->won) << key << " " << put.status().ToString();
  }
  StatusOr<std::vector<etcd::KeyValue>> keys = client->List("/creg/t/members/", true);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].key, "/creg/t/members/a:1");
  EXPECT_EQ((*keys)[0].value, "");  // keys only
  EXPECT_EQ((*keys)[0].lease, lease.id);
  EXPECT_EQ((*keys)[1].key, "/creg/t/members/b:2");
  StatusOr<std::vector<etcd::KeyValue>> values = client->List("/creg/t/members/", false);
  ASSERT_TRUE(values.ok()) << values.status().ToString();
  ASSERT_EQ(values->size(), 2u);
  EXPECT_EQ((*values)[0].value, "a:1");
}

TEST_F(EtcdClientTest, EndpointsAreTriedInTurn) {
  // A port nothing listens on: bound, then released.
  std::string dead;
  {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    dead = "http://127.0.0.1:" + std::to_string(a.local_endpoint().port());
  }
  auto client = EtcdClient::Create({dead, etcd().url()});
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  for (int i = 0; i < 2; ++i) {
    StatusOr<std::optional<etcd::KeyValue>> got = (*client)->Get(kLeader);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
  }
  etcd().Kill();
  auto none = (*client)->Get(kLeader);
  EXPECT_TRUE(FailsWith(none.status(), StatusCode::kUnavailable, "no etcd endpoint answered"));
  for (const std::string& url : {dead, etcd().url()}) {
    EXPECT_NE(none.status().message().find(url + "/v3/kv/range: cannot connect"), std::string::npos)
        << none.status().ToString();
  }
}

TEST_F(EtcdClientTest, PausedMemberTimesOutWithinTheDeadline) {
  auto client = NewClient();
  ASSERT_NE(client, nullptr);
  const EtcdLease lease = NewLease(*client);
  ASSERT_TRUE(etcd().Pause());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(FailsWith(client->KeepAlive(lease.id, std::chrono::milliseconds(300)).status(),
                        StatusCode::kUnavailable, "timed out"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(3));
  ASSERT_TRUE(etcd().Resume());
  StatusOr<seconds> renewed = client->KeepAlive(lease.id);
  EXPECT_TRUE(renewed.ok()) << renewed.status().ToString();
}

TEST(EtcdUrlTest, HttpOnly) {
  EXPECT_EQ(ParseEtcdUrl("http://127.0.0.1:2379").value(), "127.0.0.1:2379");
  EXPECT_EQ(ParseEtcdUrl("http://[::1]:2379/").value(), "[::1]:2379");
  EXPECT_EQ(ParseEtcdUrl("http://etcd-1.example:2379").value(), "etcd-1.example:2379");
  EXPECT_TRUE(FailsWith(ParseEtcdUrl("https://127.0.0.1:2379").status(),
                        StatusCode::kInvalidArgument, "TLS to etcd is not supported yet"));
  EXPECT_TRUE(FailsWith(ParseEtcdUrl("127.0.0.1:2379").status(), StatusCode::kInvalidArgument,
                        "does not start with http://"));
  EXPECT_TRUE(FailsWith(ParseEtcdUrl("http://127.0.0.1:2379/v3").status(),
                        StatusCode::kInvalidArgument, "has a path"));
  EXPECT_TRUE(FailsWith(ParseEtcdUrl("http://127.0.0.1").status(), StatusCode::kInvalidArgument,
                        "etcd URL 'http://127.0.0.1'"));
  EXPECT_TRUE(
      FailsWith(EtcdClient::Create({}).status(), StatusCode::kInvalidArgument, "no etcd URL"));
  EXPECT_TRUE(FailsWith(EtcdClient::Create({"http://127.0.0.1:1", "https://127.0.0.1:2"}).status(),
                        StatusCode::kInvalidArgument, "https://127.0.0.1:2"));
}

}  // namespace
}  // namespace creg
