#include "node/etcd_client.h"

#include <utility>

#include "client/http_client.h"
#include "net/address.h"

namespace creg {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// The endpoint errors after which a call tries the next endpoint: nothing
// definite was answered.
bool TryNextEndpoint(const Status& status) {
  return status.code() == StatusCode::kUnavailable || status.code() == StatusCode::kDataLoss;
}

// The one key of a Get-like range of `key`: absent, or one kv of that key.
StatusOr<std::optional<etcd::KeyValue>> OneKey(std::vector<etcd::KeyValue> kvs,
                                               std::string_view key, std::string_view what) {
  if (kvs.empty()) return std::optional<etcd::KeyValue>();
  if (kvs.size() > 1 || kvs[0].key != key) {
    const std::string first = BodyExcerpt(kvs[0].key);
    return DataLossError("etcd answered a read of " + std::string(what) + " with " +
                         (kvs.size() == 1
                              ? "key " + first
                              : std::to_string(kvs.size()) + " keys, the first " + first));
  }
  return std::optional<etcd::KeyValue>(std::move(kvs[0]));
}

// The range answer at `index` of a failed transaction's responses.
StatusOr<std::optional<etcd::KeyValue>> FailureRead(const etcd::TxnAnswer& answer, size_t index,
                                                    std::string_view key, std::string_view what) {
  if (index >= answer.responses.size() ||
      answer.responses[index].kind != etcd::TxnResponse::Kind::kRange) {
    return DataLossError("etcd answered a failed transaction without the read of " +
                         std::string(what));
  }
  return OneKey(answer.responses[index].range.kvs, key, what);
}

}  // namespace

StatusOr<std::string> ParseEtcdUrl(std::string_view url) {
  const std::string quoted = "etcd URL '" + std::string(url) + "'";
  constexpr std::string_view kScheme = "http://";
  if (url.starts_with("https://")) {
    return InvalidArgumentError(quoted + ": TLS to etcd is not supported yet; give http://");
  }
  if (!url.starts_with(kScheme)) {
    return InvalidArgumentError(quoted + " does not start with http://");
  }
  std::string_view address = url.substr(kScheme.size());
  if (address.ends_with('/')) address.remove_suffix(1);
  if (address.find_first_of("/?#") != std::string_view::npos) {
    return InvalidArgumentError(quoted + " has a path, query or fragment; give http://HOST:PORT");
  }
  Status valid = ParseHostPort(address).status();
  if (!valid.ok()) return InvalidArgumentError(quoted + ": " + valid.message());
  return std::string(address);
}

StatusOr<std::unique_ptr<EtcdClient>> EtcdClient::Create(std::vector<std::string> urls,
                                                         EtcdClientOptions options) {
  if (urls.empty()) return InvalidArgumentError("no etcd URL given");
  std::vector<std::string> addresses;
  for (const std::string& url : urls) {
    CREG_ASSIGN_OR_RETURN(std::string address, ParseEtcdUrl(url));
    addresses.push_back(std::move(address));
  }
  return std::unique_ptr<EtcdClient>(
      new EtcdClient(std::move(urls), std::move(addresses), options));
}

EtcdClient::EtcdClient(std::vector<std::string> urls, std::vector<std::string> addresses,
                       EtcdClientOptions options)
    : urls_(std::move(urls)), addresses_(std::move(addresses)), options_(options) {}

