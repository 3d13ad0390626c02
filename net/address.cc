#include "net/address.h"

#include <charconv>

namespace creg {

StatusOr<std::pair<std::string, uint16_t>> ParseHostPort(std::string_view text) {
  std::string host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return InvalidArgumentError("address '" + std::string(text) + "' is not [IPv6]:PORT");
    }
    host = std::string(text.substr(1, close - 1));
    port = text.substr(close + 2);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
      return InvalidArgumentError("address '" + std::string(text) + "' is not HOST:PORT");
    }
    host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value > 65535) {
    return InvalidArgumentError("port '" + std::string(port) + "' in '" + std::string(text) +
                                "' is not 0-65535");
  }
  return std::make_pair(host, static_cast<uint16_t>(value));
}

}  // namespace creg
