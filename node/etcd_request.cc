#include "node/etcd_request.h"

#include <cassert>
#include <utility>
#include <vector>

#include "ledger/encoding.h"
#include "ledger/json.h"

namespace creg::etcd {
namespace {

// int64s go as decimal strings (see the header).
json::Value Int64(int64_t value) { return json::Value(std::to_string(value)); }

json::Value Bytes(std::string_view bytes) { return json::Value(Base64Encode(bytes)); }

json::Value Object(json::Object members) { return json::Value(std::move(members)); }

// A compare, and the one place where its target's name and the field that
// holds its operand are written: they cannot disagree.
enum class Target { kCreate, kMod };

json::Value Compare(std::string_view key, Target target, int64_t revision) {
  struct Names {
    const char* target;
    const char* field;
  };
  static constexpr Names kCreate{"CREATE", "create_revision"};
  static constexpr Names kMod{"MOD", "mod_revision"};
  const Names& names = target == Target::kCreate ? kCreate : kMod;
  return Object({{"key", Bytes(key)},
                 {"target", names.target},
                 {"result", "EQUAL"},
                 {names.field, Int64(revision)}});
}

// A put, bound to `lease_id` unless it is 0.
json::Value Put(std::string_view key, std::string_view value, int64_t lease_id = 0) {
  json::Object put = {{"key", Bytes(key)}, {"value", Bytes(value)}};
  if (lease_id != 0) put.emplace_back("lease", Int64(lease_id));
  return Object({{"request_put", Object(std::move(put))}});
}

json::Value Range(std::string_view key) {
  return Object({{"request_range", Object({{"key", Bytes(key)}})}});
}

std::string Txn(std::vector<json::Value> compares, std::vector<json::Value> success,
                std::vector<json::Value> failure) {
  return json::Serialize(Object({{"compare", json::Array(std::move(compares))},
                                 {"success", json::Array(std::move(success))},
                                 {"failure", json::Array(std::move(failure))}}));
}

}  // namespace

std::string GrantBody(int64_t ttl_seconds) {
  return json::Serialize(Object({{"TTL", Int64(ttl_seconds)}}));
}

std::string LeaseBody(int64_t lease_id) {
  return json::Serialize(Object({{"ID", Int64(lease_id)}}));
}

std::string GetBody(std::string_view key) { return json::Serialize(Object({{"key", Bytes(key)}})); }

std::string PrefixBody(std::string_view prefix, bool keys_only) {
  assert(!prefix.empty());
  json::Object range = {{"key", Bytes(prefix)}, {"range_end", Bytes(PrefixEnd(prefix))}};
  if (keys_only) range.emplace_back("keys_only", true);
  return json::Serialize(Object(std::move(range)));
}

std::string PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xff) end.pop_back();
  if (end.empty()) return std::string(1, '\0');
  end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return end;
}

std::string CampaignBody(std::string_view key, std::string_view value, int64_t lease_id) {
  return Txn({Compare(key, Target::kCreate, 0)}, {Put(key, value, lease_id)}, {Range(key)});
}

std::string SwapBody(const SwapRequest& request) {
  return Txn({Compare(request.leader_key, Target::kCreate, request.term_revision),
              Compare(request.key, Target::kMod, request.mod_revision)},
             {Put(request.key, request.value)}, {Range(request.leader_key), Range(request.key)});
}

}  // namespace creg::etcd
