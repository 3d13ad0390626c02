// RequestHandler (node/request_handler.h) called directly, the way a session
// calls it with a decoded frame: a real registry in a temporary folder, a
// checkpointer over its log, no socket and no process. Each query is asked
// for something that exists, something that does not, and malformed; the
// paged listings are followed cursor by cursor under small limits; proofs
// and signed answers are verified. Reads are asked as the operator, who may
// read everything; who may read what is node/read_policy_test.cc's subject.
#include "node/request_handler.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "ledger/checkpoint.h"
#include "ledger/merkle.h"
#include "ledger/registry/certificate.h"
#include "node/checkpointer.h"
#include "tests/support/registry_fixture.h"

namespace creg {
namespace {

using testing::AcceptedOf;
using testing::IsAccepted;
using testing::RegistryHarness;

constexpr char kProject[] = "ke-cookstoves-001";
constexpr char kBeneficiary[] = "Example Forum 2026";
// Single-serial blocks 1, 3, ..., 19 of batch 1 go to the organiser.
constexpr uint64_t kBlocksSent = 10;
// The organiser retires one credit this many times.
constexpr uint64_t kRetirements = 3;

class RequestHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* id : {"developer", "organiser", "bystander"}) {
      ASSERT_TRUE(IsAccepted(h_.OpenAccount(id)));
    }
    ASSERT_TRUE(IsAccepted(h_.RegisterProject(kProject, "developer")));
    Verdict issued = h_.Issue(kProject, 1000, "developer", "VR-1");
    ASSERT_TRUE(IsAccepted(issued)) << testing::Describe(issued);
    issue_entry_ = AcceptedOf(issued).entry_index;
    std::vector<pb::SerialBlock> blocks;
    for (uint64_t s = 1; s < 2 * kBlocksSent; s += 2) blocks.push_back(testing::Serials(1, s, s));
    ASSERT_TRUE(IsAccepted(h_.TransferBlocks("developer", "organiser", blocks)));
    for (uint64_t i = 0; i < kRetirements; ++i) {
      Verdict v = h_.RetireQuantity("organiser", 1, 1, kBeneficiary);
      ASSERT_TRUE(IsAccepted(v)) << testing::Describe(v);
      retirement_ids_.push_back(AcceptedOf(v).effects.retirement_id());
    }
    ASSERT_TRUE(checkpointer_->SignHead().ok());
  }

  const MerkleLog& log() { return h_.registry().log(); }

  pb::Response Ask(const pb::Request& request, ResponseLimits limits = {}) {
    return RequestHandler(h_.registry(), *checkpointer_, limits)
        .Handle(request, Reader::SignedIn(RegistryHarness::kOperator, pb::ROLE_OPERATOR));
  }

  // A signer of checkpoints, with the same key every time.
  NoteSigner Signer() const {
    return NoteSigner::Create(std::string(RegistryHarness::kOrigin) + "-checkpoints",
                              PrivateKey::FromPem(key_pem_).value())
        .value();
  }

  testing::TempDir dir_;
  RegistryHarness h_{dir_};
  const std::string key_pem_ = PrivateKey::Generate()->ToPem();
  const std::string verifier_key_ = Signer().VerifierKey();
  NoteVerifier verifier_ = NoteVerifier::FromVerifierKey(verifier_key_).value();
  std::unique_ptr<Checkpointer> checkpointer_ = std::make_unique<Checkpointer>(
      log(), Signer(), RegistryHarness::kOrigin, dir_.Sub("checkpoint"));
  uint64_t issue_entry_ = 0;
  std::vector<std::string> retirement_ids_;
};

// The error's code, or "" (and a failure) when the response is no error.
std::string ErrorCode(const pb::Response& response) {
  EXPECT_TRUE(response.has_error()) << response.ShortDebugString();
  return response.error().code();
}

::testing::AssertionResult IsErrorNaming(const pb::Response& response, std::string_view code,
                                         std::string_view part) {
  if (!response.has_error())
    return ::testing::AssertionFailure() << "no error: " << response.ShortDebugString();
  if (response.error().code() != code || response.error().message().find(part) == std::string::npos)
    return ::testing::AssertionFailure()
           << "error " << response.error().code() << ": " << response.error().message();
  return ::testing::AssertionSuccess();
}

pb::Request AccountRequest(const std::string& id) {
  pb::Request r;
  r.mutable_account()->set_account_id(id);
  return r;
}

