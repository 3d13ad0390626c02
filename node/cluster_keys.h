// ClusterKeys: where a cluster of registry members keeps its state in etcd
// (docs/replication.md, "Failover"), and the writer's checkpoint swaps.
//
//   /creg/NAME/leader        the writer's --advertise HOST:PORT, bound to
//                            its lease; the key's create_revision is the
//                            term (strictly increasing across terms)
//   /creg/NAME/checkpoint    the registry's latest checkpoint note, put by
//                            the writer with a fenced swap (no lease)
//   /creg/NAME/members/ADDR  ADDR, bound to that member's lease
//
// NAME is 1 to 63 characters of a-z, 0-9 and '-', neither first nor last
// a '-': no name is a prefix path of another, and every key reads plainly.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "ledger/status.h"
#include "node/etcd_client.h"

namespace creg {

struct ClusterKeys {
  // InvalidArgument naming `cluster` if it is not a valid NAME (above).
  static StatusOr<ClusterKeys> For(std::string_view cluster);
  std::string Member(std::string_view address) const { return members + std::string(address); }

  std::string cluster;
  std::string leader;
  std::string checkpoint;
  std::string members;  // the prefix of every member key
};

// The registry's checkpoint as etcd holds it.
struct ClusterCheckpoint {
  std::string note;          // empty: no writer swapped one in yet
  int64_t mod_revision = 0;  // 0: absent
};

// Reads the checkpoint key. Errors: EtcdClient::Get's.
StatusOr<ClusterCheckpoint> ReadClusterCheckpoint(EtcdClient& client, const ClusterKeys& keys,
                                                  EtcdTimeout timeout = {});

// A writer's term: its checkpoints swapped into etcd one after the other,
// each fenced by the term's leader key (its create_revision) and by the
// previous swap (the checkpoint key's mod_revision), so that a writer
// whose term ended, or a second writer of the same term, cannot put one.
//
// A swap that fails for any reason ends the term for this writer: a
// refusal (FailedPrecondition) means another writer or a lost lease, and
// an unknown outcome (the call timed out) leaves the mod_revision unknown.
// The writer steps down; the next writer reads the key afresh.
//
// Thread-safe; swaps are serialised.
class TermSwaps {
 public:
  // `client` must outlive it. `term_revision`: the create_revision of the
  // leader key this writer put; `mod_revision`: the checkpoint key's, as
  // read (ReadClusterCheckpoint) after winning, 0 if absent.
  TermSwaps(EtcdClient& client, ClusterKeys keys, int64_t term_revision, int64_t mod_revision);

  // Puts `note` at the checkpoint key. After an error every later call
  // fails at once with that error (FailedPrecondition "the term ended").
  Status Swap(std::string_view note, EtcdTimeout timeout = {});

  int64_t term_revision() const { return term_revision_; }
  // The checkpoint key's mod_revision after the last successful swap.
  int64_t mod_revision() const;

 private:
  EtcdClient& client_;
  const ClusterKeys keys_;
  const int64_t term_revision_;
  mutable std::mutex mu_;
  int64_t mod_revision_;  // guarded by mu_
  Status ended_;          // guarded by mu_; OK while the term lasts
};

}  // namespace creg
