#include "tests/support/raw_connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "net/address.h"

namespace creg::testing {

RawConnection::RawConnection(const std::string& address, std::chrono::seconds read_timeout,
                             const std::string& source_ip) {
  StatusOr<std::pair<std::string, uint16_t>> host_port = ParseHostPort(address);
  if (!host_port.ok()) return;
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) return;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(host_port->second);
  if (inet_pton(AF_INET, host_port->first.c_str(), &addr.sin_addr) != 1) return;
  if (!source_ip.empty()) {
    sockaddr_in source{};
    source.sin_family = AF_INET;
    if (inet_pton(AF_INET, source_ip.c_str(), &source.sin_addr) != 1 ||
        bind(fd_, reinterpret_cast<sockaddr*>(&source), sizeof source) != 0) {
      return;
    }
  }
  connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  timeval tv{static_cast<time_t>(read_timeout.count()), 0};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) close(fd_);
}

bool RawConnection::Write(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::optional<pb::Response> RawConnection::ReadResponse() {
  for (;;) {
    auto frame = decoder_.Next();
    if (!frame.ok()) return std::nullopt;
    if (frame->has_value()) {
      pb::Response response;
      if (!response.ParseFromString(**frame)) return std::nullopt;
      return response;
    }
    char buffer[4096];
    ssize_t n = read(fd_, buffer, sizeof buffer);
    if (n <= 0) return std::nullopt;
    decoder_.Feed(std::string_view(buffer, static_cast<size_t>(n)));
  }
}

bool RawConnection::ClosedByPeer() {
  char buffer[256];
  for (;;) {
    ssize_t n = read(fd_, buffer, sizeof buffer);
    if (n == 0) return true;
    if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK;
  }
}

bool RawConnection::ClosedByPeerNow() {
  char buffer[256];
  for (;;) {
    ssize_t n = recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n == 0) return true;
    if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK;
  }
}

}  // namespace creg::testing
