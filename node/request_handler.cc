#include "node/request_handler.h"

#include "creg/version.h"
#include "ledger/registry/certificate.h"
#include "net/wire_status.h"

namespace creg {
namespace {

constexpr char kVersion[] = "creg " CREG_VERSION;  // project(VERSION)

void AddHashes(const std::vector<Hash>& hashes, pb::ProofResponse* out) {
  for (const Hash& h : hashes) out->add_hashes(h.str());
}

}  // namespace

RequestHandler::RequestHandler(const Registry& registry, const Checkpointer& checkpointer,
                               ResponseLimits limits)
    : registry_(registry), checkpointer_(checkpointer), limits_(limits) {}

uint64_t RequestHandler::CheckpointSize() const {
  auto latest = checkpointer_.latest();
  return latest ? latest->checkpoint.size : 0;
}

std::optional<pb::Response> RequestHandler::Refusal(const pb::Request& request,
                                                    const Reader& reader) const {
  std::optional<ReadRequest> read = ReadRequestOf(request);
  if (!read) return std::nullopt;
  if (read->kind == ReadKind::kEntries && read_policy_ != ReadPolicy::kPublicLog &&
      reader.signed_in() && !reader.privileged()) {
    // A holder reads the entries its history lists: every entry this
    // request could return must be one of them.
    const pb::GetEntriesRequest& r = request.get_entries();
    const uint64_t size = registry_.log().size();
    if (r.start() >= size) {
      read->entries_in_history = true;  // answered OUT_OF_RANGE; the size is public
    } else {
      uint64_t count = std::min<uint64_t>(
          {r.count() == 0 ? 1 : r.count(), limits_.max_entries, size - r.start()});
      auto covered = registry_.AccountHistoryCovers(reader.account_id, r.start(), count);
      if (!covered.ok()) return ErrorResponse(covered.status());
      read->entries_in_history = *covered;
    }
  }
  Status allowed = DecideRead(read_policy_, reader, *read);
  if (allowed.ok()) return std::nullopt;
  return ErrorResponse(allowed);
}

pb::Response RequestHandler::Handle(const pb::Request& request, const Reader& reader) const {
  if (std::optional<pb::Response> refused = Refusal(request, reader)) return std::move(*refused);
  StatusOr<pb::Response> answer = Answer(request);
  if (!answer.ok()) return ErrorResponse(answer.status());
  return std::move(answer).value();
}

StatusOr<pb::Response> RequestHandler::Answer(const pb::Request& request) const {
  switch (request.body_case()) {
    case pb::Request::kGetEntries:
      return Entries(request.get_entries());
    case pb::Request::kGetCheckpoint:
      return LatestCheckpoint();
    case pb::Request::kInclusionProof:
      return Proof(request.inclusion_proof());
    case pb::Request::kConsistencyProof:
      return Proof(request.consistency_proof());
    case pb::Request::kAccount:
      return Account(request.account());
    case pb::Request::kProject:
      return Project(request.project());
    case pb::Request::kProjects:
      return Projects(request.projects());
    case pb::Request::kProjectBatches:
      return ProjectBatches(request.project_batches());
    case pb::Request::kHoldings:
      return Holdings(request.holdings());
    case pb::Request::kBatch:
      return Batch(request.batch());
    case pb::Request::kRetirement:
      return Retirement(request.retirement());
    case pb::Request::kRetirements:
      return Retirements(request.retirements());
    case pb::Request::kCertificate:
      return Certificate(request.certificate());
    case pb::Request::kStatus:
      return StatusOf();
    case pb::Request::kHistory:
      return History(request.history());
    case pb::Request::kProvenance:
      return Provenance(request.provenance());
    case pb::Request::kSubmit:
    case pb::Request::kSubscribe:
    case pb::Request::kMirrorSynced:
    case pb::Request::kSignInChallenge:
    case pb::Request::kSignIn:
      return InvalidArgumentError(
          "this request is handled by the session, not the request handler");
    case pb::Request::BODY_NOT_SET:
      break;
  }
  return InvalidArgumentError("request has no body");
}

StatusOr<pb::Response> RequestHandler::LatestCheckpoint() const {
  auto latest = checkpointer_.latest();
  if (!latest) return UnavailableError("no checkpoint published yet (waiting for witnesses)");
  pb::Response response;
  response.mutable_checkpoint()->set_note(latest->note);
  response.mutable_checkpoint()->set_tree_size(latest->checkpoint.size);
  return response;
}

StatusOr<pb::Response> RequestHandler::Account(const pb::AccountRequest& r) const {
  CREG_ASSIGN_OR_RETURN(auto account, registry_.Account(r.account_id()));
  if (!account) return NotFoundError("account '" + r.account_id() + "' does not exist");
  pb::Response response;
  *response.mutable_account()->mutable_account() = std::move(*account);
  return response;
}

StatusOr<pb::Response> RequestHandler::Project(const pb::ProjectRequest& r) const {
  CREG_ASSIGN_OR_RETURN(auto project, registry_.Project(r.project_id()));
  if (!project) return NotFoundError("project '" + r.project_id() + "' is not registered");
  pb::Response response;
  *response.mutable_project()->mutable_project() = std::move(*project);
  return response;
}

StatusOr<pb::Response> RequestHandler::Projects(const pb::ProjectsRequest& r) const {
  CREG_ASSIGN_OR_RETURN(auto page, registry_.ProjectsPage(r.cursor(), PageLimits()));
  pb::Response response;
  pb::ProjectsResponse* out = response.mutable_projects();  // an empty list is still an answer
  for (pb::ProjectRecord& p : page.items) *out->add_projects() = std::move(p);
  out->set_next_cursor(std::move(page.next_cursor));
  return response;
}

StatusOr<pb::Response> RequestHandler::ProjectBatches(const pb::ProjectBatchesRequest& r) const {
  CREG_ASSIGN_OR_RETURN(auto project, registry_.Project(r.project_id()));
  if (!project) return NotFoundError("project '" + r.project_id() + "' is not registered");
  CREG_ASSIGN_OR_RETURN(auto page,
                        registry_.ProjectBatchesPage(r.project_id(), r.cursor(), PageLimits()));
  pb::Response response;
  pb::ProjectBatchesResponse* out = response.mutable_project_batches();
  for (pb::BatchRecord& b : page.items) *out->add_batches() = std::move(b);
  out->set_next_cursor(std::move(page.next_cursor));
  return response;
}

StatusOr<pb::Response> RequestHandler::Entries(const pb::GetEntriesRequest& r) const {
  uint64_t size = registry_.log().size();
  if (r.start() >= size) {
    return OutOfRangeError("entry " + std::to_string(r.start()) +
                           " is past the end of the log (size " + std::to_string(size) + ")");
  }
  uint64_t count =
      std::min<uint64_t>({r.count() == 0 ? 1 : r.count(), limits_.max_entries, size - r.start()});
  auto entries = registry_.log().Entries(r.start(), r.start() + count, limits_.max_entry_bytes);
  if (!entries.ok()) return entries.status();
  pb::Response response;
  response.mutable_entries()->set_start(r.start());
  for (std::string& e : *entries) response.mutable_entries()->add_entries(std::move(e));
  return response;
}

StatusOr<pb::Response> RequestHandler::Proof(const pb::InclusionProofRequest& r) const {
  uint64_t size = r.tree_size() == 0 ? CheckpointSize() : r.tree_size();
  if (r.index() >= size) {
    return OutOfRangeError("entry " + std::to_string(r.index()) + " is not in a tree of size " +
                           std::to_string(size));
  }
  auto proof = registry_.log().InclusionProof(r.index(), size);
  if (!proof.ok()) return proof.status();
  auto leaf = registry_.log().LeafHashAt(r.index());
  if (!leaf.ok()) return leaf.status();
  pb::Response response;
  response.mutable_proof()->set_tree_size(size);
  response.mutable_proof()->set_leaf_hash(leaf->str());
  AddHashes(*proof, response.mutable_proof());
  return response;
}

StatusOr<pb::Response> RequestHandler::Proof(const pb::ConsistencyProofRequest& r) const {
  uint64_t size2 = r.size2() == 0 ? CheckpointSize() : r.size2();
  if (r.size1() > size2) {
    return InvalidArgumentError("size1 (" + std::to_string(r.size1()) + ") is larger than size2 (" +
                                std::to_string(size2) + ")");
  }
  auto proof = registry_.log().ConsistencyProof(r.size1(), size2);
  if (!proof.ok()) return proof.status();
  pb::Response response;
  response.mutable_proof()->set_tree_size(size2);
  AddHashes(*proof, response.mutable_proof());
  return response;
}

Registry::PageLimits RequestHandler::PageLimits() const {
  Registry::PageLimits limits;
  limits.max_items = limits_.page_items;
  limits.max_bytes = limits_.page_bytes;
  return limits;
}

StatusOr<pb::Response> RequestHandler::Holdings(const pb::HoldingsRequest& r) const {
  auto account = registry_.Account(r.account_id());
  if (!account.ok()) return account.status();
  if (!account->has_value())
    return NotFoundError("account '" + r.account_id() + "' does not exist");
  auto page = registry_.HoldingsPage(r.account_id(), r.cursor(), PageLimits());
  if (!page.ok()) return page.status();
  pb::Response response;
  pb::HoldingsResponse* out = response.mutable_holdings();  // an empty list is still an answer
  for (Registry::BatchHolding& h : page->items) {
    auto* batch = out->add_batches();
    *batch->mutable_batch() = std::move(h.batch);
    *batch->mutable_project() = std::move(h.project);
    for (pb::SerialBlock& b : h.blocks) *batch->add_blocks() = std::move(b);
    for (std::string& s : h.serials) batch->add_serials(std::move(s));
    for (pb::BlockAttributes& a : h.attributes) *batch->add_attributes() = std::move(a);
    batch->set_quantity(h.quantity);
  }
  out->set_next_cursor(std::move(page->next_cursor));
  return response;
}

StatusOr<pb::Response> RequestHandler::Batch(const pb::BatchRequest& r) const {
  auto batch = registry_.Batch(r.batch());
  if (!batch.ok()) return batch.status();
  if (!batch->has_value())
    return NotFoundError("batch " + std::to_string(r.batch()) + " does not exist");
  auto project = registry_.Project((*batch)->project_id());
  if (!project.ok()) return project.status();
  pb::Response response;
  *response.mutable_batch()->mutable_batch() = **batch;
  if (project->has_value()) *response.mutable_batch()->mutable_project() = **project;
  if (r.without_blocks()) return response;
  const std::string cursor =
      r.cursor().empty() ? Registry::BatchBlocksCursorAt(r.from_serial()) : r.cursor();
  auto page = registry_.BatchBlocksPage(r.batch(), cursor, PageLimits());
  if (!page.ok()) return page.status();
  for (pb::BlockRecord& b : page->items) *response.mutable_batch()->add_blocks() = std::move(b);
  response.mutable_batch()->set_next_cursor(std::move(page->next_cursor));
  return response;
}

namespace {

// A page of entry indexes (history and provenance) as a HistoryResponse.
StatusOr<pb::Response> HistoryResponseOf(StatusOr<Registry::Page<uint64_t>> page) {
  if (!page.ok()) return page.status();
  pb::Response response;
  response.mutable_history();  // an empty list is still an answer
  for (uint64_t i : page->items) response.mutable_history()->add_entry_indexes(i);
  response.mutable_history()->set_next_cursor(std::move(page->next_cursor));
  return response;
}

}  // namespace

StatusOr<pb::Response> RequestHandler::History(const pb::HistoryRequest& r) const {
  Registry::PageLimits limits = PageLimits();
  limits.max_items = std::min<size_t>(r.limit() == 0 ? 100 : r.limit(), limits.max_items);
  return HistoryResponseOf(registry_.AccountHistoryPage(r.account_id(), r.cursor(), limits));
}

StatusOr<pb::Response> RequestHandler::Provenance(const pb::ProvenanceRequest& r) const {
  return HistoryResponseOf(
      registry_.ProvenancePage(r.batch(), r.serial(), r.cursor(), PageLimits()));
}

StatusOr<pb::Response> RequestHandler::Retirement(const pb::RetirementRequest& r) const {
  auto retirement = registry_.Retirement(r.retirement_id());
  if (!retirement.ok()) return retirement.status();
  if (!retirement->has_value())
    return NotFoundError("retirement '" + r.retirement_id() + "' does not exist");
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

StatusOr<pb::Response> RequestHandler::Retirements(const pb::RetirementsRequest& r) const {
  if (r.by_case() == pb::RetirementsRequest::BY_NOT_SET)
    return InvalidArgumentError("name a beneficiary or an account");
  auto page = r.by_case() == pb::RetirementsRequest::kBeneficiary
                  ? registry_.RetirementsOfBeneficiaryPage(r.beneficiary(), r.cursor(),
                                                           PageLimits(), r.newest_first())
                  : registry_.RetirementsOfAccountPage(r.account_id(), r.cursor(), PageLimits(),
                                                       r.newest_first());
  if (!page.ok()) return page.status();
  pb::Response response;
  pb::RetirementsResponse* out = response.mutable_retirements();  // empty is still an answer
  for (pb::RetirementRecord& rec : page->items) *out->add_retirements() = std::move(rec);
  out->set_next_cursor(std::move(page->next_cursor));
  return response;
}

StatusOr<pb::Response> RequestHandler::Certificate(const pb::CertificateRequest& r) const {
  auto latest = checkpointer_.latest();
  if (!latest) return UnavailableError("no checkpoint published yet (waiting for witnesses)");
  auto json = BuildRetirementCertificate(registry_, r.retirement_id(), latest->note,
                                         latest->checkpoint.size);
  if (!json.ok()) return json.status();
  if (json->size() > limits_.max_certificate_bytes) {
    return ResourceExhaustedError(
        "the certificate of retirement " + r.retirement_id() + " is " +
        std::to_string(json->size()) + " bytes, over the " +
        std::to_string(limits_.max_certificate_bytes) +
        " bytes one response may carry (its account's key history is long); verify the "
        "retirement from the log instead (creg-audit verify-log)");
  }
  pb::Response response;
  response.mutable_certificate()->set_json(std::move(*json));
  return response;
}

StatusOr<pb::Response> RequestHandler::StatusOf() const {
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
  for (const auto& fill : status_fillers_) fill(*status);
  return response;
}

}  // namespace creg
