// Network addresses as operators write them: "HOST:PORT" or "[v6]:PORT".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "ledger/status.h"

namespace creg {

// Splits an address. InvalidArgument naming the text if it is malformed.
StatusOr<std::pair<std::string, uint16_t>> ParseHostPort(std::string_view text);

}  // namespace creg
