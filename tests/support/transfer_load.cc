#include "tests/support/transfer_load.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <utility>

#include "ledger/registry/transaction.h"

namespace creg::testing {
namespace {

constexpr const char* kProject = "load-project";
// How long a holder waits for one answer before it tries the next member.
constexpr std::chrono::milliseconds kAnswerTimeout{2000};
// The pause after every member failed in turn.
constexpr std::chrono::milliseconds kRoundPause{50};

std::string HolderId(int i) { return "holder-" + std::to_string(i); }

}  // namespace

TransferLoad::TransferLoad(Client& setup, const PrivateKey& operator_key, std::string origin,
                           uint32_t seed)
    : origin_(std::move(origin)), seed_(seed) {
  auto commit = [&](const pb::TransactionBody& body) {
    auto answer = setup.Submit(SignTransaction(body, "operator", operator_key));
    EXPECT_TRUE(answer.ok() && answer->has_committed())
        << (answer.ok() ? answer->DebugString() : answer.status().ToString());
  };
  pb::TransactionBody project = Body();
  auto* reg = project.mutable_register_project();
  reg->set_project_id(kProject);
  reg->set_name("Load test project");
  reg->set_standard("VCS");
  reg->set_methodology("AMS-II.G");
  reg->set_country("KE");
  reg->set_proponent("operator");
  commit(project);
  for (int i = 0; i < kHolders; ++i) {
    keys_.push_back(PrivateKey::Generate().value());
    pb::TransactionBody open = Body();
    open.mutable_open_account()->set_account_id(HolderId(i));
    open.mutable_open_account()->set_role(pb::ROLE_HOLDER);
    open.mutable_open_account()->set_public_key(keys_.back().public_key().raw());
    commit(open);
    pb::TransactionBody issue = Body();
    auto* op = issue.mutable_issue();
    op->set_project_id(kProject);
    op->set_vintage_start("2025-01-01");
    op->set_vintage_end("2025-12-31");
    op->set_quantity(1'000'000);
    op->set_to_account(HolderId(i));
    op->set_verification_ref("VR-" + std::to_string(i));
    commit(issue);
  }
}

TransferLoad::~TransferLoad() { Stop(); }

pb::TransactionBody TransferLoad::Body() {
  pb::TransactionBody body;
  body.set_origin(origin_);
  body.set_nonce("load-" + std::to_string(nonce_++));
  return body;
}

// Holder `i` moves or retires credits of its own batch (i + 1).
std::string TransferLoad::NextTransaction(int i, std::mt19937& rng) {
  pb::TransactionBody body = Body();
  if (rng() % 4 == 0) {
    auto* op = body.mutable_retire();
    op->set_account(HolderId(i));
    op->mutable_credits()->set_batch(static_cast<uint64_t>(i + 1));
    op->mutable_credits()->set_quantity(1 + rng() % 3);
    op->set_beneficiary("Load test beneficiary");
    op->set_reason(pb::VOLUNTARY_EVENT_OFFSET);
  } else {
    auto* op = body.mutable_transfer();
    op->set_from_account(HolderId(i));
    op->set_to_account(HolderId((i + 1) % kHolders));
    op->mutable_credits()->set_batch(static_cast<uint64_t>(i + 1));
    op->mutable_credits()->set_quantity(1 + rng() % 5);
  }
  return SignTransaction(body, HolderId(i), keys_[static_cast<size_t>(i)]);
}

void TransferLoad::Start(std::vector<std::string> members) {
  members_ = std::move(members);
  stop_ = false;
  ++round_;
  for (int i = 0; i < kHolders; ++i) {
    threads_.emplace_back([this, i, seed = seed_ + round_ * kHolders + i] { RunHolder(i, seed); });
  }
}

void TransferLoad::Stop() {
  stop_ = true;
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

void TransferLoad::RunHolder(int holder, uint32_t seed) {
  std::mt19937 rng(seed);
  std::unique_ptr<Client> client;
  size_t member = static_cast<size_t>(holder) % members_.size();
  std::optional<std::string> pending;
  size_t failures = 0;  // in a row
  auto next_member = [&] {
    member = (member + 1) % members_.size();
    // Every member failed in turn: pace the next round.
    if (++failures % members_.size() == 0) std::this_thread::sleep_for(kRoundPause);
  };
  while (!stop_) {
    if (!pending) pending = NextTransaction(holder, rng);
    if (!client) {
      ClientOptions options;
      options.timeout = kAnswerTimeout;
      auto connected = Client::Connect(members_[member], options);
      if (!connected.ok()) {
        next_member();  // the member is down: the next one, the same transaction
        continue;
      }
      client = std::move(connected).value();
    }
    StatusOr<pb::SubmitResponse> answer = client->Submit(*pending);
    if (!answer.ok()) {
      // Lost, UNAVAILABLE or NOT_LEADER: the same bytes to the next member.
      client.reset();
      next_member();
      continue;
    }
    failures = 0;
    if (answer->has_committed()) {
      std::lock_guard lock(mu_);
      acks_.push_back(Ack{answer->committed().entry_index(), *pending, client->address(),
                          std::chrono::steady_clock::now(), answer->committed().duplicate()});
    } else {
      ++refusals_;
    }
    pending.reset();
  }
}

std::vector<Ack> TransferLoad::acks() const {
  std::lock_guard lock(mu_);
  return acks_;
}

size_t TransferLoad::ack_count() const {
  std::lock_guard lock(mu_);
  return acks_.size();
}

}  // namespace creg::testing
