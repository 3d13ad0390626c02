// TransferLoad: a stream of transfers and retirements from a few holders to
// a registry served by one or more members, for crash and failover tests.
//
// The constructor sets the registry up through a client, as the operator:
// a project, kHolders holder accounts and one batch of credits each.
// Start() runs one thread per holder; each signs its next transaction
// (a transfer of 1-5 credits to the next holder, or now and then a
// retirement of 1-3) and submits it to the members in turn. A transaction
// whose answer does not come (a lost connection, UNAVAILABLE, NOT_LEADER)
// is sent again, the same bytes, to the next member, until it is answered
// or Stop(): a transaction is applied at most once (its nonce), and one
// applied before its answer was lost comes back as a duplicate with its
// index. Every acknowledgement is recorded.
//
// Thread-safe: acks() and counts from any thread while the load runs.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "client/client.h"
#include "creg/transaction.pb.h"
#include "ledger/keys.h"

namespace creg::testing {

struct Ack {
  uint64_t index = 0;       // the entry index it was acknowledged with
  std::string transaction;  // the signed transaction bytes
  std::string member;       // the address that acknowledged it
  std::chrono::steady_clock::time_point at;
  bool duplicate = false;  // it had been applied before this answer
};

class TransferLoad {
 public:
  static constexpr int kHolders = 4;

  // Sets the registry up through `setup` (a test failure if refused).
  TransferLoad(Client& setup, const PrivateKey& operator_key, std::string origin,
               uint32_t seed = 20261207);
  ~TransferLoad();  // Stop()s
  TransferLoad(const TransferLoad&) = delete;
  TransferLoad& operator=(const TransferLoad&) = delete;

  // Starts submitting to `members` (HOST:PORT each, tried in turn).
  // Precondition: not running.
  void Start(std::vector<std::string> members);
  // Stops the threads; a transaction in flight is left unanswered.
  void Stop();

  // Every acknowledgement so far, in the order they came.
  std::vector<Ack> acks() const;
  size_t ack_count() const;
  // Answers that were a refusal (none is expected: a test checks).
  size_t refusals() const { return refusals_.load(); }

 private:
  pb::TransactionBody Body();
  std::string NextTransaction(int holder, std::mt19937& rng);
  void RunHolder(int holder, uint32_t seed);

  const std::string origin_;
  const uint32_t seed_;
  std::vector<PrivateKey> keys_;
  std::atomic<uint64_t> nonce_{0};
  std::vector<std::string> members_;
  std::atomic<bool> stop_{false};
  std::atomic<size_t> refusals_{0};
  std::vector<std::thread> threads_;
  mutable std::mutex mu_;
  std::vector<Ack> acks_;  // guarded by mu_
  uint32_t round_ = 0;     // Start() calls, so each round draws new transactions
};

}  // namespace creg::testing
