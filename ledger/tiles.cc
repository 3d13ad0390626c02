#include "ledger/tiles.h"

#include <limits>
#include <vector>

namespace creg::tiles {
namespace {

constexpr size_t kMaxIndexGroups = 7;  // 2^64 - 1 has 20 digits

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A decimal number of at most `max_digits` digits without leading zeros,
// consuming all of `text`.
StatusOr<uint32_t> ParseSmallNumber(std::string_view text, size_t max_digits,
                                    std::string_view what) {
  if (text.empty()) return InvalidArgumentError(std::string(what) + " is missing");
  if (text.size() > max_digits) {
    return InvalidArgumentError(std::string(what) + " has more than " + std::to_string(max_digits) +
                                " digits");
  }
  if (text.size() > 1 && text[0] == '0') {
    return InvalidArgumentError(std::string(what) + " has a leading zero");
  }
  uint32_t value = 0;
  for (char c : text) {
    if (!IsDigit(c)) return InvalidArgumentError(std::string(what) + " is not a decimal number");
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  return value;
}

// Three decimal digits.
bool ParseGroup(std::string_view text, uint32_t& group) {
  if (text.size() != 3 || !IsDigit(text[0]) || !IsDigit(text[1]) || !IsDigit(text[2])) {
    return false;
  }
  group = static_cast<uint32_t>((text[0] - '0') * 100 + (text[1] - '0') * 10 + (text[2] - '0'));
  return true;
}

}  // namespace

uint64_t HashesAtLevel(uint64_t size, int level) {
  if (level < 0) return 0;
  const int shift = kTileHeight * level;
  return shift >= 64 ? 0 : size >> shift;
}

uint64_t FullTiles(uint64_t size, int level) { return HashesAtLevel(size, level + 1); }

uint32_t PartialWidth(uint64_t size, int level) {
  return static_cast<uint32_t>(HashesAtLevel(size, level) % kTileWidth);
}

uint32_t WidthInTree(uint64_t size, int level, uint64_t index) {
  const uint64_t full = FullTiles(size, level);
  if (index < full) return kTileWidth;
  if (index == full) return PartialWidth(size, level);
  return 0;
}

bool InTree(const TileId& tile, uint64_t size) {
  if (tile.level < 0 || tile.level > kMaxLevel || (tile.entries && tile.level != 0)) return false;
  if (tile.width == 0 || tile.width > kTileWidth) return false;
  const uint32_t have = WidthInTree(size, tile.level, tile.index);
  if (tile.width == kTileWidth) return have == kTileWidth;
  return tile.width <= have;
}

std::string EncodeIndex(uint64_t index) {
  std::vector<uint32_t> groups;
  do {
    groups.push_back(static_cast<uint32_t>(index % 1000));
    index /= 1000;
  } while (index > 0);
  std::string out;
  for (size_t i = groups.size(); i-- > 0;) {
    const uint32_t g = groups[i];
    if (i > 0) out += 'x';
    out += static_cast<char>('0' + g / 100);
    out += static_cast<char>('0' + g / 10 % 10);
    out += static_cast<char>('0' + g % 10);
    if (i > 0) out += '/';
  }
  return out;
}

std::string TilePath(const TileId& tile) {
  std::string out = "tile/";
  out += tile.entries ? std::string("entries") : std::to_string(tile.level);
  out += '/';
  out += EncodeIndex(tile.index);
  if (tile.partial()) out += ".p/" + std::to_string(tile.width);
  return out;
}

StatusOr<TileId> ParseTilePath(std::string_view path) {
  TileId tile;
  constexpr std::string_view kEntries = "entries/";
  if (path.substr(0, kEntries.size()) == kEntries) {
    tile.entries = true;
    path.remove_prefix(kEntries.size());
  } else {
    const size_t slash = path.find('/');
    if (slash == std::string_view::npos) return InvalidArgumentError("tile path has no index");
    CREG_ASSIGN_OR_RETURN(uint32_t level, ParseSmallNumber(path.substr(0, slash), 2, "tile level"));
    if (level > static_cast<uint32_t>(kMaxLevel)) {
      return InvalidArgumentError("tile level " + std::to_string(level) + " is above " +
                                  std::to_string(kMaxLevel));
    }
    tile.level = static_cast<int>(level);
    path.remove_prefix(slash + 1);
  }

  // Index: "xDDD/" groups, then a last "DDD".
  uint64_t index = 0;
  size_t groups = 0;
  for (;;) {
    const bool more = !path.empty() && path[0] == 'x';
    if (more) path.remove_prefix(1);
    uint32_t group = 0;
    if (!ParseGroup(path.substr(0, 3), group)) {
      return InvalidArgumentError("tile index groups must be three decimal digits");
    }
    path.remove_prefix(3);
    if (++groups > kMaxIndexGroups) return InvalidArgumentError("tile index is too large");
    if (groups == 1 && more && group == 0) {
      return InvalidArgumentError("tile index has a leading zero group");
    }
    constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
    if (index > (kMax - group) / 1000) return InvalidArgumentError("tile index is too large");
    index = index * 1000 + group;
    if (!more) break;
    if (path.empty() || path[0] != '/') {
      return InvalidArgumentError("tile index group 'xDDD' must be followed by '/'");
    }
    path.remove_prefix(1);
  }
  tile.index = index;

  if (path.empty()) return tile;
  constexpr std::string_view kPartial = ".p/";
  if (path.substr(0, kPartial.size()) != kPartial) {
    return InvalidArgumentError("unexpected characters after the tile index");
  }
  path.remove_prefix(kPartial.size());
  CREG_ASSIGN_OR_RETURN(uint32_t width, ParseSmallNumber(path, 3, "tile width"));
  if (width < 1 || width >= kTileWidth) {
    return InvalidArgumentError("partial tile width must be 1 to 255, not " +
                                std::to_string(width));
  }
  tile.width = width;
  return tile;
}

}  // namespace creg::tiles
