// ClusterMember: `cregd run --etcd URL --cluster NAME`, a member of a
// registry whose writer is elected through etcd (docs/replication.md,
// "Failover").
//
// For the life of the process a member holds a lease in etcd (its keys go
// with it) and campaigns for the cluster's leader key. The winner is the
// writer: it makes its log the registry's history up to the checkpoint in
// etcd (node/reconcile.h: its own unacknowledged tail quarantined, missing
// entries copied from the other members), appends a leader-term entry,
// and serves as a writer whose every acknowledgement waits for the fenced
// swap of a checkpoint covering it into etcd (node/etcd_fence.h). The
// others are mirrors of the writer named by the leader key: each cuts its
// log back to what it shares with the writer's, then follows it. Until
// the writer serves (its status names it the writer of the term), each
// stands by serving its log as it is: a writer still preparing may need
// entries that only another member holds. A member registers its key
// (the list a preparing writer copies from) before it campaigns. Each
// role is an incarnation of RegistryNode opened inside the process; a
// role change stops one (a short drain) and opens the next, on the same
// ports, so the lease never lapses meanwhile.
//
// A writer steps down the moment its lease's local deadline passes or a
// swap fails: it refuses writes (UNAVAILABLE), tears down, and starts again
// with a new lease. A mirror re-campaigns when the leader key disappears,
// and reconciles again when another writer's key appears. SIGINT/SIGTERM
// stop the incarnation and revoke the lease, so another member takes over
// at once.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "ledger/status.h"
#include "node/node_options.h"

namespace creg {

struct ClusterOptions {
  // etcd's client URLs, http://HOST:PORT each (TLS to etcd is not
  // supported yet). Empty: not a member of a cluster.
  std::vector<std::string> etcd;
  // The cluster's NAME (node/cluster_keys.h): every member of one registry
  // gives the same.
  std::string cluster;
  // HOST:PORT at which the other members and clients reach this one: the
  // leader key's value while it writes. Default: the --listen address.
  std::string advertise;
  // The lease's TTL; etcd may grant more (2 s at least). Default: 2 s.
  std::chrono::seconds lease{2};
};

// Runs the member until SIGINT or SIGTERM (OK). Errors: InvalidArgument
// for options that do not make a member (a bad cluster name or etcd URL,
// --follow, no port to advertise); an error of the data folder; DataLoss
// when etcd holds a checkpoint not signed by the registry's key, or this
// member's log contradicts the registry's history (the alarm: it stops).
// Precondition: called from main, before any other thread started (it
// blocks SIGINT and SIGTERM in every thread and waits for them itself).
Status RunClusterMember(const NodeOptions& node, const ClusterOptions& cluster);

}  // namespace creg
