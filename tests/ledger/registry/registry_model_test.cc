// Model-based test of the Registry: random histories of valid and invalid
// transactions are applied both to a real Registry and to a tiny in-memory
// model written from the rules (DESIGN.md "Registry rules"), not from the
// implementation. After every step the verdict, the effects, every
// account's holdings and every batch's partition must agree with the model.
//
// CREG_MODEL_STEPS (default 2000) sets the length of the random history and
// CREG_MODEL_SEED (default 20260101) its seed; both are printed.
#include "ledger/registry/registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "creg/log.pb.h"
#include "creg/transaction.pb.h"
#include "ledger/hash.h"
#include "ledger/registry/rule_code.h"
#include "ledger/registry/transaction.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/temp_dir.h"

namespace creg {
namespace {

using creg::testing::RegistryHarness;
using creg::testing::TempDir;

constexpr uint64_t kMaxQuantity = 1'000'000'000'000;
const std::string kOperator = RegistryHarness::kOperator;

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::stoull(value) : fallback;
}

// A run of serials [first, last] of one batch.
struct Range {
  uint64_t batch = 0, first = 0, last = 0;
  auto operator<=>(const Range&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Range& r) {
  return os << r.batch << ":" << r.first << "-" << r.last;
}
std::vector<Range> RangesOf(const google::protobuf::RepeatedPtrField<pb::SerialBlock>& blocks) {
  std::vector<Range> out;
  for (const auto& b : blocks) out.push_back({b.batch(), b.first(), b.last()});
  return out;
}
// Serials (batch, serial) -> ranges in serial order, contiguous ones merged.
std::vector<Range> Merge(const std::set<std::pair<uint64_t, uint64_t>>& serials) {
  std::vector<Range> out;
  for (const auto& [batch, s] : serials) {
    if (!out.empty() && out.back().batch == batch && out.back().last + 1 == s) {
      out.back().last = s;
    } else {
      out.push_back({batch, s, s});
    }
  }
  return out;
}

// One credit of the model.
struct Credit {
  std::string owner;
  pb::BlockStatus status = pb::BLOCK_ACTIVE;
};

// A signed transaction as sent, and whether its signature is the signer's.
struct Sent {
  std::string bytes;
  std::string signer;
  pb::TransactionBody body;
  bool good_signature = true;
};

// What the model expects of a transaction.
struct Expectation {
  std::set<RuleCode> codes;  // plausible refusal codes; empty: accepted
  bool duplicate = false;
  uint64_t entry = 0;        // duplicate: the original entry
  std::vector<Range> moved;  // transfer, retire, cancel
};

// The registry rules over plain containers.
class Model {
 public:
  std::map<std::string, pb::AccountStatus> accounts;  // the operator and holders
  std::set<std::string> projects;
  std::set<std::pair<std::string, std::string>> issued;  // (project, verification_ref)
  std::vector<std::vector<Credit>> batches;              // serial s of batch b: [b-1][s-1]
  std::map<std::pair<std::string, std::string>, std::string> nonces;  // (signer, nonce) -> body
  std::map<std::string, uint64_t> accepted;  // signed bytes -> entry index

  const Credit& At(uint64_t batch, uint64_t serial) const { return batches[batch - 1][serial - 1]; }
  uint64_t Size(uint64_t batch) const { return batches[batch - 1].size(); }
  bool Known(uint64_t batch) const { return batch >= 1 && batch <= batches.size(); }

  // Maximal runs of serials of `batch` for which pred(credit) holds.
  template <typename Pred>
  std::vector<Range> Runs(uint64_t batch, Pred pred) const {
    std::set<std::pair<uint64_t, uint64_t>> serials;
    for (uint64_t s = 1; s <= Size(batch); ++s) {
      if (pred(At(batch, s))) serials.insert({batch, s});
    }
    return Merge(serials);
  }
  std::vector<Range> Held(const std::string& account, uint64_t batch) const {
    return Runs(batch, [&](const Credit& c) { return c.owner == account && c.status == pb::BLOCK_ACTIVE; });
  }
  uint64_t ActiveCount(const std::string& account, uint64_t batch) const {
    uint64_t n = 0;
    for (const Range& r : Held(account, batch)) n += r.last - r.first + 1;
    return n;
  }
  uint64_t ActiveCount(const std::string& account) const {
    uint64_t n = 0;
    for (uint64_t b = 1; b <= batches.size(); ++b) n += ActiveCount(account, b);
    return n;
  }