template <typename Answer>
StatusOr<Answer> EtcdClient::Call(std::string_view path, const std::string& body,
                                  EtcdTimeout timeout,
                                  StatusOr<Answer> (*parse)(std::string_view)) {
  const milliseconds limit = timeout.value_or(options_.timeout);
  const Clock::time_point deadline = Clock::now() + limit;
  const size_t first = preferred_.load();
  std::string failures;
  Status last;
  for (size_t n = 0; n < addresses_.size(); ++n) {
    const size_t i = (first + n) % addresses_.size();
    const std::string where = "POST " + urls_[i] + std::string(path);
    const auto left = std::chrono::ceil<milliseconds>(deadline - Clock::now());
    if (left <= milliseconds(0)) {
      failures += "; " + urls_[i] + ": not tried, the call's deadline (" +
                  std::to_string(limit.count()) + " ms) had passed";
      continue;
    }
    HttpExchangeOptions http;
    http.timeout = left;
    http.max_body_bytes = options_.max_answer_bytes;
    http.content_type = "application/json";
    StatusOr<HttpExchangeAnswer> exchange = HttpPost(addresses_[i], std::string(path), body, http);
    if (!exchange.ok()) {  // its message names the request
      failures += "; " + exchange.status().message();
      last = exchange.status();
      continue;
    }
    Status status = exchange->status == 200
                        ? OkStatus()
                        : etcd::ErrorAnswerStatus(exchange->status, exchange->body);
    if (status.ok()) {
      StatusOr<Answer> answer = parse(exchange->body);
      if (answer.ok()) {
        preferred_.store(i);
        return answer;
      }
      status = answer.status();
    }
    if (!TryNextEndpoint(status)) return status.WithContext(where);
    failures += "; " + where + ": " + status.message();
    last = status;
  }
  // Every endpoint failed (or the deadline passed before any was tried).
  const StatusCode code =
      last.code() == StatusCode::kDataLoss ? StatusCode::kDataLoss : StatusCode::kUnavailable;
  return Status(code, "no etcd endpoint answered " + std::string(path) + ": " + failures.substr(2));
}

StatusOr<EtcdLease> EtcdClient::Grant(std::chrono::seconds ttl, EtcdTimeout timeout) {
  if (ttl.count() < 1) {
    return InvalidArgumentError("a lease's TTL is 1 s or more, not " + std::to_string(ttl.count()));
  }
  CREG_ASSIGN_OR_RETURN(
      etcd::LeaseAnswer answer,
      Call(etcd::kGrantPath, etcd::GrantBody(ttl.count()), timeout, &etcd::ParseGrantAnswer));
  if (answer.id <= 0 || answer.ttl <= 0) {
    return DataLossError("etcd granted a lease without an ID or a TTL (ID " +
                         std::to_string(answer.id) + ", TTL " + std::to_string(answer.ttl) + ")");
  }
  return EtcdLease{answer.id, std::chrono::seconds(answer.ttl)};
}

StatusOr<std::chrono::seconds> EtcdClient::KeepAlive(int64_t lease_id, EtcdTimeout timeout) {
  CREG_ASSIGN_OR_RETURN(
      etcd::LeaseAnswer answer,
      Call(etcd::kKeepAlivePath, etcd::LeaseBody(lease_id), timeout, &etcd::ParseKeepAliveAnswer));
  if (answer.id != lease_id) {
    return DataLossError("etcd answered a keepalive of lease " + std::to_string(lease_id) +
                         " for lease " + std::to_string(answer.id));
  }
  if (answer.ttl <= 0) {
    return NotFoundError("etcd lease " + std::to_string(lease_id) +
                         " is gone (expired or revoked): its keepalive was answered without a TTL");
  }
  return std::chrono::seconds(answer.ttl);
}

Status EtcdClient::Revoke(int64_t lease_id, EtcdTimeout timeout) {
  return Call(etcd::kRevokePath, etcd::LeaseBody(lease_id), timeout, &etcd::ParseRevokeAnswer)
      .status();
}

StatusOr<std::optional<etcd::KeyValue>> EtcdClient::Get(std::string_view key, EtcdTimeout timeout) {
  CREG_ASSIGN_OR_RETURN(etcd::RangeAnswer answer, Call(etcd::kRangePath, etcd::GetBody(key),
                                                       timeout, &etcd::ParseRangeAnswer));
  return OneKey(std::move(answer.kvs), key, "key " + BodyExcerpt(key));
}

