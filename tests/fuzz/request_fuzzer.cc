// Fuzzes RequestHandler::Handle (node/request_handler.h) with whatever
// parses as a pb::Request, against the fixed registry of fuzz_registry.h,
// exactly as a session hands it a decoded frame.
//
// Checks, besides "never crashes, never throws":
//  - every response is an error or the body that answers its request (an
//    empty list too), fits in one frame, and reads change nothing;
//  - entry pages respect the limits and hold the stored entries;
//  - every proof the handler returns verifies against the log's roots;
//  - every checkpoint and certificate it returns verifies with the
//    registry's checkpoint key.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "creg/wire.pb.h"
#include "ledger/merkle.h"
#include "ledger/registry/certificate.h"
#include "net/frame.h"
#include "node/request_handler.h"
#include "tests/fuzz/fuzz_registry.h"

namespace {

using creg::fuzz::FuzzRegistry;

// Small limits, so that paging is reached with the registry's few entries.
constexpr creg::ResponseLimits kLimits{.max_entries = 4, .max_entry_bytes = 1500};

struct Fixture {
  std::unique_ptr<FuzzRegistry> registry = FuzzRegistry::Create();
  // Everything readable, so every read path is reached.
  creg::RequestHandler handler = Handler(creg::ReadPolicy::kPublicLog);
  // The default policy, asked by the public: refuses exactly what
  // DecideRead refuses.
  creg::RequestHandler guarded = Handler(creg::ReadPolicy::kRegistry);

