#include "node/mirror_check.h"

#include <algorithm>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include "ledger/registry/account_keys.h"
#include "ledger/registry/stored_entry.h"

namespace creg {
namespace {

// Pages smaller than this are checked on the calling thread alone.
constexpr size_t kParallelFrom = 64;
// Most threads that check one page's signatures.
constexpr size_t kMaxThreads = 4;

}  // namespace

MirrorCheck::MirrorCheck(Registry& registry, Checkpointer& checkpointer, NoteVerifier verifier)
    : registry_(registry), checkpointer_(checkpointer), verifier_(std::move(verifier)) {}

Status MirrorCheck::ApplyPage(const pb::EntriesResponse& page) {
  const uint64_t first = registry_.log().size();
  if (page.start() != first) {
    return DataLossError("the writer sent entries from " + std::to_string(page.start()) +
                         " where the next is " + std::to_string(first));
  }
  if (page.entries_size() == 0) return OkStatus();
  std::vector<StoredEntry> entries;
  entries.reserve(static_cast<size_t>(page.entries_size()));
  for (const std::string& bytes : page.entries()) entries.push_back(DecodeStoredEntry(bytes));
  CREG_RETURN_IF_ERROR(PreverifySignatures(entries));
  // What a verified checkpoint covers is never cut back: the commit prunes
  // those entries' undo records.
  if (auto published = checkpointer_.latest()) {
    registry_.SetPrunableBelow(published->checkpoint.size);
  }
  Registry::Group group = registry_.BeginGroup();
  for (int i = 0; i < page.entries_size(); ++i) {
    Status replayed = registry_.ReplayEntry(group, std::move(entries[static_cast<size_t>(i)]));
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

Status MirrorCheck::PreverifySignatures(std::vector<StoredEntry>& entries) const {
  // Each signer's single key as committed; one that changes within the
  // page is caught by the replay, which checks again with the key it holds.
  std::map<std::string, std::optional<PublicKey>> keys;
  std::vector<const PublicKey*> key_of(entries.size(), nullptr);
  for (size_t i = 0; i < entries.size(); ++i) {
    const PreparedTransaction* tx = entries[i].prepared();
    if (tx == nullptr) continue;
    auto [at, inserted] = keys.try_emplace(tx->envelope.signer());
    if (inserted) {
      CREG_ASSIGN_OR_RETURN(std::optional<pb::AccountRecord> account,
                            registry_.Account(tx->envelope.signer()));
      if (account.has_value()) {
        StatusOr<PublicKey> key = PublicKey::FromRaw(account->public_key());
        if (key.ok()) at->second = *key;
      }
    }
    if (at->second.has_value()) key_of[i] = &*at->second;
  }
  auto check = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      if (PreparedTransaction* tx = entries[i].prepared())
        creg::PreverifySignatures(*tx, key_of[i]);
    }
  };
  const size_t threads =
      entries.size() < kParallelFrom
          ? 1
          : std::clamp<size_t>(std::thread::hardware_concurrency(), 1, kMaxThreads);
  const size_t chunk = (entries.size() + threads - 1) / threads;
  std::vector<std::thread> workers;
  for (size_t t = 1; t < threads; ++t) {
    workers.emplace_back(check, std::min(t * chunk, entries.size()),
                         std::min((t + 1) * chunk, entries.size()));
  }
  check(0, std::min(chunk, entries.size()));
  for (std::thread& worker : workers) worker.join();
  return OkStatus();
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
