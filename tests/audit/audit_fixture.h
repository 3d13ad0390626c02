// Helpers for the certificate and creg-audit tests: the DESIGN.md story in
// a real registry laid out as a data folder, signed checkpoints of it,
// damage done through the Store API, and running the built creg-audit.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "creg/log.pb.h"
#include "ledger/checkpoint.h"
#include "ledger/hash.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/temp_dir.h"

namespace creg::testing {

// Entry indexes of the story (see StoryData).
struct Story {
  static constexpr const char* kProjectA = "ke-cookstoves-001";  // batch 1, 1000 t, KE
  static constexpr const char* kProjectB = "cn-wind-002";        // batch 2, 500 t, CN
  static constexpr const char* kBeneficiary = "Belt and Road Green Development Forum 2026";
  uint64_t labelling = 0;         // operator labels batch 1 serials 1-125 ccp
  uint64_t retirement = 0;        // organiser retires 120 t of batch 1 (serials 1-120)
  uint64_t rotation = 0;          // organiser rotates its key
  uint64_t authorization = 0;     // Article 6: 1:121-130 and 2:1-100 for ndc and oimp
  uint64_t multi_retirement = 0;  // by blocks: batch 1 121-130 and batch 2 1-5, new key, oimp
  uint64_t cancellation = 0;      // operator cancels 10 t of batch 1 (501-510)
  uint64_t adjustment = 0;        // corresponding adjustment applied for 2:1-5
  uint64_t term = 0;              // a writer takes over: leader term of etcd revision 42
  uint64_t size = 0;              // entries in the log
};

// A data folder `root` (root/db, root/checkpoint, root/verifier.key) holding:
// accounts developer and organiser, projects A and B, batches 1 (A, 1000 t)
// and 2 (B, 500 t), transfers to organiser, a label, an Article 6
// authorisation, the retirements (the second for OIMP), a key rotation, a
// cancellation, a corresponding adjustment and a leader term of Story. The
// registry's checkpoint key (verifier.key) is RegistryHarness::RegistryKey(),
// which signs the leader term. The registry stays open until Close().
class StoryData {
 public:
  StoryData(const TempDir& dir, const std::string& name = "data");
  ~StoryData();

  const std::string& root() const { return root_; }
  const Story& story() const { return story_; }
  RegistryHarness& harness() { return *harness_; }  // Precondition: not closed.
  // Closes the database so that another process may open it.
  void Close();

  const NoteSigner& signer() const { return *signer_; }
  std::string VerifierKey() const { return signer_->VerifierKey(); }
  // Root of the log at every size 0..story().size.
  const Hash& RootAt(uint64_t size) const { return roots_.at(size); }
  // The signed note of the log at `size`.
  std::string Note(uint64_t size) const;
  // A note signed by this registry's key over anything.
  std::string SignedNote(const Checkpoint& checkpoint) const;

 private:
  std::string root_;
  std::unique_ptr<RegistryHarness> harness_;
  std::unique_ptr<NoteSigner> signer_;
  std::vector<Hash> roots_;
  Story story_;
};

// A copy of a closed data folder at `to`.
void CopyDataDir(const std::string& from, const std::string& to);

// A data folder `to` whose log is the log of the closed data folder `from`
// with `edit` applied to each decoded entry, then re-chained (prev_hash)
// and re-hashed (Merkle nodes, head): the hash checks pass, and only the
// registry rules can find what `edit` changed. It holds the origin but no
// other state record, no checkpoint, and `from`'s verifier.key (the key its
// leader terms are checked with).
void RewriteLog(const std::string& from, const std::string& to,
                const std::function<void(uint64_t index, pb::LogEntry& entry)>& edit);

// Body bytes that protobuf's lenient parser reads as `body`, but that are not
// in canonical form: an empty open_account precedes `body`'s operation (two
// members of one oneof; the last one wins). Precondition: `body`'s
// operation is not itself an open_account.
std::string TwoOperationBody(const pb::TransactionBody& body);

// The signed transaction of `entry_bytes` with its body replaced by
// `body_bytes`, signed by the same signer with `key`; the entry re-encoded.
std::string WithSignedBody(const std::string& entry_bytes, const std::string& body_bytes,
                           const PrivateKey& key);

// A certificate of retirement entry `index` of `data` (not closed) whose
// entry is `entry_bytes` instead: every inclusion proof and the checkpoint
// are remade over the log's first `index` entries followed by `entry_bytes`,
// and signed with the data's checkpoint key, so that only the checks of the
// entry's contents can fail.
std::string CertificateWithEntry(StoryData& data, uint64_t index, const std::string& entry_bytes);

// Records of the database at `data_root`/db, read and damaged through the
// Store API. Each fails the test on storage errors.
std::optional<std::string> ReadRecord(const std::string& data_root, const std::string& column,
                                      const std::string& key);
// Puts `value`, or deletes the record when it is nullopt.
void WriteRecord(const std::string& data_root, const std::string& column, const std::string& key,
                 const std::optional<std::string>& value);
// Edits an existing record in place.
void EditRecord(const std::string& data_root, const std::string& column, const std::string& key,
                const std::function<void(std::string&)>& edit);
// Every key of a column, in order.
std::vector<std::string> ColumnKeys(const std::string& data_root, const std::string& column);
// BE64 of an entry index: the key of log.entries and log.tree.
std::string IndexKey(uint64_t index);

// (Not named RunResult: tests/support/node_process.h has one of its own.)
struct AuditResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};
// Runs the built creg-audit with `args`, standard input from `stdin_path`
// (or /dev/null). With CREG_AUDIT_TEST_VERBOSE set in the environment, the
// command and its output are copied to stderr.
AuditResult RunAudit(const std::vector<std::string>& args, const std::string& stdin_path = "");

// Writes `contents` to `path` (replacing it).
void WriteText(const std::string& path, const std::string& contents);

}  // namespace creg::testing
