// Fuzzes ParseControlRequest (node/control_socket.h), the parser of the
// lines a node's control socket reads.
//
// Checks, besides "never crashes": a request is accepted exactly when it
// is "backup " followed by an absolute path with no NUL or line break, and
// then names that path unchanged; a refusal always says why.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "node/control_socket.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  creg::StatusOr<creg::ControlRequest> request = creg::ParseControlRequest(line);
  constexpr std::string_view kBackup = "backup ";
  std::string_view path = line.starts_with(kBackup) ? line.substr(kBackup.size()) : "";
  const bool valid = line.starts_with(kBackup) && !path.empty() && path.front() == '/' &&
                     path.find_first_of(std::string_view("\0\r\n", 3)) == std::string_view::npos;
  if (request.ok() != valid) std::abort();
  if (request.ok() && request->backup_destination != path) std::abort();
  if (!request.ok() && request.status().message().empty()) std::abort();
  return 0;
}
