#include "node/request_handler.h"

#include "ledger/certificate.h"

namespace creg {
namespace {

constexpr char kVersion[] = "creg 0.1.0";

pb::Response Invalid(std::string message) {
  return ErrorResponseOf(InvalidArgumentError(std::move(message)));
}
pb::Response NotFound(std::string message) {
  return ErrorResponseOf(NotFoundError(std::move(message)));
}

void AddHashes(const std::vector<Hash>& hashes, pb::ProofResponse* out) {
  for (const Hash& h : hashes) out->add_hashes(h.str());
}

}  // namespace

pb::Response ErrorResponseOf(const Status& status) {
  pb::Response response;
  response.mutable_error()->set_code(std::string(StatusCodeName(status.code())));
  response.mutable_error()->set_message(status.message());
  return response;
}

RequestHandler::RequestHandler(const Registry& registry, const Checkpointer& checkpointer,
                               ResponseLimits limits)
    : registry_(registry), checkpointer_(checkpointer), limits_(limits) {}

uint64_t RequestHandler::CheckpointSize() const {
  auto latest = checkpointer_.latest();
  return latest ? latest->checkpoint.size : 0;
}

pb::Response RequestHandler::Handle(const pb::Request& request) const {
  pb::Response response;
  switch (request.body_case()) {
    case pb::Request::kGetEntries:
      response = Entries(request.get_entries());
      break;
    case pb::Request::kGetCheckpoint: {
      auto latest = checkpointer_.latest();
      if (!latest) {
        response = ErrorResponseOf(UnavailableError("no checkpoint has been signed yet"));
        break;
      }
      response.mutable_checkpoint()->set_note(latest->note);
      response.mutable_checkpoint()->set_tree_size(latest->checkpoint.size);
      break;
    }
    case pb::Request::kInclusionProof:
      response = Proof(request.inclusion_proof());
      break;
    case pb::Request::kConsistencyProof:
      response = Proof(request.consistency_proof());
      break;
    case pb::Request::kAccount: {
      auto account = registry_.Account(request.account().account_id());
      if (!account.ok()) return ErrorResponseOf(account.status());
      if (!account->has_value()) {
        response = NotFound("account '" + request.account().account_id() + "' does not exist");
      } else {
        *response.mutable_account()->mutable_account() = **account;
      }
      break;
    }
    case pb::Request::kProject: {
      auto project = registry_.Project(request.project().project_id());
      if (!project.ok()) return ErrorResponseOf(project.status());
      if (!project->has_value()) {
        response = NotFound("project '" + request.project().project_id() + "' is not registered");
      } else {
        *response.mutable_project()->mutable_project() = **project;
      }
      break;
    }
    case pb::Request::kHoldings:
      response = Holdings(request.holdings());
      break;
    case pb::Request::kBatch:
      response = Batch(request.batch());
      break;
    case pb::Request::kRetirement:
      response = Retirement(request.retirement());
      break;
    case pb::Request::kRetirements:
      response = Retirements(request.retirements());
      break;
    case pb::Request::kCertificate:
      response = Certificate(request.certificate());
      break;
    case pb::Request::kStatus:
      response = StatusOf();
      break;
    case pb::Request::kHistory: {
      uint32_t limit =
          request.history().limit() == 0 ? 100 : std::min(request.history().limit(), 10'000u);
      auto history = registry_.AccountHistory(request.history().account_id(), limit);
      if (!history.ok()) return ErrorResponseOf(history.status());
      response.mutable_history();  // an empty list is still an answer
      for (uint64_t i : *history) response.mutable_history()->add_entry_indexes(i);
      break;
    }
    case pb::Request::kProvenance: {
      auto provenance =
          registry_.Provenance(request.provenance().batch(), request.provenance().serial());
      if (!provenance.ok()) return ErrorResponseOf(provenance.status());
      response.mutable_history();  // an empty list is still an answer
      for (uint64_t i : *provenance) response.mutable_history()->add_entry_indexes(i);
      break;
    }
    case pb::Request::kSubmit:
    case pb::Request::kSubscribe:
      response = Invalid("this request is handled by the session, not the request handler");
      break;
    case pb::Request::BODY_NOT_SET:
      response = Invalid("request has no body");
      break;
  }
  return response;
}

pb::Response RequestHandler::Entries(const pb::GetEntriesRequest& r) const {
  uint64_t size = registry_.log().size();
  if (r.start() >= size) {
    return ErrorResponseOf(OutOfRangeError("entry " + std::to_string(r.start()) +
                                           " is past the end of the log (size " +
                                           std::to_string(size) + ")"));
  }
  uint64_t count =
      std::min<uint64_t>({r.count() == 0 ? 1 : r.count(), limits_.max_entries, size - r.start()});
  auto entries = registry_.log().Entries(r.start(), r.start() + count, limits_.max_entry_bytes);
  if (!entries.ok()) return ErrorResponseOf(entries.status());
  pb::Response response;
  response.mutable_entries()->set_start(r.start());
  for (std::string& e : *entries) response.mutable_entries()->add_entries(std::move(e));
  return response;
}

pb::Response RequestHandler::Proof(const pb::InclusionProofRequest& r) const {
  uint64_t size = r.tree_size() == 0 ? CheckpointSize() : r.tree_size();
  if (r.index() >= size) {
    return ErrorResponseOf(OutOfRangeError("entry " + std::to_string(r.index()) +
                                           " is not in a tree of size " + std::to_string(size)));
  }
  auto proof = registry_.log().InclusionProof(r.index(), size);
  if (!proof.ok()) return ErrorResponseOf(proof.status());
  auto leaf = registry_.log().LeafHashAt(r.index());
  if (!leaf.ok()) return ErrorResponseOf(leaf.status());
  pb::Response response;
  response.mutable_proof()->set_tree_size(size);
  response.mutable_proof()->set_leaf_hash(leaf->str());
  AddHashes(*proof, response.mutable_proof());
  return response;
}

pb::Response RequestHandler::Proof(const pb::ConsistencyProofRequest& r) const {
  uint64_t size2 = r.size2() == 0 ? CheckpointSize() : r.size2();
  if (r.size1() > size2) {
    return Invalid("size1 (" + std::to_string(r.size1()) + ") is larger than size2 (" +
                   std::to_string(size2) + ")");
  }
  auto proof = registry_.log().ConsistencyProof(r.size1(), size2);
  if (!proof.ok()) return ErrorResponseOf(proof.status());
  pb::Response response;
  response.mutable_proof()->set_tree_size(size2);
  AddHashes(*proof, response.mutable_proof());
  return response;
}

pb::Response RequestHandler::Holdings(const pb::HoldingsRequest& r) const {
  auto account = registry_.Account(r.account_id());
  if (!account.ok()) return ErrorResponseOf(account.status());
  if (!account->has_value()) return NotFound("account '" + r.account_id() + "' does not exist");
  auto holdings = registry_.Holdings(r.account_id());
  if (!holdings.ok()) return ErrorResponseOf(holdings.status());
  pb::Response response;
  response.mutable_holdings();  // an empty list is still an answer
  for (const Registry::BatchHolding& h : *holdings) {
    auto* out = response.mutable_holdings()->add_batches();
    *out->mutable_batch() = h.batch;
    auto project = registry_.Project(h.batch.project_id());
    if (!project.ok()) return ErrorResponseOf(project.status());
    if (project->has_value()) *out->mutable_project() = **project;
    for (const pb::SerialBlock& b : h.blocks) {
      *out->add_blocks() = b;
      out->add_serials(SerialString(h.batch, out->project(), b.first(), b.last()));
    }
    out->set_quantity(h.quantity);
  }
  return response;
}

pb::Response RequestHandler::Batch(const pb::BatchRequest& r) const {
  auto batch = registry_.Batch(r.batch());
  if (!batch.ok()) return ErrorResponseOf(batch.status());
  if (!batch->has_value())
    return NotFound("batch " + std::to_string(r.batch()) + " does not exist");
  auto blocks = registry_.BatchBlocks(r.batch());
  if (!blocks.ok()) return ErrorResponseOf(blocks.status());
  auto project = registry_.Project((*batch)->project_id());
  if (!project.ok()) return ErrorResponseOf(project.status());
  pb::Response response;
  *response.mutable_batch()->mutable_batch() = **batch;
  if (project->has_value()) *response.mutable_batch()->mutable_project() = **project;
  for (pb::BlockRecord& b : *blocks) *response.mutable_batch()->add_blocks() = std::move(b);
  return response;
}

pb::Response RequestHandler::Retirement(const pb::RetirementRequest& r) const {
  auto retirement = registry_.Retirement(r.retirement_id());
  if (!retirement.ok()) return ErrorResponseOf(retirement.status());
  if (!retirement->has_value())
    return NotFound("retirement '" + r.retirement_id() + "' does not exist");
  pb::Response response;
  *response.mutable_retirement()->mutable_retirement() = **retirement;
  for (const pb::SerialBlock& b : (*retirement)->blocks()) {
    auto batch = registry_.Batch(b.batch());
    if (!batch.ok() || !batch->has_value()) continue;
    auto project = registry_.Project((*batch)->project_id());
    if (!project.ok() || !project->has_value()) continue;
    response.mutable_retirement()->add_serials(
        SerialString(**batch, **project, b.first(), b.last()));
  }
  return response;
}

pb::Response RequestHandler::Retirements(const pb::RetirementsRequest& r) const {
  StatusOr<std::vector<pb::RetirementRecord>> list =
      r.by_case() == pb::RetirementsRequest::kBeneficiary
          ? registry_.RetirementsOfBeneficiary(r.beneficiary())
          : registry_.RetirementsOfAccount(r.account_id());
  if (r.by_case() == pb::RetirementsRequest::BY_NOT_SET)
    return Invalid("name a beneficiary or an account");
  if (!list.ok()) return ErrorResponseOf(list.status());
  pb::Response response;
  response.mutable_retirements();  // an empty list is still an answer
  for (pb::RetirementRecord& rec : *list)
    *response.mutable_retirements()->add_retirements() = std::move(rec);
  return response;
}

pb::Response RequestHandler::Certificate(const pb::CertificateRequest& r) const {
  auto latest = checkpointer_.latest();
  if (!latest) return ErrorResponseOf(UnavailableError("no checkpoint has been signed yet"));
  auto json = BuildRetirementCertificate(registry_, r.retirement_id(), latest->note,
                                         latest->checkpoint.size);
  if (!json.ok()) return ErrorResponseOf(json.status());
  pb::Response response;
  response.mutable_certificate()->set_json(std::move(*json));
  return response;
}

pb::Response RequestHandler::StatusOf() const {
  pb::Response response;
  pb::StatusResponse* status = response.mutable_status();
  status->set_origin(registry_.origin());
  status->set_tree_size(registry_.log().size());
  status->set_verifier_key(checkpointer_.VerifierKey());
  status->set_version(kVersion);
  status->set_checkpoint_size(CheckpointSize());
  auto [accepting, fault] = write_state_ ? write_state_() : std::make_pair(true, std::string());
  status->set_accepting_writes(accepting);
  status->set_fault(fault);
  return response;
}

}  // namespace creg
