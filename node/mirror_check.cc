#include "node/mirror_check.h"

#include <algorithm>
#include <memory>

namespace creg {

MirrorCheck::MirrorCheck(Registry& registry, Checkpointer& checkpointer, NoteVerifier verifier)
    : registry_(registry), checkpointer_(checkpointer), verifier_(std::move(verifier)) {}

Status MirrorCheck::ApplyPage(const pb::EntriesResponse& page) {
  const uint64_t first = registry_.log().size();
  if (page.start() != first) {
    return DataLossError("the writer sent entries from " + std::to_string(page.start()) +
                         " where the next is " + std::to_string(first));
  }
  if (page.entries_size() == 0) return OkStatus();
  Registry::Group group = registry_.BeginGroup();
  for (int i = 0; i < page.entries_size(); ++i) {
    Status replayed = registry_.ReplayEntry(group, page.entries(i));
    if (replayed.ok()) continue;
    if (replayed.code() != StatusCode::kDataLoss) return replayed;
    // Keep what verified before the bad entry; never store the bad one.
    Registry::Group good = registry_.BeginGroup();
    for (int j = 0; j < i; ++j) CREG_RETURN_IF_ERROR(registry_.ReplayEntry(good, page.entries(j)));
    if (i > 0) {
      StatusOr<TreeHead> kept = registry_.Commit(std::move(good));
      if (!kept.ok())
        return DataLossError("storing verified entries failed: " + kept.status().message());
    }
    return DataLossError("entry " + std::to_string(first + static_cast<uint64_t>(i)) +
                         " from the writer fails a check: " + replayed.message());
  }
  StatusOr<TreeHead> head = registry_.Commit(std::move(group));
  if (!head.ok()) {
    // The mirror's own disk failed: stop rather than guess what is stored.
    return DataLossError("storing entries failed: " + head.status().message());
  }
  return CheckPending();
}

Status MirrorCheck::CheckCheckpoint(const std::string& note) {
  StatusOr<Checkpoint> checkpoint = VerifyCheckpoint(note, verifier_, registry_.origin());
  if (!checkpoint.ok()) {
    return DataLossError("the writer's checkpoint does not verify with the registry's key (" +
                         verifier_.VerifierKey() + "): " + checkpoint.status().message());
  }
  writer_checkpoint_size_ = std::max(writer_checkpoint_size_, checkpoint->size);
  if (!pending_ || checkpoint->size >= pending_->checkpoint.size) {
    pending_ = SignedCheckpoint{*checkpoint, note};
  }
  return CheckPending();
}

Status MirrorCheck::CheckPending() {
  if (!pending_ || pending_->checkpoint.size > registry_.log().size()) return OkStatus();
  SignedCheckpoint candidate = std::move(*pending_);
  pending_.reset();
  const uint64_t size = candidate.checkpoint.size;
  CREG_ASSIGN_OR_RETURN(Hash root, registry_.log().RecomputeRoot(size));
  if (root != candidate.checkpoint.root) {
    return DataLossError("two histories: the writer signed a checkpoint of size " +
                         std::to_string(size) + " with root " + candidate.checkpoint.root.ToHex() +
                         ", but the entries it sent give root " + root.ToHex());
  }
  checkpointer_.Publish(std::make_shared<const SignedCheckpoint>(std::move(candidate)));
  return OkStatus();
}

}  // namespace creg
