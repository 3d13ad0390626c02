#include "tests/support/frame_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

#include "net/frame.h"

namespace creg::testing {
namespace {

constexpr int kPollMillis = 100;

sockaddr_in LoopbackAddress(const std::string& host_port) {
  const size_t colon = host_port.rfind(':');
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(std::stoi(host_port.substr(colon + 1))));
  if (colon == std::string::npos ||
      inet_pton(AF_INET, host_port.substr(0, colon).c_str(), &address.sin_addr) != 1) {
    throw std::invalid_argument("FrameProxy needs an IPv4 HOST:PORT, not " + host_port);
  }
  return address;
}

// Waits until `fd` is readable; false on timeout (poll again) or error.
bool Readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, kPollMillis) > 0;
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

FrameProxy::FrameProxy(std::string upstream) : upstream_(std::move(upstream)) {
  LoopbackAddress(upstream_);  // refuses anything but an IPv4 address now
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in any = LoopbackAddress("127.0.0.1:0");
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&any), sizeof any) != 0 ||
      ::listen(listener_, 64) != 0) {
    throw std::runtime_error("FrameProxy cannot listen on 127.0.0.1");
  }
  socklen_t length = sizeof any;
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&any), &length);
  address_ = "127.0.0.1:" + std::to_string(ntohs(any.sin_port));
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

FrameProxy::~FrameProxy() {
  stopping_ = true;
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

void FrameProxy::SetEdit(Edit edit) {
  std::lock_guard lock(mu_);
  edit_ = std::move(edit);
}

void FrameProxy::Cut() {
  cut_ = true;
  CloseAll();
}

void FrameProxy::Heal() { cut_ = false; }

void FrameProxy::CloseAll() {
  std::lock_guard lock(mu_);
  for (Link& link : links_) {
    ::shutdown(link.client, SHUT_RDWR);
    ::shutdown(link.server, SHUT_RDWR);
  }
}

void FrameProxy::AcceptLoop() {
  while (!stopping_) {
    if (!Readable(listener_)) continue;
    int client = ::accept(listener_, nullptr, nullptr);
    if (client < 0) continue;
    if (cut_) {
      ::close(client);
      continue;
    }
    Start(client);
  }
}

void FrameProxy::Start(int client) {
  int server = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in upstream = LoopbackAddress(upstream_);
  if (::connect(server, reinterpret_cast<sockaddr*>(&upstream), sizeof upstream) != 0) {
    ::close(server);
    ::close(client);
    return;
  }
  ++connections_;
  std::lock_guard lock(mu_);
  Link& link = links_.emplace_back();
  link.client = client;
  link.server = server;
  link.up = std::thread([this, &link] { CopyRequests(link); });
  link.down = std::thread([this, &link] { EditResponses(link); });
}

void FrameProxy::CopyRequests(Link& link) {
  char buffer[64 * 1024];
  while (!stopping_) {
    if (!Readable(link.client)) continue;
    ssize_t n = ::recv(link.client, buffer, sizeof buffer, 0);
    if (n <= 0 || !WriteAll(link.server, std::string_view(buffer, static_cast<size_t>(n)))) break;
  }
  ::shutdown(link.client, SHUT_RDWR);
  ::shutdown(link.server, SHUT_RDWR);
}

void FrameProxy::EditResponses(Link& link) {
  FrameDecoder decoder(64u << 20);
  char buffer[64 * 1024];
  bool open = true;
  while (open && !stopping_) {
    if (!Readable(link.server)) continue;
    ssize_t n = ::recv(link.server, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    decoder.Feed(std::string_view(buffer, static_cast<size_t>(n)));
    while (open) {
      StatusOr<std::optional<std::string>> frame = decoder.Next();
      if (!frame.ok()) {
        open = false;
        break;
      }
      if (!frame->has_value()) break;
      pb::Response response;
      std::string body = std::move(**frame);
      if (response.ParseFromString(body)) {
        Edit edit;
        {
          std::lock_guard lock(mu_);
          edit = edit_;
        }
        if (edit) {
          edit(response);
          body = response.SerializeAsString();
        }
      }
      open = WriteAll(link.client, EncodeFrame(body));
    }
  }
  ::shutdown(link.client, SHUT_RDWR);
  ::shutdown(link.server, SHUT_RDWR);
}

}  // namespace creg::testing
