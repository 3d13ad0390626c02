#include "node/read_policy.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <vector>

namespace creg {
namespace {

ReadRequest Req(ReadKind kind, std::string account = "") {
  ReadRequest r;
  r.kind = kind;
  r.account = std::move(account);
  return r;
}

const std::vector<ReadPolicy> kPolicies = {ReadPolicy::kPublicLog, ReadPolicy::kRegistry,
                                           ReadPolicy::kPrivate};

TEST(ReadPolicyTest, NamesRoundTripAndUnknownNamesAreRefused) {
  for (ReadPolicy p : kPolicies) {
    auto parsed = ParseReadPolicy(ReadPolicyName(p));
    ASSERT_TRUE(parsed.ok()) << ReadPolicyName(p);
    EXPECT_EQ(*parsed, p);
  }
  EXPECT_EQ(ReadPolicyName(ReadPolicy::kPublicLog), "public-log");
  EXPECT_EQ(ReadPolicyName(ReadPolicy::kRegistry), "registry");
  EXPECT_EQ(ReadPolicyName(ReadPolicy::kPrivate), "private");
  for (std::string_view bad : {"", "public", "Registry", "private ", "open"}) {
    auto parsed = ParseReadPolicy(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find("public-log, registry or private"), std::string::npos);
  }
}

// Every body of a Request is either a read with a ReadRequest or one of the
// few that are not: a request type added later cannot slip past the policy.
TEST(ReadPolicyTest, EveryRequestTypeIsClassified) {
  const std::set<std::string> not_reads = {"submit", "sign_in_challenge", "sign_in",
                                           "mirror_synced"};
  const google::protobuf::OneofDescriptor* body =
      pb::Request::descriptor()->FindOneofByName("body");
  ASSERT_NE(body, nullptr);
  for (int i = 0; i < body->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = body->field(i);
    pb::Request request;
    request.GetReflection()->MutableMessage(&request, field);
    EXPECT_EQ(ReadRequestOf(request).has_value(), not_reads.count(field->name()) == 0)
        << field->name();
  }
  EXPECT_FALSE(ReadRequestOf(pb::Request()).has_value());
}

TEST(ReadPolicyTest, RequestsNameTheAccountTheyConcern) {
  pb::Request r;
  r.mutable_holdings()->set_account_id("alice");
  EXPECT_EQ(ReadRequestOf(r)->kind, ReadKind::kHoldings);
  EXPECT_EQ(ReadRequestOf(r)->account, "alice");
  r.mutable_history()->set_account_id("bob");
  EXPECT_EQ(ReadRequestOf(r)->account, "bob");
  r.mutable_account()->set_account_id("carol");
  EXPECT_EQ(ReadRequestOf(r)->account, "carol");
  r.mutable_batch()->set_batch(1);
  EXPECT_EQ(ReadRequestOf(r)->kind, ReadKind::kBatchBlocks);
  r.mutable_batch()->set_without_blocks(true);
  EXPECT_EQ(ReadRequestOf(r)->kind, ReadKind::kBatch);
}

// The table of docs/security.md, "Read access". Columns: the public, the
// holder the request is about (alice), another holder (bob), an auditor, an
// operator. Rows: each kind, under `registry`; `private` is the same but
// with the public refused everything; `public-log` allows everything.
struct Row {
  ReadKind kind;
  bool entries_in_history;     // kEntries: the run is in alice's history
  std::vector<bool> registry;  // public, alice, bob, auditor, operator
};

const std::vector<Row> kTable = {
    {ReadKind::kStatus, false, {true, true, true, true, true}},
    {ReadKind::kCheckpoint, false, {true, true, true, true, true}},
    {ReadKind::kInclusionProof, false, {true, true, true, true, true}},
    {ReadKind::kConsistencyProof, false, {true, true, true, true, true}},
    {ReadKind::kProject, false, {true, true, true, true, true}},
    {ReadKind::kBatch, false, {true, true, true, true, true}},
    {ReadKind::kRetirement, false, {true, true, true, true, true}},
    {ReadKind::kRetirements, false, {true, true, true, true, true}},
    {ReadKind::kCertificate, false, {true, true, true, true, true}},
    {ReadKind::kAccount, false, {false, true, false, true, true}},
    {ReadKind::kHoldings, false, {false, true, false, true, true}},
    {ReadKind::kHistory, false, {false, true, false, true, true}},
    // Entries in alice's history: alice reads them; bob's check says no.
    {ReadKind::kEntries, true, {false, true, true, true, true}},
    {ReadKind::kEntries, false, {false, false, false, true, true}},
    {ReadKind::kBatchBlocks, false, {false, false, false, true, true}},
    {ReadKind::kSubscribe, false, {false, false, false, true, true}},
    {ReadKind::kProvenance, false, {false, false, false, true, true}},
};

std::vector<Reader> Readers() {
  return {Reader::Public(), Reader::SignedIn("alice", pb::ROLE_HOLDER),
          Reader::SignedIn("bob", pb::ROLE_HOLDER), Reader::SignedIn("inspector", pb::ROLE_AUDITOR),
          Reader::SignedIn("operator", pb::ROLE_OPERATOR)};
}

TEST(ReadPolicyTest, DecisionsFollowTheTable) {
  const std::vector<Reader> readers = Readers();
  for (const Row& row : kTable) {
    ReadRequest request;
    request.kind = row.kind;
    request.account = "alice";
    request.entries_in_history = row.entries_in_history;
    for (size_t i = 0; i < readers.size(); ++i) {
      for (ReadPolicy policy : kPolicies) {
        bool expected = policy == ReadPolicy::kPublicLog ||
                        (row.registry[i] && !(policy == ReadPolicy::kPrivate && i == 0));
        Status got = DecideRead(policy, readers[i], request);
        SCOPED_TRACE(std::string(ReadPolicyName(policy)) + " kind " +
                     std::to_string(static_cast<int>(row.kind)) + " reader " +
                     (readers[i].signed_in() ? readers[i].account_id : "public"));
        EXPECT_EQ(got.ok(), expected) << got.ToString();
        if (!got.ok()) {
          EXPECT_EQ(got.code(), StatusCode::kNotAuthorized);
          EXPECT_NE(got.message().find(std::string(ReadPolicyName(policy))), std::string::npos);
          EXPECT_NE(got.message().find("may read"), std::string::npos) << got.message();
        }
      }
    }
  }
}

TEST(ReadPolicyTest, RefusalsSayWhatTheCallerMayReadInstead) {
  ReadRequest holdings = Req(ReadKind::kHoldings, "alice");
  Status pub = DecideRead(ReadPolicy::kRegistry, Reader::Public(), holdings);
  EXPECT_NE(pub.message().find("the public may read the status"), std::string::npos)
      << pub.message();
  Status bob =
      DecideRead(ReadPolicy::kRegistry, Reader::SignedIn("bob", pb::ROLE_HOLDER), holdings);
  EXPECT_NE(bob.message().find("account 'bob' may read"), std::string::npos) << bob.message();
  EXPECT_NE(bob.message().find("its own account record"), std::string::npos);
  Status closed = DecideRead(ReadPolicy::kPrivate, Reader::Public(), ReadRequest{});
  EXPECT_NE(closed.message().find("only signed-in accounts may read"), std::string::npos)
      << closed.message();
}

// A role the registry does not know (an account record from a newer build)
// gets no more than a holder.
TEST(ReadPolicyTest, UnknownRolesReadLikeHolders) {
  Reader odd = Reader::SignedIn("odd", static_cast<pb::Role>(42));
  EXPECT_FALSE(odd.privileged());
  EXPECT_FALSE(DecideRead(ReadPolicy::kRegistry, odd, Req(ReadKind::kSubscribe)).ok());
  EXPECT_TRUE(DecideRead(ReadPolicy::kRegistry, odd, Req(ReadKind::kHoldings, "odd")).ok());
}

}  // namespace
}  // namespace creg