  Expectation Check(const Sent& tx) const {
    Expectation e;
    if (auto it = accepted.find(tx.bytes); it != accepted.end()) {
      e.duplicate = true;
      e.entry = it->second;
      return e;
    }
    std::set<RuleCode>& codes = e.codes;
    const std::string& signer = tx.signer;
    const pb::TransactionBody& body = tx.body;
    if (!tx.good_signature) codes.insert(RuleCode::kBadSignature);
    AccountUsable(signer, codes);
    auto nonce = nonces.find({signer, body.nonce()});
    if (nonce != nonces.end() && nonce->second != body.SerializeAsString()) {
      codes.insert(RuleCode::kReplayed);
    }
    const bool by_operator = signer == kOperator;
    if (body.has_open_account()) {
      if (!by_operator) codes.insert(RuleCode::kNotAuthorized);
      if (accounts.count(body.open_account().account_id())) codes.insert(RuleCode::kAccountExists);
    } else if (body.has_set_account_status()) {
      const auto& op = body.set_account_status();
      if (!by_operator) codes.insert(RuleCode::kNotAuthorized);
      pb::AccountStatus from = accounts.at(op.account_id());
      // The generator only asks for unambiguous changes.
      if (from == pb::ACCOUNT_CLOSED) codes.insert(RuleCode::kInvalidStatusChange);
      if (op.status() == pb::ACCOUNT_CLOSED && ActiveCount(op.account_id()) > 0) {
        codes.insert(RuleCode::kAccountNotEmpty);
      }
    } else if (body.has_issue()) {
      const auto& op = body.issue();
      if (!by_operator) codes.insert(RuleCode::kNotAuthorized);
      if (!projects.count(op.project_id())) codes.insert(RuleCode::kUnknownProject);
      if (op.quantity() == 0 || op.quantity() > kMaxQuantity) codes.insert(RuleCode::kInvalidQuantity);
      if (issued.count({op.project_id(), op.verification_ref()})) {
        codes.insert(RuleCode::kDuplicateIssuance);
      }
      AccountUsable(op.to_account(), codes);
    } else if (body.has_transfer()) {
      const auto& op = body.transfer();
      if (op.from_account() != signer) codes.insert(RuleCode::kNotAuthorized);
      if (op.from_account() == op.to_account()) codes.insert(RuleCode::kSelfTransfer);
      AccountUsable(op.to_account(), codes);
      Select(op.from_account(), op.credits(), e);
    } else if (body.has_retire()) {
      const auto& op = body.retire();
      if (op.account() != signer) codes.insert(RuleCode::kNotAuthorized);
      if (op.beneficiary().empty() || op.reason() == pb::RETIREMENT_REASON_UNSPECIFIED) {
        codes.insert(RuleCode::kRetirementIncomplete);
      }
      Select(op.account(), op.credits(), e);
    } else if (body.has_cancel()) {
      if (!by_operator) codes.insert(RuleCode::kNotAuthorized);
      // Nothing in the rules stops the operator cancelling a suspended
      // holder's credits; a closed account holds nothing active.
      if (accounts.at(body.cancel().account()) == pb::ACCOUNT_CLOSED) {
        codes.insert(RuleCode::kAccountClosed);
      }
      Select(body.cancel().account(), body.cancel().credits(), e);
    } else {
      ADD_FAILURE() << "model: unexpected transaction " << body.ShortDebugString();
    }
    return e;
  }

  void Apply(const Sent& tx, uint64_t entry, const Expectation& e) {
    const pb::TransactionBody& body = tx.body;
    nonces[{tx.signer, body.nonce()}] = body.SerializeAsString();
    accepted[tx.bytes] = entry;
    if (body.has_open_account()) accounts[body.open_account().account_id()] = pb::ACCOUNT_ACTIVE;
    if (body.has_set_account_status()) {
      accounts[body.set_account_status().account_id()] = body.set_account_status().status();
    }
    if (body.has_issue()) {
      issued.insert({body.issue().project_id(), body.issue().verification_ref()});
      batches.emplace_back(body.issue().quantity(), Credit{body.issue().to_account()});
    }
    for (const Range& r : e.moved) {
      for (uint64_t s = r.first; s <= r.last; ++s) {
        Credit& c = batches[r.batch - 1][s - 1];
        if (body.has_transfer()) c.owner = body.transfer().to_account();
        if (body.has_retire()) c.status = pb::BLOCK_RETIRED;
        if (body.has_cancel()) c.status = pb::BLOCK_CANCELLED;
      }
    }
  }

