// Reconciliation: what a member of a cluster does to its log when it takes
// up a role, between two incarnations of the node, with nothing else
// reading or writing its registry (docs/replication.md, "Failover").
//
// The registry's history is the log up to the checkpoint that etcd holds
// (the writer swaps each checkpoint into etcd before it acknowledges what
// the checkpoint covers), followed by what the current writer appended
// since. A member may hold entries past that history that nobody else
// holds: a writer that lost its role before a checkpoint covered them.
// They were never acknowledged and never in a checkpoint. Reconciliation
// moves them aside into a quarantine file (node/quarantine.h) and, for a
// member about to write, copies the entries it lacks from the others,
// verifying each (node/mirror_check.h).
//
// Entries are hash-chained: two logs that hold the same bytes at an index
// hold the same entries before it. The search for the first difference
// starts at the local published checkpoint (`published`), the entries
// below which are never cut; it compares the entry just before it too, so
// that a peer whose history contradicts a checkpoint this member
// published is found out (DataLoss: two histories, the alarm) instead of
// followed.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "client/client.h"
#include "ledger/checkpoint.h"
#include "ledger/data_dir.h"
#include "ledger/registry/registry.h"
#include "ledger/status.h"
#include "node/mirror_check.h"
#include "node/quarantine.h"

namespace creg {

// Another member's log, read page by page.
class PeerLog {
 public:
  virtual ~PeerLog() = default;
  // The member, for messages (its address).
  virtual const std::string& name() const = 0;
  // Its entries from `start` on, as stored: at least one, at most `count`.
  // OutOfRange when `start` is at or past the end of its log; any other
  // error means the member could not be read.
  virtual StatusOr<std::vector<std::string>> Entries(uint64_t start, uint64_t count) = 0;
  // The inclusion proof of its entry `index` in the tree of its first
  // `size` entries (RFC 9162 hashes, 32 bytes each). Errors as Entries.
  virtual StatusOr<std::vector<std::string>> InclusionProof(uint64_t index, uint64_t size) = 0;
};

// A PeerLog over a connection to a member (GetEntries requests), signed in
// by the caller where the member's read policy needs it. A page that does
// not answer what was asked (another start, no entries, more than asked) is
// DataLoss naming the member.
class ClientPeerLog : public PeerLog {
 public:
  explicit ClientPeerLog(std::unique_ptr<Client> client);
  const std::string& name() const override { return client_->address(); }
  StatusOr<std::vector<std::string>> Entries(uint64_t start, uint64_t count) override;
  StatusOr<std::vector<std::string>> InclusionProof(uint64_t index, uint64_t size) override;

 private:
  std::unique_ptr<Client> client_;
};

// Where two logs part.
struct Difference {
  // The first index in the range searched at which the logs hold
  // different bytes or the peer's log ends; the range's end if they agree.
  uint64_t index = 0;
  bool peer_ends = false;  // the peer's log ends at `index`
};

// Compares `registry`'s log with `peer`'s over [from, to). Precondition:
// to <= the local log's size. Errors: the peer's (not OutOfRange, which
// is where its log ends) and the local log's.
StatusOr<Difference> FirstDifference(const Registry& registry, PeerLog& peer, uint64_t from,
                                     uint64_t to);

struct Reconciled {
  uint64_t kept = 0;        // the local entries kept: [0, kept)
  Quarantined quarantined;  // the local entries moved aside
  uint64_t copied = 0;      // entries copied from `source` and verified
  std::string source;       // the member they came from; empty if none
};

// What the member being reconciled knows of itself.
struct ReconcileScope {
  const DataDir* dir = nullptr;  // its data folder (for the quarantine file)
  // The size of the last checkpoint it published (DIR/checkpoint); the
  // registry's prunable bound must not be above it.
  uint64_t published = 0;
  // The etcd revision of the term it reconciles for (the quarantine file's
  // name).
  int64_t term_revision = 0;
};

// For a member about to write: makes its log exactly the registry's
// history up to `checkpoint` (etcd's, already verified with the registry's
// key), then publishes that checkpoint through `check`.
//
// If the log holds it (its root at that size is the checkpoint's), the
// entries past it are quarantined. Otherwise the peers are tried in turn.
// A peer whose log differs from the local one at some index proves, with
// an inclusion proof against the checkpoint's root, that its entry there
// is the registry's; only then are the local entries from that index on
// quarantined (a peer that cannot prove it is left, and nothing is cut).
// The peer's entries up to the checkpoint's size are then copied through
// `check`, which verifies each; a peer that fails, stops short or leads to
// another root is left (what it sent is cut again) and the next is tried.
//
// Errors: DataLoss when the checkpoint is smaller than `published` or a
// peer's log contradicts a published checkpoint (two histories: the alarm);
// Unavailable naming each peer and why, when none could supply the
// entries; the errors of QuarantineTail and of the local store. What was
// quarantined stays quarantined.
StatusOr<Reconciled> ReconcileToCheckpoint(Registry& registry, MirrorCheck& check,
                                           const ReconcileScope& scope,
                                           const SignedCheckpoint& checkpoint,
                                           std::span<PeerLog* const> peers);

// For a member about to mirror `writer`: cuts its log back to what it
// shares with the writer's log, quarantining the rest. Entries it holds
// that the writer holds too are kept, covered by a checkpoint or not.
// Errors: DataLoss when the writer's log contradicts a published
// checkpoint; Unavailable when it ends before that checkpoint (a writer
// still preparing: retry), and the writer's errors; those of
// QuarantineTail.
StatusOr<Reconciled> ReconcileWithWriter(Registry& registry, const ReconcileScope& scope,
                                         PeerLog& writer);

}  // namespace creg
