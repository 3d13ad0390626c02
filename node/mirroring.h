// Wiring replication into a node (docs/replication.md): the Follower made
// from `cregd run --follow HOST:PORT[,...]`, the StatusResponse fields that
// report a node's role, the NOT_LEADER answer a mirror gives a write, and
// the writer's side of synchronous mirrors (--sync-mirrors).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "creg/wire.pb.h"
#include "ledger/registry/registry.h"
#include "node/checkpointer.h"
#include "node/follower.h"
#include "node/node_options.h"
#include "node/read_policy.h"
#include "node/sync_gate.h"

namespace creg {

// A Follower (not started) of options.follow, signing in with
// options.follow_account and the key in options.follow_key_file if given.
// InvalidArgument naming the flag for an empty address, an account without
// a key or a key without an account; the key file's error if it cannot be
// read.
StatusOr<std::unique_ptr<Follower>> MakeFollower(const NodeOptions& options, Registry& registry,
                                                 Checkpointer& checkpointer,
                                                 std::function<void(uint64_t)> on_commit);

// Sets role ("writer" without a follower, else "mirror") and, for a
// mirror, writer, writer_checkpoint_size, replication_error and
// replication_alarm; for a writer with synchronous mirrors (`gate` not
// null), sync_mirrors_required, sync_mirrors_connected and synced_size.
void FillReplicationStatus(const Follower* follower, const SyncGate* gate,
                           pb::StatusResponse& status);

// The answer to a mirror's report that it stored `request.size()` entries,
// sent on session `connection` by `reader`. Without a gate (no
// --sync-mirrors) an empty answer; NOT_AUTHORIZED unless `reader` is signed
// in as an operator or auditor account; INVALID_ARGUMENT for a size past
// the writer's log.
pb::Response AnswerMirrorSynced(SyncGate* gate, const Reader& reader, uint64_t connection,
                                const pb::MirrorSyncedRequest& request);

// The NOT_LEADER error (with id `id`) for a write sent to a mirror: it
// names the writer the mirror follows, in the message and in Error.leader.
pb::Response NotLeaderResponse(const Follower& follower, uint64_t id);

}  // namespace creg
