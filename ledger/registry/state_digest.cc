#include "ledger/registry/state_digest.h"

#include <string>

#include "ledger/encoding.h"

namespace creg {

void StateDigester::Add(std::string_view column_name, std::string_view key,
                        std::string_view value) {
  // 12 bytes: within std::string's inline buffer, so no allocation.
  std::string lengths;
  AppendBigEndian32(&lengths, static_cast<uint32_t>(column_name.size()));
  AppendBigEndian32(&lengths, static_cast<uint32_t>(key.size()));
  AppendBigEndian32(&lengths, static_cast<uint32_t>(value.size()));
  digest_ = Sha256({digest_.view(), lengths, column_name, key, value});
}

}  // namespace creg
