#include "net/sign_in_message.h"

#include <cstdint>

namespace creg {
namespace {

void AppendWithLength(std::string& out, std::string_view part) {
  const auto n = static_cast<uint32_t>(part.size());
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((n >> shift) & 0xff));
  out.append(part);
}

}  // namespace

std::string SignInMessage(std::string_view challenge, std::string_view account_id,
                          std::string_view origin, std::string_view channel_binding) {
  std::string out(kSignInPrefix);
  out.append(challenge);
  AppendWithLength(out, account_id);
  AppendWithLength(out, origin);
  AppendWithLength(out, channel_binding);
  return out;
}

}  // namespace creg
