// The bytes an account signs to sign in on a connection (docs/protocol.md,
// "Signing in"), shared by the node that checks them and the clients that
// sign them. They have one meaning only: the prefix "creg sign-in v1\n"
// begins no other message creg signs (transactions begin
// "creg-transaction/v1\n", checkpoints are signed by the node's own key),
// and every variable-length part carries its length.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace creg {

inline constexpr char kSignInPrefix[] = "creg sign-in v1\n";
inline constexpr size_t kSignInChallengeSize = 32;
// RFC 9266 tls-exporter: this label, no context, 32 bytes.
inline constexpr char kChannelBindingLabel[] = "EXPORTER-Channel-Binding";
inline constexpr size_t kChannelBindingSize = 32;

// "creg sign-in v1\n" || challenge || u32be(len) || account_id
//   || u32be(len) || origin || u32be(len) || channel_binding.
// `channel_binding` is empty on a plain TCP connection.
std::string SignInMessage(std::string_view challenge, std::string_view account_id,
                          std::string_view origin, std::string_view channel_binding);

}  // namespace creg
