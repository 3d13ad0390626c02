#include "ledger/registry/state_digest.h"

#include <cstdint>

namespace creg {

void StateDigester::Add(std::string_view column_name, std::string_view key,
                        std::string_view value) {
  // BE32 of each length; called once per state record, so no allocation.
  char lengths[12];
  size_t at = 0;
  for (size_t length : {column_name.size(), key.size(), value.size()}) {
    for (int shift = 24; shift >= 0; shift -= 8)
      lengths[at++] = static_cast<char>((static_cast<uint32_t>(length) >> shift) & 0xff);
  }
  digest_ = Sha256({digest_.view(), std::string_view(lengths, sizeof lengths), column_name, key,
                    value});
}

}  // namespace creg
