// RequestHandler: maps a read request to its response. It never touches a
// socket, so it is tested without a network. Submissions and subscriptions
// are not handled here (the session hands them to the commit pipeline and
// the subscription loop). Every read is first checked against the node's
// read policy for the reader (node/read_policy.h); a subscription is
// checked with Refusal before it starts, and each of its pages is a read.
//
// Thread-safe: Handle may run on many threads at once.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "creg/wire.pb.h"
#include "ledger/registry/registry.h"
#include "node/checkpointer.h"
#include "node/read_policy.h"

namespace creg {

// Limits on what one response may carry, so that every answer fits in a
// frame and the work and memory of one request stay bounded
// (docs/protocol.md, "Paging").
struct ResponseLimits {
  // Entries per GetEntries response. Default: 1,000.
  uint64_t max_entries = 1000;
  // Bytes of entries per response. Default: 3 MiB, under the 4 MiB frame.
  size_t max_entry_bytes = 3 << 20;
  // Items per page of a listing (holdings blocks, batch blocks,
  // retirements, history indexes; entries read for a provenance page).
  // Default: 500, which keeps a first page of the largest listings (a
  // broker's holdings, a busy beneficiary's retirements, each item a
  // random read) under 10 ms at 10,000,000 entries (docs/benchmarks.md,
  // "A registry at scale").
  size_t page_items = 500;
  // Encoded bytes of items per page (of entries read, for provenance).
  // Default: 1 MiB, a quarter of the 4 MiB frame: a page's envelope (a
  // few bytes per item) cannot take it past the frame.
  size_t page_bytes = 1 << 20;
  // Bytes of one certificate's JSON. A certificate carries an entry and a
  // proof for each key rotation of the retiring account, so one account
  // rotated thousands of times could otherwise outgrow the frame. Default:
  // 3 MiB, under the 4 MiB frame; a larger one is RESOURCE_EXHAUSTED.
  size_t max_certificate_bytes = 3 << 20;
};

class RequestHandler {
 public:
  RequestHandler(const Registry& registry, const Checkpointer& checkpointer,
                 ResponseLimits limits = {});

  // The answer to `request` read by `reader`: NOT_AUTHORIZED (Refusal)
  // if the read policy does not let `reader` make it.
  pb::Response Handle(const pb::Request& request, const Reader& reader = Reader::Public()) const;
  // The NOT_AUTHORIZED error for a read `reader` may not make under the
  // read policy (for entry ranges, also looking up whether the entries are
  // in the reader's history); nullopt if allowed or not a read.
  std::optional<pb::Response> Refusal(const pb::Request& request, const Reader& reader) const;

  // Default: kRegistry. Set before serving.
  void SetReadPolicy(ReadPolicy policy) { read_policy_ = policy; }
  ReadPolicy read_policy() const { return read_policy_; }
  const Registry& registry() const { return registry_; }
  const Checkpointer& checkpointer() const { return checkpointer_; }
  const ResponseLimits& limits() const { return limits_; }
  // A copy of this handler (same registry, read policy and write state)
  // that answers within `limits` instead.
  RequestHandler WithLimits(const ResponseLimits& limits) const {
    RequestHandler copy = *this;
    copy.limits_ = limits;
    return copy;
  }

  // Status is answered with what the pipeline reports, then each filler
  // added here sets its fields (witnesses: node/publication.h; role and
  // replication: node/mirroring.h), in the order added.
  void AddStatusFields(std::function<void(pb::StatusResponse&)> fill) {
    status_fillers_.push_back(std::move(fill));
  }
  void SetWriteState(std::function<std::pair<bool, std::string>()> state) {
    write_state_ = std::move(state);
  }

 private:
  // The answer to `request`, or the Status that Handle renders as its Error
  // (net/wire_status.h).
  StatusOr<pb::Response> Answer(const pb::Request& request) const;
  StatusOr<pb::Response> Entries(const pb::GetEntriesRequest& r) const;
  StatusOr<pb::Response> LatestCheckpoint() const;
  StatusOr<pb::Response> Proof(const pb::InclusionProofRequest& r) const;
  StatusOr<pb::Response> Proof(const pb::ConsistencyProofRequest& r) const;
  StatusOr<pb::Response> Account(const pb::AccountRequest& r) const;
  StatusOr<pb::Response> Project(const pb::ProjectRequest& r) const;
  StatusOr<pb::Response> Projects(const pb::ProjectsRequest& r) const;
  StatusOr<pb::Response> ProjectBatches(const pb::ProjectBatchesRequest& r) const;
  StatusOr<pb::Response> Holdings(const pb::HoldingsRequest& r) const;
  StatusOr<pb::Response> Batch(const pb::BatchRequest& r) const;
  StatusOr<pb::Response> Retirement(const pb::RetirementRequest& r) const;
  StatusOr<pb::Response> Retirements(const pb::RetirementsRequest& r) const;
  StatusOr<pb::Response> Certificate(const pb::CertificateRequest& r) const;
  StatusOr<pb::Response> History(const pb::HistoryRequest& r) const;
  StatusOr<pb::Response> Provenance(const pb::ProvenanceRequest& r) const;
  Registry::PageLimits PageLimits() const;
  StatusOr<pb::Response> StatusOf() const;
  uint64_t CheckpointSize() const;

  const Registry& registry_;
  const Checkpointer& checkpointer_;
  ResponseLimits limits_;
  ReadPolicy read_policy_ = ReadPolicy::kRegistry;
  std::function<std::pair<bool, std::string>()> write_state_;
  std::vector<std::function<void(pb::StatusResponse&)>> status_fillers_;
};

}  // namespace creg
