#include "node/etcd_fence.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace creg {
namespace {

// The longest a swap may take: etcd answers in about a millisecond.
constexpr std::chrono::milliseconds kMaxSwap{1000};

}  // namespace

EtcdFence::EtcdFence(TermSwaps& swaps, const LeaseKeeper& lease, std::string cluster)
    : swaps_(swaps), lease_(lease), cluster_(std::move(cluster)) {}

Status EtcdFence::Commit(const SignedCheckpoint& checkpoint) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(lease_.deadline() - BootClock::now());
  if (left <= std::chrono::milliseconds::zero() || !lease_.Valid()) {
    return UnavailableError("the etcd lease " + std::to_string(lease_.id()) +
                            " passed its local deadline");
  }
  return swaps_.Swap(checkpoint.note, std::min(kMaxSwap, left));
}

std::string EtcdFence::Describe() const {
  return "the writer role of cluster " + cluster_ + " (term " +
         std::to_string(swaps_.term_revision()) + ")";
}

}  // namespace creg
