// 127.0.0.1 ports held for the life of the object, with no node on them, so
// that no other test's node is ever there either. Not thread-safe.
//
//   ClosedPort:    bound, not listening: a connection is refused at once
//                  (a member of --node that cannot be reached).
//   ListeningPort: listening, never accepting: a connection completes (the
//                  kernel takes it into the backlog) and nothing answers.
#pragma once

#include <string>

namespace creg::testing {

class LoopbackPort {
 public:
  LoopbackPort(const LoopbackPort&) = delete;
  LoopbackPort& operator=(const LoopbackPort&) = delete;
  ~LoopbackPort();

  // "127.0.0.1:PORT".
  const std::string& address() const { return address_; }

 protected:
  // Binds the port, and listens on it if `listen`; a test failure if it
  // cannot.
  explicit LoopbackPort(bool listen);

 private:
  int fd_ = -1;
  std::string address_;
};

class ClosedPort : public LoopbackPort {
 public:
  ClosedPort() : LoopbackPort(false) {}
};

class ListeningPort : public LoopbackPort {
 public:
  ListeningPort() : LoopbackPort(true) {}
};

}  // namespace creg::testing
