// Wiring mirror mode into a node (docs/replication.md): the Follower made
// from `cregd run --follow HOST:PORT[,...]`, the StatusResponse fields that
// report a node's role, and the NOT_LEADER answer a mirror gives a write.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "creg/wire.pb.h"
#include "ledger/registry/registry.h"
#include "node/checkpointer.h"
#include "node/follower.h"
#include "node/node_options.h"

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
// replication_alarm.
void FillReplicationStatus(const Follower* follower, pb::StatusResponse& status);

// The NOT_LEADER error (with id `id`) for a write sent to a mirror: it
// names the writer the mirror follows, in the message and in Error.leader.
pb::Response NotLeaderResponse(const Follower& follower, uint64_t id);

}  // namespace creg
