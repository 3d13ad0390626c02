// The JSON API (docs/http.md, "JSON API") of a real cregd over HTTP on
// loopback: every endpoint answers the objects of creg --json, listings
// page with URL-safe cursors, retirements come newest first, bad input is
// 400 with a JSON error, and the read policy decides what the public sees.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ledger/json.h"
#include "tests/support/http_client.h"
#include "tests/support/node_accounts.h"
#include "tests/support/node_process.h"
#include "tests/support/temp_dir.h"

namespace creg::testing {
namespace {

// The value of a StatusOr, or `fallback`.
template <typename T, typename U>
T Or(const StatusOr<T>& s, U fallback) {
  return s.ok() ? *s : T(fallback);
}

constexpr char kBeneficiary[] = "Belt%20and%20Road%20Green%20Development%20Forum%202026";

class ApiTest : public ::testing::Test {
 protected:
  // A node with `policy`, a project, batch 1 of 500 credits, a transfer of
  // 100 to "org" and two retirements by "org" (30, then 20).
  void StartRegistry(const std::string& policy) {
    node_ = std::make_unique<NodeProcess>(dir_);
    ASSERT_TRUE(node_->Start({"--http", "127.0.0.1:0", "--read-policy", policy}));
    std::unique_ptr<Client> client = node_->Connect();
    ASSERT_NE(client, nullptr);
    accounts_ = std::make_unique<NodeAccounts>(*node_);
    NodeAccounts& accounts = *accounts_;
    accounts.OpenAccount(*client, "developer", pb::ROLE_HOLDER);
    accounts.OpenAccount(*client, "org", pb::ROLE_HOLDER);
    accounts.RegisterProject(*client, "yunnan-wind-01", "developer");
    issue_ = accounts.Issue(*client, "yunnan-wind-01", 500, "developer").entry_index();
    accounts.Transfer(*client, "developer", "org", 1, 100);
    first_retirement_ = accounts.Retire(*client, "org", 1, 30).effects().retirement_id();
    second_retirement_ = accounts.Retire(*client, "org", 1, 20).effects().retirement_id();
    ASSERT_FALSE(second_retirement_.empty());
    http_ = std::make_unique<HttpClient>(node_->http_address());
  }

  // GETs `target`, checks the status and the JSON headers, and parses.
  json::Value Get(const std::string& target, unsigned status = 200) {
    StatusOr<HttpResponse> got = http_->Get(target);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    if (!got.ok()) return json::Value();
    EXPECT_EQ(got->status, status) << target << ": " << got->body;
    EXPECT_EQ(got->Header("content-type"), "application/json; charset=utf-8") << target;
    EXPECT_EQ(got->Header("access-control-allow-origin"), "*") << target;
    StatusOr<json::Value> parsed = json::Parse(got->body);
    EXPECT_TRUE(parsed.ok()) << target << ": " << got->body;
    return parsed.ok() ? *parsed : json::Value();
  }

  // The error code of a refused request.
  std::string ErrorCode(const std::string& target, unsigned status) {
    json::Value v = Get(target, status);
    const json::Value* error = v.Find("error");
    if (error == nullptr) return "no error object";
    EXPECT_FALSE(Or(error->GetString("message"), "").empty()) << target;
    return Or(error->GetString("code"), "");
  }