TEST_F(RequestHandlerTest, AccountAndProjectFoundOrNotFound) {
  pb::Response account = Ask(AccountRequest("organiser"));
  ASSERT_TRUE(account.has_account()) << account.ShortDebugString();
  EXPECT_EQ(account.account().account().account_id(), "organiser");
  EXPECT_EQ(account.account().account().role(), pb::ROLE_HOLDER);
  EXPECT_TRUE(IsErrorNaming(Ask(AccountRequest("nobody")), "NOT_FOUND", "'nobody'"));

  pb::Request project;
  project.mutable_project()->set_project_id(kProject);
  pb::Response found = Ask(project);
  ASSERT_TRUE(found.has_project()) << found.ShortDebugString();
  EXPECT_EQ(found.project().project().proponent(), "developer");
  project.mutable_project()->set_project_id("br-forest-002");
  EXPECT_TRUE(IsErrorNaming(Ask(project), "NOT_FOUND", "'br-forest-002'"));
}

TEST_F(RequestHandlerTest, MalformedRequestsAreInvalidArgumentAndChangeNothing) {
  const uint64_t size = log().size();
  pb::Request empty;
  EXPECT_TRUE(IsErrorNaming(Ask(empty), "INVALID_ARGUMENT", "no body"));
  pb::Request submit;
  submit.mutable_submit()->set_signed_transaction("x");
  EXPECT_TRUE(IsErrorNaming(Ask(submit), "INVALID_ARGUMENT", "session"));
  pb::Request subscribe;
  subscribe.mutable_subscribe()->set_start(0);
  EXPECT_TRUE(IsErrorNaming(Ask(subscribe), "INVALID_ARGUMENT", "session"));
  pb::Request retirements;
  retirements.mutable_retirements();
  EXPECT_TRUE(IsErrorNaming(Ask(retirements), "INVALID_ARGUMENT", "beneficiary or an account"));
  pb::Request consistency;
  consistency.mutable_consistency_proof()->set_size1(5);
  consistency.mutable_consistency_proof()->set_size2(4);
  EXPECT_TRUE(IsErrorNaming(Ask(consistency), "INVALID_ARGUMENT", "size1 (5)"));
  // A cursor no listing could have made.
  pb::Request holdings;
  holdings.mutable_holdings()->set_account_id("organiser");
  holdings.mutable_holdings()->set_cursor("not a cursor");
  EXPECT_EQ(ErrorCode(Ask(holdings)), "INVALID_ARGUMENT");
  pb::Request history;
  history.mutable_history()->set_account_id("organiser");
  history.mutable_history()->set_cursor("x");
  EXPECT_EQ(ErrorCode(Ask(history)), "INVALID_ARGUMENT");
  EXPECT_EQ(log().size(), size);
}

TEST_F(RequestHandlerTest, EntriesHonourCountAndLimits) {
  const uint64_t size = log().size();
  pb::Request request;
  request.mutable_get_entries()->set_start(2);
  // Count 0 means one entry.
  pb::Response one = Ask(request);
  ASSERT_TRUE(one.has_entries()) << one.ShortDebugString();
  EXPECT_EQ(one.entries().start(), 2u);
  ASSERT_EQ(one.entries().entries_size(), 1);
  EXPECT_EQ(one.entries().entries(0), log().Entry(2).value());

  request.mutable_get_entries()->set_count(4);
  pb::Response four = Ask(request);
  ASSERT_EQ(four.entries().entries_size(), 4);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(four.entries().entries(i), log().Entry(2 + i).value());

  // Never past the end of the log.
  request.mutable_get_entries()->set_count(1000);
  EXPECT_EQ(static_cast<uint64_t>(Ask(request).entries().entries_size()), size - 2);
  // At most max_entries.
  EXPECT_EQ(Ask(request, {.max_entries = 3}).entries().entries_size(), 3);
  // At most max_entry_bytes, but at least one entry even if it is larger.
  const size_t two = log().Entry(2)->size() + log().Entry(3)->size();
  pb::Response by_bytes = Ask(request, {.max_entry_bytes = two});
  EXPECT_EQ(by_bytes.entries().entries_size(), 2);
  EXPECT_EQ(Ask(request, {.max_entry_bytes = 1}).entries().entries_size(), 1);

  request.mutable_get_entries()->set_start(size);
  EXPECT_TRUE(IsErrorNaming(Ask(request), "OUT_OF_RANGE",
                            "entry " + std::to_string(size) + " is past the end"));
}

