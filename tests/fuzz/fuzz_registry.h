// The small, fixed registry the fuzz targets run against, and the corpus
// generator writes its seeds from.
//
// Everything is deterministic: the keys are fixed (below), every transaction
// of the story has a fixed nonce and is committed at a fixed timestamp, and
// Ed25519 signatures are deterministic. So the generator and the fuzzers
// build byte-identical logs: a seed certificate or checkpoint note written
// by the generator verifies inside the fuzzer, and a seed transaction signed
// by the generator carries a valid signature there.
//
// The story (docs of the rules: docs/rules.md):
//   registry-operator (operator), org-alice, org-bob, org-carol (holders);
//   projects ke-cookstoves-001 (alice) and br-forest-002 (bob);
//   batch 1: 1,000 t to alice; batch 2: 500 t to bob; transfers alice -> bob
//   and alice -> carol; retirements by bob (batch 1), by bob after rotating
//   his key (batch 2), by alice (blocks of batch 1); a cancellation; carol
//   suspended.
//
// AddCouncil() continues it with a multi-signature account, AddLeaderTerm()
// with a leader term. The registry checks leader terms with the checkpoint
// key (RegistryOptions::registry_key).
//
// Not thread-safe. Failures while building abort the process: a fuzzer
// cannot run without its registry.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "creg/transaction.pb.h"
#include "ledger/checkpoint.h"
#include "ledger/keys.h"
#include "ledger/registry/registry.h"
#include "ledger/store.h"
#include "node/checkpointer.h"

namespace creg::fuzz {

inline constexpr char kOrigin[] = "fuzz.creg.example";
inline constexpr char kCheckpointKeyName[] = "fuzz.creg.example";
inline constexpr char kOperator[] = "registry-operator";
inline constexpr char kAlice[] = "org-alice";
inline constexpr char kBob[] = "org-bob";
inline constexpr char kCarol[] = "org-carol";
// The multi-signature account of AddCouncil().
inline constexpr char kCouncil[] = "org-council";
// The witness of witness_fuzzer's seeds, whose key is kCarol's.
inline constexpr char kWitnessKeyName[] = "witness.example/w1";
// Timestamp of the first story transaction; each next one is a second later.
inline constexpr int64_t kStoryStartMicros = 1'780'000'000'000'000;

// The fixed Ed25519 keys. Test keys only: they are public in this file.
enum class FixedKey {
  kOperator,
  kAlice,
  kBob,
  kBobRotated,
  kCarol,
  kCheckpoint,
  kCouncil1,
  kCouncil2,
  kCouncil3
};
PrivateKey LoadFixedKey(FixedKey which);

// The checkpoint signer of the fuzz registry, and its verifier.
NoteSigner CheckpointSigner();
NoteVerifier CheckpointVerifier();

// Aborts with `what` and the status when `status` is not OK.
void CheckOk(const Status& status, std::string_view what);

class FuzzRegistry {
 public:
  // Builds the story in a new folder under $TMPDIR (or /tmp) and signs a
  // checkpoint of the whole log.
  static std::unique_ptr<FuzzRegistry> Create();
  // Closes the database and removes the folder.
  ~FuzzRegistry();
  FuzzRegistry(const FuzzRegistry&) = delete;
  FuzzRegistry& operator=(const FuzzRegistry&) = delete;

  Registry& registry() { return *registry_; }
  // The store the registry is in (for a copy: Store::CopyTo).
  const Store& store() const { return *store_; }
  const Checkpointer& checkpointer() const { return *checkpointer_; }
  // The signed checkpoint note of the whole log.
  std::string CheckpointNote() const;

  // The SignedTransaction bytes of the story, in log order.
  const std::vector<std::string>& story() const { return story_; }
  // Ids ("R<entry index>") of the story's retirements.
  const std::vector<std::string>& retirement_ids() const { return retirement_ids_; }

  // A body for this registry's origin with nonce `nonce`.
  static pb::TransactionBody Body(std::string_view nonce,
                                  int64_t created_micros = kStoryStartMicros);
  // Signs `body` as `account` with the account's current key (accounts of
  // the story only; aborts for others). kCouncil signs in the keyed form
  // with kCouncil1 and kCouncil3, two of its three keys after AddCouncil().
  std::string Sign(const pb::TransactionBody& body, std::string_view account) const;
  // Signs `body` as `account` in the keyed form with `keys`.
  static std::string SignKeyed(const pb::TransactionBody& body, std::string_view account,
                               const std::vector<FixedKey>& keys);

  // Continues the story with a multi-signature account, for the fuzzers of
  // signature checks (the others keep the story above, which their seeds
  // were made from): org-council opened 2-of-2 (kCouncil1, kCouncil2),
  // given 40 t of batch 1 by alice, made 2-of-3 (adding kCouncil3) by a
  // set_account_keys its two keys sign, then moving 5 t to bob signed by
  // kCouncil1 and kCouncil3.
  void AddCouncil();

  // Continues the story with a leader term (docs/rules.md, "Leader terms")
  // of etcd revision 7, leader "10.0.0.1:7601", cluster "c1", signed by the
  // checkpoint key, which the registry checks it with.
  void AddLeaderTerm();
  // The leader term AddLeaderTerm() appends, taking over the log at `size`
  // with root `root`.
  static pb::LeaderTerm LeaderTermAt(uint64_t size, const Hash& root);

 private:
  FuzzRegistry() = default;
  void Build();
  // Applies and commits one story transaction; aborts unless accepted.
  uint64_t Commit(const pb::TransactionBody& body, std::string_view signer);
  uint64_t CommitSigned(const pb::TransactionBody& body, std::string bytes);

  std::string dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<Checkpointer> checkpointer_;
  std::vector<std::string> story_;
  std::vector<std::string> retirement_ids_;
  bool bob_rotated_ = false;
};

}  // namespace creg::fuzz