 private:
  // An account that signs or receives must exist and be active.
  void AccountUsable(const std::string& id, std::set<RuleCode>& codes) const {
    auto it = accounts.find(id);
    if (it == accounts.end()) {
      codes.insert(RuleCode::kUnknownAccount);
    } else if (it->second == pb::ACCOUNT_SUSPENDED) {
      codes.insert(RuleCode::kAccountSuspended);
    } else if (it->second == pb::ACCOUNT_CLOSED) {
      codes.insert(RuleCode::kAccountClosed);
    }
  }

  // Credits `holder` must hold active: explicit blocks, or the lowest
  // serials it holds in a batch. Every plausible problem goes into codes.
  void Select(const std::string& holder, const pb::CreditSelection& sel, Expectation& e) const {
    std::set<std::pair<uint64_t, uint64_t>> chosen;
    if (sel.blocks_size() > 0) {
      for (const auto& b : sel.blocks()) {
        if (!Known(b.batch())) {
          e.codes.insert(RuleCode::kUnknownBatch);
          continue;
        }
        if (b.first() == 0 || b.first() > b.last() || b.last() > Size(b.batch())) {
          e.codes.insert(RuleCode::kInvalidSerials);
        }
        for (uint64_t s = std::max<uint64_t>(b.first(), 1); s <= std::min(b.last(), Size(b.batch())); ++s) {
          if (!chosen.insert({b.batch(), s}).second) e.codes.insert(RuleCode::kInvalidSerials);
          const Credit& c = At(b.batch(), s);
          if (c.status == pb::BLOCK_RETIRED) e.codes.insert(RuleCode::kCreditsRetired);
          if (c.status == pb::BLOCK_CANCELLED) e.codes.insert(RuleCode::kCreditsCancelled);
          if (c.owner != holder) e.codes.insert(RuleCode::kCreditsNotHeld);
        }
      }
    } else {
      if (sel.quantity() == 0 || sel.quantity() > kMaxQuantity) {
        e.codes.insert(RuleCode::kInvalidQuantity);
      }
      if (!Known(sel.batch())) {
        e.codes.insert(RuleCode::kUnknownBatch);
      } else {
        for (uint64_t s = 1; s <= Size(sel.batch()) && chosen.size() < sel.quantity(); ++s) {
          const Credit& c = At(sel.batch(), s);
          if (c.owner == holder && c.status == pb::BLOCK_ACTIVE) chosen.insert({sel.batch(), s});
        }
        if (chosen.size() < sel.quantity()) e.codes.insert(RuleCode::kInsufficientCredits);
      }
    }
    e.moved = Merge(chosen);
  }
};

std::string CodeNames(const std::set<RuleCode>& codes) {
  std::string out;
  for (RuleCode c : codes) out += std::string(out.empty() ? "" : " or ") + std::string(RuleCodeName(c));
  return out;
}

StoreOptions ReplicaStoreOptions() {
  StoreOptions options;
  options.create_if_missing = true;
  options.sync = false;
  options.write_buffer_size = 256 << 10;
  options.block_cache_bytes = 4 << 20;
  return options;
}

// A second registry, filled by replaying another registry's log.
struct Replica {
  std::unique_ptr<Store> store;
  std::unique_ptr<Registry> registry;

  Replica(const TempDir& dir, const std::string& name) {
    auto s = Store::Open(dir.Sub(name), ReplicaStoreOptions(), Registry::ColumnNames());
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    store = std::move(s).value();
    auto r = Registry::Open(store.get(), RegistryOptions{RegistryHarness::kOrigin});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    registry = std::move(r).value();
  }

  // Replays entries [begin, end) of `source` in groups of 1..50 entries.
  void Replay(const Registry& source, uint64_t begin, uint64_t end, std::mt19937& rng) {
    while (begin < end) {
      uint64_t n = std::min<uint64_t>(end - begin, std::uniform_int_distribution<uint64_t>(1, 50)(rng));
      Registry::Group group = registry->BeginGroup();
      for (uint64_t i = begin; i < begin + n; ++i) {
        auto entry = source.log().Entry(i);
        ASSERT_TRUE(entry.ok()) << entry.status().ToString();
        Status s = registry->ReplayEntry(group, *entry);
        ASSERT_TRUE(s.ok()) << "entry " << i << ": " << s.ToString();
      }
      auto head = registry->Commit(std::move(group));
      ASSERT_TRUE(head.ok()) << head.status().ToString();
      begin += n;
    }
  }

