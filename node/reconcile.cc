#include "node/reconcile.h"

#include <algorithm>
#include <utility>

#include "creg/wire.pb.h"
#include "ledger/merkle.h"
#include "net/wire_status.h"
#include "node/log.h"

namespace creg {
namespace {

// Entries asked for per page: the node's own page limit.
constexpr uint64_t kPageEntries = 1000;

std::string Range(uint64_t begin, uint64_t end) {
  return "[" + std::to_string(begin) + ", " + std::to_string(end) + ")";
}

// Where the search for a first difference starts: the entry before the
// published checkpoint's end, so that a contradiction of it shows.
uint64_t SearchStart(const ReconcileScope& scope) {
  return scope.published > 0 ? scope.published - 1 : 0;
}

Status TwoHistories(const PeerLog& peer, uint64_t index, uint64_t published) {
  return DataLossError("two histories: entry " + std::to_string(index) + " of " + peer.name() +
                       "'s log differs from this member's, which published a checkpoint of size " +
                       std::to_string(published) + " covering it");
}

// FirstDifference from SearchStart; DataLoss if the logs differ below
// `published` (TwoHistories).
StatusOr<Difference> CommonPrefix(const Registry& registry, PeerLog& peer,
                                  const ReconcileScope& scope, uint64_t to) {
  CREG_ASSIGN_OR_RETURN(Difference difference,
                        FirstDifference(registry, peer, std::min(SearchStart(scope), to), to));
  if (!difference.peer_ends && difference.index < std::min(scope.published, to)) {
    return TwoHistories(peer, difference.index, scope.published);
  }
  return difference;
}

// OK if `peer`'s entry `index` is the one at that index in the tree of
// `checkpoint`; FailedPrecondition otherwise.
Status ProveEntry(PeerLog& peer, uint64_t index, const Checkpoint& checkpoint) {
  CREG_ASSIGN_OR_RETURN(std::vector<std::string> entry, peer.Entries(index, 1));
  CREG_ASSIGN_OR_RETURN(std::vector<std::string> proof,
                        peer.InclusionProof(index, checkpoint.size));
  Status proved = merkle::VerifyInclusion(
      index, checkpoint.size, merkle::LeafHash(entry.front()).str(), proof, checkpoint.root.str());
  if (!proved.ok()) {
    return FailedPreconditionError("its entry " + std::to_string(index) +
                                   " is not the registry's (" + proved.message() + ")");
  }
  return OkStatus();
}

Status Quarantine(Registry& registry, const ReconcileScope& scope, uint64_t first,
                  std::string reason, std::string note, Reconciled& out) {
  QuarantineRequest request;
  request.first = first;
  request.term_revision = scope.term_revision;
  request.reason = std::move(reason);
  request.checkpoint_note = std::move(note);
  CREG_ASSIGN_OR_RETURN(Quarantined moved, QuarantineTail(registry, *scope.dir, request));
  if (moved.entries > 0) out.quarantined = std::move(moved);
  return OkStatus();
}

// Copies `peer`'s entries from the local log's size up to `end` through
// `check`. Errors: the peer's (OutOfRange: it stops short) and the check's.
Status CopyFrom(PeerLog& peer, MirrorCheck& check, const Registry& registry, uint64_t end) {
  while (registry.log().size() < end) {
    const uint64_t start = registry.log().size();
    CREG_ASSIGN_OR_RETURN(std::vector<std::string> entries,
                          peer.Entries(start, std::min(kPageEntries, end - start)));
    if (entries.size() > end - start) entries.resize(end - start);
    pb::EntriesResponse page;
    page.set_start(start);
    for (std::string& entry : entries) page.add_entries(std::move(entry));
    CREG_RETURN_IF_ERROR(check.ApplyPage(page));
  }
  return OkStatus();
}

// One peer's attempt for ReconcileToCheckpoint (see there), recorded in
// `out`. Errors: why this peer could not supply the entries.
Status CopyToCheckpoint(Registry& registry, MirrorCheck& check, const ReconcileScope& scope,
                        const SignedCheckpoint& checkpoint, PeerLog& peer, Reconciled& out) {
  const uint64_t size = checkpoint.checkpoint.size;
  const uint64_t to = std::min(registry.log().size(), size);
  CREG_ASSIGN_OR_RETURN(Difference difference, CommonPrefix(registry, peer, scope, to));
  if (difference.peer_ends) {
    return UnavailableError("its log ends at entry " + std::to_string(difference.index) +
                            ", before entry " + std::to_string(size));
  }
  if (difference.index == size) {
    return FailedPreconditionError("its entries give another root at size " + std::to_string(size));
  }
  if (difference.index < to) {
    CREG_RETURN_IF_ERROR(ProveEntry(peer, difference.index, checkpoint.checkpoint));
    CREG_RETURN_IF_ERROR(Quarantine(registry, scope, difference.index,
                                    "past the registry's checkpoint of size " +
                                        std::to_string(size) +
                                        ": never acknowledged, never in a checkpoint",
                                    checkpoint.note, out));
  }
  const uint64_t base = registry.log().size();
  Status copied = CopyFrom(peer, check, registry, size);
  if (copied.ok()) {
    CREG_ASSIGN_OR_RETURN(Hash root, registry.log().RecomputeRoot(size));
    if (root != checkpoint.checkpoint.root) {
      copied =
          FailedPreconditionError("its entries give another root at size " + std::to_string(size));
    }
  }
  if (!copied.ok()) {
    if (registry.log().size() > base) {
      CREG_RETURN_IF_ERROR(registry.TruncateTo(base).status());  // cut what it sent
    }
    if (copied.code() == StatusCode::kOutOfRange) {
      return UnavailableError("its log ends before entry " + std::to_string(size));
    }
    return copied;
  }
  CREG_RETURN_IF_ERROR(check.CheckCheckpoint(checkpoint.note));
  out.kept = base;
  out.copied = size - base;
  out.source = peer.name();
  return OkStatus();
}

}  // namespace

ClientPeerLog::ClientPeerLog(std::unique_ptr<Client> client) : client_(std::move(client)) {}

StatusOr<std::vector<std::string>> ClientPeerLog::Entries(uint64_t start, uint64_t count) {
  pb::Request request;
  request.mutable_get_entries()->set_start(start);
  request.mutable_get_entries()->set_count(count);
  CREG_ASSIGN_OR_RETURN(pb::Response response, client_->Call(std::move(request)));
  if (response.has_error()) return StatusFromWire(response.error());
  const pb::EntriesResponse& page = response.entries();
  if (!response.has_entries() || page.start() != start || page.entries().empty() ||
      static_cast<uint64_t>(page.entries_size()) > count) {
    return DataLossError(name() + " answered entries " + Range(start, start + count) +
                         " with something else");
  }
  return std::vector<std::string>(page.entries().begin(), page.entries().end());
}

StatusOr<std::vector<std::string>> ClientPeerLog::InclusionProof(uint64_t index, uint64_t size) {
  pb::Request request;
  request.mutable_inclusion_proof()->set_index(index);
  request.mutable_inclusion_proof()->set_tree_size(size);
  CREG_ASSIGN_OR_RETURN(pb::Response response, client_->Call(std::move(request)));
  if (response.has_error()) return StatusFromWire(response.error());
  if (!response.has_proof() || response.proof().tree_size() != size) {
    return DataLossError(name() + " answered the proof of entry " + std::to_string(index) +
                         " in a tree of size " + std::to_string(size) + " with something else");
  }
  return std::vector<std::string>(response.proof().hashes().begin(),
                                  response.proof().hashes().end());
}

StatusOr<Difference> FirstDifference(const Registry& registry, PeerLog& peer, uint64_t from,
                                     uint64_t to) {
  uint64_t next = from;
  while (next < to) {
    StatusOr<std::vector<std::string>> theirs =
        peer.Entries(next, std::min(kPageEntries, to - next));
    if (theirs.status().code() == StatusCode::kOutOfRange) return Difference{next, true};
    if (!theirs.ok()) return theirs.status();
    const uint64_t end = std::min(to, next + theirs->size());
    CREG_ASSIGN_OR_RETURN(std::vector<std::string> ours, registry.log().Entries(next, end));
    for (size_t i = 0; i < ours.size(); ++i) {
      if (ours[i] != (*theirs)[i]) return Difference{next + i, false};
    }
    next = end;
  }
  return Difference{to, false};
}

StatusOr<Reconciled> ReconcileToCheckpoint(Registry& registry, MirrorCheck& check,
                                           const ReconcileScope& scope,
                                           const SignedCheckpoint& checkpoint,
                                           std::span<PeerLog* const> peers) {
  const uint64_t size = checkpoint.checkpoint.size;
  if (size < scope.published) {
    return DataLossError("the registry's checkpoint of size " + std::to_string(size) +
                         " is behind the checkpoint of size " + std::to_string(scope.published) +
                         " this member published");
  }
  Reconciled out;
  if (registry.log().size() >= size) {
    CREG_ASSIGN_OR_RETURN(Hash root, registry.log().RecomputeRoot(size));
    if (root == checkpoint.checkpoint.root) {
      CREG_RETURN_IF_ERROR(Quarantine(registry, scope, size,
                                      "past the registry's checkpoint of size " +
                                          std::to_string(size) +
                                          ": never acknowledged, never in a checkpoint",
                                      checkpoint.note, out));
      out.kept = size;
      CREG_RETURN_IF_ERROR(check.CheckCheckpoint(checkpoint.note));
      return out;
    }
  }
  std::string failures;
  for (PeerLog* peer : peers) {
    Status tried = CopyToCheckpoint(registry, check, scope, checkpoint, *peer, out);
    if (tried.ok()) return out;
    if (tried.code() == StatusCode::kDataLoss && tried.message().starts_with("two histories")) {
      return tried;
    }
    failures += "; " + peer->name() + ": " + tried.message();
    LogWarning("reconciling with " + peer->name() + " failed: " + tried.message());
  }
  return UnavailableError("no member could supply the registry's entries " +
                          Range(registry.log().size(), size) +
                          (failures.empty() ? " (no member to ask)" : failures));
}

StatusOr<Reconciled> ReconcileWithWriter(Registry& registry, const ReconcileScope& scope,
                                         PeerLog& writer) {
  const uint64_t local = registry.log().size();
  CREG_ASSIGN_OR_RETURN(Difference difference, CommonPrefix(registry, writer, scope, local));
  if (difference.index < scope.published) {
    return UnavailableError("the writer " + writer.name() + "'s log ends at entry " +
                            std::to_string(difference.index) + ", before the checkpoint of size " +
                            std::to_string(scope.published) + " this member published");
  }
  const uint64_t common = difference.index;
  Reconciled out;
  CREG_RETURN_IF_ERROR(Quarantine(registry, scope, common,
                                  "not in the log of the writer " + writer.name() +
                                      ": never acknowledged, never in a checkpoint",
                                  "", out));
  out.kept = common;
  return out;
}

}  // namespace creg
