// The transactions creg-bench submits, shared by the subcommands that send
// them to a node (transfers, fill) and the one that applies them to a
// registry in process (audit): holder accounts, each funded with a batch
// of its own, and transfers of one credit around the ring of holders.
//
// Every report also quotes this machine's Ed25519 verification rate on one
// core (MeasureVerifyRate), so figures read as ratios, with OpenSSL's rate
// beside it for comparison (MeasureOpensslVerifyRateOnThreads).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "creg/effects.pb.h"
#include "creg/transaction.pb.h"
#include "ledger/keys.h"
#include "ledger/status.h"

namespace creg::bench {

// Ed25519 verifications per second on one thread, in process, over about
// `seconds`: PublicKey::Verify, i.e. libsodium under creg's strict rule,
// what the node and creg-audit run.
double MeasureVerifyRate(double seconds = 1.0);
// The same on `threads` threads over one shared window, in total: what the
// signature checks alone reach on that many cores of this machine, which
// is less than `threads` times one core's rate where cores share caches
// or a host.
double MeasureVerifyRateOnThreads(size_t threads, double seconds = 1.0);
// The same through OpenSSL's EVP interface (the Ed25519 code creg used
// before libsodium), for comparison.
double MeasureOpensslVerifyRateOnThreads(size_t threads, double seconds = 1.0);

struct Workload {
  std::string origin;
  std::string operator_id;
  std::optional<PrivateKey> operator_key_slot;
  std::string run_id;  // makes nonces and account ids unique per run
  const PrivateKey& operator_key() const { return *operator_key_slot; }

  // A body for this registry with a nonce unique to this run.
  pb::TransactionBody Body(const std::string& nonce) const;
  // The id of holder `i`.
  std::string HolderId(size_t i) const;
};

// Submits one signed transaction and returns the effects of its entry;
// an error if it is not committed.
using Submit = std::function<StatusOr<pb::Effects>(const std::string& signed_transaction)>;

// A funded holder: its key and the batch it was issued.
struct Holder {
  PrivateKey key;
  uint64_t batch = 0;
};

// Registers a project and opens `holders` accounts, each issued `credits`
// credits of a batch of its own.
StatusOr<std::vector<Holder>> FundHolders(const Workload& w, const Submit& submit, size_t holders,
                                          uint64_t credits);

// Transfer `n` (0-based, per holder) of one credit from holder `from` to
// the next holder of the ring (to the operator when there is only one).
std::string SignTransfer(const Workload& w, const std::vector<Holder>& holders, size_t from,
                         uint64_t n);

}  // namespace creg::bench
