// ControlSocket: a running node's local administration endpoint, a
// Unix-domain socket in the data folder (DataDir::control_socket_path(),
// mode 0600): whoever may read the folder's keys may use it, and no one
// else. It never listens on the network.
//
// One request per connection, one line of at most kMaxControlLine bytes,
// answered with one line:
//   "backup DEST\n"  ->  "ok ENTRIES BYTES\n" | "error MESSAGE\n"
// (DEST an absolute path; see ledger/registry/backup.h). A client that
// sends nothing for kControlReadTimeout is dropped. Requests are served one
// at a time on the socket's own thread, so a backup never holds up the
// node's sessions or its commits.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "ledger/data_dir.h"
#include "ledger/status.h"
#include "ledger/store.h"

namespace creg {

inline constexpr size_t kMaxControlLine = 4096;
inline constexpr std::chrono::seconds kControlReadTimeout{5};

class ControlSocket {
 public:
  // Binds the socket (replacing a stale file a killed node left) and starts
  // serving. `data` and `store` must outlive the ControlSocket.
  // InvalidArgument if the path is too long for a Unix socket (about 107
  // bytes); Unavailable if it cannot be bound.
  static StatusOr<std::unique_ptr<ControlSocket>> Start(const DataDir& data, const Store& store);
  // Stops accepting, waits for the request being served, removes the file.
  ~ControlSocket();
  ControlSocket(const ControlSocket&) = delete;
  ControlSocket& operator=(const ControlSocket&) = delete;

 private:
  struct State;
  explicit ControlSocket(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// A request read from the control socket.
struct ControlRequest {
  std::string backup_destination;  // absolute, no NUL, no line break
};

// Parses one request line (without its newline). InvalidArgument saying
// what is wrong: an unknown request, a destination that is empty, relative
// or holds a NUL or a line break.
StatusOr<ControlRequest> ParseControlRequest(std::string_view line);

// Sends `request` (one line, without the newline) to the node serving
// `data` and returns its answer line. NotFound if no node listens there
// (no socket file, or nobody accepting); Unavailable if the node does not
// answer within `timeout`.
StatusOr<std::string> SendControlRequest(const DataDir& data, std::string_view request,
                                         std::chrono::milliseconds timeout);

}  // namespace creg