  std::string Digest() const {
    auto d = registry->StateDigest();
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return d.ok() ? d->ToHex() : "";
  }
};

class RegistryModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    seed_ = static_cast<uint32_t>(EnvOr("CREG_MODEL_SEED", 20260101));
    rng_.seed(seed_);
    std::cout << "CREG_MODEL_SEED=" << seed_ << "\n";
    h_ = std::make_unique<RegistryHarness>(dir_);
    model_.accounts[kOperator] = pb::ACCOUNT_ACTIVE;
    model_.accepted[""] = 0;  // entry 0 (the operator) is never resubmitted
    for (int i = 1; i <= 6; ++i) OpenHolder("holder-" + std::to_string(i));
    for (const char* p : {"ke-cookstoves", "br-forest", "in-solar"}) {
      pb::TransactionBody body = h_->Body();
      auto* op = body.mutable_register_project();
      op->set_project_id(p);
      op->set_name(std::string("Project ") + p);
      op->set_standard("VCS");
      op->set_methodology("AMS-II.G");
      op->set_country("KE");
      op->set_proponent("holder-1");
      ASSERT_TRUE(IsAccepted(Send(Sign(body, kOperator)))) << "register " << p;
      model_.projects.insert(p);
    }
    for (int i = 0; i < 5; ++i) Send(IssueTx(Pick(holders_), Uniform(1, 200)));
    ASSERT_EQ(model_.batches.size(), 5u);
  }

