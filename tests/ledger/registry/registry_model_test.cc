// Model-based test of the Registry: random histories of valid and invalid
// transactions go both to a real Registry and to a tiny in-memory model
// written from the rules (DESIGN.md "Registry rules", docs/rules.md), not from
// the implementation. After every step the verdicts, the effects, every
// account's holdings and every batch's partition must agree with the model.
//
// CREG_MODEL_STEPS (default 2000 transactions) and CREG_MODEL_SEED (default
// 20260101) set the length and seed of the random history.
#include "ledger/registry/registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "creg/log.pb.h"
#include "creg/transaction.pb.h"
#include "ledger/canonical_proto.h"
#include "ledger/hash.h"
#include "ledger/log_entry.h"
#include "ledger/registry/account_keys.h"
#include "ledger/registry/labels.h"
#include "ledger/registry/rule_code.h"
#include "ledger/registry/transaction.h"
#include "tests/support/log_fixture.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/temp_dir.h"

namespace creg {
namespace {

using creg::testing::AcceptedOf;
using creg::testing::Describe;
using creg::testing::IsAccepted;
using creg::testing::RegistryHarness;
using creg::testing::RejectionCode;
using creg::testing::TempDir;

constexpr uint64_t kMaxQuantity = 1'000'000'000'000;
const std::string kOperator = RegistryHarness::kOperator;

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::stoull(value) : fallback;
}

// Serials [first, last] of one batch.
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
using Serials = std::set<std::pair<uint64_t, uint64_t>>;  // (batch, serial)
// Serials as ranges in serial order, contiguous ones merged.
std::vector<Range> Merge(const Serials& serials) {
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

using LabelSet = std::set<std::string>;

// The Article 6 facts of a credit (docs/rules.md, "Article 6"). The model's
// authorisations all name party GH, one reference and one date.
struct Article6 {
  std::set<int> uses;  // authorised uses; empty: not authorised
  int first_transfer = 0;
  int adjustment = pb::ADJUSTMENT_NOT_REQUIRED;
  std::string adjustment_reference;
  uint64_t first_transfer_entry = 0;
  auto operator<=>(const Article6&) const = default;
};

// What a credit carries besides owner and status.
struct Attributes {
  LabelSet labels;
  Article6 article6;
  auto operator<=>(const Attributes&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Attributes& a) {
  os << "{labels " << a.labels.size() << ", uses";
  for (int u : a.article6.uses) os << " " << u;
  return os << ", first transfer " << a.article6.first_transfer << " at entry "
            << a.article6.first_transfer_entry << ", adjustment " << a.article6.adjustment << " '"
            << a.article6.adjustment_reference << "'}";
}
Attributes AttributesOf(const pb::BlockAttributes& a) {
  Attributes out{LabelSet(a.labels().begin(), a.labels().end()), {}};
  if (a.has_authorization()) {
    const auto& uses = a.authorization().uses();
    out.article6.uses = std::set<int>(uses.begin(), uses.end());
    out.article6.first_transfer = a.authorization().first_transfer();
  }
  out.article6.adjustment = a.adjustment();
  out.article6.adjustment_reference = a.adjustment_reference();
  out.article6.first_transfer_entry = a.first_transfer_entry();
  return out;
}

struct Credit {
  std::string owner;
  pb::BlockStatus status = pb::BLOCK_ACTIVE;
  Attributes attributes;
};

// A run of credits and what they carry.
using Labelled = std::vector<std::pair<Range, Attributes>>;
Labelled LabelledOf(const google::protobuf::RepeatedPtrField<pb::AttributedBlock>& runs) {
  Labelled out;
  for (const auto& r : runs) {
    out.push_back(
        {{r.block().batch(), r.block().first(), r.block().last()}, AttributesOf(r.attributes())});
  }
  return out;
}

// A signed transaction; good_signature unless signed with another's key.
struct Sent {
  std::string bytes;
  std::string signer;
  pb::TransactionBody body;
  bool good_signature = true;
  // Keyed form: the raw keys that signed (empty: the single-key form).
  std::vector<std::string> keyed_by;
};

struct Expectation {
  std::set<RuleCode> codes;  // every plausible refusal; empty: accepted
  bool duplicate = false;    // resubmission of the accepted `entry`
  uint64_t entry = 0;
  uint64_t batch = 0;        // issue: the batch number
  std::vector<Range> moved;  // transfer, retire, cancel; label: the credits relabelled
  Labelled labelled;         // transfer, retire, cancel: the moved credits with labels
  void RefuseIf(bool bad, RuleCode code) {
    if (bad) codes.insert(code);
  }
};

// The registry rules over plain containers.
class Model {
 public:
  using enum RuleCode;
  std::map<std::string, pb::AccountStatus> accounts;  // the operator and holders
  std::set<std::string> projects;
  std::set<std::pair<std::string, std::string>> issued;  // (project, verification_ref)
  std::vector<std::vector<Credit>> batches;              // batch b serial s: [b-1][s-1]
  std::map<std::pair<std::string, std::string>, std::string> nonces;  // (signer, nonce) -> body
  std::map<std::string, uint64_t> accepted;                           // signed bytes -> entry
  std::set<std::string> bodies;                                       // of accepted transactions
  std::map<std::string, AccountKeys> keysets;                         // accounts of several keys
  std::vector<uint64_t> issued_at;  // batch b: the entry that issued it, [b-1]
  uint64_t next_entry = 0;          // the entry the transaction checked next would be

  bool Known(uint64_t b) const { return b >= 1 && b <= batches.size(); }
  uint64_t Size(uint64_t b) const { return batches[b - 1].size(); }
  const Credit& At(uint64_t b, uint64_t s) const { return batches[b - 1][s - 1]; }
  template <typename Pred>
  std::vector<Range> Runs(uint64_t b, Pred pred) const {
    Serials serials;
    for (uint64_t s = 1; s <= Size(b); ++s) {
      if (pred(At(b, s))) serials.insert({b, s});
    }
    return Merge(serials);
  }
  std::vector<Range> Held(const std::string& account, uint64_t b) const {
    return Runs(
        b, [&](const Credit& c) { return c.owner == account && c.status == pb::BLOCK_ACTIVE; });
  }
  // Active credits of `account` in batch b, or in all batches when b is 0.
  uint64_t Count(const std::string& account, uint64_t b = 0) const {
    uint64_t n = 0;
    for (uint64_t i = b == 0 ? 1 : b; i <= (b == 0 ? batches.size() : b); ++i) {
      for (const Range& r : Held(account, i)) n += r.last - r.first + 1;
    }
    return n;
  }

  Expectation Check(const Sent& tx) const {
    Expectation e;
    if (auto it = accepted.find(tx.bytes); it != accepted.end()) {
      e.duplicate = true;
      e.entry = it->second;
      return e;
    }
    const pb::TransactionBody& body = tx.body;
    auto nonce = nonces.find({tx.signer, body.nonce()});
    CheckSignatures(tx, e);
    e.RefuseIf(nonce != nonces.end() && nonce->second != body.SerializeAsString(), kReplayed);
    e.RefuseIf(bodies.count(body.SerializeAsString()), kReplayed);  // under another signature
    e.RefuseIf(tx.signer != kOperator && !body.has_transfer() && !body.has_retire() &&
                   !body.has_set_account_keys(),
               kNotAuthorized);
    Usable(tx.signer, e);
    if (body.has_open_account()) {
      e.RefuseIf(accounts.count(body.open_account().account_id()), kAccountExists);
    } else if (body.has_set_account_status()) {  // only unambiguous changes are generated
      const auto& op = body.set_account_status();
      e.RefuseIf(accounts.at(op.account_id()) == pb::ACCOUNT_CLOSED, kInvalidStatusChange);
      e.RefuseIf(op.status() == pb::ACCOUNT_CLOSED && Count(op.account_id()) > 0, kAccountNotEmpty);
    } else if (body.has_issue()) {
      const auto& op = body.issue();
      e.RefuseIf(!projects.count(op.project_id()), kUnknownProject);
      e.RefuseIf(op.quantity() == 0 || op.quantity() > kMaxQuantity, kInvalidQuantity);
      e.RefuseIf(issued.count({op.project_id(), op.verification_ref()}), kDuplicateIssuance);
      Usable(op.to_account(), e);
      e.batch = batches.size() + 1;
    } else if (body.has_transfer()) {
      const auto& op = body.transfer();
      e.RefuseIf(op.from_account() != tx.signer, kNotAuthorized);
      e.RefuseIf(op.from_account() == op.to_account(), kSelfTransfer);
      Usable(op.to_account(), e);
      Select(op.from_account(), op.credits(), e);
    } else if (body.has_retire()) {
      const auto& op = body.retire();
      e.RefuseIf(op.account() != tx.signer, kNotAuthorized);
      e.RefuseIf(op.beneficiary().empty() || op.reason() == pb::RETIREMENT_REASON_UNSPECIFIED,
                 kRetirementIncomplete);
      Select(op.account(), op.credits(), e);
    } else if (body.has_cancel()) {  // a suspended holder's credits too; a closed one has none
      e.RefuseIf(accounts.at(body.cancel().account()) == pb::ACCOUNT_CLOSED, kAccountClosed);
      Select(body.cancel().account(), body.cancel().credits(), e);
    } else if (body.has_label()) {
      CheckLabelChange(body.label(), e);
    } else if (body.has_authorize()) {
      CheckAuthorize(body.authorize(), e);
    } else if (body.has_corresponding_adjustment()) {
      CheckAdjustment(body.corresponding_adjustment(), e);
    }
    if (body.has_retire()) CheckUse(body.retire().use(), e);
    if (body.has_cancel()) CheckUse(body.cancel().use(), e);
    if (body.has_transfer() || body.has_retire() || body.has_cancel()) {
      for (const Range& r : e.moved) {
        for (uint64_t s = r.first; s <= r.last; ++s) {
          const Attributes attributes = Moved(body, At(r.batch, s));
          if (attributes == Attributes{}) continue;
          if (!e.labelled.empty() && e.labelled.back().first.batch == r.batch &&
              e.labelled.back().first.last + 1 == s && e.labelled.back().second == attributes) {
            e.labelled.back().first.last = s;
          } else {
            e.labelled.push_back({{r.batch, s, s}, attributes});
          }
        }
      }
    }
    return e;
  }

  // What credit `c` carries once `body` (a move) moved it: a retirement or
  // cancellation is the first transfer of credits authorised so.
  Attributes Moved(const pb::TransactionBody& body, const Credit& c) const {
    Attributes a = c.attributes;
    if ((body.has_retire() || body.has_cancel()) &&
        a.article6.first_transfer == pb::FIRST_TRANSFER_USE_OR_CANCELLATION &&
        a.article6.first_transfer_entry == 0) {
      a.article6.first_transfer_entry = next_entry;
    }
    return a;
  }

  void Apply(const Sent& tx, uint64_t entry, const Expectation& e) {
    const pb::TransactionBody& body = tx.body;
    nonces[{tx.signer, body.nonce()}] = body.SerializeAsString();
    bodies.insert(body.SerializeAsString());
    accepted[tx.bytes] = entry;
    ApplyKeys(body);
    if (body.has_open_account()) accounts[body.open_account().account_id()] = pb::ACCOUNT_ACTIVE;
    if (body.has_set_account_status()) {
      accounts[body.set_account_status().account_id()] = body.set_account_status().status();
    }
    if (body.has_issue()) {
      issued_at.push_back(entry);
      issued.insert({body.issue().project_id(), body.issue().verification_ref()});
      batches.emplace_back(body.issue().quantity(),
                           Credit{body.issue().to_account(), pb::BLOCK_ACTIVE, {}});
    }
    for (const Range& r : e.moved) {
      for (uint64_t s = r.first; s <= r.last; ++s) {
        Credit& c = batches[r.batch - 1][s - 1];
        if (body.has_transfer()) c.owner = body.transfer().to_account();
        if (body.has_retire()) c.status = pb::BLOCK_RETIRED;
        if (body.has_cancel()) c.status = pb::BLOCK_CANCELLED;
        if (body.has_retire() || body.has_cancel()) c.attributes = Moved(body, c);
        if (body.has_authorize()) {
          Article6& a = c.attributes.article6;
          const auto& uses = body.authorize().authorization().uses();
          a.uses = std::set<int>(uses.begin(), uses.end());
          a.first_transfer = body.authorize().authorization().first_transfer();
          a.adjustment = a.uses.count(pb::AUTHORIZED_NDC) || a.uses.count(pb::AUTHORIZED_OIMP)
                             ? pb::ADJUSTMENT_PENDING
                             : pb::ADJUSTMENT_NOT_REQUIRED;
          a.first_transfer_entry = a.first_transfer == pb::FIRST_TRANSFER_AUTHORIZATION ? entry
                                   : a.first_transfer == pb::FIRST_TRANSFER_ISSUANCE
                                       ? issued_at[r.batch - 1]
                                       : 0;
        }
        if (body.has_corresponding_adjustment()) {
          c.attributes.article6.adjustment = body.corresponding_adjustment().status();
          c.attributes.article6.adjustment_reference = body.corresponding_adjustment().reference();
        }
        if (body.has_label() && body.label().action() == pb::LABEL_ADD) {
          c.attributes.labels.insert(body.label().label());
        }
        if (body.has_label() && body.label().action() == pb::LABEL_REMOVE) {
          c.attributes.labels.erase(body.label().label());
        }
      }
    }
  }

  // --- labels (docs/rules.md, "Labels") ---

  // A label change: the selection is checked like explicit blocks, or is a
  // whole batch; only its active credits change, and each must allow it.
  void CheckLabelChange(const pb::Label& op, Expectation& e) const {
    e.RefuseIf(op.action() != pb::LABEL_ADD && op.action() != pb::LABEL_REMOVE, kMalformed);
    e.RefuseIf(!CheckLabel(op.label()).empty(), kInvalidLabel);
    e.RefuseIf(op.reference().empty(), kMalformed);
    Serials active;
    for (const auto& [batch, s] : SelectForChange(op.credits(), e)) {
      const Credit& c = At(batch, s);
      if (c.status != pb::BLOCK_ACTIVE) continue;
      active.insert({batch, s});
      const bool present = c.attributes.labels.count(op.label()) > 0;
      if (op.action() == pb::LABEL_ADD) {
        e.RefuseIf(present, kLabelPresent);
        e.RefuseIf(c.attributes.labels.size() >= static_cast<size_t>(kMaxLabelsPerBlock),
                   kTooManyLabels);
      } else {
        e.RefuseIf(!present, kLabelAbsent);
      }
    }
    e.RefuseIf(active.empty(), kNoActiveCredits);
    e.moved = Merge(active);
  }

  // --- Article 6 (docs/rules.md, "Article 6") ---

  void CheckAuthorize(const pb::Authorize& op, Expectation& e) const {
    const pb::Article6Authorization& a = op.authorization();
    e.RefuseIf(a.party() != "GH", kInvalidAuthorization);  // the model sends GH or gh
    e.RefuseIf(a.date() != "2026-03-02", kInvalidAuthorization);
    const std::set<int> uses(a.uses().begin(), a.uses().end());
    e.RefuseIf(uses.empty() || uses.size() != static_cast<size_t>(a.uses_size()),
               kInvalidAuthorization);
    e.RefuseIf(a.first_transfer() == pb::FIRST_TRANSFER_UNSPECIFIED, kInvalidAuthorization);
    Serials active;
    for (const auto& [batch, s] : SelectForChange(op.credits(), e)) {
      const Credit& c = At(batch, s);
      if (c.status != pb::BLOCK_ACTIVE) continue;
      active.insert({batch, s});
      e.RefuseIf(!c.attributes.article6.uses.empty(), kAlreadyAuthorized);
    }
    e.RefuseIf(active.empty(), kNoActiveCredits);
    e.moved = Merge(active);
  }

  void CheckAdjustment(const pb::CorrespondingAdjustment& op, Expectation& e) const {
    e.RefuseIf(op.status() != pb::ADJUSTMENT_PENDING && op.status() != pb::ADJUSTMENT_APPLIED,
               kMalformed);
    e.RefuseIf(op.reference().empty(), kMalformed);
    const Serials chosen = SelectForChange(op.credits(), e);
    for (const auto& [batch, s] : chosen) {  // retired and cancelled credits too
      const Article6& a = At(batch, s).attributes.article6;
      e.RefuseIf(a.uses.empty(), kAdjustmentUnauthorized);
      e.RefuseIf(a.adjustment >= op.status(), kAdjustmentNotForward);
    }
    e.moved = Merge(chosen);
  }

  // A retirement's or cancellation's use: NDC and OIMP need credits
  // authorised for it.
  void CheckUse(pb::CreditUse use, Expectation& e) const {
    if (use == pb::CREDIT_USE_VOLUNTARY) return;
    const int needed = use == pb::CREDIT_USE_NDC ? pb::AUTHORIZED_NDC : pb::AUTHORIZED_OIMP;
    for (const Range& r : e.moved) {
      for (uint64_t s = r.first; s <= r.last; ++s) {
        e.RefuseIf(!At(r.batch, s).attributes.article6.uses.count(needed), kUseNotAuthorized);
      }
    }
  }

  // The serials of an attribute change's selection (explicit blocks, or a
  // whole batch), whatever their status; refusals of the selection itself
  // go into `e`.
  Serials SelectForChange(const pb::BlockSelection& sel, Expectation& e) const {
    e.RefuseIf((sel.blocks_size() > 0) == (sel.batch() != 0), kMalformed);
    std::vector<Range> ranges;
    if (sel.blocks_size() == 0) {
      e.RefuseIf(!Known(sel.batch()), kUnknownBatch);
      if (Known(sel.batch())) ranges.push_back({sel.batch(), 1, Size(sel.batch())});
    }
    Serials chosen;
    for (const auto& b : sel.blocks()) {
      e.RefuseIf(b.first() == 0 || b.first() > b.last(), kInvalidSerials);
      e.RefuseIf(!Known(b.batch()), kUnknownBatch);
      if (!Known(b.batch())) continue;
      e.RefuseIf(b.last() > Size(b.batch()), kInvalidSerials);
      ranges.push_back(
          {b.batch(), std::max<uint64_t>(b.first(), 1), std::min(b.last(), Size(b.batch()))});
    }
    for (const Range& r : ranges) {
      for (uint64_t s = r.first; s <= r.last; ++s) {
        e.RefuseIf(!chosen.insert({r.batch, s}).second, kInvalidSerials);
      }
    }
    return chosen;
  }

  // --- multi-signature accounts (docs/rules.md, "Multi-signature accounts") ---

  // The signature checks: the single form only for single-key accounts;
  // keyed signatures by keys of the account, at least its threshold of them.
  void CheckSignatures(const Sent& tx, Expectation& e) const {
    e.RefuseIf(!tx.good_signature, kBadSignature);
    auto keys = keysets.find(tx.signer);
    if (tx.keyed_by.empty()) {
      e.RefuseIf(keys != keysets.end(), kSeveralKeys);
    } else if (keys == keysets.end()) {
      e.RefuseIf(true, kKeyNotOnAccount);  // keyed signatures are made for keyset accounts only
    } else {
      const std::vector<std::string>& held = keys->second.keys;
      for (const std::string& k : tx.keyed_by) {
        e.RefuseIf(std::find(held.begin(), held.end(), k) == held.end(), kKeyNotOnAccount);
      }
      e.RefuseIf(tx.keyed_by.size() < keys->second.threshold, kThresholdNotMet);
      e.RefuseIf(tx.keyed_by.size() > kMaxSignatures, kTooManyKeys);
    }
    const pb::TransactionBody& body = tx.body;
    if (body.has_open_account()) CheckKeySetOf(KeysOfOpening(body.open_account()), e);
    if (body.has_rotate_key()) e.RefuseIf(keysets.count(tx.signer), kSeveralKeys);
    if (body.has_set_account_keys()) {
      const AccountKeys next = KeysOfSetting(body.set_account_keys());
      e.RefuseIf(body.set_account_keys().account_id() != tx.signer, kNotAuthorized);
      CheckKeySetOf(next, e);
      e.RefuseIf(keys != keysets.end() && keys->second == next, kInvalidKey);
    }
  }
  void CheckKeySetOf(const AccountKeys& k, Expectation& e) const {
    e.RefuseIf(k.keys.size() > kMaxAccountKeys, kTooManyKeys);
    e.RefuseIf(k.threshold == 0 || k.threshold > k.keys.size(), kInvalidThreshold);
    e.RefuseIf(std::set<std::string>(k.keys.begin(), k.keys.end()).size() != k.keys.size(),
               kDuplicateKey);
  }
  void ApplyKeys(const pb::TransactionBody& body) {
    if (body.has_open_account() && body.open_account().additional_keys_size() > 0) {
      keysets[body.open_account().account_id()] = KeysOfOpening(body.open_account());
    }
    if (body.has_set_account_keys()) {
      keysets[body.set_account_keys().account_id()] = KeysOfSetting(body.set_account_keys());
    }
  }

 private:
  // An account that signs or receives must exist and be active.
  void Usable(const std::string& id, Expectation& e) const {
    auto it = accounts.find(id);
    e.RefuseIf(it == accounts.end(), kUnknownAccount);
    e.RefuseIf(it != accounts.end() && it->second == pb::ACCOUNT_SUSPENDED, kAccountSuspended);
    e.RefuseIf(it != accounts.end() && it->second == pb::ACCOUNT_CLOSED, kAccountClosed);
  }

  // Credits `holder` must hold active: explicit blocks (not overlapping),
  // or the lowest serials it holds in a batch. A zero batch or quantity
  // may read as a missing field (MALFORMED).
  void Select(const std::string& holder, const pb::CreditSelection& sel, Expectation& e) const {
    Serials chosen;
    for (const auto& b : sel.blocks()) {
      e.RefuseIf(b.first() == 0 || b.first() > b.last(), kInvalidSerials);
      e.RefuseIf(!Known(b.batch()), kUnknownBatch);
      e.RefuseIf(b.batch() == 0, kMalformed);
      if (!Known(b.batch())) continue;
      e.RefuseIf(b.last() > Size(b.batch()), kInvalidSerials);
      for (uint64_t s = std::max<uint64_t>(b.first(), 1); s <= std::min(b.last(), Size(b.batch()));
           ++s) {
        const Credit& c = At(b.batch(), s);
        e.RefuseIf(!chosen.insert({b.batch(), s}).second, kInvalidSerials);
        e.RefuseIf(c.status == pb::BLOCK_RETIRED, kCreditsRetired);
        e.RefuseIf(c.status == pb::BLOCK_CANCELLED, kCreditsCancelled);
        e.RefuseIf(c.owner != holder, kCreditsNotHeld);
      }
    }
    if (sel.blocks_size() == 0) {
      const uint64_t b = sel.batch(), q = sel.quantity();
      e.RefuseIf(b == 0 || q == 0, kMalformed);
      e.RefuseIf(q == 0 || q > kMaxQuantity, kInvalidQuantity);
      e.RefuseIf(!Known(b), kUnknownBatch);
      for (uint64_t s = 1; Known(b) && s <= Size(b) && chosen.size() < q; ++s) {
        if (At(b, s).owner == holder && At(b, s).status == pb::BLOCK_ACTIVE) chosen.insert({b, s});
      }
      e.RefuseIf(Known(b) && chosen.size() < q, kInsufficientCredits);
    }
    e.moved = Merge(chosen);
  }
};

// A second registry in the same TempDir, filled by replaying a log.
struct Replica {
  std::unique_ptr<Store> store;
  std::unique_ptr<Registry> registry;

  // `store_log` false: a registry that keeps the state only, as an
  // auditor's replay does.
  Replica(const TempDir& dir, const std::string& name, bool store_log = true) {
    StoreOptions options;
    options.create_if_missing = true;
    options.sync = false;
    options.write_buffer_size = 256 << 10;
    store = Store::Open(dir.Sub(name), options, Registry::ColumnNames()).value();
    RegistryOptions registry_options{RegistryHarness::kOrigin};
    registry_options.store_log = store_log;
    registry = Registry::Open(store.get(), registry_options).value();
  }

  // Replays entries [begin, end) of `source` in groups of 1..50 entries.
  void Replay(const Registry& source, uint64_t begin, uint64_t end, std::mt19937& rng) {
    while (begin < end) {
      const uint64_t n = std::min<uint64_t>(end - begin, rng() % 50 + 1);
      Registry::Group group = registry->BeginGroup();
      for (uint64_t i = begin; i < begin + n; ++i) {
        Status s = registry->ReplayEntry(group, source.log().Entry(i).value());
        ASSERT_TRUE(s.ok()) << "entry " << i << ": " << s.ToString();
      }
      auto head = registry->Commit(std::move(group));
      ASSERT_TRUE(head.ok()) << head.status().ToString();
      begin += n;
    }
  }

  std::string Digest() const { return registry->StateDigest().value().ToHex(); }
};

class RegistryModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    seed_ = static_cast<uint32_t>(EnvOr("CREG_MODEL_SEED", 20260101));
    rng_.seed(seed_);
    h_ = std::make_unique<RegistryHarness>(dir_);
    model_.accounts[kOperator] = pb::ACCOUNT_ACTIVE;
    for (int i = 1; i <= 6; ++i) Send(OpenAccountTx("holder-" + std::to_string(i)));
    for (const char* id : {"ke-cookstoves", "br-forest", "in-solar"}) {
      ASSERT_TRUE(IsAccepted(h_->RegisterProject(id, "holder-1")));
      model_.projects.insert(id);
    }
    for (int i = 0; i < 5; ++i) Send(IssueTx(Pick(holders_), Uniform(1, 200)));
    ASSERT_EQ(model_.batches.size(), 5u);
  }

  uint64_t Uniform(uint64_t lo, uint64_t hi) {
    return std::uniform_int_distribution<uint64_t>(lo, hi)(rng_);
  }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  template <typename T>
  T Pick(const std::vector<T>& v) {
    return v[Uniform(0, v.size() - 1)];
  }

  Sent Sign(const pb::TransactionBody& body, const std::string& signer, std::string key_of = "") {
    if (key_of.empty()) key_of = signer;
    const PrivateKey& key = key_of == kOperator ? h_->KeyOf(kOperator) : keys_.at(key_of);
    return Sent{SignTransaction(body, signer, key), signer, body, key_of == signer, {}};
  }
  Sent OpenAccountTx(const std::string& id) {
    if (!keys_.count(id)) keys_.emplace(id, PrivateKey::Generate().value());
    pb::TransactionBody body = h_->Body();
    body.mutable_open_account()->set_account_id(id);
    body.mutable_open_account()->set_role(pb::ROLE_HOLDER);
    body.mutable_open_account()->set_public_key(keys_.at(id).public_key().raw());
    return Sign(body, kOperator);
  }
  Sent IssueTx(const std::string& to, uint64_t quantity) {
    pb::TransactionBody body = h_->Body();
    auto* op = body.mutable_issue();
    op->set_project_id(Pick(std::vector(model_.projects.begin(), model_.projects.end())));
    op->set_vintage_start("2025-01-01");
    op->set_vintage_end("2025-12-31");
    op->set_quantity(quantity);
    op->set_to_account(to);
    op->set_verification_ref("VR-" + std::to_string(++refs_));
    return Sign(body, kOperator);
  }
  pb::TransactionBody TransferBody(const std::string& from, const std::string& to,
                                   const pb::CreditSelection& credits) {
    pb::TransactionBody body = h_->Body();
    body.mutable_transfer()->set_from_account(from);
    body.mutable_transfer()->set_to_account(to);
    *body.mutable_transfer()->mutable_credits() = credits;
    return body;
  }

  Verdict Send(const Sent& tx) {
    return Run(1, [&] { return tx; }).at(0);
  }

  // Submits `n` transactions made by `make` (several as one group), checks
  // each verdict and the effects against the model, and updates the model.
  std::vector<Verdict> Run(uint64_t n, const std::function<Sent()>& make) {
    Registry& reg = h_->registry();
    uint64_t next = reg.log().size();
    std::optional<Registry::Group> group;
    if (n > 1) group.emplace(reg.BeginGroup());
    std::vector<Verdict> verdicts;
    std::vector<std::tuple<Sent, Accepted, Expectation>> applied;
    while (verdicts.size() < n) {
      const Sent tx = make();
      model_.next_entry = next;
      const Expectation e = model_.Check(tx);
      if (group) {
        auto v = reg.Apply(*group, std::get<PreparedTransaction>(PrepareTransaction(tx.bytes)),
                           NowMicros());
        EXPECT_TRUE(v.ok()) << v.status().ToString();
        verdicts.push_back(v.ok() ? *v : Verdict(Rejection{}));
      } else {
        verdicts.push_back(h_->SubmitSigned(tx.bytes));
      }
      const Verdict& v = verdicts.back();
      const std::string what = tx.signer + " signed " + tx.body.ShortDebugString() + " -> " +
                               Describe(v) + "; expected ";
      if (e.duplicate) {
        ++duplicates_;
        EXPECT_TRUE(IsAccepted(v) && AcceptedOf(v).duplicate &&
                    AcceptedOf(v).entry_index == e.entry &&
                    AcceptedOf(v).effects.SerializeAsString() == effects_[e.entry])
            << what << "the original result of entry " << e.entry;
      } else if (!e.codes.empty()) {
        ++refused_[RejectionCode(v)];
        std::string names;
        for (RuleCode c : e.codes) names += std::string(RuleCodeName(c)) + " ";
        EXPECT_TRUE(!IsAccepted(v) && e.codes.count(RejectionCode(v))) << what << names;
        refused_txs_.push_back(tx);
      } else if (!IsAccepted(v) || AcceptedOf(v).duplicate || AcceptedOf(v).entry_index != next) {
        ADD_FAILURE() << what << "accepted as entry " << next;
      } else {
        ++accepted_[tx.body.kind_case()];
        model_.Apply(tx, next, e);
        applied.emplace_back(tx, AcceptedOf(v), e);
        accepted_txs_.push_back(tx);
        effects_[next++] = AcceptedOf(v).effects.SerializeAsString();
        if (tx.body.has_open_account()) holders_.push_back(tx.body.open_account().account_id());
      }
    }
    if (group) {
      EXPECT_TRUE(reg.Commit(std::move(*group)).ok());
    }
    EXPECT_EQ(reg.log().size(), next) << "log size after " << n << " transactions";
    for (const auto& [tx, a, e] : applied) CheckEffects(tx, a, e);
    return verdicts;
  }

  void CheckEffects(const Sent& tx, const Accepted& a, const Expectation& e) {
    SCOPED_TRACE(tx.body.ShortDebugString());
    pb::SignedTransaction envelope;
    ASSERT_TRUE(envelope.ParseFromString(tx.bytes));
    EXPECT_EQ(a.effects.tx_id(), Sha256(envelope.body()).str());
    if (tx.body.has_issue()) {
      EXPECT_EQ(a.effects.batch(), e.batch);
      EXPECT_EQ(a.effects.quantity(), tx.body.issue().quantity());
    }
    if (tx.body.has_transfer() || tx.body.has_retire() || tx.body.has_cancel() ||
        tx.body.has_label() || tx.body.has_authorize() || tx.body.has_corresponding_adjustment()) {
      EXPECT_EQ(LabelledOf(a.effects.attributed()), e.labelled);
      uint64_t quantity = 0;
      for (const Range& r : e.moved) quantity += r.last - r.first + 1;
      EXPECT_EQ(RangesOf(a.effects.blocks()), e.moved);
      EXPECT_EQ(a.effects.quantity(), quantity);
    }
    // No NDC or OIMP use of credits not authorised for it: every credit
    // such a use moved is in a run authorised for the use.
    const pb::CreditUse use = tx.body.has_retire()   ? tx.body.retire().use()
                              : tx.body.has_cancel() ? tx.body.cancel().use()
                                                     : pb::CREDIT_USE_VOLUNTARY;
    if (use != pb::CREDIT_USE_VOLUNTARY) {
      const int needed = use == pb::CREDIT_USE_NDC ? pb::AUTHORIZED_NDC : pb::AUTHORIZED_OIMP;
      uint64_t authorised = 0;
      for (const auto& [range, attributes] : LabelledOf(a.effects.attributed())) {
        if (attributes.article6.uses.count(needed)) authorised += range.last - range.first + 1;
      }
      EXPECT_EQ(authorised, a.effects.quantity()) << "credits used for " << use;
    }
    if (tx.body.has_retire()) {
      EXPECT_EQ(a.effects.retirement_id(), "R" + std::to_string(a.entry_index));
      auto r = h_->registry().Retirement(a.effects.retirement_id()).value();
      ASSERT_TRUE(r.has_value()) << a.effects.retirement_id();
      EXPECT_EQ(r->account(), tx.body.retire().account());
      EXPECT_EQ(r->beneficiary(), tx.body.retire().beneficiary());
      EXPECT_EQ(RangesOf(r->blocks()), e.moved);
      EXPECT_EQ(LabelledOf(r->attributed()), e.labelled);
      EXPECT_EQ(r->use(), tx.body.retire().use());
      EXPECT_EQ(r->using_entity(), tx.body.retire().using_entity());
    }
  }

  // Every batch's blocks partition 1..N and agree with the model serial by
  // serial; every account's holdings are the model's.
  void CheckState() {
    const Registry& reg = h_->registry();
    for (uint64_t b = 1; b <= model_.batches.size(); ++b) {
      uint64_t next = 1;
      for (const pb::BlockRecord& blk : reg.BatchBlocks(b).value()) {
        ASSERT_TRUE(blk.first() == next && blk.first() <= blk.last() &&
                    blk.last() <= model_.Size(b))
            << "batch " << b << " (N=" << model_.Size(b) << ") block " << blk.ShortDebugString()
            << " does not continue the partition at " << next;
        const auto& uses = blk.attributes().authorization().uses();
        ASSERT_TRUE(std::is_sorted(uses.begin(), uses.end())) << blk.ShortDebugString();
        for (uint64_t s = blk.first(); s <= blk.last(); ++s) {
          const Credit& c = model_.At(b, s);
          ASSERT_TRUE(
              blk.owner() == c.owner && blk.status() == c.status &&
              AttributesOf(blk.attributes()) == c.attributes &&
              std::is_sorted(blk.attributes().labels().begin(), blk.attributes().labels().end()))
              << "batch " << b << " serial " << s << ": registry " << blk.ShortDebugString()
              << ", model " << c.owner << " " << pb::BlockStatus_Name(c.status) << " "
              << c.attributes;
          // The adjustment status never moves backwards.
          int& seen = adjustments_[{b, s}];
          ASSERT_GE(blk.attributes().adjustment(), seen) << "batch " << b << " serial " << s;
          seen = blk.attributes().adjustment();
        }
        next = blk.last() + 1;
      }
      ASSERT_EQ(next, model_.Size(b) + 1) << "batch " << b << " partition does not end at N";
    }
    for (const auto& [account, status] : model_.accounts) {
      Serials got, want;
      for (const auto& h : reg.Holdings(account).value()) {
        uint64_t n = 0;
        EXPECT_EQ(h.attributes.size(), h.blocks.size()) << account;
        for (size_t i = 0; i < h.blocks.size(); ++i) {
          const auto& blk = h.blocks[i];
          for (uint64_t s = blk.first(); s <= blk.last(); ++s) {
            got.insert({h.batch.batch(), s});
            EXPECT_EQ(AttributesOf(h.attributes.at(i)), model_.At(h.batch.batch(), s).attributes)
                << account << " holds batch " << h.batch.batch() << " serial " << s;
          }
          n += blk.last() - blk.first() + 1;
        }
        EXPECT_EQ(h.quantity, n) << account << " batch " << h.batch.batch();
      }
      for (uint64_t b = 1; b <= model_.batches.size(); ++b) {
        for (const Range& r : model_.Held(account, b)) {
          for (uint64_t s = r.first; s <= r.last; ++s) want.insert({b, s});
        }
      }
      ASSERT_EQ(Merge(got), Merge(want)) << "holdings of " << account;
    }
  }

  // Credits of `holder` to move: mostly valid, sometimes wrong on purpose.
  pb::CreditSelection PickCredits(const std::string& holder) {
    std::vector<uint64_t> held;
    for (uint64_t b = 1; b <= model_.batches.size(); ++b) {
      if (model_.Count(holder, b) > 0) held.push_back(b);
    }
    auto pick_batch = [&] {
      if (Chance(0.02)) return Chance(0.5) ? uint64_t{0} : model_.batches.size() + 1;  // unknown
      return held.empty() || Chance(0.05) ? Uniform(1, model_.batches.size()) : Pick(held);
    };
    uint64_t batch = pick_batch();
    pb::CreditSelection sel;
    if (Chance(0.5)) {  // by quantity: the lowest serials
      const uint64_t have = model_.Known(batch) ? model_.Count(holder, batch) : 5;
      uint64_t q = Chance(0.08) ? have + Uniform(1, 3) : Uniform(1, std::max<uint64_t>(have, 1));
      sel.set_batch(batch);
      sel.set_quantity(Chance(0.02) ? (Chance(0.5) ? 0 : kMaxQuantity + 1) : q);
      return sel;
    }
    const int mode = static_cast<int>(Uniform(0, 99));
    std::vector<Range> blocks;
    for (int i = 0; i < (mode >= 90 ? 2 : 1); ++i, batch = pick_batch()) {  // 90..: two batches
      if (!model_.Known(batch)) {
        blocks.push_back({batch, 1, 1});
        continue;
      }
      std::vector<Range> runs = model_.Held(holder, batch);
      if (mode < 4) {  // anything
        runs = {{batch, 1, model_.Size(batch)}};
      } else if (mode < 8) {  // someone else's active credits
        runs = model_.Runs(
            batch, [&](auto& c) { return c.owner != holder && c.status == pb::BLOCK_ACTIVE; });
      } else if (mode < 14) {  // the holder's own retired or cancelled credits
        runs = model_.Runs(
            batch, [&](auto& c) { return c.owner == holder && c.status != pb::BLOCK_ACTIVE; });
      }
      if (runs.empty()) runs = {{batch, 1, model_.Size(batch)}};
      std::shuffle(runs.begin(), runs.end(), rng_);
      runs.resize(std::min<size_t>(runs.size(), Uniform(1, 3)));
      for (const Range& r : runs) {
        const uint64_t a = Uniform(r.first, r.last), b = Uniform(a, std::min(r.last, a + 40));
        const uint64_t m = b > a && Chance(0.15) ? Uniform(a, b - 1) : b;  // split at m
        blocks.push_back({batch, a, m});
        if (m < b) blocks.push_back({batch, m + 1, b});  // adjacent: merged in the effects
      }
    }
    std::sort(blocks.begin(), blocks.end());
    if (mode >= 20 && mode < 24 && model_.Known(blocks.back().batch)) {  // past N
      blocks.back().last = model_.Size(blocks.back().batch) + Uniform(1, 3);
    }
    if (mode >= 14 && mode < 20) blocks.push_back(Pick(blocks));              // overlapping
    if (mode == 24) blocks.front().first = 0;                                 // serial 0
    if (mode == 25) std::swap(blocks.front().first, blocks.front().last);     // first > last
    if (mode >= 26 && mode < 34) std::reverse(blocks.begin(), blocks.end());  // order is free
    for (const Range& r : blocks) {
      *sel.add_blocks() = creg::testing::Serials(r.batch, r.first, r.last);
    }
    return sel;
  }

  // Holders (mostly active, with credits) for `pred`.
  std::string PickHolder(const std::function<bool(const std::string&)>& pred) {
    std::vector<std::string> fit;
    for (const auto& id : holders_) {
      if (pred(id)) fit.push_back(id);
    }
    return fit.empty() || Chance(0.1) ? Pick(holders_) : Pick(fit);
  }
  pb::AccountStatus StatusOf(const std::string& id) const { return model_.accounts.at(id); }
  std::string PickRecipient(const std::string& self) {
    if (Chance(0.02)) return "nobody-" + std::to_string(Uniform(1, 9));
    if (Chance(0.03)) return self;
    return PickHolder([&](const std::string& id) { return StatusOf(id) != pb::ACCOUNT_CLOSED; });
  }

  // A label change by the operator (sometimes by a holder): mostly valid,
  // sometimes wrong on purpose.
  Sent LabelTx() {
    static const std::vector<std::string> kLabels = {
        "ccp",     "ccb",     "corsia:2024-2026", "other:a", "other:b", "other:c",
        "other:d", "other:e", "other:f",          "other:g", "other:h"};
    pb::TransactionBody body = h_->Body();
    auto* op = body.mutable_label();
    op->set_action(Chance(0.6) ? pb::LABEL_ADD : pb::LABEL_REMOVE);
    std::string label = Pick(kLabels);
    if (Chance(0.03)) label = Chance(0.5) ? "CCP" : "corsia:2026-2024";
    op->set_label(label);
    op->set_reference(Chance(0.02) ? "" : "assessment " + std::to_string(Uniform(1, 9)));
    const uint64_t batch =
        Chance(0.02) ? model_.batches.size() + 1 : Uniform(1, model_.batches.size());
    if (Chance(0.3) || !model_.Known(batch)) {
      op->mutable_credits()->set_batch(batch);
    } else {
      // Mostly a run that carries the label (for removals) or any run.
      std::vector<Range> runs = model_.Runs(batch, [&](const Credit& c) {
        return c.status == pb::BLOCK_ACTIVE && c.attributes.labels.count(label) > 0;
      });
      if (runs.empty() || op->action() == pb::LABEL_ADD || Chance(0.2)) {
        runs = {{batch, 1, model_.Size(batch)}};
      }
      const Range r = Pick(runs);
      const uint64_t a = Uniform(r.first, r.last), b = Uniform(a, std::min(r.last, a + 60));
      *op->mutable_credits()->add_blocks() = creg::testing::Serials(batch, a, b);
      if (Chance(0.05)) *op->mutable_credits()->add_blocks() = creg::testing::Serials(batch, b, b);
      if (Chance(0.03)) op->mutable_credits()->set_batch(batch);  // both
    }
    return Sign(body, Chance(0.05) ? Pick(holders_) : kOperator);
  }

  // A selection of credits for an attribute change: a whole batch, or a
  // run of `runs` (any run when empty) or of the whole batch; sometimes wrong.
  pb::BlockSelection PickBlockSelection(const std::function<bool(const Credit&)>& fits) {
    pb::BlockSelection sel;
    const uint64_t batch =
        Chance(0.02) ? model_.batches.size() + 1 : Uniform(1, model_.batches.size());
    if (Chance(0.2) || !model_.Known(batch)) {
      sel.set_batch(batch);
      return sel;
    }
    std::vector<Range> runs = model_.Runs(batch, fits);
    if (runs.empty() || Chance(0.15)) runs = {{batch, 1, model_.Size(batch)}};
    const Range r = Pick(runs);
    const uint64_t a = Uniform(r.first, r.last), b = Uniform(a, std::min(r.last, a + 60));
    *sel.add_blocks() = creg::testing::Serials(batch, a, b);
    if (Chance(0.03)) *sel.add_blocks() = creg::testing::Serials(batch, b, b);  // overlapping
    if (Chance(0.03)) sel.set_batch(batch);                                     // both
    return sel;
  }

  // An Article 6 authorisation by the operator (sometimes by a holder):
  // mostly valid, sometimes wrong on purpose.
  Sent AuthorizeTx() {
    pb::TransactionBody body = h_->Body();
    auto* op = body.mutable_authorize();
    *op->mutable_credits() = PickBlockSelection([](const Credit& c) {
      return c.status == pb::BLOCK_ACTIVE && c.attributes.article6.uses.empty();
    });
    auto* a = op->mutable_authorization();
    a->set_party(Chance(0.03) ? "gh" : "GH");
    a->set_reference("GH LoA 2026-001");
    a->set_date(Chance(0.03) ? "2026-02-30" : "2026-03-02");
    for (pb::AuthorizedUse use :
         {pb::AUTHORIZED_NDC, pb::AUTHORIZED_OIMP, pb::AUTHORIZED_OTHER_INTERNATIONAL}) {
      if (Chance(0.5)) a->add_uses(use);
    }
    if (a->uses_size() > 0 && Chance(0.03)) a->add_uses(a->uses(0));  // twice
    a->set_first_transfer(static_cast<pb::FirstTransfer>(Uniform(Chance(0.03) ? 0 : 1, 3)));
    return Sign(body, Chance(0.05) ? Pick(holders_) : kOperator);
  }

  // A corresponding adjustment status: mostly forward on authorised credits.
  Sent AdjustTx() {
    pb::TransactionBody body = h_->Body();
    auto* op = body.mutable_corresponding_adjustment();
    const int status = Chance(0.03)  ? pb::ADJUSTMENT_NOT_REQUIRED
                       : Chance(0.6) ? pb::ADJUSTMENT_APPLIED
                                     : pb::ADJUSTMENT_PENDING;
    op->set_status(static_cast<pb::AdjustmentStatus>(status));
    op->set_reference(Chance(0.02) ? "" : "BTR " + std::to_string(Uniform(2026, 2030)));
    *op->mutable_credits() = PickBlockSelection([&](const Credit& c) {
      return !c.attributes.article6.uses.empty() && c.attributes.article6.adjustment < status;
    });
    return Sign(body, Chance(0.05) ? Pick(holders_) : kOperator);
  }

  // What a retirement or cancellation is for: mostly voluntary.
  pb::CreditUse PickUse() {
    const uint64_t n = Uniform(0, 9);
    return n < 6 ? pb::CREDIT_USE_VOLUNTARY : n < 8 ? pb::CREDIT_USE_NDC : pb::CREDIT_USE_OIMP;
  }

  // One random transaction.
  Sent NextTx() {
    if (multisig_ && Chance(0.3)) return NextMultisigTx();
    if (Chance(0.1)) return LabelTx();
    if (Chance(0.05)) return AuthorizeTx();
    if (Chance(0.04)) return AdjustTx();
    const int kind = static_cast<int>(Uniform(0, 99));
    if (kind >= 71 && kind < 80 && !accepted_txs_.empty()) return Pick(accepted_txs_);
    if (kind >= 80 && kind < 85 && !refused_txs_.empty()) return Pick(refused_txs_);  // afresh
    if (kind >= 85 && kind < 88 && !accepted_txs_.empty()) {  // a used nonce, another body
      const Sent old = Pick(accepted_txs_);
      if (Chance(0.3)) return Sign(old.body, old.signer, Pick(holders_));  // or another key
      pb::TransactionBody body = old.body;
      body.set_created_micros(body.created_micros() + 1);
      return Sign(body, old.signer);
    }
    const std::string from = PickHolder([&](const std::string& id) {
      return StatusOf(id) == pb::ACCOUNT_ACTIVE && model_.Count(id) > 0;
    });
    pb::TransactionBody body = h_->Body();
    std::string signer = kOperator, key_of;
    if (kind < 30 || kind >= 88) {  // transfer; 88..93 signed by another, 94.. with another's key
      body = TransferBody(from, PickRecipient(from), PickCredits(from));
      signer = kind >= 88 && kind < 94 ? Pick(holders_) : from;
      if (kind >= 94) key_of = Pick(holders_);
    } else if (kind < 48) {
      auto* op = body.mutable_retire();
      op->set_account(signer = from);
      *op->mutable_credits() = PickCredits(from);
      op->set_beneficiary(Chance(0.03) ? "" : "Beneficiary " + std::to_string(Uniform(1, 5)));
      op->set_reason(Chance(0.03) ? pb::RETIREMENT_REASON_UNSPECIFIED : pb::COMPLIANCE);
      op->set_use(PickUse());
      if (Chance(0.3)) op->set_using_entity("Party " + std::to_string(Uniform(1, 3)));
    } else if (kind < 58) {
      body.mutable_cancel()->set_account(from);
      *body.mutable_cancel()->mutable_credits() = PickCredits(from);
      body.mutable_cancel()->set_reason("invalidated by the verifier");
      body.mutable_cancel()->set_use(PickUse());
    } else if (kind < 64) {  // reinstate a suspended or closed account; suspend or close
      const std::string id =
          PickHolder([&](const std::string& id) { return StatusOf(id) == pb::ACCOUNT_SUSPENDED; });
      auto* op = body.mutable_set_account_status();
      op->set_account_id(id);
      op->set_reason("compliance review");
      op->set_status(StatusOf(id) != pb::ACCOUNT_ACTIVE ? pb::ACCOUNT_ACTIVE
                     : Chance(0.15)                     ? pb::ACCOUNT_CLOSED
                                                        : pb::ACCOUNT_SUSPENDED);
    } else if (kind < 69) {  // issuance while credits run low; sometimes wrong
      uint64_t active = 0;
      for (const auto& id : holders_) active += model_.Count(id);
      if (active > 400 && !Chance(0.1)) return NextTx();
      body = IssueTx(PickRecipient("nobody-1"), Uniform(1, 200)).body;
      if (Chance(0.1)) {  // (project, verification_ref) already issued
        auto it = std::next(model_.issued.begin(), Uniform(0, model_.issued.size() - 1));
        body.mutable_issue()->set_project_id(it->first);
        body.mutable_issue()->set_verification_ref(it->second);
      }
      if (Chance(0.05)) body.mutable_issue()->set_project_id("no-such-project");
      if (Chance(0.05)) body.mutable_issue()->set_quantity(Chance(0.5) ? 0 : kMaxQuantity + 1);
    } else {  // open an account, sometimes an existing one
      const bool fresh = holders_.size() < 6 + model_.batches.size() / 4 && Chance(0.7);
      body = OpenAccountTx(fresh ? "holder-" + std::to_string(holders_.size() + 1) : Pick(holders_))
                 .body;
    }
    if (signer == kOperator && Chance(0.05)) signer = from;  // a holder tries an operator's job
    return Sign(body, signer, key_of);
  }

  // `transactions` random transactions, a fifth of the steps as a group of
  // 2..8; the whole state is checked after every step (every few steps in
  // histories longer than 5000).
  void RunRandomHistory(uint64_t transactions) {
    const uint64_t every = std::max<uint64_t>(1, transactions / 5000);
    for (uint64_t done = 0, step = 0; done < transactions && !HasFailure(); ++step) {
      SCOPED_TRACE("CREG_MODEL_SEED=" + std::to_string(seed_) + " step " + std::to_string(step));
      const uint64_t n = std::min(transactions - done, Chance(0.2) ? Uniform(2, 8) : 1);
      Run(n, [&] { return NextTx(); });
      done += n;
      if (Chance(0.002)) h_->Reopen();
      if (step % every == 0 || done == transactions) CheckState();
    }
  }

  // --- multi-signature accounts ---

  // Opens three 2-of-3 accounts ("council-N") on keys of pool_ and issues
  // them credits; NextTx then makes a share of keyed transactions.
  void StartMultisig() {
    for (int i = 0; i < 10; ++i) pool_.push_back(PrivateKey::Generate().value());
    for (size_t c = 1; c <= 3; ++c) {
      const std::string id = "council-" + std::to_string(c);
      keys_.emplace(id, PrivateKey::Generate().value());  // a key it does not hold
      ASSERT_TRUE(IsAccepted(Send(Sign(OpenKeysBody(id, {0, c, c + 1}, 2), kOperator))));
      ASSERT_TRUE(IsAccepted(Send(IssueTx(id, Uniform(50, 200)))));
    }
    multisig_ = true;
  }
  std::vector<std::string> PoolRaw(const std::vector<size_t>& indexes) const {
    std::vector<std::string> out;
    for (size_t i : indexes) out.push_back(pool_.at(i).public_key().raw());
    return out;
  }
  pb::TransactionBody OpenKeysBody(const std::string& id, const std::vector<size_t>& keys,
                                   uint32_t threshold) {
    pb::TransactionBody body = h_->Body();
    auto* op = body.mutable_open_account();
    op->set_account_id(id);
    op->set_role(pb::ROLE_HOLDER);
    std::vector<std::string> raw = PoolRaw(keys);
    op->set_public_key(raw.at(0));
    for (size_t i = 1; i < raw.size(); ++i) op->add_additional_keys(raw[i]);
    op->set_threshold(threshold);
    return body;
  }
  // Random distinct pool keys: mostly of `of` (an account's keys), sometimes others.
  std::vector<size_t> PickKeys(size_t n, const std::vector<std::string>& of) {
    std::vector<size_t> theirs, all;
    for (size_t i = 0; i < pool_.size(); ++i) {
      all.push_back(i);
      if (std::find(of.begin(), of.end(), pool_[i].public_key().raw()) != of.end())
        theirs.push_back(i);
    }
    std::vector<size_t>& from = theirs.empty() || Chance(0.1) ? all : theirs;
    std::shuffle(from.begin(), from.end(), rng_);
    from.resize(std::min(n, from.size()));
    return from;
  }
  Sent SignKeyed(const pb::TransactionBody& body, const std::string& signer,
                 const std::vector<size_t>& keys) {
    std::vector<const PrivateKey*> signing;
    Sent tx{"", signer, body, true, {}};
    for (size_t i : keys) {
      signing.push_back(&pool_.at(i));
      tx.keyed_by.push_back(pool_.at(i).public_key().raw());
    }
    tx.bytes = SignTransactionKeyed(body, signer, signing);
    if (Chance(0.03)) {  // one signature forged
      pb::SignedTransaction envelope;
      envelope.ParseFromString(tx.bytes);
      envelope.mutable_signatures(0)->mutable_signature()->back() ^= 1;
      tx.bytes = SerializeCanonical(envelope);
      tx.good_signature = false;
    }
    return tx;
  }
  Sent NextMultisigTx() {
    std::vector<std::string> councils;
    for (const auto& [id, keys] : model_.keysets) councils.push_back(id);
    const std::string id = Pick(councils);
    const AccountKeys& held = model_.keysets.at(id);
    const int kind = static_cast<int>(Uniform(0, 99));
    pb::TransactionBody body;
    if (kind < 45) {  // a transfer or retirement, keyed
      const std::string to = PickRecipient(id);
      body = TransferBody(id, to, PickCredits(id));
      if (kind >= 30) {
        pb::TransactionBody retire = h_->Body();
        retire.mutable_retire()->set_account(id);
        *retire.mutable_retire()->mutable_credits() = PickCredits(id);
        retire.mutable_retire()->set_beneficiary("Forum " + std::to_string(Uniform(1, 3)));
        retire.mutable_retire()->set_reason(pb::VOLUNTARY_EVENT_OFFSET);
        body = retire;
      }
    } else if (kind < 75) {  // new keys and threshold; sometimes invalid
      const size_t n = Chance(0.02) ? 11 : Uniform(2, 4);
      std::vector<std::string> raw = PoolRaw(PickKeys(n, {}));
      while (raw.size() < n) raw.push_back(raw.front());  // past the pool: repeats
      if (Chance(0.05)) raw.push_back(raw.front());
      uint32_t threshold = static_cast<uint32_t>(Uniform(1, raw.size()));
      if (Chance(0.05)) threshold = Chance(0.5) ? 0 : static_cast<uint32_t>(raw.size() + 1);
      if (Chance(0.03)) raw = held.keys, threshold = held.threshold;  // unchanged
      body = h_->Body();
      auto* op = body.mutable_set_account_keys();
      op->set_account_id(Chance(0.05) ? Pick(councils) : id);
      for (const std::string& k : raw) op->add_public_keys(k);
      op->set_threshold(threshold);
    } else if (kind < 85) {  // open another council; sometimes invalid
      const size_t n = Uniform(2, 4);
      std::vector<size_t> keys = PickKeys(n, {});
      if (Chance(0.1)) keys.push_back(keys.front());
      uint32_t threshold = static_cast<uint32_t>(Uniform(1, keys.size()));
      if (Chance(0.1)) threshold = Chance(0.5) ? 0 : static_cast<uint32_t>(keys.size() + 1);
      const std::string fresh = "council-" + std::to_string(councils.size() + 1);
      if (!keys_.count(fresh)) keys_.emplace(fresh, PrivateKey::Generate().value());
      return Sign(OpenKeysBody(Chance(0.8) ? fresh : id, keys, threshold), kOperator);
    } else if (kind < 90) {  // a key rotation, which a multi-key account may not use
      body = h_->Body();
      body.mutable_rotate_key()->set_account_id(id);
      body.mutable_rotate_key()->set_new_public_key(pool_.at(Uniform(0, 9)).public_key().raw());
    } else {  // an issuance to it, signed by the operator as ever
      return IssueTx(id, Uniform(1, 100));
    }
    const size_t n = Chance(0.02) ? pool_.size() : Uniform(1, held.keys.size());
    return SignKeyed(body, id, PickKeys(n, held.keys));
  }

  bool multisig_ = false;
  std::vector<PrivateKey> pool_;  // the keys multi-signature accounts draw on

  TempDir dir_;
  uint32_t seed_ = 0;
  std::mt19937 rng_;
  std::unique_ptr<RegistryHarness> h_;
  Model model_;
  std::map<std::string, PrivateKey> keys_;  // holders'
  std::vector<std::string> holders_;
  uint64_t refs_ = 0, duplicates_ = 0;
  std::vector<Sent> accepted_txs_, refused_txs_;
  std::map<uint64_t, std::string> effects_;  // entry -> its serialized effects
  std::map<RuleCode, uint64_t> refused_;
  std::map<pb::TransactionBody::KindCase, uint64_t> accepted_;
  std::map<std::pair<uint64_t, uint64_t>, int> adjustments_;  // (batch, serial) -> last status seen
};

TEST_F(RegistryModelTest, RandomHistoryMatchesModel) {
  const uint64_t steps = EnvOr("CREG_MODEL_STEPS", 2000);
  const auto start = std::chrono::steady_clock::now();
  RunRandomHistory(steps);
  std::cout << "CREG_MODEL_SEED=" << seed_ << ": " << steps << " transactions in "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
            << " s, " << h_->registry().log().size() << " entries, " << duplicates_
            << " duplicates; refused:";
  for (const auto& [code, n] : refused_) std::cout << " " << RuleCodeName(code) << "=" << n;
  std::cout << "\n";
  if (steps < 1000 || HasFailure()) return;
  // The history exercised what it is meant to (the test cannot pass vacuously).
  EXPECT_GT(accepted_[pb::TransactionBody::kTransfer], steps / 40);
  EXPECT_GT(accepted_[pb::TransactionBody::kRetire], steps / 80);
  EXPECT_GT(accepted_[pb::TransactionBody::kCancel], steps / 200);
  EXPECT_GT(accepted_[pb::TransactionBody::kLabel], steps / 100);
  EXPECT_GT(accepted_[pb::TransactionBody::kAuthorize], steps / 200);
  EXPECT_GT(accepted_[pb::TransactionBody::kCorrespondingAdjustment], steps / 200);
  EXPECT_GT(duplicates_, steps / 100);
  for (RuleCode c :
       {RuleCode::kLabelPresent, RuleCode::kLabelAbsent, RuleCode::kInvalidLabel,
        RuleCode::kNoActiveCredits, RuleCode::kInsufficientCredits, RuleCode::kCreditsNotHeld,
        RuleCode::kCreditsRetired, RuleCode::kInvalidSerials, RuleCode::kNotAuthorized,
        RuleCode::kSelfTransfer, RuleCode::kAccountSuspended, RuleCode::kReplayed,
        RuleCode::kBadSignature, RuleCode::kInvalidAuthorization, RuleCode::kAlreadyAuthorized,
        RuleCode::kUseNotAuthorized, RuleCode::kAdjustmentNotForward,
        RuleCode::kAdjustmentUnauthorized}) {
    EXPECT_GT(refused_[c], 0u) << RuleCodeName(c) << " never seen";
  }
}

TEST_F(RegistryModelTest, ReplayGivesSameStateDigest) {
  RunRandomHistory(400);
  ASSERT_FALSE(HasFailure());
  ASSERT_FALSE(refused_.empty());
  const Registry& source = h_->registry();
  const uint64_t size = source.log().size();
  const std::string digest = source.StateDigest().value().ToHex();
  Replica replica(dir_, "replica");
  replica.Replay(source, 0, size, rng_);
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(replica.Digest(), digest);
  EXPECT_EQ(replica.registry->log().head().size, size);
  EXPECT_EQ(replica.registry->log().head().root, source.log().head().root);
  // A registry that keeps the state only reaches the same state and head.
  Replica state_only(dir_, "state-only", /*store_log=*/false);
  state_only.Replay(source, 0, size, rng_);
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(state_only.Digest(), digest);
  EXPECT_EQ(state_only.registry->log().head().root, source.log().head().root);
  EXPECT_EQ(state_only.registry->Entry(0).status().code(), StatusCode::kFailedPrecondition);

  // The last entry that moved credits, tampered with in four ways.
  uint64_t k = size - 1;
  pb::LogEntry entry;
  for (; k > 0; --k) {
    ASSERT_TRUE(entry.ParseFromString(source.log().Entry(k).value()));
    if (entry.effects().blocks_size() > 0) break;
  }
  ASSERT_GT(k, 0u);
  ASSERT_EQ(entry.SerializeAsString(), source.log().Entry(k).value());  // re-encoding is exact
  // Refused alike by a registry rebuilding its own log and by an
  // auditor's state-only replay.
  for (bool store_log : {true, false}) {
    SCOPED_TRACE(store_log ? "log stored" : "state only");
    Replica audit(dir_, store_log ? "audit" : "audit-state-only", store_log);
    audit.Replay(source, 0, k, rng_);
    for (int variant = 0; variant < 4; ++variant) {
      pb::LogEntry t = entry;
      pb::SerialBlock* blk = t.mutable_effects()->mutable_blocks(0);
      if (variant == 0)
        blk->set_last(blk->last() > blk->first() ? blk->last() - 1 : blk->last() + 1);
      if (variant == 1) t.mutable_effects()->set_quantity(t.effects().quantity() + 1);
      if (variant == 2) t.mutable_effects()->set_tx_id(std::string(32, 'x'));
      if (variant == 3) t.mutable_signed_transaction()->back() ^= 1;  // in the signature
      Registry::Group group = audit.registry->BeginGroup();
      Status s = audit.registry->ReplayEntry(group, t.SerializeAsString());
      EXPECT_EQ(s.code(), StatusCode::kDataLoss) << "variant " << variant << ": " << s.ToString();
      EXPECT_THAT(s.message(), ::testing::HasSubstr(std::to_string(k))) << s.ToString();
    }
    EXPECT_EQ(audit.registry->log().size(), k);
    {  // an earlier entry again, in place of entry k
      Registry::Group group = audit.registry->BeginGroup();
      Status s = audit.registry->ReplayEntry(group, source.log().Entry(k - 1).value());
      EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.ToString();
      EXPECT_THAT(s.message(),
                  ::testing::HasSubstr(
                      store_log ? "entry " + std::to_string(k) + " repeats an earlier transaction"
                                : "already committed at entry " + std::to_string(k - 1)));
    }
    audit.Replay(source, k, size, rng_);  // the genuine entries still replay
    EXPECT_EQ(audit.Digest(), digest);
  }
}

// Multi-signature accounts in the random history: keyed transfers and
// retirements, threshold changes, openings with several keys, rotations
// refused; the verdicts follow the model, and the log replays to the same
// state with every threshold checked again.
TEST_F(RegistryModelTest, RandomHistoryWithThresholdsMatchesModel) {
  StartMultisig();
  ASSERT_FALSE(HasFailure());
  const uint64_t steps = std::max<uint64_t>(EnvOr("CREG_MODEL_STEPS", 2000) / 2, 200);
  RunRandomHistory(steps);
  ASSERT_FALSE(HasFailure());
  std::cout << "CREG_MODEL_SEED=" << seed_ << " with thresholds: refused:";
  for (const auto& [code, n] : refused_) std::cout << " " << RuleCodeName(code) << "=" << n;
  std::cout << "\n";
  EXPECT_GT(accepted_[pb::TransactionBody::kSetAccountKeys], 0u);
  if (steps >= 1000) {
    for (RuleCode c : {RuleCode::kThresholdNotMet, RuleCode::kKeyNotOnAccount,
                       RuleCode::kSeveralKeys, RuleCode::kInvalidThreshold}) {
      EXPECT_GT(refused_[c], 0u) << RuleCodeName(c) << " never seen";
    }
  }
  const Registry& source = h_->registry();
  Replica replica(dir_, "replica", /*store_log=*/false);
  replica.Replay(source, 0, source.log().size(), rng_);
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(replica.Digest(), source.StateDigest().value().ToHex());
}

// Cutting the log back on random histories (Registry::TruncateTo): after a
// cut the state digest is that of a fresh replay of the kept entries, and
// the log reads as one built to the cut (head, roots, proofs). Appending
// the cut entries again gives back the registry as it was, so the history
// and its model go on; the last cut is followed by other entries, which
// give what a registry built to the cut gives with them. The bound below
// which undo records go is raised as a node raises it, and a cut below it
// is refused.
TEST_F(RegistryModelTest, TruncateToMatchesAReplayOfThePrefix) {
  uint64_t bound = 0;
  for (int round = 0; round < 6 && !HasFailure(); ++round) {
    SCOPED_TRACE("CREG_MODEL_SEED=" + std::to_string(seed_) + " round " + std::to_string(round));
    RunRandomHistory(Uniform(40, 120));
    ASSERT_FALSE(HasFailure());
    Registry& reg = h_->registry();  // the history may have reopened it
    reg.SetPrunableBelow(bound);
    const TreeHead head = reg.log().head();
    const std::string digest = reg.StateDigest().value().ToHex();
    const uint64_t cut =
        Uniform(std::max(bound, head.size - std::min<uint64_t>(head.size, 150)), head.size - 1);
    const std::vector<std::string> tail = reg.log().Entries(cut, head.size).value();
    Replica built(dir_, "built-" + std::to_string(round));
    built.Replay(reg, 0, cut, rng_);
    ASSERT_FALSE(HasFailure());
    if (cut > bound) {  // raised, and pruned by a commit (of no entries)
      reg.SetPrunableBelow(bound = Uniform(bound, cut));
      ASSERT_TRUE(reg.Commit(reg.BeginGroup()).ok());
    }
    if (bound > 0) {
      EXPECT_EQ(reg.TruncateTo(bound - 1).status().code(), StatusCode::kFailedPrecondition);
    }
    StatusOr<TreeHead> cut_head = reg.TruncateTo(cut);
    ASSERT_TRUE(cut_head.ok()) << "cut to " << cut << ": " << cut_head.status().ToString();
    EXPECT_EQ(reg.StateDigest().value().ToHex(), built.Digest()) << "cut to " << cut;
    testing::ExpectSameLog(reg.log(), built.registry->log(), rng_);

    if (round == 5) {  // other entries after the cut, in both
      for (int i = 0; i < 5; ++i) {
        const std::string bytes = OpenAccountTx("late-" + std::to_string(i)).bytes;
        for (Registry* r : {&reg, built.registry.get()}) {
          Registry::Group group = r->BeginGroup();
          auto tx = PrepareTransaction(bytes);
          ASSERT_TRUE(r->Apply(group, std::get<PreparedTransaction>(std::move(tx)), 7).ok());
          ASSERT_TRUE(r->Commit(std::move(group)).ok());
        }
      }
      EXPECT_EQ(reg.StateDigest().value().ToHex(), built.Digest());
      testing::ExpectSameLog(reg.log(), built.registry->log(), rng_);
      return;
    }
    // The cut entries again, in other groups: the registry as it was.
    for (size_t i = 0; i < tail.size();) {
      Registry::Group group = reg.BeginGroup();
      for (size_t n = Uniform(1, 20); n > 0 && i < tail.size(); --n, ++i) {
        Status replayed = reg.ReplayEntry(group, tail[i]);
        ASSERT_TRUE(replayed.ok()) << replayed.ToString();
      }
      ASSERT_TRUE(reg.Commit(std::move(group)).ok());
    }
    EXPECT_EQ(reg.log().head().root, head.root);
    EXPECT_EQ(reg.StateDigest().value().ToHex(), digest);
    CheckState();
  }
}

TEST_F(RegistryModelTest, DigestDiffersWhenStateDiffers) {
  Send(IssueTx("holder-1", 10));
  ASSERT_FALSE(HasFailure());
  pb::CreditSelection four;
  four.set_batch(model_.batches.size());
  four.set_quantity(4);
  Registry& source = h_->registry();
  const std::string before = source.StateDigest().value().ToHex();
  Replica twin(dir_, "twin");
  twin.Replay(source, 0, source.log().size(), rng_);
  ASSERT_EQ(twin.Digest(), before);  // identical so far

  // The source moves 4 credits to holder-2, the twin the same 4 to holder-3
  // (same nonce and time: only the recipient differs).
  pb::TransactionBody to_2 = TransferBody("holder-1", "holder-2", four), to_3 = to_2;
  to_3.mutable_transfer()->set_to_account("holder-3");
  ASSERT_TRUE(IsAccepted(Send(Sign(to_2, "holder-1"))));
  ASSERT_TRUE(IsAccepted(twin.registry->Submit(Sign(to_3, "holder-1").bytes).value()));
  const std::string after = source.StateDigest().value().ToHex();
  EXPECT_NE(after, before);
  EXPECT_NE(twin.Digest(), after);
  Replica control(dir_, "control");  // replaying the source's own transfer gives its digest
  control.Replay(source, 0, source.log().size(), rng_);
  EXPECT_EQ(control.Digest(), after);
}

}  // namespace
}  // namespace creg
