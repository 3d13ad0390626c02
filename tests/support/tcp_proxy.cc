#include "tests/support/tcp_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

namespace creg::testing {
namespace {

constexpr int kPollMillis = 100;

sockaddr_in LoopbackAddress(const std::string& host_port) {
  const size_t colon = host_port.rfind(':');
  sockaddr_in address{};
  address.sin_family = AF_INET;
  if (colon == std::string::npos ||
      inet_pton(AF_INET, host_port.substr(0, colon).c_str(), &address.sin_addr) != 1 ||
      (ntohl(address.sin_addr.s_addr) >> 24) != 127) {
    throw std::invalid_argument("TcpProxy needs an IPv4 loopback HOST:PORT, not " + host_port);
  }
  address.sin_port = htons(static_cast<uint16_t>(std::stoi(host_port.substr(colon + 1))));
  return address;
}

bool WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

TcpProxy::TcpProxy(std::string upstream, FilterFactory downstream)
    : upstream_(std::move(upstream)), downstream_(std::move(downstream)) {
  LoopbackAddress(upstream_);  // refuses anything but a loopback address now
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in any = LoopbackAddress("127.0.0.1:0");
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&any), sizeof any) != 0 ||
      ::listen(listener_, 64) != 0) {
    throw std::runtime_error("TcpProxy cannot listen on 127.0.0.1");
  }
  socklen_t length = sizeof any;
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&any), &length);
  address_ = "127.0.0.1:" + std::to_string(ntohs(any.sin_port));
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

TcpProxy::~TcpProxy() {
  stopping_ = true;
  mode_changed_.notify_all();
  acceptor_.join();
  CloseAll();
  std::list<Link> links;
  {
    std::lock_guard lock(mu_);
    links.splice(links.begin(), links_);
  }
  for (Link& link : links) {
    link.up.join();
    link.down.join();
    ::close(link.client);
    ::close(link.server);
  }
  ::close(listener_);
}

void TcpProxy::Cut() {
  mode_ = Mode::kCut;
  mode_changed_.notify_all();
  CloseAll();
}

void TcpProxy::Blackhole() {
  mode_ = Mode::kBlackhole;
  mode_changed_.notify_all();
}

void TcpProxy::Heal() {
  mode_ = Mode::kPass;
  mode_changed_.notify_all();
}

void TcpProxy::CloseAll() {
  std::lock_guard lock(mu_);
  for (Link& link : links_) {
    ::shutdown(link.client, SHUT_RDWR);
    ::shutdown(link.server, SHUT_RDWR);
  }
}

bool TcpProxy::Ready(int fd) {
  if (mode_ == Mode::kBlackhole) {
    std::unique_lock lock(mu_);
    mode_changed_.wait_for(lock, std::chrono::milliseconds(kPollMillis),
                           [this] { return mode_ != Mode::kBlackhole || stopping_; });
    return false;
  }
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, kPollMillis) > 0 && mode_ != Mode::kBlackhole;
}

void TcpProxy::AcceptLoop() {
  while (!stopping_) {
    if (!Ready(listener_)) continue;
    int client = ::accept(listener_, nullptr, nullptr);
    if (client < 0) continue;
    if (mode_ == Mode::kCut) {
      ::close(client);
      continue;
    }
    Start(client);
  }
}

void TcpProxy::Start(int client) {
  int server = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in upstream = LoopbackAddress(upstream_);
  if (::connect(server, reinterpret_cast<sockaddr*>(&upstream), sizeof upstream) != 0) {
    ::close(server);
    ::close(client);
    return;
  }
  ++connections_;
  std::shared_ptr<Filter> filter = downstream_ ? downstream_() : nullptr;
  std::lock_guard lock(mu_);
  Link& link = links_.emplace_back();
  link.client = client;
  link.server = server;
  link.up = std::thread([this, client, server] { Copy(client, server, nullptr); });
  link.down = std::thread([this, client, server, filter] { Copy(server, client, filter.get()); });
}

void TcpProxy::Copy(int from, int to, Filter* filter) {
  char buffer[64 * 1024];
  std::string out;
  while (!stopping_) {
    if (!Ready(from)) continue;
    ssize_t n = ::recv(from, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    std::string_view in(buffer, static_cast<size_t>(n));
    if (filter != nullptr) {
      out.clear();
      const bool open = filter->Feed(in, out);
      if (!WriteAll(to, out) || !open) break;
    } else if (!WriteAll(to, in)) {
      break;
    }
  }
  ::shutdown(from, SHUT_RDWR);
  ::shutdown(to, SHUT_RDWR);
}

}  // namespace creg::testing
