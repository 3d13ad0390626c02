// FrameProxy: a loopback TCP proxy in front of a node (a TcpProxy), for
// tests of what a client does when the node misbehaves or goes away.
// Requests pass through as they are; each response frame is decoded,
// handed to the test's edit function (which may change it: a tampered
// entry, a forged checkpoint) and sent on. Cut() closes every connection
// and refuses new ones until Heal(), as a peer that went away would.
//
// Listens on 127.0.0.1 with an ephemeral port. Thread-safe; every thread it
// starts ends in the destructor.
#pragma once

#include <functional>
#include <mutex>
#include <string>

#include "creg/wire.pb.h"
#include "tests/support/tcp_proxy.h"

namespace creg::testing {

class FrameProxy {
 public:
  using Edit = std::function<void(pb::Response&)>;

  // Proxies to `upstream` (HOST:PORT, an IPv4 loopback address).
  explicit FrameProxy(std::string upstream);

  // Where clients connect: "127.0.0.1:PORT".
  const std::string& address() const { return proxy_.address(); }
  // Applies `edit` to every response from now on (null: none).
  void SetEdit(Edit edit);
  void Cut() { proxy_.Cut(); }
  void Heal() { proxy_.Heal(); }
  // Connections accepted and passed on so far.
  size_t connections() const { return proxy_.connections(); }

 private:
  class EditFilter;
  Edit CurrentEdit();

  std::mutex mu_;
  Edit edit_;       // guarded by mu_
  TcpProxy proxy_;  // last: its threads use the members above
};

}  // namespace creg::testing
