#include "node/http/tile_cache.h"

namespace creg::http {

std::optional<std::string> TileCache::Get(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  recent_.splice(recent_.begin(), recent_, it->second);
  return it->second->second;
}

void TileCache::Put(const std::string& key, std::string body) {
  if (body.size() > max_bytes_) return;
  std::lock_guard lock(mu_);
  if (index_.count(key) != 0) return;
  while (bytes_ + body.size() > max_bytes_ && !recent_.empty()) {
    bytes_ -= recent_.back().second.size();
    index_.erase(recent_.back().first);
    recent_.pop_back();
  }
  bytes_ += body.size();
  recent_.emplace_front(key, std::move(body));
  index_.emplace(key, recent_.begin());
}

size_t TileCache::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

}  // namespace creg::http
