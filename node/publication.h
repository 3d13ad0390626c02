// Wiring witnesses into a node (docs/witness.md, "Running a registry with
// witnesses"): the Publisher made from `cregd run --witness URL=KEY ...
// --witness-quorum K`, and the StatusResponse fields that report it.
#pragma once

#include <memory>
#include <string>

#include "creg/wire.pb.h"
#include "ledger/merkle_log.h"
#include "node/checkpointer.h"
#include "node/node_options.h"
#include "node/publisher.h"

namespace creg {

// Parses options.witnesses, stops `checkpointer` publishing on commit,
// publishes the checkpoint saved at `saved_path` again if it still carries
// enough valid cosignatures and matches `log`, and starts a Publisher that
// each committed checkpoint wakes. InvalidArgument naming a bad --witness value or a
// quorum over the number of witnesses.
StatusOr<std::unique_ptr<Publisher>> StartPublisher(const NodeOptions& options,
                                                    const MerkleLog& log,
                                                    Checkpointer& checkpointer,
                                                    const std::string& saved_path);

// Sets witness_quorum, witnesses and publication_fault of `status`.
void FillPublicationStatus(const Publisher& publisher, pb::StatusResponse& status);

}  // namespace creg
