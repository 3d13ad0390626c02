#include "node/checkpointer.h"

#include "ledger/data_dir.h"

namespace creg {

Checkpointer::Checkpointer(const MerkleLog& log, NoteSigner signer, std::string origin,
                           std::string path)
    : log_(log), signer_(std::move(signer)), origin_(std::move(origin)), path_(std::move(path)) {}

Status Checkpointer::SignHead() { return SignAt(log_.head().size); }

Status Checkpointer::SignAt(uint64_t size) {
  TreeHead head = log_.head();
  if (size > head.size) {
    return OutOfRangeError("cannot sign a checkpoint of size " + std::to_string(size) +
                           " past the log head (" + std::to_string(head.size) + ")");
  }
  {
    std::lock_guard lock(mu_);
    if (signed_ && signed_->checkpoint.size >= size) return OkStatus();
  }
  CREG_ASSIGN_OR_RETURN(Hash rebuilt, log_.RecomputeRoot(size));
  if (size == head.size && rebuilt != head.root) {
    return DataLossError("root rebuilt from stored nodes at size " + std::to_string(head.size) +
                         " differs from the log head; refusing to sign");
  }
  auto signed_checkpoint = std::make_shared<SignedCheckpoint>();
  signed_checkpoint->checkpoint = Checkpoint{origin_, size, rebuilt};
  signed_checkpoint->note = SignCheckpoint(signed_checkpoint->checkpoint, signer_);
  bool fenced = false;
  {
    std::lock_guard lock(mu_);
    signed_ = signed_checkpoint;
    fenced = fenced_;
  }
  if (!fenced) MarkCommitted(std::move(signed_checkpoint));
  return OkStatus();
}

void Checkpointer::SetFenced(bool fenced) {
  std::lock_guard lock(mu_);
  fenced_ = fenced;
}

void Checkpointer::MarkCommitted(std::shared_ptr<const SignedCheckpoint> checkpoint) {
  {
    std::lock_guard lock(mu_);
    if (committed_ && committed_->checkpoint.size >= checkpoint->checkpoint.size) return;
    if (publish_on_commit_) latest_ = checkpoint;
    committed_ = std::move(checkpoint);
  }
  if (listener_) listener_();
}

std::shared_ptr<const SignedCheckpoint> Checkpointer::latest() const {
  std::lock_guard lock(mu_);
  return latest_;
}

std::shared_ptr<const SignedCheckpoint> Checkpointer::latest_committed() const {
  std::lock_guard lock(mu_);
  return committed_;
}

std::shared_ptr<const SignedCheckpoint> Checkpointer::latest_signed() const {
  std::lock_guard lock(mu_);
  return signed_;
}

void Checkpointer::Publish(std::shared_ptr<const SignedCheckpoint> checkpoint) {
  std::lock_guard lock(mu_);
  if (latest_ && latest_->checkpoint.size >= checkpoint->checkpoint.size) return;
  latest_ = std::move(checkpoint);
}

Status Checkpointer::Save(bool force, std::chrono::milliseconds interval) {
  std::shared_ptr<const SignedCheckpoint> current = latest();
  if (current == nullptr || current->checkpoint.size == saved_size_) return OkStatus();
  auto now = std::chrono::steady_clock::now();
  if (!force && now - saved_at_ < interval) return OkStatus();
  CREG_RETURN_IF_ERROR(WriteFileAtomically(path_, current->note));
  saved_size_ = current->checkpoint.size;
  saved_at_ = now;
  return OkStatus();
}

std::shared_ptr<SignedCheckpoint> ReadSavedCheckpoint(const std::string& path, const MerkleLog& log,
                                                      const std::string& verifier_key) {
  auto note = ReadFile(path);
  if (!note.ok()) return nullptr;
  auto key = NoteVerifier::FromVerifierKey(verifier_key);
  if (!key.ok()) return nullptr;
  auto checkpoint = VerifyCheckpoint(*note, *key, "");
  if (!checkpoint.ok() || checkpoint->size > log.size()) return nullptr;
  auto root = log.RecomputeRoot(checkpoint->size);
  if (!root.ok() || *root != checkpoint->root) return nullptr;
  return std::make_shared<SignedCheckpoint>(SignedCheckpoint{*checkpoint, *note});
}

}  // namespace creg