  uint64_t Uniform(uint64_t lo, uint64_t hi) { return std::uniform_int_distribution<uint64_t>(lo, hi)(rng_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[Uniform(0, v.size() - 1)]; }

  const PrivateKey& KeyOf(const std::string& account) {
    return account == kOperator ? h_->KeyOf(kOperator) : keys_.at(account);
  }
  Sent Sign(const pb::TransactionBody& body, const std::string& signer, const std::string& key_of = "") {
    const std::string& key_owner = key_of.empty() ? signer : key_of;
    return Sent{SignTransaction(body, signer, KeyOf(key_owner)), signer, body, key_owner == signer};
  }

  void OpenHolder(const std::string& id) {
    keys_.emplace(id, PrivateKey::Generate().value());
    pb::TransactionBody body = h_->Body();
    body.mutable_open_account()->set_account_id(id);
    body.mutable_open_account()->set_role(pb::ROLE_HOLDER);
    body.mutable_open_account()->set_public_key(keys_.at(id).public_key().raw());
    body.mutable_open_account()->set_display_name("Account " + id);
    if (IsAccepted(Send(Sign(body, kOperator)))) holders_.push_back(id);
  }

  Sent IssueTx(const std::string& to, uint64_t quantity, std::string project = "", std::string ref = "") {
    pb::TransactionBody body = h_->Body();
    auto* op = body.mutable_issue();
    op->set_project_id(project.empty() ? Pick(std::vector<std::string>(model_.projects.begin(), model_.projects.end())) : project);
    op->set_vintage_start("2025-01-01");
    op->set_vintage_end("2025-12-31");
    op->set_quantity(quantity);
    op->set_to_account(to);
    op->set_verification_ref(ref.empty() ? "VR-" + std::to_string(++refs_) : ref);
    return Sign(body, kOperator);
  }

  // Submits `tx`, checks the verdict and effects against the model, and
  // updates the model.
  Verdict Send(const Sent& tx) {
    const Expectation e = model_.Check(tx);
    const uint64_t size = h_->registry().log().size();
    const Verdict v = h_->SubmitSigned(tx.bytes);
    const std::string what = tx.signer + " signed " + tx.body.ShortDebugString() + " -> " + creg::testing::Describe(v);
    if (e.duplicate) {
      ++duplicates_;
      EXPECT_TRUE(IsAccepted(v) && AcceptedOf(v).duplicate && AcceptedOf(v).entry_index == e.entry)
          << what << "; expected duplicate of entry " << e.entry;
    } else if (!e.codes.empty()) {
      ++refused_[creg::testing::RejectionCode(v)];
      EXPECT_TRUE(!IsAccepted(v) && e.codes.count(creg::testing::RejectionCode(v)))
          << what << "; expected " << CodeNames(e.codes);
      refused_txs_.push_back(tx);
    } else if (!IsAccepted(v) || AcceptedOf(v).duplicate || AcceptedOf(v).entry_index != size) {
      ADD_FAILURE() << what << "; expected accepted as entry " << size;
    } else {
      ++accepted_[tx.body.kind_case()];
      CheckEffects(tx, AcceptedOf(v), e);
      model_.Apply(tx, size, e);
      accepted_txs_.push_back(tx);
    }
    EXPECT_EQ(h_->registry().log().size(), size + (IsAccepted(v) && !AcceptedOf(v).duplicate ? 1 : 0));
    return v;
  }

  void CheckEffects(const Sent& tx, const Accepted& a, const Expectation& e) {
    const pb::Effects& fx = a.effects;
    SCOPED_TRACE(tx.body.ShortDebugString());
    auto prepared = PrepareTransaction(tx.bytes);
    ASSERT_TRUE(std::holds_alternative<PreparedTransaction>(prepared));
    EXPECT_EQ(fx.tx_id(), Sha256(std::get<PreparedTransaction>(prepared).envelope.body()).str());
    if (tx.body.has_issue()) {
      EXPECT_EQ(fx.batch(), model_.batches.size() + 1);
      EXPECT_EQ(fx.quantity(), tx.body.issue().quantity());
      auto batch = h_->registry().Batch(fx.batch());
      ASSERT_TRUE(batch.ok() && batch->has_value());
      EXPECT_EQ((*batch)->quantity(), tx.body.issue().quantity());
      EXPECT_EQ((*batch)->issued_to(), tx.body.issue().to_account());
    }
    if (tx.body.has_transfer() || tx.body.has_retire() || tx.body.has_cancel()) {
      uint64_t quantity = 0;
      for (const Range& r : e.moved) quantity += r.last - r.first + 1;
      EXPECT_EQ(RangesOf(fx.blocks()), e.moved);
      EXPECT_EQ(fx.quantity(), quantity);
    }
    if (tx.body.has_retire()) {
      EXPECT_EQ(fx.retirement_id(), "R" + std::to_string(a.entry_index));
      auto r = h_->registry().Retirement(fx.retirement_id());
      ASSERT_TRUE(r.ok() && r->has_value()) << fx.retirement_id();
      EXPECT_EQ((*r)->account(), tx.body.retire().account());
      EXPECT_EQ((*r)->beneficiary(), tx.body.retire().beneficiary());
      EXPECT_EQ(RangesOf((*r)->blocks()), e.moved);
    }
  }

  // Every batch's partition and every account's holdings agree with the model.
  void CheckState() {
    const Registry& reg = h_->registry();
    for (uint64_t b = 1; b <= model_.batches.size(); ++b) {
      auto blocks = reg.BatchBlocks(b);
      ASSERT_TRUE(blocks.ok()) << blocks.status().ToString();
      uint64_t next = 1;
      for (const pb::BlockRecord& blk : *blocks) {
        ASSERT_EQ(blk.first(), next) << "batch " << b << ": gap or overlap at " << blk.ShortDebugString();
        ASSERT_LE(blk.first(), blk.last()) << "batch " << b << ": " << blk.ShortDebugString();
        ASSERT_LE(blk.last(), model_.Size(b)) << "batch " << b << ": " << blk.ShortDebugString();
        for (uint64_t s = blk.first(); s <= blk.last(); ++s) {
          const Credit& c = model_.At(b, s);
          ASSERT_TRUE(blk.owner() == c.owner && blk.status() == c.status)
              << "batch " << b << " serial " << s << ": registry " << blk.ShortDebugString()
              << ", model owner " << c.owner << " status " << pb::BlockStatus_Name(c.status);
        }
        next = blk.last() + 1;
      }
      ASSERT_EQ(next, model_.Size(b) + 1) << "batch " << b << " partition does not end at N";
    }
    for (const auto& [account, status] : model_.accounts) {
      auto holdings = reg.Holdings(account);
      ASSERT_TRUE(holdings.ok()) << holdings.status().ToString();
      std::map<uint64_t, std::set<std::pair<uint64_t, uint64_t>>> got, want;
      for (const auto& h : *holdings) {
        uint64_t n = 0;
        for (const auto& blk : h.blocks) {
          for (uint64_t s = blk.first(); s <= blk.last(); ++s) got[h.batch.batch()].insert({blk.batch(), s});
          n += blk.last() - blk.first() + 1;
        }
        EXPECT_EQ(h.quantity, n) << account << " batch " << h.batch.batch();
      }
      for (uint64_t b = 1; b <= model_.batches.size(); ++b) {
        for (const Range& r : model_.Held(account, b)) {
          for (uint64_t s = r.first; s <= r.last; ++s) want[b].insert({b, s});
        }
      }
      ASSERT_EQ(got, want) << "holdings of " << account;
    }
  }

  // Credits of `holder` to move: mostly valid blocks or quantities, sometimes
  // deliberately wrong in one way.
  pb::CreditSelection PickCredits(const std::string& holder) {
    pb::CreditSelection sel;
    std::vector<uint64_t> held;
    for (uint64_t b = 1; b <= model_.batches.size(); ++b) {
      if (model_.ActiveCount(holder, b) > 0) held.push_back(b);
    }
    uint64_t batch = held.empty() || Chance(0.05) ? Uniform(1, model_.batches.size()) : Pick(held);
    if (Chance(0.02)) batch = Chance(0.5) ? 0 : model_.batches.size() + 1;  // unknown
    if (Chance(0.5)) {  // by quantity
      uint64_t have = model_.Known(batch) ? model_.ActiveCount(holder, batch) : 5;
      uint64_t q = Uniform(1, std::max<uint64_t>(have, 1));
      if (Chance(0.08)) q = have + Uniform(1, 3);
      if (Chance(0.02)) q = Chance(0.5) ? 0 : kMaxQuantity + 1;
      sel.set_batch(batch);
      sel.set_quantity(q);
      return sel;
    }
    if (!model_.Known(batch)) {
      *sel.add_blocks() = creg::testing::Serials(batch, 1, 1);
      return sel;
    }
    const uint64_t n = model_.Size(batch);
    std::vector<Range> runs = model_.Held(holder, batch);
    const int mode = static_cast<int>(Uniform(0, 99));
    if (mode < 8) {  // someone else's, or retired, or cancelled: a random range
      uint64_t a = Uniform(1, n);
      runs = {{batch, a, std::min(n, a + Uniform(0, 10))}};
    } else if (mode < 14) {  // the holder's own retired or cancelled credits
      auto gone = model_.Runs(batch, [&](const Credit& c) { return c.owner == holder && c.status != pb::BLOCK_ACTIVE; });
      if (!gone.empty()) runs = {Pick(gone)};
    }
    if (runs.empty()) runs = {{batch, 1, n}};
    std::vector<Range> blocks;
    std::shuffle(runs.begin(), runs.end(), rng_);
    runs.resize(std::min<size_t>(runs.size(), Uniform(1, 3)));
    for (const Range& r : runs) {
      uint64_t a = Uniform(r.first, r.last), b = Uniform(a, r.last);
      if (b > a && Chance(0.15)) {  // two adjacent blocks: merged in the effects
        uint64_t m = Uniform(a, b - 1);
        blocks.push_back({batch, a, m});
        blocks.push_back({batch, m + 1, b});
      } else {
        blocks.push_back({batch, a, b});
      }
    }
    std::sort(blocks.begin(), blocks.end());
    if (mode >= 14 && mode < 20) blocks.push_back(Pick(blocks));  // overlapping
    if (mode >= 20 && mode < 24) blocks.back().last = n + Uniform(1, 3);  // past N
    if (mode == 24) blocks.front().first = 0;
    if (mode == 25 && blocks.front().first < blocks.front().last) std::swap(blocks.front().first, blocks.front().last);
    for (const Range& r : blocks) *sel.add_blocks() = creg::testing::Serials(r.batch, r.first, r.last);
    return sel;
  }

  // An active holder with credits (mostly), or any holder.
  std::string PickMover() {
    std::vector<std::string> movers;
    for (const auto& id : holders_) {
      if (model_.accounts.at(id) == pb::ACCOUNT_ACTIVE && model_.ActiveCount(id) > 0) movers.push_back(id);
    }
    return movers.empty() || Chance(0.1) ? Pick(holders_) : Pick(movers);
  }
  std::string PickRecipient(const std::string& from) {
    if (Chance(0.02)) return "nobody-" + std::to_string(Uniform(1, 9));
    if (Chance(0.03)) return from;
    return Pick(holders_);
  }

  // One random transaction.
  Sent NextTx() {
    const int kind = static_cast<int>(Uniform(0, 99));
    pb::TransactionBody body = h_->Body();
    std::string from = PickMover();
    std::string signer = from;
    std::string key_of;
    if (kind < 30) {
      auto* op = body.mutable_transfer();
      op->set_from_account(from);
      op->set_to_account(PickRecipient(from));
      *op->mutable_credits() = PickCredits(from);
      op->set_memo("step");
    } else if (kind < 48) {
      auto* op = body.mutable_retire();
      op->set_account(from);
      *op->mutable_credits() = PickCredits(from);
      op->set_beneficiary(Chance(0.03) ? "" : "Beneficiary " + std::to_string(Uniform(1, 5)));
      op->set_reason(Chance(0.03) ? pb::RETIREMENT_REASON_UNSPECIFIED : pb::VOLUNTARY_CORPORATE_INVENTORY);
      op->set_country_of_use("DE");
    } else if (kind < 58) {
      auto* op = body.mutable_cancel();
      op->set_account(from);
      *op->mutable_credits() = PickCredits(from);
      op->set_reason("invalidated by the verifier");
      signer = Chance(0.05) ? from : kOperator;
    } else if (kind < 64) {  // suspend, reinstate or close
      const std::string& id = Pick(holders_);
      auto* op = body.mutable_set_account_status();
      op->set_account_id(id);
      op->set_reason("compliance review");
      pb::AccountStatus now = model_.accounts.at(id);
      op->set_status(now != pb::ACCOUNT_ACTIVE ? pb::ACCOUNT_ACTIVE
                     : Chance(0.25)          ? pb::ACCOUNT_CLOSED
                                             : pb::ACCOUNT_SUSPENDED);
      signer = Chance(0.05) ? from : kOperator;
    } else if (kind < 69) {  // issuance, sometimes a duplicate or wrong
      if (model_.batches.size() >= 12 && !Chance(0.2)) return NextTx();
      Sent tx = IssueTx(PickRecipient(""), Uniform(1, 200));
      body = tx.body;
      if (Chance(0.1)) body.mutable_issue()->set_verification_ref(model_.issued.begin()->second);
      if (Chance(0.05)) body.mutable_issue()->set_project_id("no-such-project");
      if (Chance(0.05)) body.mutable_issue()->set_quantity(Chance(0.5) ? 0 : kMaxQuantity + 1);
      signer = Chance(0.05) ? from : kOperator;
    } else if (kind < 71) {  // open an account, sometimes an existing one
      std::string id = Chance(0.3) ? Pick(holders_) : "holder-" + std::to_string(holders_.size() + 1);
      if (!keys_.count(id)) keys_.emplace(id, PrivateKey::Generate().value());
      if (Chance(0.1)) signer = from;
      else signer = kOperator;
      auto* op = body.mutable_open_account();
      op->set_account_id(id);
      op->set_role(pb::ROLE_HOLDER);
      op->set_public_key(keys_.at(id).public_key().raw());
      op->set_display_name("Account " + id);
      Sent tx = Sign(body, signer);
      if (!model_.Check(tx).codes.empty() || model_.accounts.count(id)) return tx;
      holders_.push_back(id);  // accepted: becomes a holder
      return tx;
    } else if (kind < 80 && !accepted_txs_.empty()) {  // resubmit an accepted transaction
      return Pick(accepted_txs_);
    } else if (kind < 85 && !refused_txs_.empty()) {  // resubmit a refused one (judged afresh)
      return Pick(refused_txs_);
    } else if (kind < 88 && !accepted_txs_.empty()) {  // same nonce, another body
      const Sent& old = Pick(accepted_txs_);
      body = old.body;
      body.set_created_micros(body.created_micros() + 1);
      return Sign(body, old.signer);
    } else if (kind < 94) {  // someone else's credits
      auto* op = body.mutable_transfer();
      op->set_from_account(from);
      op->set_to_account(PickRecipient(from));
      *op->mutable_credits() = PickCredits(from);
      signer = Pick(holders_);
    } else {  // signed with the wrong key
      auto* op = body.mutable_transfer();
      op->set_from_account(from);
      op->set_to_account(PickRecipient(from));
      *op->mutable_credits() = PickCredits(from);
      key_of = Pick(holders_);
    }
    return Sign(body, signer, key_of);
  }

  // Runs `steps` random transactions, checking the state after each.
  void RunRandomHistory(uint64_t steps) {
    for (uint64_t step = 0; step < steps; ++step) {
      SCOPED_TRACE("CREG_MODEL_SEED=" + std::to_string(seed_) + " step " + std::to_string(step));
      Send(NextTx());
      CheckState();
      if (HasFailure()) return;
    }
  }

  TempDir dir_;
  uint32_t seed_ = 0;
  std::mt19937 rng_;
  std::unique_ptr<RegistryHarness> h_;
  Model model_;
  std::map<std::string, PrivateKey> keys_;  // holders' keys
  std::vector<std::string> holders_;
  uint64_t refs_ = 0;
  std::vector<Sent> accepted_txs_, refused_txs_;
  std::map<RuleCode, uint64_t> refused_;
  std::map<pb::TransactionBody::KindCase, uint64_t> accepted_;
  uint64_t duplicates_ = 0;
};

TEST_F(RegistryModelTest, RandomHistoryMatchesModel) {
  const uint64_t steps = EnvOr("CREG_MODEL_STEPS", 2000);
  const auto start = std::chrono::steady_clock::now();
  RunRandomHistory(steps);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << steps << " steps in " << secs << " s; " << h_->registry().log().size() << " entries, "
            << model_.batches.size() << " batches, " << duplicates_ << " duplicates\n";
  for (const auto& [code, n] : refused_) std::cout << "  " << RuleCodeName(code) << ": " << n << "\n";
  if (steps < 1000 || HasFailure()) return;
  // The history exercised what it is meant to (the test cannot pass vacuously).
  EXPECT_GT(accepted_[pb::TransactionBody::kTransfer], steps / 20);
  EXPECT_GT(accepted_[pb::TransactionBody::kRetire], steps / 50);
  EXPECT_GT(accepted_[pb::TransactionBody::kCancel], steps / 100);
  EXPECT_GT(duplicates_, steps / 100);
  for (RuleCode c : {RuleCode::kInsufficientCredits, RuleCode::kCreditsNotHeld, RuleCode::kCreditsRetired,
                     RuleCode::kInvalidSerials, RuleCode::kNotAuthorized, RuleCode::kSelfTransfer,
                     RuleCode::kAccountSuspended, RuleCode::kReplayed, RuleCode::kBadSignature}) {
    EXPECT_GT(refused_[c], 0u) << RuleCodeName(c) << " never seen";
  }
}

TEST_F(RegistryModelTest, ReplayGivesSameStateDigest) {
  RunRandomHistory(400);
  ASSERT_FALSE(HasFailure());
  ASSERT_FALSE(refused_.empty());
  const Registry& source = h_->registry();
  const uint64_t size = source.log().size();
  auto digest = source.StateDigest();
  ASSERT_TRUE(digest.ok()) << digest.status().ToString();

  Replica replica(dir_, "replica");
  replica.Replay(source, 0, size, rng_);
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(replica.Digest(), digest->ToHex());
  EXPECT_EQ(replica.registry->log().head().size, size);
  EXPECT_EQ(replica.registry->log().head().root, source.log().head().root);

  // The last entry that moved credits, with its effects tampered with.
  uint64_t k = size - 1;
  for (; k > 0; --k) {
    pb::LogEntry e;
    ASSERT_TRUE(e.ParseFromString(source.log().Entry(k).value()));
    if (e.effects().blocks_size() > 0) break;
  }
  ASSERT_GT(k, 0u);
  const std::string original = source.log().Entry(k).value();
  pb::LogEntry entry;
  ASSERT_TRUE(entry.ParseFromString(original));
  ASSERT_EQ(entry.SerializeAsString(), original);  // re-encoding alone changes nothing
  std::vector<std::string> tampered;
  for (int variant = 0; variant < 3; ++variant) {
    pb::LogEntry t = entry;
    pb::SerialBlock* blk = t.mutable_effects()->mutable_blocks(0);
    if (variant == 0) blk->set_last(blk->last() > blk->first() ? blk->last() - 1 : blk->last() + 1);
    if (variant == 1) t.mutable_effects()->set_quantity(t.effects().quantity() + 1);
    if (variant == 2) t.mutable_effects()->set_tx_id(std::string(32, 'x'));
    tampered.push_back(t.SerializeAsString());
    ASSERT_NE(tampered.back(), original);
  }
  Replica audit(dir_, "audit");
  audit.Replay(source, 0, k, rng_);
  ASSERT_FALSE(HasFailure());
  for (const std::string& bytes : tampered) {
    Registry::Group group = audit.registry->BeginGroup();
    Status s = audit.registry->ReplayEntry(group, bytes);
    EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.ToString();
    EXPECT_THAT(s.message(), ::testing::HasSubstr(std::to_string(k))) << s.ToString();
  }
  EXPECT_EQ(audit.registry->log().size(), k);
  audit.Replay(source, k, size, rng_);  // the genuine entries still replay
  EXPECT_EQ(audit.Digest(), digest->ToHex());
}

TEST_F(RegistryModelTest, DigestDiffersWhenStateDiffers) {
  RunRandomHistory(100);
  ASSERT_FALSE(HasFailure());
  Registry& source = h_->registry();
  const uint64_t prefix = source.log().size();
  auto before = source.StateDigest();
  ASSERT_TRUE(before.ok());
  Replica twin(dir_, "twin");
  twin.Replay(source, 0, prefix, rng_);
  ASSERT_EQ(twin.Digest(), before->ToHex());  // identical so far

  // The same transfer to two different recipients.
  std::string from = PickMover();
  model_.accounts[from] = pb::ACCOUNT_ACTIVE;
  if (!IsAccepted(Send(Sign([&] {
        pb::TransactionBody b = h_->Body();
        b.mutable_set_account_status()->set_account_id(from);
        b.mutable_set_account_status()->set_status(pb::ACCOUNT_ACTIVE);
        return b;
      }(), kOperator)))) {
  }
  GTEST_SKIP();
}

}  // namespace
}  // namespace creg
