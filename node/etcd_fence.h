// EtcdFence: the checkpoint fence of a writer elected through etcd
// (node/checkpoint_fence.h; docs/replication.md, "Failover"). Commit is the
// term's fenced swap of the checkpoint key (node/cluster_keys.h,
// TermSwaps), given what is left of the lease's local deadline and at most
// 1 s; Valid is the lease's (node/lease_keeper.h).
//
// Thread-safety: as CheckpointFence.
#pragma once

#include <string>

#include "node/checkpoint_fence.h"
#include "node/cluster_keys.h"
#include "node/lease_keeper.h"

namespace creg {

class EtcdFence : public CheckpointFence {
 public:
  // `swaps` and `lease` must outlive it.
  EtcdFence(TermSwaps& swaps, const LeaseKeeper& lease, std::string cluster);

  Status Commit(const SignedCheckpoint& checkpoint) override;
  bool Valid() const override { return lease_.Valid(); }
  std::string Describe() const override;

 private:
  TermSwaps& swaps_;
  const LeaseKeeper& lease_;
  const std::string cluster_;
};

}  // namespace creg
