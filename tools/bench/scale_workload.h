// The transactions of `creg-bench scale` (docs/benchmarks.md, "A registry
// at scale"): a realistic mix, planned one after another from a fixed seed,
// so that the same N always gives the same registry and a registry of N/10
// entries is the prefix of the one of N.
//
// Entries, in expectation: 2% issuances of 10^3 to 10^7 credits (log-
// uniform) to the developer of a project; 60% transfers; 30% retirements
// with a beneficiary; 8% account events (a holder suspended and made
// active again); plus, first, the accounts and projects opened. A sixth of
// the transfers give one credit to a broker account, each followed at once
// by one credit of the same batch to a holder, so the broker ends with
// about N/10 separate blocks. Who acts is drawn from a power law (Zipf, s =
// 1) over the holders, projects and beneficiaries.
//
// Sizes: min(10,000, max(20, N/100)) accounts, min(1,000, max(2, N/1,000))
// projects, max(10, N/1,000) beneficiaries: the full 10,000 and 1,000 from
// N = 1,000,000.
//
// Not thread-safe; the keys may be read from several threads to sign.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "creg/transaction.pb.h"
#include "ledger/keys.h"
#include "ledger/status.h"

namespace creg::bench {

struct ScaleShape {
  uint64_t entries = 0;
  size_t accounts = 0;  // the broker, the developers and the holders
  size_t projects = 0;  // one developer each
  size_t beneficiaries = 0;
  static ScaleShape For(uint64_t entries);
};

// One planned transaction: its body and the index of the signer
// (ScalePlan::kOperator or an account).
struct PlannedTx {
  pb::TransactionBody body;
  size_t signer = 0;
};

// How many of each kind were planned.
struct MixCounts {
  uint64_t setup = 0;  // accounts opened, projects registered, first issuances
  uint64_t issuances = 0;
  uint64_t transfers = 0;
  uint64_t to_broker = 0;  // of the transfers
  uint64_t retirements = 0;
  uint64_t account_events = 0;
};

class ScalePlan {
 public:
  static constexpr size_t kOperator = 0;

  // `first_index`: the log index of the first planned transaction (1 after
  // `cregd init`'s entry). Fails only if a key cannot be made.
  static StatusOr<ScalePlan> Create(const ScaleShape& shape, std::string origin,
                                    std::string operator_id, PrivateKey operator_key,
                                    uint64_t first_index);

  // The next `n` transactions of the plan.
  std::vector<PlannedTx> Next(size_t n);

  // The signer's id and key.
  const std::string& id(size_t signer) const { return ids_[signer]; }
  const PrivateKey& key(size_t signer) const { return keys_[signer]; }
  const std::string& public_key(size_t signer) const { return public_keys_[signer]; }

  const MixCounts& counts() const { return counts_; }
  const ScaleShape& shape() const { return shape_; }
  // Log index of the next transaction to be planned.
  uint64_t next_index() const { return next_index_; }

  // --- what the queries ask for, drawn as a reader might ---
  const std::string& broker() const { return ids_[kBroker]; }
  // An account, most often an active one (the power law), every tenth
  // time the broker.
  std::string SomeAccount(std::mt19937_64& rng) const;
  uint64_t SomeBatch(std::mt19937_64& rng) const;  // 0 before any issuance
  // A serial of a batch that has moved at least once: (batch, serial).
  std::pair<uint64_t, uint64_t> SomeMovedSerial(std::mt19937_64& rng) const;
  std::string SomeRetirement(std::mt19937_64& rng) const;  // "" before any
  std::string SomeBeneficiary(std::mt19937_64& rng) const;
  // A project, uniformly.
  std::string SomeProject(std::mt19937_64& rng) const;

 private:
  static constexpr size_t kBroker = 1;
  struct Lot {
    uint64_t batch = 0;
    uint64_t quantity = 0;
  };
  struct BatchInfo {
    uint64_t quantity = 0;
    uint64_t moved = 0;  // its lowest serials that left the developer
  };
  // A Zipf (s = 1) draw over [0, cdf.size()).
  class Zipf {
   public:
    explicit Zipf(size_t n);
    size_t operator()(std::mt19937_64& rng) const;

   private:
    std::vector<double> cdf_;
  };

  ScalePlan(const ScaleShape& shape, uint64_t first_index);
  size_t Developer(size_t project) const { return 2 + project; }
  size_t Holder(size_t rank) const { return 2 + shape_.projects + rank; }
  size_t holders() const { return shape_.accounts - 2 - shape_.projects; }
  std::string Beneficiary(size_t i) const;
  std::string ProjectId(size_t project) const;

  void Setup();
  void Draw();
  pb::TransactionBody Body();
  void Issue(size_t project);
  void Move(size_t from, size_t to, size_t lot, uint64_t quantity);
  void Retire(size_t account, size_t lot, uint64_t quantity);
  bool DeveloperTransfer(bool to_broker);
  void HolderTransfer();
  void Retirement();
  void AccountEvent();
  uint64_t LogUniform(double low, double high);

  ScaleShape shape_;
  std::string origin_;
  std::mt19937_64 rng_;
  std::vector<std::string> ids_;
  std::vector<PrivateKey> keys_;
  std::vector<std::string> public_keys_;
  std::vector<std::vector<Lot>> lots_;    // by account
  std::vector<BatchInfo> batches_;        // by batch number - 1
  std::vector<std::string> retirements_;  // a reservoir of retirement ids
  uint64_t retirements_seen_ = 0;
  Zipf holder_zipf_, project_zipf_, beneficiary_zipf_;
  std::deque<PlannedTx> queue_;
  uint64_t next_index_ = 0;  // of the next transaction queued
  uint64_t nonce_ = 0;
  MixCounts counts_;
};

}  // namespace creg::bench
