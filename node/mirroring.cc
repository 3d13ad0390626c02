#include "node/mirroring.h"

#include "net/wire_status.h"

namespace creg {

StatusOr<std::unique_ptr<Follower>> MakeFollower(const NodeOptions& options, Registry& registry,
                                                 Checkpointer& checkpointer,
                                                 std::function<void(uint64_t)> on_commit) {
  FollowerOptions follower;
  for (const std::string& address : options.follow) {
    if (address.empty()) return InvalidArgumentError("--follow names an empty address");
    follower.writers.push_back(address);
  }
  if (follower.writers.empty()) return InvalidArgumentError("--follow needs HOST:PORT");
  if (options.follow_account.empty() != options.follow_key_file.empty()) {
    return InvalidArgumentError(options.follow_account.empty()
                                    ? "--follow-key needs --follow-account ID as well"
                                    : "--follow-account needs --follow-key FILE as well");
  }
  if (!options.follow_account.empty()) {
    StatusOr<PrivateKey> key = PrivateKey::LoadFile(options.follow_key_file);
    if (!key.ok()) return key.status().WithContext("--follow-key " + options.follow_key_file);
    follower.account = options.follow_account;
    follower.key = std::move(key).value();
  }
  follower.client.tls_ca_file = options.follow_tls_ca_file;
  CREG_ASSIGN_OR_RETURN(NoteVerifier verifier,
                        NoteVerifier::FromVerifierKey(checkpointer.VerifierKey()));
  return std::make_unique<Follower>(registry, checkpointer, std::move(verifier),
                                    std::move(follower), std::move(on_commit));
}

void FillReplicationStatus(const Follower* follower, const SyncGate* gate,
                           pb::StatusResponse& status) {
  if (follower == nullptr) {
    status.set_role("writer");
    if (gate != nullptr) {
      status.set_sync_mirrors_required(static_cast<uint32_t>(gate->required()));
      status.set_sync_mirrors_connected(static_cast<uint32_t>(gate->connected()));
      status.set_synced_size(gate->covered());
    }
    return;
  }
  FollowerState state = follower->state();
  status.set_role("mirror");
  status.set_writer(state.writer);
  status.set_writer_checkpoint_size(state.writer_checkpoint_size);
  status.set_replication_error(state.error);
  status.set_replication_alarm(state.alarm);
}

pb::Response NotLeaderResponse(const Follower& follower, uint64_t id) {
  const std::string writer = follower.state().writer;
  pb::Response response = ErrorResponse(
      NotLeaderError("this node is a mirror and takes no writes; send them to the writer at " +
                     writer),
      id);
  response.mutable_error()->set_leader(writer);
  return response;
}

pb::Response AnswerMirrorSynced(SyncGate* gate, const Reader& reader, uint64_t connection,
                                const pb::MirrorSyncedRequest& request) {
  pb::Response response;
  response.mutable_mirror_synced();
  if (gate == nullptr) return response;
  if (!reader.privileged()) {
    return ErrorResponse(NotAuthorizedError(
        "a mirror reports what it stored only when signed in as an operator or auditor account "
        "(cregd run --follow-account ID --follow-key FILE)"));
  }
  Status reported = gate->Report(connection, reader.account_id, request.size());
  if (!reported.ok()) return ErrorResponse(reported);
  return response;
}

}  // namespace creg