  TempDir dir_;
  std::unique_ptr<NodeProcess> node_;
  std::unique_ptr<NodeAccounts> accounts_;  // the keys of the accounts opened
  std::unique_ptr<HttpClient> http_;
  uint64_t issue_ = 0;
  std::string first_retirement_, second_retirement_;
};

TEST_F(ApiTest, EveryEndpointAnswersTheCliObjects) {
  StartRegistry("public-log");
  if (HasFatalFailure()) return;

  // Totals and timeline come from the log, once the node has read it up
  // to the last retirement (503 before it has read what it had at start).
  json::Value status;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  do {
    StatusOr<HttpResponse> got = http_->Get("/api/v1/status");
    ASSERT_TRUE(got.ok());
    ASSERT_TRUE(got->status == 200 || got->status == 503) << got->body;
    if (got->status == 200) status = json::Parse(got->body).value();
  } while (!(status.GetObject("totals").ok() &&
             Or(status.GetObject("totals").value()->GetUint("retirements"), 0) == 2) &&
           std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(Or(status.GetString("origin"), ""), NodeProcess::kOrigin);
  EXPECT_EQ(Or(status.GetString("read_policy"), ""), "public-log");
  EXPECT_GE(Or(status.GetUint("tree_size"), 0), 8u);
  EXPECT_EQ(Or(status.GetString("verifier_key"), ""), node_->VerifierKey());
  const json::Value* totals = status.GetObject("totals").value();
  EXPECT_EQ(Or(totals->GetUint("issued"), 0), 500u);
  EXPECT_EQ(Or(totals->GetUint("retired"), 0), 50u);
  EXPECT_EQ(Or(totals->GetUint("cancelled"), 99), 0u);
  EXPECT_EQ(Or(totals->GetUint("projects"), 0), 1u);
  EXPECT_EQ(Or(totals->GetUint("batches"), 0), 1u);
  EXPECT_EQ(Or(totals->GetUint("retirements"), 0), 2u);
  const json::Array& timeline = *status.GetArray("timeline").value();
  ASSERT_EQ(timeline.size(), 1u);
  EXPECT_EQ(Or(timeline[0].GetUint("retired"), 0), 50u);

  json::Value projects = Get("/api/v1/projects");
  ASSERT_EQ(projects.GetArray("projects").value()->size(), 1u);
  EXPECT_EQ(Or(projects.GetArray("projects").value()->at(0).GetString("project_id"), ""),
            "yunnan-wind-01");
  EXPECT_EQ(Or(projects.GetString("next_cursor"), "?"), "");
  EXPECT_EQ(Or(Get("/api/v1/projects/yunnan-wind-01").GetString("proponent"), ""), "developer");
  json::Value batches = Get("/api/v1/projects/yunnan-wind-01/batches");
  ASSERT_EQ(batches.GetArray("batches").value()->size(), 1u);
  EXPECT_EQ(Or(batches.GetArray("batches").value()->at(0).GetUint("quantity"), 0), 500u);
  EXPECT_EQ(batches.GetArray("batches").value()->at(0).Find("blocks"), nullptr);

  json::Value batch = Get("/api/v1/batches/1");
  EXPECT_EQ(Or(batch.GetUint("issued_at_entry"), 0), issue_);
  EXPECT_EQ(Or(batch.GetObject("project").value()->GetString("name"), ""), "Cookstoves");
  uint64_t total = 0;
  for (const json::Value& b : *batch.GetArray("blocks").value())
    total += Or(b.GetUint("quantity"), 0);
  EXPECT_EQ(total, 500u);
  EXPECT_EQ(batch.Find("blocks_hidden"), nullptr);

  json::Value retirement = Get("/api/v1/retirements/" + first_retirement_);
  EXPECT_EQ(Or(retirement.GetUint("quantity"), 0), 30u);
  EXPECT_EQ(retirement.GetArray("serials").value()->size(), 1u);

  // Newest first, by beneficiary and by account.
  for (std::string query :
       {std::string("beneficiary=") + kBeneficiary, std::string("account=org")}) {
    json::Value list = Get("/api/v1/retirements?" + query);
    const json::Array& items = *list.GetArray("retirements").value();
    ASSERT_EQ(items.size(), 2u) << query;
    EXPECT_EQ(Or(items[0].GetString("retirement_id"), ""), second_retirement_);
    EXPECT_EQ(Or(items[1].GetString("retirement_id"), ""), first_retirement_);
  }

  json::Value entry = Get("/api/v1/entries/" + std::to_string(issue_));
  EXPECT_EQ(Or(entry.GetString("kind"), ""), "issue");
  EXPECT_EQ(Or(entry.GetUint("entry_index"), 0), issue_);

  json::Value provenance = Get("/api/v1/provenance/1/1");
  const json::Array& touched = *provenance.GetArray("entries").value();
  ASSERT_GE(touched.size(), 2u);  // issued, transferred, retired
  EXPECT_EQ(Or(touched[0].GetString("kind"), ""), "issue");
  EXPECT_EQ(Or(touched.back().GetString("kind"), ""), "retire");

  json::Value serial = Get("/api/v1/serials/1:450");
  EXPECT_EQ(Or(serial.GetUint("serial_number"), 0), 450u);
  const json::Value* block = serial.GetObject("block").value();
  EXPECT_LE(Or(block->GetUint("first"), 999), 450u);
  EXPECT_GE(Or(block->GetUint("last"), 0), 450u);
  const std::string serial_string = retirement.GetArray("serials").value()->at(0).as_string();
  json::Value retired = Get("/api/v1/serials/" + serial_string);
  EXPECT_EQ(Or(retired.GetObject("block").value()->GetString("status"), ""), "retired");

  // The certificate is byte for byte what the node gives creg cert.
  StatusOr<HttpResponse> cert = http_->Get("/api/v1/certificates/" + first_retirement_);
  ASSERT_TRUE(cert.ok());
  EXPECT_EQ(cert->status, 200u);
  pb::Request request;
  request.mutable_certificate()->set_retirement_id(first_retirement_);
  StatusOr<pb::Response> wire = node_->Connect()->Call(request);
  ASSERT_TRUE(wire.ok());
  std::string expected = wire->certificate().json();
  if (expected.back() != '\n') expected += '\n';
  EXPECT_EQ(cert->body, expected);
  EXPECT_EQ(http_->connects(), 1);
}

TEST_F(ApiTest, ListingsComeInPagesOfAHundredThatJoinUp) {
  StartRegistry("public-log");
  if (HasFatalFailure()) return;
  // Each transfer of one credit cuts another block off the batch: with the
  // retirements' blocks, batch 1 has more than a page of blocks.
  std::unique_ptr<Client> client = node_->Connect();
  ASSERT_NE(client, nullptr);
  for (int i = 0; i < 105; ++i) accounts_->Transfer(*client, "developer", "org", 1, 1);

  uint64_t credits = 0;
  size_t pages = 0, blocks = 0;
  std::string cursor;
  do {
    json::Value page = Get("/api/v1/batches/1" + (cursor.empty() ? "" : "?cursor=" + cursor));
    const json::Array& items = *page.GetArray("blocks").value();
    ASSERT_LE(items.size(), 100u);
    for (const json::Value& b : items) credits += Or(b.GetUint("quantity"), 0);
    blocks += items.size();
    cursor = Or(page.GetString("next_cursor"), "");
    if (!cursor.empty()) {
      EXPECT_EQ(items.size(), 100u);
    }
    ASSERT_LT(++pages, 10u);
  } while (!cursor.empty());
  EXPECT_EQ(pages, 2u);
  EXPECT_GT(blocks, 100u);
  EXPECT_EQ(credits, 500u);
}

TEST_F(ApiTest, BadAndUnknownRequestsAreJsonErrors) {
  StartRegistry("public-log");
  if (HasFatalFailure()) return;
  EXPECT_EQ(ErrorCode("/api/v1/retirements/R999999", 404), "NOT_FOUND");
  EXPECT_EQ(ErrorCode("/api/v1/batches/99", 404), "NOT_FOUND");
  EXPECT_EQ(ErrorCode("/api/v1/entries/100000", 404), "OUT_OF_RANGE");
  EXPECT_EQ(ErrorCode("/api/v1/nothing", 404), "NOT_FOUND");
  EXPECT_EQ(ErrorCode("/api/v2/status", 404), "NOT_FOUND");
  EXPECT_EQ(ErrorCode("/api/", 404), "NOT_FOUND");
  EXPECT_EQ(ErrorCode("/api/v1/batches/abc", 400), "INVALID_ARGUMENT");
  EXPECT_EQ(ErrorCode("/api/v1/batches/01", 400), "INVALID_ARGUMENT");
  EXPECT_EQ(ErrorCode("/api/v1/batches/99999999999999999999", 400), "INVALID_ARGUMENT");
  EXPECT_EQ(ErrorCode("/api/v1/status?x=1", 400), "INVALID_ARGUMENT");
  EXPECT_EQ(ErrorCode("/api/v1/batches/1?cursor=***", 400), "INVALID_ARGUMENT");
  EXPECT_EQ(ErrorCode("/api/v1/batches/1?cursor=AA&cursor=AA", 400), "INVALID_ARGUMENT");
  EXPECT_EQ(ErrorCode("/api/v1/retirements?beneficiary=a&account=b", 400), "INVALID_ARGUMENT");
  EXPECT_EQ(ErrorCode("/api/v1/retirements", 400), "INVALID_ARGUMENT");
  EXPECT_EQ(ErrorCode("/api/v1/projects/%ff%fe", 400), "INVALID_ARGUMENT");
  EXPECT_EQ(ErrorCode("/api/v1/projects/%0a", 400), "INVALID_ARGUMENT");
  EXPECT_EQ(ErrorCode("/api/v1/projects/%", 400), "INVALID_ARGUMENT");
  EXPECT_EQ(ErrorCode("/api/v1/projects/" + std::string(257, 'a'), 400), "INVALID_ARGUMENT");
  EXPECT_EQ(ErrorCode("/api/v1/projects//batches", 400), "INVALID_ARGUMENT");
  EXPECT_EQ(ErrorCode("/api/v1/serials/not-a-serial", 400), "INVALID_ARGUMENT");
  StatusOr<HttpResponse> post = http_->Request("POST", "/api/v1/status");
  ASSERT_TRUE(post.ok());
  EXPECT_EQ(post->status, 405u);
  // The node still serves.
  EXPECT_EQ(Or(Get("/api/v1/status").GetString("origin"), ""), NodeProcess::kOrigin);
}

TEST_F(ApiTest, HostileTargetsAreRefusedAndTheNodeKeepsServing) {
  StartRegistry("public-log");
  if (HasFatalFailure()) return;
  const std::vector<std::pair<std::string, unsigned>> hostile = {
      {"/api/v1/../v1/status", 404},                        // no dot segments are resolved
      {"/api/v1/projects/..%2F..%2Fstatus", 404},           // decoded once: an odd project id
      {"/api/v1/projects/%2e%2e", 404},                     // ".." is just a project id
      {"/api/v1/projects/%00", 400},                        // NUL
      {"/api/v1/projects/%C0%AF", 400},                     // overlong UTF-8
      {"/api/v1/projects/%ED%A0%80", 400},                  // a UTF-16 surrogate
      {"/api/v1/projects/%252e", 404},                      // decoded once only: "%2e"
      {"/api/v1/projects/%G0", 400},                        // not hex
      {"/api/v1/projects/a%", 400},                         // cut escape
      {"/api/v1/status?" + std::string(3000, 'a'), 400},    // query over 2,048 bytes
      {"/api/v1/projects?" + std::string(1000, '&'), 400},  // empty parameters
      {"/api/v1/projects?cursor=" + std::string(1100, 'A'), 400},
      {"/api/v1/projects?cursor=AA==", 400},    // padding
      {"/api/v1/projects?cursor=%41%41", 200},  // a value decoded before base64
      {"/api/v1/retirements?beneficiary=" + std::string(300, 'x'), 400},
      {"/api/v1/retirements?beneficiary=%FF", 400},
      {"/api/v1/retirements?account=org&account=org", 400},
      {"/api/v1/batches/18446744073709551615", 404},  // the largest number
      {"/api/v1/batches/18446744073709551616", 400},  // one more
      {"/api/v1/batches/-1", 400},
      {"/api/v1/batches/+1", 400},
      {"/api/v1/entries/18446744073709551615", 404},
      {"/api/v1/provenance/1/1/1", 404},
      {"/api/v1/serials/1:0", 400},
      {"/api/v1/serials/1-9-1-CREG-x", 400},  // ends before it starts
      {"/api/v1/serials/1:9999999", 404},
      {"/api/v1/certificates/" + std::string(256, 'R'), 404},
      {"/api/v1/certificates/" + std::string(257, 'R'), 400},
  };
  for (const auto& [target, status] : hostile) {
    SCOPED_TRACE(target.substr(0, 80));
    json::Value v = Get(target, status);
    if (status != 200) {
      EXPECT_NE(v.Find("error"), nullptr);
    }
  }
  EXPECT_EQ(Or(Get("/api/v1/retirements/" + first_retirement_).GetUint("quantity"), 0), 30u);
  EXPECT_EQ(http_->connects(), 1) << "each refusal keeps the connection";
}

TEST_F(ApiTest, RegistryPolicyServesThePublicRecordAndHidesHolders) {
  StartRegistry("registry");
  if (HasFatalFailure()) return;
  EXPECT_EQ(Or(Get("/api/v1/status").GetString("read_policy"), ""), "registry");
  json::Value batch = Get("/api/v1/batches/1");
  EXPECT_TRUE(Or(batch.GetBool("blocks_hidden"), false));
  EXPECT_EQ(batch.Find("blocks"), nullptr);
  EXPECT_EQ(Or(batch.GetUint("quantity"), 0), 500u);
  EXPECT_EQ(Or(Get("/api/v1/retirements/" + first_retirement_).GetUint("quantity"), 0), 30u);
  EXPECT_EQ(Get("/api/v1/retirements?account=org").GetArray("retirements").value()->size(), 2u);
  EXPECT_EQ(Get("/api/v1/projects").GetArray("projects").value()->size(), 1u);
  StatusOr<HttpResponse> cert = http_->Get("/api/v1/certificates/" + first_retirement_);
  ASSERT_TRUE(cert.ok());
  EXPECT_EQ(cert->status, 200u);
  EXPECT_EQ(ErrorCode("/api/v1/entries/1", 403), "NOT_AUTHORIZED");
  EXPECT_EQ(ErrorCode("/api/v1/provenance/1/1", 403), "NOT_AUTHORIZED");
  EXPECT_EQ(ErrorCode("/api/v1/serials/1:1", 403), "NOT_AUTHORIZED");
}

TEST_F(ApiTest, PrivatePolicyRefusesThePublic) {
  StartRegistry("private");
  if (HasFatalFailure()) return;
  EXPECT_EQ(ErrorCode("/api/v1/status", 403), "NOT_AUTHORIZED");
  EXPECT_EQ(ErrorCode("/api/v1/retirements/" + first_retirement_, 403), "NOT_AUTHORIZED");
  EXPECT_EQ(ErrorCode("/api/v1/batches/1", 403), "NOT_AUTHORIZED");
  EXPECT_EQ(ErrorCode("/api/v1/projects", 403), "NOT_AUTHORIZED");
}

}  // namespace
}  // namespace creg::testing