StatusOr<std::vector<etcd::KeyValue>> EtcdClient::List(std::string_view prefix, bool keys_only,
                                                       EtcdTimeout timeout) {
  if (prefix.empty()) return InvalidArgumentError("an etcd key prefix is not empty");
  CREG_ASSIGN_OR_RETURN(etcd::RangeAnswer answer,
                        Call(etcd::kRangePath, etcd::PrefixBody(prefix, keys_only), timeout,
                             &etcd::ParseRangeAnswer));
  for (const etcd::KeyValue& kv : answer.kvs) {
    if (!kv.key.starts_with(prefix)) {
      return DataLossError("etcd answered a read of the keys under " + BodyExcerpt(prefix) +
                           " with key " + BodyExcerpt(kv.key));
    }
  }
  return std::move(answer.kvs);
}

StatusOr<EtcdCampaign> EtcdClient::Campaign(std::string_view leader_key, std::string_view value,
                                            int64_t lease_id, EtcdTimeout timeout) {
  CREG_ASSIGN_OR_RETURN(etcd::TxnAnswer answer,
                        Call(etcd::kTxnPath, etcd::CampaignBody(leader_key, value, lease_id),
                             timeout, &etcd::ParseTxnAnswer));
  if (answer.succeeded) {
    return EtcdCampaign{true, answer.revision, std::string(value), lease_id};
  }
  CREG_ASSIGN_OR_RETURN(std::optional<etcd::KeyValue> leader,
                        FailureRead(answer, 0, leader_key, "the leader key"));
  if (!leader.has_value() || leader->create_revision <= 0) {
    return DataLossError(
        "etcd refused a campaign (the leader key exists) but read no leader key in the same "
        "transaction");
  }
  // Bound to our own lease: an earlier attempt of this campaign won (see
  // the header).
  const bool ours = leader->lease == lease_id;
  return EtcdCampaign{ours, leader->create_revision, std::move(leader->value), leader->lease};
}

StatusOr<int64_t> EtcdClient::Swap(const etcd::SwapRequest& request, EtcdTimeout timeout) {
  CREG_ASSIGN_OR_RETURN(etcd::TxnAnswer answer, Call(etcd::kTxnPath, etcd::SwapBody(request),
                                                     timeout, &etcd::ParseTxnAnswer));
  if (answer.succeeded) return answer.revision;
  CREG_ASSIGN_OR_RETURN(std::optional<etcd::KeyValue> leader,
                        FailureRead(answer, 0, request.leader_key, "the leader key"));
  CREG_ASSIGN_OR_RETURN(std::optional<etcd::KeyValue> swapped,
                        FailureRead(answer, 1, request.key, "the swapped key"));
  const bool same_term = leader.has_value() && leader->create_revision == request.term_revision;
  // An earlier attempt of this swap was applied (see the header).
  if (same_term && swapped.has_value() && swapped->value == request.value) {
    return swapped->mod_revision;
  }
  const int64_t mod_revision = swapped.has_value() ? swapped->mod_revision : 0;
  std::string why;
  if (!leader.has_value()) {
    why = "the leader key is gone (its lease expired or was revoked)";
  } else if (!same_term) {
    why = "the leader key's create_revision is " + std::to_string(leader->create_revision) +
          ", not " + std::to_string(request.term_revision) + " (another term)";
  }
  if (mod_revision != request.mod_revision) {
    if (!why.empty()) why += ", and ";
    if (!swapped.has_value()) {
      why += "the key is absent, not at mod_revision " + std::to_string(request.mod_revision);
    } else if (request.mod_revision == 0) {
      why += "the key exists (mod_revision " + std::to_string(mod_revision) + "), not absent";
    } else {
      why += "the key's mod_revision is " + std::to_string(mod_revision) + ", not " +
             std::to_string(request.mod_revision);
    }
  }
  if (why.empty()) {
    return DataLossError("etcd refused a swap whose compares both hold in its own answer");
  }
  return FailedPreconditionError("etcd refused the swap of " + BodyExcerpt(request.key) + ": " +
                                 why);
}

}  // namespace creg
