#include "node/http/tlog_handler.h"

#include "ledger/tiles.h"

namespace creg::http {
namespace {

constexpr char kOctets[] = "application/octet-stream";
// Tiles and bundles never change once the tree holds them (a partial tile
// of width W holds the same hashes whatever the tree grows to).
constexpr char kImmutable[] = "public, max-age=604800, immutable";

Answer Octets(std::string body) {
  Answer a;
  a.content_type = kOctets;
  a.cache_control = kImmutable;
  a.body = std::move(body);
  return a;
}

Answer ServerError(const Status& status) {
  return TextAnswer(500, "cannot read the log: " + status.message());
}

}  // namespace

TlogHandler::TlogHandler(const MerkleLog& log, CheckpointSource checkpoint, ReadPolicy policy,
                         size_t cache_bytes)
    : log_(log),
      checkpoint_(std::move(checkpoint)),
      policy_(policy),
      cache_(std::make_unique<TileCache>(cache_bytes)) {}

Answer TlogHandler::Handle(const Request& request) const {
  if (auto refused = RefuseMethod(request.method)) return *std::move(refused);
  const std::string_view path = request.path();
  if (path == "/checkpoint") {
    Answer a;
    a.body = checkpoint_();
    if (a.body.empty())
      return TextAnswer(503, "no checkpoint published yet (waiting for witnesses)");
    return a;
  }
  constexpr std::string_view kTile = "/tile/";
  if (path.substr(0, kTile.size()) == kTile) return Tile(path.substr(kTile.size()));
  return TextAnswer(404,
                    "not found; this node serves /checkpoint, /tile/<L>/<N>[.p/<W>] and "
                    "/tile/entries/<N>[.p/<W>] (C2SP tlog-tiles)");
}

Answer TlogHandler::Tile(std::string_view after_tile) const {
  StatusOr<tiles::TileId> tile = tiles::ParseTilePath(after_tile);
  if (!tile.ok()) return TextAnswer(400, "malformed tile path: " + tile.status().message());
  if (tile->entries) {
    Status allowed =
        DecideRead(policy_, Reader::Public(), ReadRequest{ReadKind::kEntries, {}, false});
    if (!allowed.ok()) {
      return TextAnswer(403,
                        "entry bundles are not public on this node: its read policy '" +
                            std::string(ReadPolicyName(policy_)) +
                            "' keeps log entries private; checkpoints and hash tiles are public");
    }
  }
  const uint64_t size = log_.size();
  if (!tiles::InTree(*tile, size)) {
    return TextAnswer(
        404, tiles::TilePath(*tile) + " is not in the tree (size " + std::to_string(size) + ")");
  }
  // A full tile never changes; a partial one is answered afresh (it is
  // asked for only until the tile fills).
  if (tile->partial()) return Read(*tile);
  const std::string key = tiles::TilePath(*tile);
  if (std::optional<std::string> cached = cache_->Get(key)) return Octets(*std::move(cached));
  Answer answer = Read(*tile);
  if (answer.status == 200) cache_->Put(key, answer.body);
  return answer;
}

Answer TlogHandler::Read(const tiles::TileId& tile) const {
  const uint64_t begin = tile.first_node();
  const uint64_t end = begin + tile.width;
  std::string body;
  if (!tile.entries) {
    StatusOr<std::vector<Hash>> hashes = log_.SubtreeHashes(tile.tree_level(), begin, end);
    if (!hashes.ok()) return ServerError(hashes.status());
    body.reserve(hashes->size() * Hash::kSize);
    for (const Hash& h : *hashes) body.append(h.view());
    return Octets(std::move(body));
  }
  // Entries are read in one pass; the byte cap only guards against a bundle
  // of oversized entries, which is refused below anyway.
  constexpr size_t kReadCap = tiles::kTileWidth * (kMaxBundledEntryBytes + 1);
  StatusOr<std::vector<std::string>> entries = log_.Entries(begin, end, kReadCap);
  if (!entries.ok()) return ServerError(entries.status());
  for (size_t i = 0; i < entries->size(); ++i) {
    const std::string& entry = (*entries)[i];
    if (entry.size() > kMaxBundledEntryBytes) {
      return TextAnswer(500, "entry " + std::to_string(begin + i) + " is " +
                                 std::to_string(entry.size()) + " bytes, more than the " +
                                 std::to_string(kMaxBundledEntryBytes) +
                                 " an entry bundle can carry; read it with the node's protocol");
    }
    body.push_back(static_cast<char>(entry.size() >> 8));
    body.push_back(static_cast<char>(entry.size() & 0xff));
    body.append(entry);
  }
  if (entries->size() != tile.width) {
    return TextAnswer(500, "entries " + std::to_string(begin + entries->size()) + " to " +
                               std::to_string(end - 1) + " are too large for one entry bundle");
  }
  return Octets(std::move(body));
}

}  // namespace creg::http
