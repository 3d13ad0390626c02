// EtcdClient: the calls creg makes to etcd 3.4 through its v3 JSON gateway
// (plain HTTP, one exchange per call, client/http_client.h): leases, reads,
// and the two transactions of writer election, the campaign and the fenced
// checkpoint swap. Bodies come from node/etcd_request.h, answers are parsed
// by node/etcd_answer.h.
//
// Endpoints. A client holds one or more http://HOST:PORT URLs of the same
// etcd cluster. A call tries them in turn, starting with the one that
// answered last, and moves on only when an endpoint gave no answer (it
// could not be reached, did not answer in time, answered something that is
// not an etcd answer, or answered with a gRPC code mapped to Unavailable,
// such as "no leader"). A definite answer (a lease not found, a refused
// swap) is returned at once. https:// is refused (TLS to etcd is not
// supported yet).
//
// Deadlines. Every call has one deadline, shared by the endpoints it
// tries: `timeout` if the call is given one, else the options' timeout.
// An endpoint that accepts the connection and never answers costs the
// call no more than that.
//
// Errors, besides those named per call:
//   Unavailable  no endpoint answered in time, or each failed (refused
//                the connection, did not resolve, answered "no leader");
//                the message names each endpoint and what went wrong there
//   DataLoss     the last endpoint tried answered something that is not an
//                etcd answer (not JSON, a missing header, an ill-typed
//                field, a body over max_answer_bytes), or the answer
//                contradicts the request (another key, another lease)
// Any other code comes from etcd's own error (ErrorAnswerStatus).
//
// Retries of a transaction. A transaction sent to an endpoint that then
// fails may have been applied before the next endpoint gets it. The two
// transactions tell that case from a refusal by what their failure branch
// reads: a campaign that finds the leader key bound to its own lease has
// won (that lease puts only its owner's key), and a swap that finds its
// own value in place while the leader key still has the term's
// create_revision has swapped. Both are reported as successes.
//
// Thread-safety: every call may run from any thread, concurrently; each
// is one blocking exchange on a connection of its own.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/status.h"
#include "node/etcd_answer.h"
#include "node/etcd_request.h"

namespace creg {

struct EtcdClientOptions {
  // A call's deadline, unless it is given one. Default: 1 s. etcd answers
  // in about a millisecond on a LAN; a call that takes longer than a
  // fraction of a lease's TTL is as bad as none, so callers on the lease's
  // path give shorter ones.
  std::chrono::milliseconds timeout{1000};
  // Largest answer body accepted. Default: 1 MiB, far above any answer of
  // creg's keys (a checkpoint note, a few hundred member keys).
  size_t max_answer_bytes = 1u << 20;
};

// A call's own deadline; nullopt: the options' timeout.
using EtcdTimeout = std::optional<std::chrono::milliseconds>;

struct EtcdLease {
  int64_t id = 0;  // > 0
  // As granted: etcd may grant more than was asked (2 s at least with its
  // default election timeout). Use this one.
  std::chrono::seconds ttl{0};
};

struct EtcdCampaign {
  bool won = false;
  // The leader key's create_revision: the term's revision, strictly
  // increasing across terms. When won, the revision of the campaign.
  int64_t term_revision = 0;
  // The leader key's value and lease: the caller's own when won.
  std::string leader;
  int64_t leader_lease = 0;
};

// The address (HOST:PORT) of an etcd endpoint URL, "http://HOST:PORT" with
// an optional trailing '/'. InvalidArgument naming the URL: another scheme
// (https:// says that TLS to etcd is not supported yet), a path, a query,
// a malformed HOST:PORT.
StatusOr<std::string> ParseEtcdUrl(std::string_view url);

class EtcdClient {
 public:
  // InvalidArgument if `urls` is empty or one does not parse (ParseEtcdUrl).
  static StatusOr<std::unique_ptr<EtcdClient>> Create(std::vector<std::string> urls,
                                                      EtcdClientOptions options = {});
  EtcdClient(const EtcdClient&) = delete;
  EtcdClient& operator=(const EtcdClient&) = delete;

  // A new lease asking for `ttl` (1 s or more, else InvalidArgument).
  StatusOr<EtcdLease> Grant(std::chrono::seconds ttl, EtcdTimeout timeout = {});

  // Renews lease `lease_id`; returns the TTL it was renewed to. NotFound,
  // saying the lease is gone, when etcd no longer has it (it expired or
  // was revoked; etcd answers without a TTL): the keys bound to it are
  // gone too. Unavailable says nothing about the lease.
  StatusOr<std::chrono::seconds> KeepAlive(int64_t lease_id, EtcdTimeout timeout = {});

  // Revokes lease `lease_id`, deleting every key bound to it at once.
  // NotFound if etcd does not have it (already expired or revoked).
  Status Revoke(int64_t lease_id, EtcdTimeout timeout = {});

  // The key `key`, or nullopt if it does not exist.
  StatusOr<std::optional<etcd::KeyValue>> Get(std::string_view key, EtcdTimeout timeout = {});

  // Every key that starts with `prefix` (not empty), in key order; without
  // values when `keys_only`.
  StatusOr<std::vector<etcd::KeyValue>> List(std::string_view prefix, bool keys_only,
                                             EtcdTimeout timeout = {});

  // Campaigns for `leader_key`: creates it with `value`, bound to lease
  // `lease_id`, if it does not exist. Lost, the answer names the leader.
  StatusOr<EtcdCampaign> Campaign(std::string_view leader_key, std::string_view value,
                                  int64_t lease_id, EtcdTimeout timeout = {});

  // The fenced swap (etcd::SwapRequest): puts `request.value` at
  // `request.key` if the leader key still has create_revision
  // `request.term_revision` (this term's leader is still the leader) and
  // `request.key` still has mod_revision `request.mod_revision` (0: absent).
  // Returns the key's new mod_revision (the swap's revision), to pass as
  // `mod_revision` to the next swap. FailedPrecondition when etcd refused
  // it; the message says which compare failed and what etcd holds (the
  // leader key absent or of another term; the key's mod_revision).
  StatusOr<int64_t> Swap(const etcd::SwapRequest& request, EtcdTimeout timeout = {});

  const std::vector<std::string>& urls() const { return urls_; }

 private:
  EtcdClient(std::vector<std::string> urls, std::vector<std::string> addresses,
             EtcdClientOptions options);

  // POSTs `body` to `path` on the endpoints in turn (see the top of this
  // file) and parses the first answer with `parse`.
  template <typename Answer>
  StatusOr<Answer> Call(std::string_view path, const std::string& body, EtcdTimeout timeout,
                        StatusOr<Answer> (*parse)(std::string_view));

  const std::vector<std::string> urls_;
  const std::vector<std::string> addresses_;  // HOST:PORT of each URL
  const EtcdClientOptions options_;
  std::atomic<size_t> preferred_{0};  // the endpoint that answered last
};

}  // namespace creg