TEST_F(RequestHandlerTest, InclusionProofsVerifyAgainstTheRoot) {
  const uint64_t checkpoint_size = checkpointer_->latest()->checkpoint.size;
  ASSERT_EQ(checkpoint_size, log().size());
  for (uint64_t tree_size : {uint64_t{0}, uint64_t{3}, checkpoint_size}) {
    for (uint64_t index = 0; index < (tree_size == 0 ? checkpoint_size : tree_size); ++index) {
      SCOPED_TRACE("index " + std::to_string(index) + " size " + std::to_string(tree_size));
      pb::Request request;
      request.mutable_inclusion_proof()->set_index(index);
      request.mutable_inclusion_proof()->set_tree_size(tree_size);
      pb::Response response = Ask(request);
      ASSERT_TRUE(response.has_proof()) << response.ShortDebugString();
      const pb::ProofResponse& proof = response.proof();
      // Tree size 0 means the latest checkpoint's.
      EXPECT_EQ(proof.tree_size(), tree_size == 0 ? checkpoint_size : tree_size);
      EXPECT_EQ(proof.leaf_hash(), merkle::LeafHash(log().Entry(index).value()).str());
      std::vector<std::string> hashes(proof.hashes().begin(), proof.hashes().end());
      EXPECT_TRUE(merkle::VerifyInclusion(index, proof.tree_size(), proof.leaf_hash(), hashes,
                                          log().RootAt(proof.tree_size())->str())
                      .ok());
    }
  }
  pb::Request past;
  past.mutable_inclusion_proof()->set_index(3);
  past.mutable_inclusion_proof()->set_tree_size(3);
  EXPECT_TRUE(IsErrorNaming(Ask(past), "OUT_OF_RANGE", "tree of size 3"));
  past.mutable_inclusion_proof()->set_tree_size(log().size() + 1);
  EXPECT_FALSE(Ask(past).has_proof());
}

TEST_F(RequestHandlerTest, ConsistencyProofsVerifyBetweenEverySize) {
  const uint64_t size = log().size();
  for (uint64_t size1 = 1; size1 <= size; ++size1) {
    SCOPED_TRACE("size1 " + std::to_string(size1));
    pb::Request request;
    request.mutable_consistency_proof()->set_size1(size1);  // size2 0: the checkpoint's
    pb::Response response = Ask(request);
    ASSERT_TRUE(response.has_proof()) << response.ShortDebugString();
    EXPECT_EQ(response.proof().tree_size(), size);
    std::vector<std::string> hashes(response.proof().hashes().begin(),
                                    response.proof().hashes().end());
    EXPECT_TRUE(merkle::VerifyConsistency(size1, size, hashes, log().RootAt(size1)->str(),
                                          log().RootAt(size)->str())
                    .ok());
  }
}

TEST_F(RequestHandlerTest, CheckpointAndCertificateVerifyWithTheCheckpointKey) {
  pb::Request checkpoint;
  checkpoint.mutable_get_checkpoint();
  pb::Response head = Ask(checkpoint);
  ASSERT_TRUE(head.has_checkpoint()) << head.ShortDebugString();
  EXPECT_EQ(head.checkpoint().tree_size(), log().size());
  StatusOr<Checkpoint> verified =
      VerifyCheckpoint(head.checkpoint().note(), verifier_, RegistryHarness::kOrigin);
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(verified->size, log().size());

  pb::Request certificate;
  certificate.mutable_certificate()->set_retirement_id(retirement_ids_[0]);
  pb::Response cert = Ask(certificate);
  ASSERT_TRUE(cert.has_certificate()) << cert.ShortDebugString();
  EXPECT_TRUE(VerifyRetirementCertificate(cert.certificate().json(), verifier_).ok());
  certificate.mutable_certificate()->set_retirement_id("R999");
  EXPECT_TRUE(IsErrorNaming(Ask(certificate), "NOT_FOUND", "R999"));

  // A retirement committed after the latest checkpoint has no certificate yet.
  Verdict late = h_.RetireQuantity("organiser", 1, 1);
  ASSERT_TRUE(IsAccepted(late)) << testing::Describe(late);
  certificate.mutable_certificate()->set_retirement_id(AcceptedOf(late).effects.retirement_id());
  EXPECT_EQ(ErrorCode(Ask(certificate)), "FAILED_PRECONDITION");
  ASSERT_TRUE(checkpointer_->SignHead().ok());
  EXPECT_TRUE(Ask(certificate).has_certificate());
}

