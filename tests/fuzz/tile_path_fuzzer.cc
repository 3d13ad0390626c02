// Fuzzes the tlog-tiles path parser (ledger/tiles.h) and the HTTP answer
// built on it (node/http/tlog_handler.h), with the fixed registry's log.
//
// Checks, besides "never crashes":
//  - ParseTilePath accepts only the canonical spelling: what it parses
//    prints back to the same bytes, with a level of 0..63, a width of
//    1..256 and entry bundles at level 0;
//  - the handler answers 200 only for /checkpoint or a tile or bundle that
//    parses and lies in the tree, with a tile body of exactly width hashes;
//    400 only for a /tile/ path that does not parse;
//  - any index read from the input encodes and parses back to itself, and
//    a level's full tiles and partial width add up to its hash count.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "ledger/tiles.h"
#include "node/http/tlog_handler.h"
#include "tests/fuzz/fuzz_registry.h"

namespace {

struct Fixture {
  std::unique_ptr<creg::fuzz::FuzzRegistry> registry = creg::fuzz::FuzzRegistry::Create();
  creg::http::TlogHandler handler{registry->registry().log(),
                                  [this] { return registry->CheckpointNote(); },
                                  creg::ReadPolicy::kPublicLog};
};
Fixture* fixture = nullptr;

[[noreturn]] void Fail(const std::string& what, std::string_view input) {
  std::fprintf(stderr, "tile_path_fuzzer: %s\ninput (%zu bytes): %.*s\n", what.c_str(),
               input.size(), static_cast<int>(std::min<size_t>(input.size(), 2000)), input.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fixture = new Fixture();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace tiles = creg::tiles;
  std::string_view input(reinterpret_cast<const char*>(data), size);

  creg::StatusOr<tiles::TileId> tile = tiles::ParseTilePath(input);
  if (tile.ok()) {
    if (tiles::TilePath(*tile) != "tile/" + std::string(input)) Fail("not canonical", input);
    if (tile->level < 0 || tile->level > tiles::kMaxLevel) Fail("level out of range", input);
    if (tile->width < 1 || tile->width > tiles::kTileWidth) Fail("width out of range", input);
    if (tile->entries && tile->level != 0) Fail("entry bundle above level 0", input);
  }

  const uint64_t tree = fixture->registry->registry().log().size();
  creg::http::Answer answer = fixture->handler.Handle({"GET", input});
  const std::string_view path = input.substr(0, input.find('?'));
  const bool tile_path = path.starts_with("/tile/");
  creg::StatusOr<tiles::TileId> target =
      tile_path ? tiles::ParseTilePath(path.substr(6))
                : creg::StatusOr<tiles::TileId>(creg::NotFoundError("not a tile"));
  if (answer.status == 200) {
    if (path != "/checkpoint" && !(target.ok() && tiles::InTree(*target, tree))) {
      Fail("200 for something the tree does not hold", input);
    }
    if (target.ok() && !target->entries &&
        answer.body.size() != size_t{target->width} * creg::Hash::kSize) {
      Fail("tile body of the wrong size", input);
    }
  }
  if (answer.status == 400 && (!tile_path || target.ok())) Fail("400 for a good path", input);

  if (size >= 9) {
    uint64_t index = 0;
    std::memcpy(&index, data, sizeof index);
    const std::string encoded = "0/" + tiles::EncodeIndex(index);
    creg::StatusOr<tiles::TileId> back = tiles::ParseTilePath(encoded);
    if (!back.ok() || back->index != index) Fail("index does not round-trip", encoded);
    const int level = data[8] % (tiles::kMaxLevel + 1);
    if (tiles::FullTiles(index, level) * tiles::kTileWidth + tiles::PartialWidth(index, level) !=
        tiles::HashesAtLevel(index, level)) {
      Fail("full tiles and partial width do not add up", input);
    }
  }
  return 0;
}
