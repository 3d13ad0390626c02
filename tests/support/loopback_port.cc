#include "tests/support/loopback_port.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace creg::testing {

LoopbackPort::LoopbackPort(bool listen) {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      (listen && ::listen(fd_, 16) != 0) ||
      getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ADD_FAILURE() << "cannot bind a port on 127.0.0.1";
    return;
  }
  address_ = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
}

LoopbackPort::~LoopbackPort() {
  if (fd_ >= 0) close(fd_);
}

}  // namespace creg::testing
