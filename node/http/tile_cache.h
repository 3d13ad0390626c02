// TileCache: answer bodies of full tiles and entry bundles, which never
// change once the tree holds them, kept in memory so that a tile asked for
// again is not read from the log's records and assembled again
// (docs/benchmarks.md, "Tiles over HTTP"). Bounded in bytes; the entry
// used least recently goes first.
//
// Thread-safe: one mutex around every call.
#pragma once

#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace creg::http {

class TileCache {
 public:
  // Holds at most `max_bytes` of bodies (keys and bookkeeping aside).
  explicit TileCache(size_t max_bytes) : max_bytes_(max_bytes) {}
  TileCache(const TileCache&) = delete;
  TileCache& operator=(const TileCache&) = delete;

  // A copy of the body stored under `key`, if it is there.
  std::optional<std::string> Get(const std::string& key);
  // Stores `body` under `key` (a key already there keeps its body), making
  // room by dropping the least recently used; a body over max_bytes is not
  // stored.
  void Put(const std::string& key, std::string body);
  size_t bytes() const;

 private:
  using Entry = std::pair<std::string, std::string>;  // key, body

  const size_t max_bytes_;
  mutable std::mutex mu_;
  size_t bytes_ = 0;                                                   // guarded by mu_
  std::list<Entry> recent_;                                            // most recent first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;  // guarded by mu_
};

}  // namespace creg::http
