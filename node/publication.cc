#include "node/publication.h"

#include "ledger/cosignature.h"
#include "ledger/data_dir.h"
#include "node/log.h"

namespace creg {
namespace {

// The checkpoint a node with witnesses published before it stopped, if it
// still holds: signed by this node's key, cosigned by `quorum` of the
// witnesses, and a prefix of the log as it is now.
std::shared_ptr<SignedCheckpoint> SavedCheckpoint(const std::string& path, const MerkleLog& log,
                                                  const Checkpointer& checkpointer,
                                                  const std::vector<CosignatureVerifier>& witnesses,
                                                  size_t quorum) {
  auto saved = ReadSavedCheckpoint(path, log, checkpointer.VerifierKey());
  if (!saved) return nullptr;
  auto cosigned = VerifyCosignatures(saved->note, witnesses);
  if (!cosigned.ok() || cosigned->cosignatures.size() < quorum) return nullptr;
  return saved;
}

}  // namespace

StatusOr<std::unique_ptr<Publisher>> StartPublisher(const NodeOptions& options,
                                                    const MerkleLog& log,
                                                    Checkpointer& checkpointer,
                                                    const std::string& saved_path) {
  std::vector<std::unique_ptr<WitnessClient>> clients;
  std::vector<CosignatureVerifier> verifiers;
  for (const std::string& flag : options.witnesses) {
    CREG_ASSIGN_OR_RETURN(WitnessConfig config, ParseWitnessFlag(flag));
    verifiers.push_back(config.verifier);
    clients.push_back(
        std::make_unique<WitnessClient>(std::move(config), log, options.witness_timeout));
  }
  CREG_RETURN_IF_ERROR(CheckDistinctWitnesses(verifiers));
  if (options.witness_quorum > clients.size()) {
    return InvalidArgumentError("--witness-quorum " + std::to_string(options.witness_quorum) +
                                " is more than the " + std::to_string(clients.size()) +
                                " witnesses given");
  }
  const size_t quorum = options.witness_quorum == 0 ? clients.size() : options.witness_quorum;
  checkpointer.SetPublishOnCommit(false);
  if (auto saved = SavedCheckpoint(saved_path, log, checkpointer, verifiers, quorum)) {
    LogInfo("publishing again the cosigned checkpoint of size " +
            std::to_string(saved->checkpoint.size) + " saved before");
    checkpointer.Publish(std::move(saved));
  }
  PublisherOptions publisher_options;
  publisher_options.quorum = quorum;
  auto publisher = std::make_unique<Publisher>(checkpointer, std::move(clients), publisher_options);
  Publisher* raw = publisher.get();
  checkpointer.SetCommitListener([raw] { raw->Wake(); });
  publisher->Start();
  return publisher;
}

void FillPublicationStatus(const Publisher& publisher, pb::StatusResponse& status) {
  PublicationStatus state = publisher.status();
  status.set_witness_quorum(static_cast<uint32_t>(state.quorum));
  for (const WitnessState& w : state.witnesses) {
    pb::WitnessStatus* out = status.add_witnesses();
    out->set_url(w.url);
    out->set_cosigned_size(w.cosigned_size);
    out->set_error(w.error);
  }
  status.set_publication_fault(state.fault);
}

}  // namespace creg