TEST_F(RequestHandlerTest, ACertificateOverTheLimitIsRefusedNamingItsSize) {
  pb::Request certificate;
  certificate.mutable_certificate()->set_retirement_id(retirement_ids_[0]);
  const size_t size = Ask(certificate).certificate().json().size();
  ASSERT_GT(size, 0u);
  ResponseLimits limits;
  limits.max_certificate_bytes = size;
  EXPECT_TRUE(Ask(certificate, limits).has_certificate());
  limits.max_certificate_bytes = size - 1;
  EXPECT_TRUE(IsErrorNaming(Ask(certificate, limits), "RESOURCE_EXHAUSTED",
                            std::to_string(size) + " bytes"));
}

TEST_F(RequestHandlerTest, BeforeTheFirstCheckpointSignedAnswersAreUnavailable) {
  Checkpointer unsigned_yet(log(), Signer(), RegistryHarness::kOrigin, dir_.Sub("other"));
  RequestHandler handler(h_.registry(), unsigned_yet);
  pb::Request checkpoint;
  checkpoint.mutable_get_checkpoint();
  EXPECT_TRUE(IsErrorNaming(handler.Handle(checkpoint), "UNAVAILABLE", "no checkpoint"));
  pb::Request certificate;
  certificate.mutable_certificate()->set_retirement_id(retirement_ids_[0]);
  EXPECT_TRUE(IsErrorNaming(handler.Handle(certificate), "UNAVAILABLE", "no checkpoint"));
  // Proofs against "the checkpoint's size" have no tree to prove in.
  pb::Request inclusion;
  inclusion.mutable_inclusion_proof()->set_index(0);
  EXPECT_EQ(ErrorCode(handler.Handle(inclusion)), "OUT_OF_RANGE");
  // Status still answers, with checkpoint size 0.
  pb::Request status;
  status.mutable_status();
  EXPECT_EQ(handler.Handle(status).status().checkpoint_size(), 0u);
}

TEST_F(RequestHandlerTest, StatusReportsTheRegistryAndTheWriteState) {
  pb::Request request;
  request.mutable_status();
  pb::Response response = Ask(request);
  ASSERT_TRUE(response.has_status()) << response.ShortDebugString();
  const pb::StatusResponse& status = response.status();
  EXPECT_EQ(status.origin(), RegistryHarness::kOrigin);
  EXPECT_EQ(status.tree_size(), log().size());
  EXPECT_EQ(status.checkpoint_size(), log().size());
  EXPECT_EQ(status.verifier_key(), verifier_key_);
  EXPECT_FALSE(status.version().empty());
  EXPECT_TRUE(status.accepting_writes());
  EXPECT_EQ(status.fault(), "");

  RequestHandler handler(h_.registry(), *checkpointer_);
  handler.SetWriteState([] { return std::make_pair(false, std::string("disk full")); });
  pb::StatusResponse faulted = handler.Handle(request).status();
  EXPECT_FALSE(faulted.accepting_writes());
  EXPECT_EQ(faulted.fault(), "disk full");
}

// (batch, first, last) of blocks, page after page.
using BlockKey = std::tuple<uint64_t, uint64_t, uint64_t>;

TEST_F(RequestHandlerTest, HoldingsPagesPartitionTheListing) {
  const uint64_t held = kBlocksSent - kRetirements;
  pb::Request request;
  request.mutable_holdings()->set_account_id("organiser");
  pb::Response whole = Ask(request);
  ASSERT_TRUE(whole.has_holdings()) << whole.ShortDebugString();
  ASSERT_EQ(whole.holdings().batches_size(), 1);
  EXPECT_EQ(whole.holdings().batches(0).quantity(), held);
  EXPECT_EQ(whole.holdings().batches(0).project().project_id(), kProject);
  EXPECT_EQ(whole.holdings().next_cursor(), "");

  // Two blocks (each with its serial string) a page.
  std::vector<BlockKey> seen;
  size_t pages = 0;
  do {
    pb::Response page = Ask(request, {.page_items = 2});
    ASSERT_TRUE(page.has_holdings()) << page.ShortDebugString();
    ASSERT_LT(++pages, 10u) << "the cursor does not advance";
    for (const auto& batch : page.holdings().batches()) {
      EXPECT_LE(batch.blocks_size(), 2);
      EXPECT_EQ(batch.serials_size(), batch.blocks_size());
      EXPECT_EQ(batch.quantity(), static_cast<uint64_t>(batch.blocks_size()));
      for (const auto& b : batch.blocks()) seen.emplace_back(b.batch(), b.first(), b.last());
    }
    request.mutable_holdings()->set_cursor(page.holdings().next_cursor());
  } while (!request.holdings().cursor().empty());
  EXPECT_EQ(pages, (held + 1) / 2);
  std::vector<BlockKey> expected;
  for (const auto& b : whole.holdings().batches(0).blocks())
    expected.emplace_back(b.batch(), b.first(), b.last());
  EXPECT_EQ(seen, expected);

  // An account with nothing gets an empty list; an unknown one NOT_FOUND.
  request.mutable_holdings()->set_account_id("bystander");
  pb::Response empty = Ask(request);
  ASSERT_TRUE(empty.has_holdings()) << empty.ShortDebugString();
  EXPECT_EQ(empty.holdings().batches_size(), 0);
  request.mutable_holdings()->set_account_id("nobody");
  EXPECT_TRUE(IsErrorNaming(Ask(request), "NOT_FOUND", "'nobody'"));
}

