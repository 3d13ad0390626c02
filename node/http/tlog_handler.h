// TlogHandler: maps an HTTP request (method and target) to the answer of
// the node's public, read-only C2SP tlog-tiles surface (docs/http.md). It
// never touches a socket, so it is tested without a network.
//
//   /checkpoint                 the latest signed checkpoint (signed note)
//   /tile/<L>/<N>[.p/<W>]       hash tiles (ledger/tiles.h)
//   /tile/entries/<N>[.p/<W>]   entry bundles: each stored entry as a
//                               big-endian uint16 length and its bytes
//
// Checkpoints and hash tiles are public whatever the read policy; entry
// bundles only under read policy public-log (node/read_policy.h decides, for
// the public reader), 403 otherwise. An entry longer than a bundle's
// 65,535-byte length field is refused with 500 naming it.
//
// Thread-safe: Handle may run on many threads at once.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "ledger/merkle_log.h"
#include "ledger/tiles.h"
#include "node/http/handler.h"
#include "node/http/tile_cache.h"
#include "node/read_policy.h"

namespace creg::http {

// The largest entry an entry bundle can carry (its uint16 length prefix).
inline constexpr size_t kMaxBundledEntryBytes = 65'535;

// Default: 64 MiB, 8,192 full hash tiles (the level-0 tiles of 2 million
// entries), so that the tiles monitors fetch again are answered from memory
// on a node of any size.
inline constexpr size_t kDefaultTileCacheBytes = 64u << 20;

class TlogHandler : public Handler {
 public:
  // The latest published checkpoint note; empty (answered 503) while a node
  // with witnesses has published none yet.
  using CheckpointSource = std::function<std::string()>;

  // `log` must outlive the handler. Full tiles and bundles are kept in a
  // TileCache of `cache_bytes` (0: none).
  TlogHandler(const MerkleLog& log, CheckpointSource checkpoint, ReadPolicy policy,
              size_t cache_bytes = kDefaultTileCacheBytes);

  // The answer to `request` (a query string is ignored). Methods other than
  // GET and HEAD are 405 with Allow: GET, HEAD; unknown paths 404; malformed
  // tile paths 400; tiles and bundles the tree does not hold (yet) 404.
  Answer Handle(const Request& request) const override;

 private:
  Answer Tile(std::string_view after_tile) const;
  // The body of `tile`, which the tree holds, read from the log.
  Answer Read(const tiles::TileId& tile) const;

  const MerkleLog& log_;
  CheckpointSource checkpoint_;
  ReadPolicy policy_;
  std::unique_ptr<TileCache> cache_;  // thread-safe itself
};

}  // namespace creg::http
