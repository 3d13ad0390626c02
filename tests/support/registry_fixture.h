// A real Registry on RocksDB in a temporary folder, with an operator account
// opened, and helpers that build, sign and submit transactions.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "creg/transaction.pb.h"
#include "ledger/keys.h"
#include "ledger/registry/registry.h"
#include "ledger/store.h"
#include "tests/support/temp_dir.h"

namespace creg::testing {

class RegistryHarness {
 public:
  static constexpr const char* kOrigin = "test.creg.example";
  static constexpr const char* kOperator = "registry-operator";

  // Opens a new registry in `dir`/`name` and opens the operator account.
  explicit RegistryHarness(const TempDir& dir, const std::string& name = "registry");
  ~RegistryHarness();

  // The registry's checkpoint key (the same for every harness of the
  // process), which signs leader terms, and the options every harness and
  // ReplicaRegistry opens with: kOrigin and that key's public key.
  static const PrivateKey& RegistryKey();
  static RegistryOptions Options();

  Registry& registry() { return *registry_; }
  Store& store() { return *store_; }
  // Closes and reopens the database (state must survive).
  void Reopen();

  // Key of an account opened through this harness (operator included).
  const PrivateKey& KeyOf(const std::string& account);
  // Makes a fresh key for `account` (used by OpenAccount and RotateKey).
  const PrivateKey& NewKeyFor(const std::string& account);

  // The leader term of `etcd_revision` of leader "10.0.0.1:7601" in cluster
  // "c1", taking over the log as it is (previous_size and previous_root).
  pb::LeaderTerm NextTerm(int64_t etcd_revision);
  // Registry::AppendLeaderTerm of `term` signed with `key`, now; a storage
  // error is a gtest failure (and comes back as a Rejection of code kOk).
  Verdict AppendTerm(const pb::LeaderTerm& term, const PrivateKey& key);
  Verdict AppendTerm(int64_t etcd_revision);  // NextTerm, with RegistryKey()

  // A body with this registry's origin and a fresh nonce.
  pb::TransactionBody Body();
  // Signs `body` as `signer` with its key and submits it.
  Verdict Submit(const pb::TransactionBody& body, const std::string& signer);
  Verdict SubmitSigned(const std::string& signed_bytes);

  // An operator-signed open_account of `id` with a fresh key, not submitted
  // (for submitting some other way, e.g. through a CommitPipeline).
  std::string SignedOpenAccount(const std::string& id);

  // Shorthands; each submits as the natural signer and returns the verdict.
  Verdict OpenAccount(const std::string& id, pb::Role role = pb::ROLE_HOLDER);
  Verdict RegisterProject(const std::string& id, const std::string& proponent,
                          const std::string& country = "KE");
  Verdict Issue(const std::string& project, uint64_t quantity, const std::string& to,
                const std::string& verification_ref);
  Verdict TransferQuantity(const std::string& from, const std::string& to, uint64_t batch,
                           uint64_t quantity);
  Verdict TransferBlocks(const std::string& from, const std::string& to,
                         const std::vector<pb::SerialBlock>& blocks);
  Verdict RetireQuantity(const std::string& account, uint64_t batch, uint64_t quantity,
                         const std::string& beneficiary = "Example Forum 2026");
  Verdict CancelQuantity(const std::string& account, uint64_t batch, uint64_t quantity);
  // The operator adds `label` to the active credits of `blocks`.
  Verdict AddLabel(const std::string& label, const std::vector<pb::SerialBlock>& blocks,
                   const std::string& reference = "ICVCM CCP approval 2025-014");
  // The operator records an Article 6 authorisation by Ghana (GH) of the
  // active credits of `blocks` for `uses`.
  pb::TransactionBody AuthorizeBody(
      const std::vector<pb::SerialBlock>& blocks, const std::vector<pb::AuthorizedUse>& uses,
      pb::FirstTransfer first_transfer = pb::FIRST_TRANSFER_AUTHORIZATION);
  Verdict Authorize(const std::vector<pb::SerialBlock>& blocks,
                    const std::vector<pb::AuthorizedUse>& uses,
                    pb::FirstTransfer first_transfer = pb::FIRST_TRANSFER_AUTHORIZATION);
  // The operator moves the corresponding adjustment status of `blocks`.
  pb::TransactionBody AdjustBody(const std::vector<pb::SerialBlock>& blocks,
                                 pb::AdjustmentStatus status,
                                 const std::string& reference = "GH BTR 2026");
  Verdict Adjust(const std::vector<pb::SerialBlock>& blocks, pb::AdjustmentStatus status,
                 const std::string& reference = "GH BTR 2026");
  // A retirement (or, by the operator, a cancellation) of the `quantity`
  // lowest serials `account` holds in `batch`, for `use`.
  pb::TransactionBody RetireBody(const std::string& account, uint64_t batch, uint64_t quantity,
                                 pb::CreditUse use, const std::string& using_entity = "");
  pb::TransactionBody CancelBody(const std::string& account, uint64_t batch, uint64_t quantity,
                                 pb::CreditUse use, const std::string& using_entity = "");

 private:
  pb::TransactionBody OpenAccountBody(const std::string& id, pb::Role role = pb::ROLE_HOLDER);

  std::string path_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Registry> registry_;
  std::map<std::string, PrivateKey> keys_;
  uint64_t nonce_ = 0;
};

pb::SerialBlock Serials(uint64_t batch, uint64_t first, uint64_t last);

// `signed_transaction` (the single-key form) with its signature replaced by
// `key`'s over the same body: a forgery unless `key` is the signer's.
std::string Resigned(const std::string& signed_transaction, const PrivateKey& key);

// An empty registry with the harness's origin in its own temporary folder,
// unsynced, to replay another registry's log into (as the audit does).
struct ReplicaRegistry {
  ReplicaRegistry();
  TempDir dir;
  std::unique_ptr<Store> store;
  std::unique_ptr<Registry> registry;
};

// gtest helpers: the verdict was accepted / refused with `code`.
bool IsAccepted(const Verdict& v);
RuleCode RejectionCode(const Verdict& v);  // kOk when accepted
std::string Describe(const Verdict& v);
const Accepted& AcceptedOf(const Verdict& v);  // Precondition: IsAccepted.

// Submits `body` signed by `signer` and expects it refused with `code`, with
// a message that starts with `prefix`, and nothing written: the state digest
// and the log size are unchanged. Reports gtest failures otherwise.
void ExpectRefusedAndNothingWritten(RegistryHarness& h, const pb::TransactionBody& body,
                                    const std::string& signer, RuleCode code,
                                    const std::string& prefix = "");
// The same for the verdict of `write` (an AppendTerm, say).
void ExpectRefusedAndNothingWritten(RegistryHarness& h, const std::function<Verdict()>& write,
                                    RuleCode code, const std::string& prefix = "");

}  // namespace creg::testing
