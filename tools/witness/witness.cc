#include "tools/witness/witness.h"

#include <chrono>

#include "ledger/merkle.h"
#include "ledger/witness_protocol.h"

namespace creg::witness {

namespace {

http::Answer Text(unsigned status, std::string line) {
  http::Answer answer = http::TextAnswer(status, std::move(line));
  answer.headers.emplace_back("Server", "creg-witness");
  return answer;
}

}  // namespace

uint64_t SystemClock() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(now).count());
}

StatusOr<std::unique_ptr<Witness>> Witness::Create(CosignatureSigner signer,
                                                   std::vector<NoteVerifier> logs,
                                                   WitnessStore store, Clock clock) {
  if (logs.empty()) return InvalidArgumentError("a witness needs at least one log key");
  std::unique_ptr<Witness> witness(
      new Witness(std::move(signer), std::move(store), std::move(clock)));
  for (NoteVerifier& key : logs) {
    auto [it, added] = witness->logs_.try_emplace(key.name());
    if (added) {
      it->second = std::make_unique<Log>();
      CREG_ASSIGN_OR_RETURN(it->second->state, witness->store_.OpenLog(key.name()));
    }
    for (const NoteVerifier& known : it->second->keys) {
      if (known.key_id() == key.key_id()) {
        return InvalidArgumentError("log key " + key.VerifierKey() + " is given twice");
      }
    }
    it->second->keys.push_back(std::move(key));
  }
  return witness;
}

http::Answer Witness::AddCheckpoint(std::string_view body) {
  StatusOr<AddCheckpointRequest> request = ParseAddCheckpointBody(body);
  if (!request.ok()) return Text(400, request.status().message());
  StatusOr<OpenedNote> opened = OpenNote(request->note);
  if (!opened.ok()) return Text(400, opened.status().message());
  StatusOr<Checkpoint> checkpoint = ParseCheckpointBody(opened->text);
  if (!checkpoint.ok()) return Text(400, "malformed checkpoint: " + checkpoint.status().message());

  auto it = logs_.find(checkpoint->origin);
  if (it == logs_.end()) return Text(404, "unknown log origin \"" + checkpoint->origin + "\"");
  Log& log = *it->second;
  bool signed_by_log = false;
  for (const NoteVerifier& key : log.keys)
    signed_by_log = signed_by_log || VerifyNote(request->note, key).ok();
  if (!signed_by_log) {
    return Text(403, "no valid signature from a key of log \"" + checkpoint->origin + "\"");
  }
  if (request->old_size > checkpoint->size) {
    return Text(400, "old size " + std::to_string(request->old_size) +
                         " is larger than the checkpoint's size " +
                         std::to_string(checkpoint->size));
  }

  std::lock_guard lock(log.mu);
  const Checkpoint& latest = log.state->latest();
  if (request->old_size != latest.size) {
    http::Answer answer = Text(409, "");
    answer.content_type = std::string(kTlogSizeContentType);
    answer.body = TreeSizeBody(latest.size);
    return answer;
  }
  Status consistent = merkle::VerifyConsistency(latest.size, checkpoint->size, request->proof,
                                                latest.root, checkpoint->root);
  if (!consistent.ok()) {
    if (checkpoint->size == latest.size) {
      return Text(422, "checkpoint of size " + std::to_string(checkpoint->size) +
                           " has another root than the one cosigned at that size");
    }
    return Text(422, "consistency proof from size " + std::to_string(latest.size) +
                         " does not verify: " + consistent.message());
  }
  if (checkpoint->size != latest.size) {
    if (Status saved = log.state->Save(*checkpoint); !saved.ok()) {
      return Text(500, "cannot record the checkpoint: " + saved.message());
    }
  }
  http::Answer answer = Text(200, "");
  answer.body = signer_.Cosign(opened->text, std::min(clock_(), kMaxCosignatureTime));
  return answer;
}

http::Answer WitnessHandler::Handle(const http::Request& request) const {
  if (request.path() != "/add-checkpoint") {
    return Text(404, "not found: this witness serves POST /add-checkpoint");
  }
  if (request.method != "POST") {
    http::Answer answer = Text(405, "add-checkpoint takes POST");
    answer.allow = "POST";
    return answer;
  }
  return witness_.AddCheckpoint(request.body);
}

}  // namespace creg::witness