  creg::RequestHandler Handler(creg::ReadPolicy policy) {
    creg::RequestHandler h{registry->registry(), registry->checkpointer(), kLimits};
    h.SetReadPolicy(policy);
    return h;
  }
  creg::NoteVerifier verifier = creg::fuzz::CheckpointVerifier();
  uint64_t size = registry->registry().log().size();
};
Fixture* fixture = nullptr;

void Fail(const char* what, const creg::pb::Response& response) {
  std::fprintf(stderr, "request_fuzzer: %s\nresponse: %s\n", what,
               response.ShortDebugString().c_str());
  std::abort();
}

void CheckOk(const creg::Status& status, const char* what, const creg::pb::Response& response) {
  if (status.ok()) return;
  std::fprintf(stderr, "request_fuzzer: %s: %s\n", what, status.ToString().c_str());
  Fail("check failed", response);
}

creg::Hash Root(uint64_t size, const creg::pb::Response& response) {
  creg::StatusOr<creg::Hash> root = fixture->registry->registry().log().RootAt(size);
  CheckOk(root.status(), "RootAt", response);
  return *root;
}

void CheckEntries(const creg::pb::Response& response) {
  const auto& entries = response.entries().entries();
  if (entries.empty()) Fail("an entry page with no entries", response);
  if (static_cast<uint64_t>(entries.size()) > kLimits.max_entries)
    Fail("more entries than max_entries", response);
  size_t bytes = 0;
  for (int i = 0; i < entries.size(); ++i) {
    creg::StatusOr<std::string> stored =
        fixture->registry->registry().log().Entry(response.entries().start() + i);
    CheckOk(stored.status(), "Entry", response);
    if (*stored != entries[i]) Fail("an entry differs from the stored one", response);
    bytes += entries[i].size();
  }
  if (entries.size() > 1 && bytes > kLimits.max_entry_bytes)
    Fail("more entry bytes than max_entry_bytes", response);
}

void CheckProof(const creg::pb::Request& request, const creg::pb::Response& response) {
  const creg::pb::ProofResponse& proof = response.proof();
  std::vector<std::string> hashes(proof.hashes().begin(), proof.hashes().end());
  if (request.has_inclusion_proof()) {
    uint64_t index = request.inclusion_proof().index();
    creg::StatusOr<std::string> entry = fixture->registry->registry().log().Entry(index);
    CheckOk(entry.status(), "Entry", response);
    if (proof.leaf_hash() != creg::merkle::LeafHash(*entry).str())
      Fail("wrong leaf hash", response);
    CheckOk(creg::merkle::VerifyInclusion(index, proof.tree_size(), proof.leaf_hash(), hashes,
                                          Root(proof.tree_size(), response).str()),
            "inclusion proof", response);
  } else {
    uint64_t size1 = request.consistency_proof().size1();
    CheckOk(creg::merkle::VerifyConsistency(size1, proof.tree_size(), hashes,
                                            Root(size1, response).str(),
                                            Root(proof.tree_size(), response).str()),
            "consistency proof", response);
  }
}

// The body that answers each request (docs/protocol.md): an empty list is
// still that body, written with length 0, never a response without one.
creg::pb::Response::BodyCase AnswerTo(creg::pb::Request::BodyCase request) {
  using Q = creg::pb::Request;
  using A = creg::pb::Response;
  switch (request) {
    case Q::kGetEntries:
      return A::kEntries;
    case Q::kGetCheckpoint:
      return A::kCheckpoint;
    case Q::kInclusionProof:
    case Q::kConsistencyProof:
      return A::kProof;
    case Q::kAccount:
      return A::kAccount;
    case Q::kProject:
      return A::kProject;
    case Q::kProjects:
      return A::kProjects;
    case Q::kProjectBatches:
      return A::kProjectBatches;
    case Q::kHoldings:
      return A::kHoldings;
    case Q::kBatch:
      return A::kBatch;
    case Q::kRetirement:
      return A::kRetirement;
    case Q::kRetirements:
      return A::kRetirements;
    case Q::kCertificate:
      return A::kCertificate;
    case Q::kStatus:
      return A::kStatus;
    case Q::kHistory:
    case Q::kProvenance:
      return A::kHistory;
    default:
      return A::kError;
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fixture = new Fixture();
  std::atexit([] { delete fixture; });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  creg::pb::Request request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;
  // The session answers these itself (commit pipeline, subscription loop).
  if (request.has_submit() || request.has_subscribe()) return 0;

  creg::pb::Response response = fixture->handler.Handle(request);

  if (std::optional<creg::ReadRequest> read = creg::ReadRequestOf(request)) {
    creg::pb::Response guarded = fixture->guarded.Handle(request);
    bool refused = guarded.has_error() && guarded.error().code() == "NOT_AUTHORIZED";
    if (refused ==
        creg::DecideRead(creg::ReadPolicy::kRegistry, creg::Reader::Public(), *read).ok()) {
      Fail("the registry policy and the handler disagree for the public", guarded);
    }
    if (!refused && guarded.SerializeAsString() != response.SerializeAsString())
      Fail("an allowed read answered differently under two policies", guarded);
  }

  if (response.body_case() == creg::pb::Response::BODY_NOT_SET)
    Fail("a response with no body", response);
  if (!response.has_error() && response.body_case() != AnswerTo(request.body_case())) {
    Fail("a response that answers another request", response);
  }
  if (response.ByteSizeLong() > creg::kDefaultMaxFrameBytes)
    Fail("a response larger than a frame", response);
  if (fixture->registry->registry().log().size() != fixture->size)
    Fail("a read changed the log", response);
  if (response.has_error()) {
    if (response.error().code().empty() || response.error().message().empty())
      Fail("an empty error", response);
    return 0;
  }
  switch (response.body_case()) {
    case creg::pb::Response::kEntries:
      CheckEntries(response);
      break;
    case creg::pb::Response::kProof:
      CheckProof(request, response);
      break;
    case creg::pb::Response::kCheckpoint:
      CheckOk(creg::VerifyCheckpoint(response.checkpoint().note(), fixture->verifier,
                                     creg::fuzz::kOrigin)
                  .status(),
              "checkpoint", response);
      break;
    case creg::pb::Response::kCertificate:
      CheckOk(creg::VerifyRetirementCertificate(response.certificate().json(), fixture->verifier)
                  .status(),
              "certificate", response);
      break;
    default:
      break;
  }
  return 0;
}