TEST_F(RequestHandlerTest, BatchWithItsBlocksPageByPage) {
  pb::Request request;
  request.mutable_batch()->set_batch(1);
  pb::Response whole = Ask(request);
  ASSERT_TRUE(whole.has_batch()) << whole.ShortDebugString();
  EXPECT_EQ(whole.batch().batch().quantity(), 1000u);
  EXPECT_EQ(whole.batch().project().project_id(), kProject);
  EXPECT_EQ(whole.batch().next_cursor(), "");
  // The blocks partition serials 1..1000 in order.
  uint64_t next = 1;
  for (const pb::BlockRecord& b : whole.batch().blocks()) {
    EXPECT_EQ(b.first(), next);
    next = b.last() + 1;
  }
  EXPECT_EQ(next, 1001u);

  std::vector<std::pair<uint64_t, uint64_t>> seen;
  do {
    pb::Response page = Ask(request, {.page_items = 3});
    ASSERT_TRUE(page.has_batch()) << page.ShortDebugString();
    EXPECT_LE(page.batch().blocks_size(), 3);
    ASSERT_LT(seen.size(), 1000u) << "the cursor does not advance";
    for (const auto& b : page.batch().blocks()) seen.emplace_back(b.first(), b.last());
    request.mutable_batch()->set_cursor(page.batch().next_cursor());
  } while (!request.batch().cursor().empty());
  ASSERT_EQ(seen.size(), static_cast<size_t>(whole.batch().blocks_size()));
  for (size_t i = 0; i < seen.size(); ++i)
    EXPECT_EQ(seen[i].first, whole.batch().blocks(i).first());

  request.clear_batch();
  request.mutable_batch()->set_batch(1);
  request.mutable_batch()->set_without_blocks(true);
  pb::Response bare = Ask(request);
  EXPECT_EQ(bare.batch().batch().quantity(), 1000u);
  EXPECT_EQ(bare.batch().blocks_size(), 0);

  request.mutable_batch()->set_batch(7);
  EXPECT_TRUE(IsErrorNaming(Ask(request), "NOT_FOUND", "batch 7"));
}

TEST_F(RequestHandlerTest, RetirementWithItsSerialStringsOrNotFound) {
  pb::Request request;
  request.mutable_retirement()->set_retirement_id(retirement_ids_[1]);
  pb::Response response = Ask(request);
  ASSERT_TRUE(response.has_retirement()) << response.ShortDebugString();
  const pb::RetirementRecord& record = response.retirement().retirement();
  EXPECT_EQ(record.retirement_id(), retirement_ids_[1]);
  EXPECT_EQ(record.account(), "organiser");
  EXPECT_EQ(record.quantity(), 1u);
  ASSERT_EQ(response.retirement().serials_size(), 1);
  EXPECT_NE(response.retirement().serials(0).find("VCS"), std::string::npos)
      << response.retirement().serials(0);
  request.mutable_retirement()->set_retirement_id("R12345");
  EXPECT_TRUE(IsErrorNaming(Ask(request), "NOT_FOUND", "'R12345'"));
}

