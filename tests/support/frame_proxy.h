// FrameProxy: a loopback TCP proxy in front of a node, for tests of what a
// client does when the node misbehaves or goes away. Requests pass through
// as they are; each response frame is decoded, handed to the test's edit
// function (which may change it: a tampered entry, a forged checkpoint)
// and sent on. Cut() closes every connection and refuses new ones until
// Heal(), as a network partition would.
//
// Listens on 127.0.0.1 with an ephemeral port. Thread-safe; every thread it
// starts ends in the destructor.
#pragma once

#include <atomic>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <thread>

#include "creg/wire.pb.h"

namespace creg::testing {

class FrameProxy {
 public:
  using Edit = std::function<void(pb::Response&)>;

  // Proxies to `upstream` (HOST:PORT, an IPv4 loopback address).
  explicit FrameProxy(std::string upstream);
  ~FrameProxy();
  FrameProxy(const FrameProxy&) = delete;
  FrameProxy& operator=(const FrameProxy&) = delete;

  // Where clients connect: "127.0.0.1:PORT".
  const std::string& address() const { return address_; }
  // Applies `edit` to every response from now on (null: none).
  void SetEdit(Edit edit);
  void Cut();
  void Heal();
  // Connections accepted and passed on so far.
  size_t connections() const { return connections_.load(); }

 private:
  struct Link {
    int client = -1;
    int server = -1;
    std::thread up;
    std::thread down;
  };
  void AcceptLoop();
  void Start(int client);
  void CopyRequests(Link& link);
  void EditResponses(Link& link);
  void CloseAll();

  std::string upstream_;
  std::string address_;
  int listener_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> cut_{false};
  std::atomic<size_t> connections_{0};
  std::thread acceptor_;
  mutable std::mutex mu_;
  Edit edit_;              // guarded by mu_
  std::list<Link> links_;  // guarded by mu_
};

}  // namespace creg::testing
