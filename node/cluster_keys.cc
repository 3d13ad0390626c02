#include "node/cluster_keys.h"

#include <utility>

namespace creg {
namespace {

constexpr size_t kMaxClusterName = 63;

bool ValidClusterName(std::string_view name) {
  if (name.empty() || name.size() > kMaxClusterName || name.front() == '-' || name.back() == '-') {
    return false;
  }
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

}  // namespace

StatusOr<ClusterKeys> ClusterKeys::For(std::string_view cluster) {
  if (!ValidClusterName(cluster)) {
    return InvalidArgumentError("cluster name \"" + std::string(cluster) +
                                "\" must be 1 to 63 of a-z, 0-9 and '-', not starting or ending "
                                "with '-'");
  }
  ClusterKeys keys;
  keys.cluster = std::string(cluster);
  const std::string root = "/creg/" + keys.cluster + "/";
  keys.leader = root + "leader";
  keys.checkpoint = root + "checkpoint";
  keys.members = root + "members/";
  return keys;
}

StatusOr<ClusterCheckpoint> ReadClusterCheckpoint(EtcdClient& client, const ClusterKeys& keys,
                                                  EtcdTimeout timeout) {
  CREG_ASSIGN_OR_RETURN(std::optional<etcd::KeyValue> kv, client.Get(keys.checkpoint, timeout));
  ClusterCheckpoint checkpoint;
  if (kv) {
    checkpoint.note = std::move(kv->value);
    checkpoint.mod_revision = kv->mod_revision;
  }
  return checkpoint;
}

TermSwaps::TermSwaps(EtcdClient& client, ClusterKeys keys, int64_t term_revision,
                     int64_t mod_revision)
    : client_(client),
      keys_(std::move(keys)),
      term_revision_(term_revision),
      mod_revision_(mod_revision) {}

Status TermSwaps::Swap(std::string_view note, EtcdTimeout timeout) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!ended_.ok()) return ended_;
  etcd::SwapRequest request;
  request.leader_key = keys_.leader;
  request.term_revision = term_revision_;
  request.key = keys_.checkpoint;
  request.mod_revision = mod_revision_;
  request.value = note;
  StatusOr<int64_t> swapped = client_.Swap(request, timeout);
  if (!swapped.ok()) {
    ended_ = FailedPreconditionError(
        "the term of revision " + std::to_string(term_revision_) + " of cluster " + keys_.cluster +
        " ended: a checkpoint swap failed: " + swapped.status().message());
    return swapped.status();
  }
  mod_revision_ = *swapped;
  return OkStatus();
}

int64_t TermSwaps::mod_revision() const {
  std::lock_guard<std::mutex> lock(mu_);
  return mod_revision_;
}

}  // namespace creg