TEST_F(RequestHandlerTest, RetirementsByBeneficiaryAndByAccountPageByPage) {
  for (bool by_account : {false, true}) {
    SCOPED_TRACE(by_account ? "by account" : "by beneficiary");
    pb::Request request;
    if (by_account) {
      request.mutable_retirements()->set_account_id("organiser");
    } else {
      request.mutable_retirements()->set_beneficiary(kBeneficiary);
    }
    std::vector<std::string> seen;
    do {
      pb::Response page = Ask(request, {.page_items = 2});
      ASSERT_TRUE(page.has_retirements()) << page.ShortDebugString();
      EXPECT_LE(page.retirements().retirements_size(), 2);
      ASSERT_LE(seen.size(), kRetirements) << "the cursor does not advance";
      for (const auto& r : page.retirements().retirements()) seen.push_back(r.retirement_id());
      request.mutable_retirements()->set_cursor(page.retirements().next_cursor());
    } while (!request.retirements().cursor().empty());
    EXPECT_EQ(seen, retirement_ids_);  // oldest first
  }
  pb::Request none;
  none.mutable_retirements()->set_beneficiary("Nobody Ltd");
  pb::Response empty = Ask(none);
  ASSERT_TRUE(empty.has_retirements()) << empty.ShortDebugString();
  EXPECT_EQ(empty.retirements().retirements_size(), 0);
}

// Every index of a history or provenance listing, page after page.
std::vector<uint64_t> FollowHistory(const std::function<pb::Response(const std::string&)>& ask,
                                    size_t max_per_page) {
  std::vector<uint64_t> seen;
  std::string cursor;
  for (int pages = 0; pages < 100; ++pages) {
    pb::Response page = ask(cursor);
    EXPECT_TRUE(page.has_history()) << page.ShortDebugString();
    EXPECT_LE(static_cast<size_t>(page.history().entry_indexes_size()), max_per_page);
    seen.insert(seen.end(), page.history().entry_indexes().begin(),
                page.history().entry_indexes().end());
    cursor = page.history().next_cursor();
    if (cursor.empty()) return seen;
  }
  ADD_FAILURE() << "the cursor does not advance";
  return seen;
}

TEST_F(RequestHandlerTest, HistoryHonoursItsLimitAndCursor) {
  pb::Request request;
  request.mutable_history()->set_account_id("organiser");
  pb::Response whole = Ask(request);  // limit 0: up to 100
  ASSERT_TRUE(whole.has_history()) << whole.ShortDebugString();
  std::vector<uint64_t> all(whole.history().entry_indexes().begin(),
                            whole.history().entry_indexes().end());
  // Opened, received, retired three times.
  EXPECT_EQ(all.size(), 2 + kRetirements);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
  EXPECT_EQ(whole.history().next_cursor(), "");

  std::vector<uint64_t> paged = FollowHistory(
      [&](const std::string& cursor) {
        pb::Request r = request;
        r.mutable_history()->set_limit(2);
        r.mutable_history()->set_cursor(cursor);
        return Ask(r);
      },
      2);
  EXPECT_EQ(paged, all);
  // The node's page limit caps a larger limit.
  request.mutable_history()->set_limit(50);
  EXPECT_EQ(Ask(request, {.page_items = 1}).history().entry_indexes_size(), 1);

  request.mutable_history()->set_account_id("nobody");
  request.mutable_history()->set_limit(0);
  pb::Response empty = Ask(request);
  ASSERT_TRUE(empty.has_history()) << empty.ShortDebugString();
  EXPECT_EQ(empty.history().entry_indexes_size(), 0);
}

TEST_F(RequestHandlerTest, ProvenanceFollowsASerialThroughItsEntries) {
  const uint64_t transfer_entry = issue_entry_ + 1;
  auto provenance = [&](uint64_t serial, ResponseLimits limits) {
    return FollowHistory(
        [&](const std::string& cursor) {
          pb::Request r;
          r.mutable_provenance()->set_batch(1);
          r.mutable_provenance()->set_serial(serial);
          r.mutable_provenance()->set_cursor(cursor);
          return Ask(r, limits);
        },
        limits.page_items);
  };
  // Serial 1 was issued, sent to the organiser and retired first.
  const std::vector<uint64_t> serial1 = {issue_entry_, transfer_entry, transfer_entry + 1};
  EXPECT_EQ(provenance(1, {}), serial1);
  // Read one entry a page: the same answer, over more pages.
  EXPECT_EQ(provenance(1, {.page_items = 1}), serial1);
  // Serial 2 never left the developer.
  EXPECT_EQ(provenance(2, {}), std::vector<uint64_t>{issue_entry_});
}

}  // namespace
}  // namespace creg
